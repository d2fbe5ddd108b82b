import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { checkDnsLabel } from '../core/validate';
import { ArtifactBucket } from './artifact-bucket';
import { checkResourceName, checkServiceAccountId } from './checks';
import { CloudSqlMysql } from './cloud-sql-mysql';
import { GkeCluster } from './gke-cluster';
import { ProjectConstruct, ProjectProps } from './project-construct';

/** A Google service account that a Kubernetes service account impersonates (Workload Identity). */
export interface WorkloadIdentityBinding {
  /** The Kubernetes ServiceAccount, in the KFP namespace. */
  readonly kubernetesServiceAccount: string;
  /** The Google service account's email. */
  readonly gcpServiceAccount: string;
}

/** The KFP Kubernetes service accounts of the upstream GCP manifests, by what they do. */
export const KFP_KSA = {
  /** The MinIO GCS gateway: KFP's S3 API in front of the artifact bucket. */
  minioGateway: 'kubeflow-pipelines-minio-gcs-gateway',
  /** The Cloud SQL Auth Proxy in front of the MySQL instance. */
  cloudSqlProxy: 'kubeflow-pipelines-cloudsql-proxy',
  /** The UI and the visualization server: they read artifacts. */
  ui: 'ml-pipeline-ui',
  visualization: 'ml-pipeline-visualizationserver',
  /** The pipeline steps. */
  pipelineRunner: 'pipeline-runner',
} as const;

export interface KfpServiceAccountsProps extends ProjectProps {
  /** Prefix of every account id: at most 17 characters so "<prefix>-kfp-cloudsql" fits. */
  readonly namePrefix: string;
  /** The cluster whose workload identity pool the Kubernetes service accounts belong to. */
  readonly cluster: GkeCluster;
  readonly bucket: ArtifactBucket;
  readonly database: CloudSqlMysql;
  /** The MySQL user whose credentials secret the secret store may read. @default "kfp" */
  readonly databaseUser?: string;
  /** The namespace KFP runs in. @default "kubeflow" */
  readonly namespace?: string;
  /**
   * The Kubernetes ServiceAccount the External Secrets `ClusterSecretStore` authenticates as.
   * @default "kfp-secret-store"
   */
  readonly secretStoreServiceAccount?: string;
  /** Resources (such as the APIs it calls) to create first. @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Google service accounts of Kubeflow Pipelines, one per job, each with the narrowest roles
 * that let it work and a Workload Identity binding to exactly the Kubernetes ServiceAccounts that
 * need it. No keys are created: pods get short-lived tokens from the GKE metadata server.
 *
 * Where the GCP reference ML environment granted project-wide admin roles to one shared, key-bearing account:
 * - `storage.admin` → `storage.objectAdmin` on the artifact bucket only (gateway, runner,
 *   Dataflow workers) and `storage.objectViewer` on it (UI, visualization server);
 * - `bigquery.admin` → `bigquery.jobUser` + `bigquery.dataEditor` (runner);
 * - `ml.admin` → `ml.developer` (runner);
 * - `dataflow.admin` → `dataflow.developer` (runner), which launches jobs as a dedicated worker
 *   account (`dataflow.worker`) it may act as (`iam.serviceAccountUser` on that account only);
 * - `automl.admin` / `automl.predictor` → dropped: AutoML is not among the environment's APIs;
 * - the Cloud SQL proxy gets `cloudsql.client`, conditioned on this instance;
 * - the secret store gets `secretmanager.secretAccessor` on the KFP credentials secret only.
 */
export class KfpServiceAccounts extends ProjectConstruct {
  /** Every Kubernetes → Google service account pair, for the cluster side's annotations. */
  public readonly bindings: readonly WorkloadIdentityBinding[];
  /** The binding the External Secrets `ClusterSecretStore` uses. */
  public readonly secretStore: WorkloadIdentityBinding;
  /** The Google service accounts, by role. */
  public readonly accounts: Readonly<Record<'minio' | 'ui' | 'cloudSql' | 'runner' | 'dataflowWorker' | 'secrets', ServiceAccount>>;
  public readonly namespace: string;

  private readonly cluster: GkeCluster;
  private readonly emails = new Map<ServiceAccount, string>();

  constructor(scope: Construct, id: string, props: KfpServiceAccountsProps) {
    super(scope, id, props);
    this.cluster = props.cluster;
    const prefix = checkResourceName(this, 'namePrefix', props.namePrefix, 17);
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'kubeflow');
    const storeKsa = checkDnsLabel(this, 'secretStoreServiceAccount', props.secretStoreServiceAccount ?? 'kfp-secret-store');

    const sa = (key: string, suffix: string, description: string) => {
      const accountId = checkServiceAccountId(this, 'namePrefix', `${prefix}-${suffix}`);
      const account = new ServiceAccount(this, key, {
        project: this.projectId,
        accountId,
        displayName: `${prefix} ${description}`,
        description: `${description}. Used through Workload Identity; no keys.`,
        dependsOn: props.dependsOn,
      });
      this.emails.set(account, `${accountId}@${this.projectId}.iam.gserviceaccount.com`);
      return account;
    };
    const minio = sa('minio', 'kfp-minio', 'KFP MinIO GCS gateway');
    const ui = sa('ui', 'kfp-ui', 'KFP UI and visualization server');
    const cloudSql = sa('cloudsql', 'kfp-cloudsql', 'KFP Cloud SQL Auth Proxy');
    const runner = sa('runner', 'kfp-runner', 'KFP pipeline steps');
    const dataflowWorker = sa('dataflow-worker', 'kfp-dataflow', 'Dataflow workers of KFP pipelines');
    const secrets = sa('secrets', 'kfp-secrets', 'External Secrets store for KFP');
    this.accounts = { minio, ui, cloudSql, runner, dataflowWorker, secrets };

    // Artifact bucket, per bucket rather than project-wide.
    props.bucket.grantObjectAdmin('minio-object-admin', minio.member);
    props.bucket.grantBucketMetadataReader('minio-bucket-reader', minio.member);
    props.bucket.grantObjectViewer('ui-object-viewer', ui.member);
    props.bucket.grantObjectAdmin('runner-object-admin', runner.member);
    props.bucket.grantObjectAdmin('dataflow-worker-object-admin', dataflowWorker.member);

    // Cloud SQL: connect to this instance only.
    new ProjectIamMember(this, 'cloudsql-client', {
      project: this.projectId,
      role: 'roles/cloudsql.client',
      member: cloudSql.member,
      condition: {
        title: `only-${props.database.name}`,
        description: 'Connect only to the KFP metadata instance',
        expression: `resource.name == "projects/${props.database.projectId}/instances/${props.database.name}"`,
      },
    });

    // Pipeline steps: the seed's admin roles, narrowed.
    for (const role of RUNNER_PROJECT_ROLES) this.projectRole(`runner-${role.replace('roles/', '')}`, role, runner);
    for (const role of DATAFLOW_WORKER_PROJECT_ROLES) this.projectRole(`dataflow-worker-${role.replace('roles/', '')}`, role, dataflowWorker);
    new ServiceAccountIamMember(this, 'runner-acts-as-dataflow-worker', {
      serviceAccountId: dataflowWorker.name,
      role: 'roles/iam.serviceAccountUser',
      member: runner.member,
    });

    // The secret store reads the KFP database credentials and nothing else.
    props.database.grantReadCredentials(props.databaseUser ?? 'kfp', secrets.member);

    const bindings: WorkloadIdentityBinding[] = [
      this.bind(KFP_KSA.minioGateway, minio),
      this.bind(KFP_KSA.ui, ui),
      this.bind(KFP_KSA.visualization, ui),
      this.bind(KFP_KSA.cloudSqlProxy, cloudSql),
      this.bind(KFP_KSA.pipelineRunner, runner),
    ];
    this.secretStore = this.bind(storeKsa, secrets);
    this.bindings = bindings;
  }

  private projectRole(id: string, role: string, account: ServiceAccount): ProjectIamMember {
    return new ProjectIamMember(this, id, { project: this.projectId, role, member: account.member });
  }

  /** `roles/iam.workloadIdentityUser` for one Kubernetes ServiceAccount on one Google account. */
  private bind(ksa: string, account: ServiceAccount): WorkloadIdentityBinding {
    new ServiceAccountIamMember(this, `wi-${ksa}`, {
      serviceAccountId: account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${this.cluster.workloadPool}[${this.namespace}/${ksa}]`,
      // The identity pool exists once the cluster does.
      dependsOn: [this.cluster.cluster],
    });
    return { kubernetesServiceAccount: ksa, gcpServiceAccount: this.emails.get(account)! };
  }
}

/** Project roles of the pipeline steps' account (see the class comment for the GCP reference ML environment's originals). */
export const RUNNER_PROJECT_ROLES: readonly string[] = [
  'roles/bigquery.jobUser',
  'roles/bigquery.dataEditor',
  'roles/ml.developer',
  'roles/dataflow.developer',
];

/** Project roles of the Dataflow worker account. */
export const DATAFLOW_WORKER_PROJECT_ROLES: readonly string[] = ['roles/dataflow.worker'];
