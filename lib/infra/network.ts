import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { checkCidr, checkDisjointCidrs, checkInteger, invalid } from '../core/validate';
import { checkRegion, checkResourceName } from './checks';
import { ProjectConstruct, ProjectProps } from './project-construct';

export interface NetworkProps extends ProjectProps {
  readonly region: string;
  /** The VPC name; the subnet, ranges, router and NAT are named after it. */
  readonly name: string;
  /** The nodes' primary range. */
  readonly subnetCidr: string;
  /** The secondary range for pod IPs (VPC-native cluster). */
  readonly podsCidr: string;
  /** The secondary range for Service cluster IPs. */
  readonly servicesCidr: string;
  /**
   * Prefix length of the range reserved for private services access (Cloud SQL private IP).
   * @default 20
   */
  readonly privateServicesPrefixLength?: number;
  /**
   * Fraction of flows sampled by VPC flow logs, from 0 (exclusive) to 1.
   * @default 0.5
   */
  readonly flowLogSampling?: number;
  /**
   * Cloud NAT for egress of the private nodes (pipeline steps pulling public images and
   * packages). Without it, private nodes reach only Google APIs.
   * @default true
   */
  readonly nat?: boolean;
  /** @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A custom-mode VPC with one regional subnet: private Google access, VPC flow logs, secondary
 * ranges for pods and Services, a range peered with Google's service producer network for
 * private-IP Cloud SQL, and (by default) Cloud NAT.
 */
export class Network extends ProjectConstruct {
  public readonly network: ComputeNetwork;
  public readonly subnetwork: ComputeSubnetwork;
  /** The peering that gives Cloud SQL a private IP: the instance must depend on it. */
  public readonly privateServiceConnection: ServiceNetworkingConnection;
  public readonly name: string;
  public readonly podsRangeName: string;
  public readonly servicesRangeName: string;
  public readonly region: string;
  /** The subnet, pods and services ranges, by prop name (for overlap checks). */
  public readonly ranges: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id, props);
    const project = this.projectId;
    this.region = checkRegion(this, 'region', props.region);
    this.name = checkResourceName(this, 'name', props.name, 50);
    checkCidr(this, 'subnetCidr', props.subnetCidr, { minPrefix: 8, maxPrefix: 29 });
    checkCidr(this, 'podsCidr', props.podsCidr, { minPrefix: 8, maxPrefix: 24 });
    checkCidr(this, 'servicesCidr', props.servicesCidr, { minPrefix: 8, maxPrefix: 27 });
    this.ranges = { subnetCidr: props.subnetCidr, podsCidr: props.podsCidr, servicesCidr: props.servicesCidr };
    checkDisjointCidrs(this, this.ranges);
    const psaPrefix = checkInteger(this, 'privateServicesPrefixLength', props.privateServicesPrefixLength ?? 20, 8, 24);
    const sampling = props.flowLogSampling ?? 0.5;
    if (typeof sampling !== 'number' || !(sampling > 0 && sampling <= 1)) {
      invalid(this, 'flowLogSampling', 'must be a number greater than 0 and at most 1', sampling, 'use 0.5 to sample half of the flows');
    }
    this.podsRangeName = `${this.name}-pods`;
    this.servicesRangeName = `${this.name}-services`;

    this.network = new ComputeNetwork(this, 'vpc', {
      project,
      name: this.name,
      autoCreateSubnetworks: false,
      routingMode: 'REGIONAL',
      dependsOn: props.dependsOn,
    });
    this.subnetwork = new ComputeSubnetwork(this, 'subnet', {
      project,
      region: this.region,
      name: `${this.name}-${this.region}`,
      network: this.network.id,
      ipCidrRange: props.subnetCidr,
      privateIpGoogleAccess: true,
      secondaryIpRange: [
        { rangeName: this.podsRangeName, ipCidrRange: props.podsCidr },
        { rangeName: this.servicesRangeName, ipCidrRange: props.servicesCidr },
      ],
      logConfig: {
        aggregationInterval: 'INTERVAL_5_SEC',
        flowSampling: sampling,
        metadata: 'INCLUDE_ALL_METADATA',
      },
    });
    const psaRange = new ComputeGlobalAddress(this, 'private-services-range', {
      project,
      name: `${this.name}-private-services`,
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      prefixLength: psaPrefix,
      network: this.network.id,
    });
    this.privateServiceConnection = new ServiceNetworkingConnection(this, 'private-services', {
      network: this.network.id,
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: [psaRange.name],
    });
    if (props.nat ?? true) {
      const router = new ComputeRouter(this, 'router', {
        project,
        region: this.region,
        name: `${this.name}-router`,
        network: this.network.id,
      });
      new ComputeRouterNat(this, 'nat', {
        project,
        region: this.region,
        name: `${this.name}-nat`,
        router: router.name,
        natIpAllocateOption: 'AUTO_ONLY',
        sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
        logConfig: { enable: true, filter: 'ERRORS_ONLY' },
      });
    }
  }
}
