import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { checkCidr, checkDisjointCidrs, checkInteger, invalid, parseCidr } from '../core/validate';
import { checkLocation, checkResourceName, checkServiceAccountId } from './checks';
import { Network } from './network';
import { ProjectConstruct, ProjectProps } from './project-construct';

/** A GKE release channel: how fast the control plane and nodes are upgraded. */
export class ReleaseChannel {
  /** New versions a few weeks after RAPID: development and staging. */
  public static readonly REGULAR = new ReleaseChannel('REGULAR');
  /** The most tested versions: production. */
  public static readonly STABLE = new ReleaseChannel('STABLE');
  /** The newest versions: trying features early. */
  public static readonly RAPID = new ReleaseChannel('RAPID');
  private constructor(public readonly channel: string) {}
}

/** A network allowed to reach the cluster's control plane endpoint. */
export interface AuthorizedNetwork {
  /** An IPv4 range, such as your VPN egress range. */
  readonly cidr: string;
  /** Shown in the console, such as "office-vpn". */
  readonly displayName: string;
}

export interface NodePoolSettings {
  /** @default "e2-standard-4" */
  readonly machineType?: string;
  /** Nodes per zone at least. @default 1 */
  readonly minNodes?: number;
  /** Nodes per zone at most. @default 3 */
  readonly maxNodes?: number;
  /** @default 100 */
  readonly diskSizeGb?: number;
}

export interface GkeClusterProps extends ProjectProps {
  /** The cluster name; the node pool and node service account are named after it. */
  readonly name: string;
  /** A region (regional control plane and nodes in three zones) or a zone. */
  readonly location: string;
  /** The VPC and subnet with the pods and services secondary ranges. */
  readonly network: Network;
  /** The /28 range of the control plane's private endpoint; must not overlap the subnet. */
  readonly masterCidr: string;
  /** Who may reach the control plane endpoint; 0.0.0.0/0 is refused. At least one. */
  readonly masterAuthorizedNetworks: AuthorizedNetwork[];
  /** @default ReleaseChannel.REGULAR */
  readonly releaseChannel?: ReleaseChannel;
  /** @default - e2-standard-4, 1 to 3 nodes per zone, 100 GB disks */
  readonly nodePool?: NodePoolSettings;
  /**
   * Account id of the dedicated node service account.
   * @default - "<name>-nodes"
   */
  readonly nodeServiceAccountId?: string;
  /**
   * Refuse `terraform destroy` of the cluster (and everything running on it).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The roles of the node service account: what the kubelet, logging and monitoring agents need
 * (`roles/container.defaultNodeServiceAccount`) and image pulls from Artifact Registry.
 * Workloads never use this identity: the GKE metadata server gives them their own.
 */
export const NODE_SERVICE_ACCOUNT_ROLES: readonly string[] = [
  'roles/container.defaultNodeServiceAccount',
  'roles/artifactregistry.reader',
];

/**
 * A private GKE Standard cluster: private nodes, control plane reachable only from the authorized
 * networks, Workload Identity, shielded nodes, a release channel, Dataplane V2 (which enforces
 * NetworkPolicies), deletion protection, and one autoscaling node pool that runs as a dedicated
 * least-privilege service account with the GKE metadata server. The default node pool is removed.
 */
export class GkeCluster extends ProjectConstruct {
  public readonly cluster: ContainerCluster;
  public readonly nodePool: ContainerNodePool;
  public readonly nodeServiceAccount: ServiceAccount;
  public readonly name: string;
  public readonly location: string;
  /** `<project>.svc.id.goog`: the identity namespace of Kubernetes service accounts. */
  public readonly workloadPool: string;

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id, props);
    this.name = checkResourceName(this, 'name', props.name, 40);
    this.location = checkLocation(this, 'location', props.location);
    checkCidr(this, 'masterCidr', props.masterCidr, { minPrefix: 28, maxPrefix: 28 });
    checkDisjointCidrs(this, { ...props.network.ranges, masterCidr: props.masterCidr });
    const networks = checkAuthorizedNetworks(this, props.masterAuthorizedNetworks ?? []);
    const pool = resolveNodePool(this, props.nodePool ?? {});
    const saId = checkServiceAccountId(this, 'nodeServiceAccountId', props.nodeServiceAccountId ?? `${this.name}-nodes`);
    this.workloadPool = `${this.projectId}.svc.id.goog`;

    this.nodeServiceAccount = this.renderNodeServiceAccount(props, saId);
    this.cluster = this.renderCluster(props, networks);
    this.nodePool = this.renderNodePool(pool);
  }

  /** The nodes' own identity: logging, monitoring and image pulls only. */
  private renderNodeServiceAccount(props: GkeClusterProps, accountId: string): ServiceAccount {
    const sa = new ServiceAccount(this, 'node-service-account', {
      project: this.projectId,
      accountId,
      displayName: `GKE nodes of ${this.name}`,
      description: 'Node identity: logging, monitoring and image pulls only. Workloads use Workload Identity.',
      dependsOn: props.dependsOn,
    });
    for (const role of NODE_SERVICE_ACCOUNT_ROLES) {
      new ProjectIamMember(this, `node-${role.replace('roles/', '')}`, {
        project: this.projectId,
        role,
        member: sa.member,
      });
    }
    return sa;
  }

  private renderCluster(props: GkeClusterProps, networks: AuthorizedNetwork[]): ContainerCluster {
    return new ContainerCluster(this, 'cluster', {
      project: this.projectId,
      name: this.name,
      location: this.location,
      network: props.network.network.id,
      subnetwork: props.network.subnetwork.id,
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.network.podsRangeName,
        servicesSecondaryRangeName: props.network.servicesRangeName,
      },
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: false,
        masterIpv4CidrBlock: props.masterCidr,
      },
      masterAuthorizedNetworksConfig: {
        gcpPublicCidrsAccessEnabled: false,
        cidrBlocks: networks.map((n) => ({ cidrBlock: n.cidr, displayName: n.displayName })),
      },
      workloadIdentityConfig: { workloadPool: this.workloadPool },
      enableShieldedNodes: true,
      releaseChannel: { channel: (props.releaseChannel ?? ReleaseChannel.REGULAR).channel },
      // Dataplane V2 (eBPF) enforces NetworkPolicies without the Calico add-on.
      datapathProvider: 'ADVANCED_DATAPATH',
      deletionProtection: props.deletionProtection ?? true,
      dependsOn: props.dependsOn,
    });
  }

  private renderNodePool(pool: ResolvedNodePool): ContainerNodePool {
    return new ContainerNodePool(this, 'node-pool', {
      project: this.projectId,
      name: `${this.name}-pool`,
      cluster: this.cluster.id,
      location: this.location,
      initialNodeCount: pool.minNodes,
      autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
      management: { autoRepair: true, autoUpgrade: true },
      nodeConfig: {
        machineType: pool.machineType,
        diskSizeGb: pool.diskSizeGb,
        diskType: 'pd-balanced',
        serviceAccount: this.nodeServiceAccount.email,
        // Access is decided by IAM roles; the scope only stops being a second, coarser gate.
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { 'disable-legacy-endpoints': 'true' },
      },
    });
  }
}

/** At least one network may reach the control plane, and none is the internet. */
function checkAuthorizedNetworks(scope: GkeCluster, networks: AuthorizedNetwork[]): AuthorizedNetwork[] {
  if (networks.length === 0) {
    invalid(scope, 'masterAuthorizedNetworks', 'must list at least one network allowed to reach the control plane', networks,
      'add { cidr: "203.0.113.0/24", displayName: "office-vpn" }');
  }
  networks.forEach((n, i) => {
    checkCidr(scope, `masterAuthorizedNetworks[${i}].cidr`, n.cidr);
    if (parseCidr(n.cidr)![1] < 8) {
      invalid(scope, `masterAuthorizedNetworks[${i}].cidr`, 'must not open the control plane to the internet', n.cidr, 'list your VPN or office egress range instead');
    }
  });
  return networks;
}

/** The node pool's settings with their defaults, checked. */
interface ResolvedNodePool {
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly diskSizeGb: number;
  readonly machineType: string;
}

function resolveNodePool(scope: GkeCluster, pool: NodePoolSettings): ResolvedNodePool {
  const minNodes = checkInteger(scope, 'nodePool.minNodes', pool.minNodes ?? 1, 0, 100);
  const maxNodes = checkInteger(scope, 'nodePool.maxNodes', pool.maxNodes ?? 3, 1, 100);
  if (maxNodes < minNodes) {
    invalid(scope, 'nodePool.maxNodes', `must be at least nodePool.minNodes (${minNodes})`, maxNodes, `set maxNodes to ${minNodes} or more`);
  }
  const diskSizeGb = checkInteger(scope, 'nodePool.diskSizeGb', pool.diskSizeGb ?? 100, 20, 65536);
  const machineType = pool.machineType ?? 'e2-standard-4';
  if (!/^[a-z][a-z0-9]*-[a-z0-9-]+$/.test(machineType)) {
    invalid(scope, 'nodePool.machineType', 'must be a Compute Engine machine type', machineType, 'use a type such as "e2-standard-4"');
  }
  return { minNodes, maxNodes, diskSizeGb, machineType };
}
