import { GcsBackend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { KfpGcpSettings } from '../kubeflow/kfp-gcp';
import { checkGcsBucketName, invalid } from '../core/validate';
import { ArtifactBucket } from './artifact-bucket';
import { checkProjectId, checkRegion, checkResourceName } from './checks';
import { CloudSqlMysql } from './cloud-sql-mysql';
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
 * One environment of the reference ML platform (seed 001) in its own project: the Cloud APIs, a
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
    this.settings = settings;
    if (!ENVIRONMENT_NAMES.includes(settings.environment)) {
      invalid(this, 'environment', `must be one of ${ENVIRONMENT_NAMES.join(', ')}`, settings.environment, 'use "development", "staging" or "production"');
    }
    const projectId = checkProjectId(this, 'projectId', settings.projectId);
    const region = checkRegion(this, 'region', settings.region);
    const prefix = checkResourceName(this, 'namePrefix', settings.namePrefix, 17);
    const stateBucket = checkGcsBucketName(this, 'state.bucket', settings.state?.bucket);
    const statePrefix = settings.state.prefix ?? `kfp/${settings.environment}`;
    if (!/^[-a-zA-Z0-9_./]+$/.test(statePrefix) || statePrefix.startsWith('/')) {
      invalid(this, 'state.prefix', 'must be a relative object prefix', statePrefix, `use "kfp/${settings.environment}"`);
    }
    const profile = settings.profile ?? ENVIRONMENT_PROFILES[settings.environment];
    const plan = settings.networkPlan ?? DEFAULT_NETWORK_PLAN;
    this.namespace = settings.namespace ?? 'kubeflow';

    new GcsBackend(this, { bucket: stateBucket, prefix: statePrefix });
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
    new GoogleProvider(this, 'google', {
      project: projectId,
      region,
      defaultLabels: { environment: settings.environment, managed_by: 'terraform', part_of: 'kubeflow-pipelines' },
    });
    new RandomProvider(this, 'random');

    this.services = new ProjectServices(this, 'services', { projectId });
    const api = (...apis: string[]) => this.services.dependables(...apis.map((a) => `${a}.googleapis.com`));

    this.network = new Network(this, 'network', {
      projectId,
      region,
      name: `${prefix}-network`,
      subnetCidr: plan.subnetCidr,
      podsCidr: plan.podsCidr,
      servicesCidr: plan.servicesCidr,
      dependsOn: api('compute', 'servicenetworking'),
    });
    this.cluster = new GkeCluster(this, 'cluster', {
      projectId,
      name: `${prefix}-cluster`,
      location: profile.regionalCluster ? region : `${region}-a`,
      network: this.network,
      masterCidr: plan.masterCidr,
      masterAuthorizedNetworks: settings.masterAuthorizedNetworks,
      releaseChannel: profile.releaseChannel,
      nodePool: profile.nodePool,
      deletionProtection: profile.deletionProtection,
      dependsOn: api('container', 'iam', 'cloudresourcemanager'),
    });
    this.database = new CloudSqlMysql(this, 'database', {
      projectId,
      region,
      name: `${prefix}-metadata`,
      network: this.network,
      databases: [KFP_DATABASES.pipeline, KFP_DATABASES.metadata, KFP_DATABASES.cache],
      users: [KFP_DATABASE_USER],
      tier: profile.sqlTier,
      diskSizeGb: profile.sqlDiskSizeGb,
      highAvailability: profile.sqlHighAvailability,
      retainedBackups: profile.sqlRetainedBackups,
      deletionProtection: profile.deletionProtection,
      dependsOn: api('sqladmin', 'secretmanager'),
    });
    this.bucket = new ArtifactBucket(this, 'artifacts', {
      projectId,
      name: settings.bucketName ?? `${projectId}-kfp-artifacts`,
      location: settings.bucketLocation ?? region.toUpperCase(),
      noncurrentVersionRetentionDays: profile.artifactVersionRetentionDays,
      dependsOn: api('storage'),
    });
    this.serviceAccounts = new KfpServiceAccounts(this, 'kfp-service-accounts', {
      projectId,
      namePrefix: prefix,
      cluster: this.cluster,
      bucket: this.bucket,
      database: this.database,
      databaseUser: KFP_DATABASE_USER,
      namespace: this.namespace,
      dependsOn: api('iam'),
    });

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
