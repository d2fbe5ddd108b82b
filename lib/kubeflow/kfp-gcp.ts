/**
 * Kubeflow Pipelines on GKE with Cloud SQL and Cloud Storage: the cluster side of the GCP
 * environment. This file is cdk8s only and never imports cdktf: the infrastructure stack hands
 * it a plain {@link KfpGcpSettings} built from its own values (`KfpEnvironmentStack.kfpSettings()`).
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { LibraryConstruct } from '../core/library-construct';
import type * as esoTypes from '../../imports/external-secrets.io';
import { ExternalSecret, SecretStoreRef } from '../core/external-secret';
import { k8s } from '../core/k8s';
import { standardLabels } from '../core/labels';
import { checkDnsLabel, checkGcsBucketName, checkHost, checkPort, invalid } from '../core/validate';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eso = lazyModule<typeof esoTypes>(() => require('../../imports/external-secrets.io'));

/** A Kubernetes ServiceAccount that acts as a Google service account (Workload Identity). */
export interface KfpWorkloadIdentity {
  /** The Kubernetes ServiceAccount in the KFP namespace. */
  readonly kubernetesServiceAccount: string;
  /** The Google service account's email. */
  readonly gcpServiceAccount: string;
}

/** The KFP databases on the Cloud SQL instance. */
export interface KfpDatabases {
  /** `pipelineDb`. */
  readonly pipeline: string;
  /** `mlmdDb` (ML Metadata). */
  readonly metadata: string;
  /** `cacheDb`. */
  readonly cache: string;
}

/** What the cluster side needs to know about the infrastructure, produced by the infra stack. */
export interface KfpGcpSettings {
  readonly projectId: string;
  readonly region: string;
  readonly clusterName: string;
  /** The cluster's region or zone. */
  readonly clusterLocation: string;
  /** The namespace KFP runs in (the Workload Identity bindings name it). */
  readonly namespace: string;
  /** The artifact bucket (no gs:// prefix). */
  readonly bucketName: string;
  /** `project:region:instance`, for the Cloud SQL Auth Proxy. */
  readonly sqlConnectionName: string;
  readonly databases: KfpDatabases;
  /** The Secret Manager secret holding the KFP database user as `{"username", "password"}`. */
  readonly databaseCredentialsSecret: string;
  /** The KFP service accounts to annotate. */
  readonly workloadIdentity: readonly KfpWorkloadIdentity[];
  /** The ServiceAccount the ClusterSecretStore authenticates as, and its Google account. */
  readonly secretStore: KfpWorkloadIdentity;
  /** The Kubeflow Pipelines release, such as "2.4.0". */
  readonly kfpVersion: string;
}

export interface KfpGcpProps {
  readonly settings: KfpGcpSettings;
  /** @default "kfp-gcp-secret-manager" */
  readonly secretStoreName?: string;
  /**
   * The MySQL host KFP connects to. The upstream GCP manifests run the Cloud SQL Auth Proxy
   * behind a Service named `mysql`: TLS and IAM authorization happen in the proxy.
   * @default "mysql"
   */
  readonly dbHost?: string;
  /** @default 3306 */
  readonly dbPort?: number;
}

/** The annotation GKE reads to map a Kubernetes ServiceAccount to a Google service account. */
export const WORKLOAD_IDENTITY_ANNOTATION = 'iam.gke.io/gcp-service-account';
/** The Secret the upstream manifests read the MySQL user from (keys `username`, `password`). */
export const KFP_MYSQL_SECRET = 'mysql-secret';

/**
 * Kubeflow Pipelines from the upstream GCP manifests (`manifests/kustomize/env/gcp`, pinned to a
 * release tag) as a kustomize overlay:
 * - `pipeline-install-config` gets the bucket, project, Cloud SQL connection name and database
 *   host/port/names from the infrastructure ({@link pipelineInstallConfig});
 * - the MySQL credentials come from Secret Manager through an ExternalSecret, read by a
 *   ClusterSecretStore that authenticates with Workload Identity and serves only the KFP namespace;
 *   the upstream placeholder `mysql-secret` is deleted from the build by an inline patch;
 * - the KFP ServiceAccounts are annotated with their Google service accounts (no keys).
 * Write it with {@link kustomization}: upstream objects are changed by patches, new ones are resources.
 */
export class KfpGcp extends LibraryConstruct {
  /** The annotation GKE reads to map a Kubernetes ServiceAccount to a Google service account. */
  public static readonly WORKLOAD_IDENTITY_ANNOTATION = WORKLOAD_IDENTITY_ANNOTATION;

  /** The Secret the upstream manifests read the MySQL user from (keys `username`, `password`). */
  public static readonly MYSQL_SECRET = KFP_MYSQL_SECRET;

  /** The upstream base, pinned: `github.com/kubeflow/pipelines/manifests/kustomize/env/gcp?ref=<version>`. */
  public readonly remoteBase: string;
  /** Apply once per cluster before the base (CRDs and cluster roles). */
  public readonly clusterScopedResources: string;
  /** The values merged into the upstream `pipeline-install-config` ConfigMap. */
  public readonly pipelineInstallConfig: Readonly<Record<string, string>>;
  public readonly externalSecret: ExternalSecret;
  public readonly secretStore: ApiObject;
  public readonly namespace: string;
  private readonly patches = new Set<ApiObject>();

  constructor(scope: Construct, id: string, props: KfpGcpProps) {
    super(scope, id, props);
    const s = props.settings;
    this.namespace = checkDnsLabel(this, 'settings.namespace', s.namespace);
    const chartNamespace = Chart.of(this).namespace;
    if (chartNamespace !== this.namespace) {
      invalid(this, 'settings.namespace', `must be the namespace of the enclosing Chart (${chartNamespace ?? 'none'})`, s.namespace,
        `create the Chart with { namespace: "${s.namespace}" }`);
    }
    checkSettings(this, s);
    const dbHost = checkHost(this, 'dbHost', props.dbHost ?? 'mysql');
    const dbPort = checkPort(this, 'dbPort', props.dbPort ?? 3306);
    const storeName = checkDnsLabel(this, 'secretStoreName', props.secretStoreName ?? 'kfp-gcp-secret-manager');
    this.remoteBase = `github.com/kubeflow/pipelines/manifests/kustomize/env/gcp?ref=${s.kfpVersion}`;
    this.clusterScopedResources = `github.com/kubeflow/pipelines/manifests/kustomize/cluster-scoped-resources?ref=${s.kfpVersion}`;
    this.pipelineInstallConfig = resolvePipelineInstallConfig(s, dbHost, dbPort);

    this.renderWorkloadIdentity(s);
    this.secretStore = renderSecretStore(this, s, storeName);
    this.externalSecret = new ExternalSecret(this, 'mysql-credentials', {
      name: KFP_MYSQL_SECRET,
      store: SecretStoreRef.cluster(storeName),
      data: {
        username: { remoteKey: s.databaseCredentialsSecret, property: 'username' },
        password: { remoteKey: s.databaseCredentialsSecret, property: 'password' },
      },
      labels: kfpLabels('database-credentials'),
    });
  }

  /**
   * The upstream base ships an empty placeholder Secret named `mysql-secret`: this inline patch
   * drops it from the build so that External Secrets Operator owns the Secret. It is inline (not
   * a file) because `$patch` is not a Secret field and every file in dist/ is a valid object.
   */
  public get dropPlaceholderSecretPatch(): string {
    return `$patch: delete\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ${KFP_MYSQL_SECRET}\n  namespace: ${this.namespace}\n`;
  }

  /** True for objects that patch the upstream base rather than add to it. */
  public isPatch(obj: ApiObject): boolean {
    return this.patches.has(obj);
  }

  /**
   * The overlay's `kustomization.yaml`: the pinned remote base and this construct's objects,
   * listed by the file each is written to (`fileOf`), plus the `pipeline-install-config` merge.
   */
  public kustomization(fileOf: (obj: ApiObject) => string): Record<string, unknown> {
    const objects = this.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    const resources = objects.filter((o) => !this.isPatch(o)).map(fileOf).sort();
    const patches = objects.filter((o) => this.isPatch(o)).map(fileOf).sort();
    return {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [this.remoteBase, ...resources],
      patches: [...patches.map((path) => ({ path })), { patch: this.dropPlaceholderSecretPatch }],
      configMapGenerator: [{
        name: 'pipeline-install-config',
        behavior: 'merge',
        literals: Object.entries(this.pipelineInstallConfig).map(([k, v]) => `${k}=${v}`),
      }],
    };
  }

  /**
   * Workload Identity: annotates the upstream ServiceAccounts (patches), and creates the one the
   * secret store authenticates as.
   */
  private renderWorkloadIdentity(s: KfpGcpSettings): void {
    for (const b of s.workloadIdentity) {
      this.patch(new k8s.KubeServiceAccount(this, `wi-${b.kubernetesServiceAccount}`, {
        metadata: { name: b.kubernetesServiceAccount, namespace: this.namespace, annotations: { [WORKLOAD_IDENTITY_ANNOTATION]: b.gcpServiceAccount } },
      }));
    }
    new k8s.KubeServiceAccount(this, 'secret-store-sa', {
      metadata: {
        name: s.secretStore.kubernetesServiceAccount,
        namespace: this.namespace,
        labels: kfpLabels('secret-store'),
        annotations: { [WORKLOAD_IDENTITY_ANNOTATION]: s.secretStore.gcpServiceAccount },
      },
      automountServiceAccountToken: false,
    });
  }

  private patch<T extends ApiObject>(obj: T): T {
    this.patches.add(obj);
    return obj;
  }
}

const kfpLabels = (component: string) => standardLabels({ name: 'kubeflow-pipelines', instance: 'kubeflow-pipelines', component, partOf: 'kubeflow' });

/** The infrastructure's settings, checked (they normally come from KfpEnvironmentStack.kfpSettings()). */
function checkSettings(scope: KfpGcp, s: KfpGcpSettings): void {
  if (typeof s.kfpVersion !== 'string' || !/^[0-9]+\.[0-9]+\.[0-9]+$/.test(s.kfpVersion)) {
    invalid(scope, 'settings.kfpVersion', 'must be a Kubeflow Pipelines release tag', s.kfpVersion, 'use a tag such as "2.4.0" (never a branch: the base must not move)');
  }
  if (!/^[a-z][-a-z0-9]*:[a-z]+-[a-z]+[0-9]+:[a-z][-a-z0-9]*$/.test(s.sqlConnectionName ?? '')) {
    invalid(scope, 'settings.sqlConnectionName', 'must be a Cloud SQL connection name "project:region:instance"', s.sqlConnectionName,
      'pass KfpEnvironmentStack.kfpSettings() rather than writing it by hand');
  }
  checkWorkloadIdentity(scope, s);
  checkGcsBucketName(scope, 'settings.bucketName', s.bucketName);
  if (typeof s.projectId !== 'string' || !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(s.projectId)) {
    invalid(scope, 'settings.projectId', 'must be a Google Cloud project id (6 to 30 lower-case letters, digits or hyphens, starting with a letter)', s.projectId,
      'pass KfpEnvironmentStack.kfpSettings() rather than writing it by hand');
  }
  if (typeof s.clusterLocation !== 'string' || !/^[a-z]+-[a-z]+[0-9]+(-[a-z])?$/.test(s.clusterLocation)) {
    invalid(scope, 'settings.clusterLocation', 'must be a Google Cloud region or zone', s.clusterLocation, 'use "us-central1" or "us-central1-a"');
  }
  checkDnsLabel(scope, 'settings.clusterName', s.clusterName, 40);
  for (const [k, v] of Object.entries(s.databases ?? {})) {
    if (typeof v !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(v)) {
      invalid(scope, `settings.databases.${k}`, 'must be a MySQL database name (1 to 64 letters, digits or "_")', v, 'use a name such as "mlpipeline"');
    }
  }
  if (typeof s.databaseCredentialsSecret !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(s.databaseCredentialsSecret)) {
    invalid(scope, 'settings.databaseCredentialsSecret', 'must be a Secret Manager secret id (letters, digits, "_" or "-")', s.databaseCredentialsSecret, 'use an id such as "kfp-db-credentials"');
  }
}

/** Each KFP ServiceAccount (and the secret store's) maps to a user-managed Google service account. */
function checkWorkloadIdentity(scope: KfpGcp, s: KfpGcpSettings): void {
  if (!s.workloadIdentity?.length) {
    invalid(scope, 'settings.workloadIdentity', 'must bind at least one KFP ServiceAccount to a Google service account', s.workloadIdentity,
      'pass KfpEnvironmentStack.kfpSettings() rather than writing it by hand');
  }
  for (const b of [...s.workloadIdentity, s.secretStore]) {
    checkDnsLabel(scope, 'settings.workloadIdentity[].kubernetesServiceAccount', b.kubernetesServiceAccount);
    if (!/^[a-z][-a-z0-9]{4,28}[a-z0-9]@[a-z][-a-z0-9]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/.test(b.gcpServiceAccount ?? '')) {
      invalid(scope, 'settings.workloadIdentity[].gcpServiceAccount', 'must be a user-managed service account email', b.gcpServiceAccount,
        'use "<account>@<project>.iam.gserviceaccount.com"');
    }
  }
}

/** The values merged into the upstream `pipeline-install-config` ConfigMap. */
function resolvePipelineInstallConfig(s: KfpGcpSettings, dbHost: string, dbPort: number): Record<string, string> {
  return {
    bucketName: s.bucketName,
    gcsProjectId: s.projectId,
    gcsCloudSqlInstanceName: s.sqlConnectionName,
    dbHost,
    dbPort: String(dbPort),
    pipelineDb: s.databases.pipeline,
    mlmdDb: s.databases.metadata,
    cacheDb: s.databases.cache,
    defaultPipelineRoot: `gs://${s.bucketName}/v2/artifacts`,
  };
}

/**
 * The ClusterSecretStore on Secret Manager, authenticating with Workload Identity; only
 * ExternalSecrets in the KFP namespace may read through it.
 */
function renderSecretStore(scope: KfpGcp, s: KfpGcpSettings, name: string): esoTypes.ClusterSecretStore {
  const store = new eso.ClusterSecretStore(scope, 'secret-store', {
    metadata: { name, labels: kfpLabels('secret-store') },
    spec: {
      conditions: [{ namespaces: [scope.namespace] }],
      provider: {
        gcpsm: {
          projectId: s.projectId,
          auth: {
            workloadIdentity: {
              clusterProjectId: s.projectId,
              clusterLocation: s.clusterLocation,
              clusterName: s.clusterName,
              serviceAccountRef: { name: s.secretStore.kubernetesServiceAccount, namespace: scope.namespace },
            },
          },
        },
      },
    },
  });
  // Cluster-scoped: no namespace, whatever the Chart's.
  store.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return store;
}
