import { GcsBackend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { KfpGcpSettings } from '../kubeflow/kfp-gcp';
import { checkGcsBucketName, invalid } from '../core/validate';
import { ArtifactBucket } from './artifact-bucket';
import { checkProjectId, checkRegion, checkResourceName } from './checks';
import { CloudSqlMysql, CloudSqlMysqlProps } from './cloud-sql-mysql';
import { checkConstructProps } from '../core/props-guard';
import { DEFAULT_NETWORK_PLAN, ENVIRONMENT_NAMES, ENVIRONMENT_PROFILES, KfpEnvironmentSettings } from './environments';
import { GkeCluster } from './gke-cluster';
import { KfpServiceAccounts } from './kfp-service-accounts';
import { Network } from './network';
import { ProjectServices } from './project-services';
import { RandomProvider } from './random-provider';
import { ReadableStack } from './readable-stack';

/** Terraform that understands ephemeral resources (1.10) and write-only arguments (1.11). */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.11';

/** The KFP databases, named as the upstream manifests name them. */
export const KFP_DATABASES = { pipeline: 'mlpipeline', metadata: 'metadb', cache: 'cachedb' } as const;

/** The MySQL user KFP connects as. */
export const KFP_DATABASE_USER = 'kfp';

/**
 * One environment of the reference ML platform (the GCP reference ML environment) in its own project: the Cloud APIs, a
 * VPC, a private GKE cluster, a private-IP Cloud SQL MySQL 8 instance for the KFP and ML Metadata
 * databases, the artifact bucket and the KFP service accounts. State lives in a GCS bucket.
 * {@link kfpSettings} hands the cluster side everything it needs, from the same values.
 */
export class KfpEnvironmentStack extends ReadableStack {
  public readonly settings: KfpEnvironmentSettings;
  public readonly services: ProjectServices;
  public readonly network: Network;
  public readonly cluster: GkeCluster;
  public readonly database: CloudSqlMysql;
  public readonly bucket: ArtifactBucket;
  public readonly serviceAccounts: KfpServiceAccounts;
  public readonly namespace: string;

  constructor(scope: Construct, id: string, settings: KfpEnvironmentSettings) {
    super(scope, id);
    checkConstructProps(this, new.target, settings);
    this.settings = settings;
    const r = resolveEnvironment(this, settings);
    this.namespace = settings.namespace ?? 'kubeflow';
    this.renderBackendAndProviders(r);

    this.services = new ProjectServices(this, 'services', { projectId: r.projectId });
    const api = (...apis: string[]) => this.services.dependables(...apis.map((a) => `${a}.googleapis.com`));
    this.network = new Network(this, 'network', {
      projectId: r.projectId,
      region: r.region,
      name: `${r.prefix}-network`,
      subnetCidr: r.plan.subnetCidr,
      podsCidr: r.plan.podsCidr,
      servicesCidr: r.plan.servicesCidr,
      dependsOn: api('compute', 'servicenetworking'),
    });
    this.cluster = new GkeCluster(this, 'cluster', {
      projectId: r.projectId,
      name: `${r.prefix}-cluster`,
      location: r.profile.regionalCluster ? r.region : `${r.region}-a`,
      network: this.network,
      masterCidr: r.plan.masterCidr,
      masterAuthorizedNetworks: settings.masterAuthorizedNetworks,
      releaseChannel: r.profile.releaseChannel,
      nodePool: r.profile.nodePool,
      deletionProtection: r.profile.deletionProtection,
      dependsOn: api('container', 'iam', 'cloudresourcemanager'),
    });
    this.database = this.renderDatabase(r, api('sqladmin', 'secretmanager'));
    this.bucket = new ArtifactBucket(this, 'artifacts', {
      projectId: r.projectId,
      name: settings.bucketName ?? `${r.projectId}-kfp-artifacts`,
      location: settings.bucketLocation ?? r.region.toUpperCase(),
      noncurrentVersionRetentionDays: r.profile.artifactVersionRetentionDays,
      dependsOn: api('storage'),
    });
    this.serviceAccounts = new KfpServiceAccounts(this, 'kfp-service-accounts', {
      projectId: r.projectId,
      namePrefix: r.prefix,
      cluster: this.cluster,
      bucket: this.bucket,
      database: this.database,
      databaseUser: KFP_DATABASE_USER,
      namespace: this.namespace,
      dependsOn: api('iam'),
    });
    this.renderOutputs();
  }

  /** The state backend (GCS), the required Terraform version and the providers. */
  private renderBackendAndProviders(r: ResolvedEnvironment): void {
    new GcsBackend(this, { bucket: r.stateBucket, prefix: r.statePrefix });
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
    new GoogleProvider(this, 'google', {
      project: r.projectId,
      region: r.region,
      defaultLabels: { environment: this.settings.environment, managed_by: 'terraform', part_of: 'kubeflow-pipelines' },
    });
    new RandomProvider(this, 'random');
  }

  /** The Cloud SQL instance with the KFP databases and user, sized by the environment's profile. */
  private renderDatabase(r: ResolvedEnvironment, dependsOn: CloudSqlMysqlProps['dependsOn']): CloudSqlMysql {
    return new CloudSqlMysql(this, 'database', {
      projectId: r.projectId,
      region: r.region,
      name: `${r.prefix}-metadata`,
      network: this.network,
      databases: [KFP_DATABASES.pipeline, KFP_DATABASES.metadata, KFP_DATABASES.cache],
      users: [KFP_DATABASE_USER],
      tier: r.profile.sqlTier,
      diskSizeGb: r.profile.sqlDiskSizeGb,
      highAvailability: r.profile.sqlHighAvailability,
      retainedBackups: r.profile.sqlRetainedBackups,
      deletionProtection: r.profile.deletionProtection,
      dependsOn,
    });
  }

  private renderOutputs(): void {
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name, staticId: true });
    new TerraformOutput(this, 'cluster_location', { value: this.cluster.location, staticId: true });
    new TerraformOutput(this, 'sql_connection_name', { value: this.database.connectionName, staticId: true });
    new TerraformOutput(this, 'artifact_bucket', { value: this.bucket.bucketName, staticId: true });
  }

  /** Everything the cluster side (`KfpGcp`) needs, from this stack's own values. */
  public kfpSettings(): KfpGcpSettings {
    return {
      projectId: this.settings.projectId,
      region: this.settings.region,
      clusterName: this.cluster.name,
      clusterLocation: this.cluster.location,
      namespace: this.namespace,
      bucketName: this.bucket.bucketName,
      sqlConnectionName: this.database.connectionName,
      databases: { ...KFP_DATABASES },
      databaseCredentialsSecret: this.database.credentials[KFP_DATABASE_USER].secretId,
      workloadIdentity: [...this.serviceAccounts.bindings],
      secretStore: this.serviceAccounts.secretStore,
      kfpVersion: this.settings.kfpVersion,
    };
  }
}

/** The environment's settings with their defaults, checked. */
interface ResolvedEnvironment {
  readonly projectId: string;
  readonly region: string;
  readonly prefix: string;
  readonly stateBucket: string;
  readonly statePrefix: string;
  readonly profile: NonNullable<KfpEnvironmentSettings['profile']>;
  readonly plan: NonNullable<KfpEnvironmentSettings['networkPlan']>;
}

function resolveEnvironment(scope: KfpEnvironmentStack, settings: KfpEnvironmentSettings): ResolvedEnvironment {
  if (!ENVIRONMENT_NAMES.includes(settings.environment)) {
    invalid(scope, 'environment', `must be one of ${ENVIRONMENT_NAMES.join(', ')}`, settings.environment, 'use "development", "staging" or "production"');
  }
  const projectId = checkProjectId(scope, 'projectId', settings.projectId);
  const region = checkRegion(scope, 'region', settings.region);
  const prefix = checkResourceName(scope, 'namePrefix', settings.namePrefix, 17);
  const stateBucket = checkGcsBucketName(scope, 'state.bucket', settings.state?.bucket);
  const statePrefix = settings.state.prefix ?? `kfp/${settings.environment}`;
  if (!/^[-a-zA-Z0-9_./]+$/.test(statePrefix) || statePrefix.startsWith('/')) {
    invalid(scope, 'state.prefix', 'must be a relative object prefix', statePrefix, `use "kfp/${settings.environment}"`);
  }
  const profile = settings.profile ?? ENVIRONMENT_PROFILES[settings.environment];
  const plan = settings.networkPlan ?? DEFAULT_NETWORK_PLAN;
  return { projectId, region, prefix, stateBucket, statePrefix, profile, plan };
}
