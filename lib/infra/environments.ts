import { AuthorizedNetwork, NodePoolSettings, ReleaseChannel } from './gke-cluster';
import type { EnvironmentName } from '../kubeflow/environment-names';

export { ENVIRONMENT_NAMES } from '../kubeflow/environment-names';
export type { EnvironmentName } from '../kubeflow/environment-names';

/** The short form used in resource names (`kfp-prod-cluster`). */
export const ENVIRONMENT_SHORT_NAMES: Readonly<Record<EnvironmentName, string>> = { development: 'dev', staging: 'stg', production: 'prod' };

/** What differs between environments by design: sizes, availability, retention, upgrade pace. */
export interface EnvironmentProfile {
  readonly releaseChannel: ReleaseChannel;
  /** A regional cluster (control plane and nodes in three zones) rather than a zonal one. */
  readonly regionalCluster: boolean;
  readonly nodePool: NodePoolSettings;
  readonly sqlTier: string;
  readonly sqlDiskSizeGb: number;
  readonly sqlHighAvailability: boolean;
  readonly sqlRetainedBackups: number;
  /** Days before replaced artifact versions are deleted. */
  readonly artifactVersionRetentionDays: number;
  /** Terraform and API-level deletion protection of the cluster, instance and secrets. */
  readonly deletionProtection: boolean;
}

/** The typed differences between development, staging and production. */
export const ENVIRONMENT_PROFILES: Readonly<Record<EnvironmentName, EnvironmentProfile>> = {
  development: {
    releaseChannel: ReleaseChannel.REGULAR,
    regionalCluster: false,
    nodePool: { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3, diskSizeGb: 100 },
    sqlTier: 'db-custom-1-3840',
    sqlDiskSizeGb: 20,
    sqlHighAvailability: false,
    sqlRetainedBackups: 7,
    artifactVersionRetentionDays: 7,
    deletionProtection: true,
  },
  staging: {
    releaseChannel: ReleaseChannel.REGULAR,
    regionalCluster: true,
    nodePool: { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3, diskSizeGb: 100 },
    sqlTier: 'db-custom-2-7680',
    sqlDiskSizeGb: 50,
    sqlHighAvailability: false,
    sqlRetainedBackups: 14,
    artifactVersionRetentionDays: 30,
    deletionProtection: true,
  },
  production: {
    releaseChannel: ReleaseChannel.STABLE,
    regionalCluster: true,
    nodePool: { machineType: 'n2-standard-8', minNodes: 1, maxNodes: 5, diskSizeGb: 200 },
    sqlTier: 'db-custom-4-15360',
    sqlDiskSizeGb: 100,
    sqlHighAvailability: true,
    sqlRetainedBackups: 30,
    artifactVersionRetentionDays: 90,
    deletionProtection: true,
  },
};

/** The address plan of one environment's VPC. */
export interface NetworkPlan {
  readonly subnetCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
  /** A /28 for the GKE control plane. */
  readonly masterCidr: string;
}

/** @default - the plan below; every environment is its own project, so they may share it */
export const DEFAULT_NETWORK_PLAN: NetworkPlan = {
  subnetCidr: '10.10.0.0/20',
  podsCidr: '10.20.0.0/14',
  servicesCidr: '10.24.0.0/20',
  masterCidr: '172.16.0.0/28',
};

/** Where Terraform keeps this environment's state. */
export interface StateBackend {
  /** An existing GCS bucket (versioned, access-controlled) in any project you can reach. */
  readonly bucket: string;
  /** @default "kfp/<environment>" */
  readonly prefix?: string;
}

/** Everything one environment's stack is built from. */
export interface KfpEnvironmentSettings {
  readonly environment: EnvironmentName;
  /** The environment's own project. */
  readonly projectId: string;
  readonly region: string;
  /** Prefix of resource names (the GCP reference ML environment: "name prefix"): at most 17 characters. */
  readonly namePrefix: string;
  readonly state: StateBackend;
  /** Networks allowed to reach the cluster's control plane. */
  readonly masterAuthorizedNetworks: AuthorizedNetwork[];
  /** The Kubeflow Pipelines release the cluster side pins, such as "2.4.0". */
  readonly kfpVersion: string;
  /** @default ENVIRONMENT_PROFILES[environment] */
  readonly profile?: EnvironmentProfile;
  /** @default DEFAULT_NETWORK_PLAN */
  readonly networkPlan?: NetworkPlan;
  /** @default - the upper-cased region, next to the cluster */
  readonly bucketLocation?: string;
  /** @default "<projectId>-kfp-artifacts" */
  readonly bucketName?: string;
  /** The namespace KFP is installed in. @default "kubeflow" */
  readonly namespace?: string;
}

/** What each organisation supplies per environment: its projects, region, state bucket, VPN. */
export interface SiteSettings {
  readonly projectId: string;
  readonly region: string;
  readonly stateBucket: string;
  readonly masterAuthorizedNetworks: AuthorizedNetwork[];
  readonly kfpVersion: string;
  /** @default "kfp-<first 3 letters of the environment>" */
  readonly namePrefix?: string;
}

/** One environment from the shared definition: the site's values plus the environment's profile. */
export function kfpEnvironment(environment: EnvironmentName, site: SiteSettings): KfpEnvironmentSettings {
  return {
    environment,
    projectId: site.projectId,
    region: site.region,
    namePrefix: site.namePrefix ?? `kfp-${ENVIRONMENT_SHORT_NAMES[environment]}`,
    state: { bucket: site.stateBucket, prefix: `kfp/${environment}` },
    masterAuthorizedNetworks: site.masterAuthorizedNetworks,
    kfpVersion: site.kfpVersion,
    profile: ENVIRONMENT_PROFILES[environment],
  };
}
