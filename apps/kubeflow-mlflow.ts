/**
 * Seed 004: MLflow inside Kubeflow (1.9+, Istio). MLflow runs in namespace `kubeflow` on Kubeflow
 * Pipelines' MySQL and MinIO (by reference: a Job creates its database and user, another its
 * bucket), behind `/mlflow/` on `kubeflow/kubeflow-gateway`, with a central-dashboard entry. The
 * profile `kubeflow-user-example-com` gets the `access-ml-pipeline` and `access-mlflow`
 * PodDefaults, the RoleBinding to `kubeflow-edit`, and a KServe InferenceService serving a model
 * logged in MLflow, checked by a smoke-test Job. Every allow (NetworkPolicy and Istio
 * AuthorizationPolicy) comes from declared connections; credentials come from an External Secrets
 * store or, for MySQL's root, Kubeflow's own `mysql-secret`.
 *
 * Both namespaces belong to Kubeflow, so their default deny selects only this app's pods
 * (PolicyScope.APP_PODS): Kubeflow's pods keep the policies Kubeflow gives them.
 */
import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
import {
  BucketSetup, CentralDashboardLink, ConnectionGraph, Database, DatabaseEngine, EnvValue, ExternalSecret, InferenceService, InferenceSmokeTest,
  InputSchema, Kubeflow, MeshNamespace, ModelLocation, ModelStorageCredentials, MysqlDatabaseSetup, Namespace, ObjectStore, Peer, PodDefault,
  PolicyScope, Port, ProfileAccess, SecretStoreRef, SecretValue, TrackingServer, V2Datatype, VirtualService, invalid,
} from '../lib';
import { checkHostname } from '../lib/core/validate';

/** The MLflow run whose model is served (seed "Deploy Model with KServe"). */
export interface ServedRun {
  /** @default "1" */
  readonly experimentId?: string;
  /** The run id from the MLflow run page. @default the seed's "d88a93df67ac4d8282894ebeadc0956a" */
  readonly runId?: string;
  /** @default "model" */
  readonly artifactPath?: string;
}

export interface KubeflowMlflowOptions {
  /**
   * The host name users open Kubeflow at. MLflow 3 refuses requests whose Host header it does not
   * know (DNS-rebinding protection), and Istio passes the browser's Host through.
   * @default "kubeflow.example.com" (a placeholder: set yours)
   */
  readonly kubeflowHost?: string;
  /** The Kubeflow profile (namespace) whose notebooks use MLflow and which serves the model. @default "kubeflow-user-example-com" */
  readonly profile?: string;
  /**
   * The ClusterSecretStore holding `kubeflow/mlflow-mysql` (property `password`) and
   * `kubeflow/minio` (properties `accesskey`, `secretkey`, `kserve-access-key`, `kserve-secret-key`).
   * @default "platform-secrets"
   */
  readonly secretStore?: string;
  /** @default - the seed's run */
  readonly model?: ServedRun;
}

const SEED_RUN_ID = 'd88a93df67ac4d8282894ebeadc0956a';
const BUCKET = 'mlflow-artifacts';
const PART_OF = 'kubeflow';

/** Kubeflow's own Secrets this app reads (never renders): MySQL's root password. */
export const KUBEFLOW_MLFLOW_PREREQUISITES = { secrets: ['mysql-secret'] };

/** Adds pod-template annotations to the object a construct renders as its child `Resource`. */
function annotatePods(owner: { node: { findChild(id: string): unknown } }, annotations: Record<string, string>): void {
  const obj = ApiObject.of(owner.node.findChild('Resource') as ApiObject);
  obj.addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', annotations));
}

/** Istio sidecar for a pod whose init containers or Job must use the mesh (Istio 1.22+, Kubernetes 1.29+). */
const NATIVE_SIDECAR = { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/nativeSidecar': 'true' };

export function kubeflowMlflow(app: App, id: string, options: KubeflowMlflowOptions = {}): { kubeflow: Chart; profile: Chart } {
  const kf = new Chart(app, id, { namespace: 'kubeflow', disableResourceNameHashes: true });
  const kubeflowHost = checkHostname(kf, 'kubeflowHost', options.kubeflowHost ?? 'kubeflow.example.com');
  const profileName = options.profile ?? 'kubeflow-user-example-com';
  if (profileName === 'kubeflow') {
    invalid(kf, 'profile', 'must be a Kubeflow profile namespace, not "kubeflow" itself', profileName, 'write profile: "kubeflow-user-example-com"');
  }
  const profile = new Chart(app, `${id}-profile`, { namespace: profileName, disableResourceNameHashes: true });
  const store = SecretStoreRef.cluster(options.secretStore ?? 'platform-secrets');

  // --- namespace kubeflow: shared with Kubeflow, in the mesh -------------------------------------
  new MeshNamespace(kf, 'namespace', {
    create: false,
    policyScope: PolicyScope.APP_PODS,
    // Seed "MySQL Access Policy": clients of Kubeflow's MySQL use Istio mTLS.
    mutualTlsHosts: [{ name: 'mlflow-mysql', host: Kubeflow.mysqlHost() }],
  });
  const secrets = new ExternalSecret(kf, 'mlflow-credentials', {
    name: 'mlflow-credentials',
    store,
    data: {
      'mysql-password': { remoteKey: 'kubeflow/mlflow-mysql', property: 'password' },
      'minio-access-key': { remoteKey: 'kubeflow/minio', property: 'accesskey' },
      'minio-secret-key': { remoteKey: 'kubeflow/minio', property: 'secretkey' },
    },
  });
  const database = Database.fromExisting(kf, 'mysql', {
    engine: DatabaseEngine.MYSQL,
    host: Kubeflow.mysqlHost(),
    databaseName: 'mlflow',
    username: 'mlflow',
    password: secrets.value('mysql-password'),
    peer: Kubeflow.mysql(),
  });
  // Seed step 1, as a Job: the database and user, with the root password Kubeflow already keeps.
  new MysqlDatabaseSetup(kf, 'mlflow-db-setup', {
    database,
    adminPassword: SecretValue.fromSecret('mysql-secret', 'password'),
    mesh: true,
    partOf: PART_OF,
  });
  // The seed's MySQL policy listed Kubeflow Pipelines' accounts next to MLflow's: declared here,
  // so the rendered `mysql-ingress` keeps admitting them whatever Kubeflow's own policy says.
  for (const client of Kubeflow.pipelinesMysqlClients()) {
    ConnectionGraph.of(kf).allow(client, Kubeflow.mysql(), Port.tcp(3306), 'Kubeflow Pipelines metadata');
  }

  const minio = ObjectStore.fromExisting(kf, 'minio', {
    endpointUrl: Kubeflow.minioEndpoint(),
    credentials: { accessKeyId: secrets.value('minio-access-key'), secretAccessKey: secrets.value('minio-secret-key') },
    peer: Kubeflow.minio(),
  });
  const artifacts = minio.bucket(BUCKET);
  // Seed step 2, as a Job: the bucket.
  const bucketSetup = new BucketSetup(kf, 'bucket-setup', { buckets: [artifacts], name: `${BUCKET}-bucket-setup`, partOf: PART_OF });
  annotatePods(bucketSetup, NATIVE_SIDECAR);

  const mlflow = new TrackingServer(kf, 'mlflow', {
    database,
    artifacts,
    partOf: PART_OF,
    // Notebooks of the profile log runs at http://mlflow.kubeflow.svc.cluster.local:5000.
    clients: [Peer.namespace(profileName)],
    allowedHosts: [
      'mlflow', 'mlflow.kubeflow', 'mlflow.kubeflow.svc', 'mlflow.kubeflow.svc.cluster.local', 'localhost', '127.0.0.1', kubeflowHost,
    ],
  });
  // The db-upgrade init container reaches MySQL through the mesh: the sidecar must start first.
  annotatePods(mlflow, NATIVE_SIDECAR);

  // Seed "Create Virtual Service", plus the redirect of /mlflow without its slash.
  new VirtualService(kf, 'mlflow-route', { gateway: Kubeflow.gateway(), destination: mlflow, pathPrefix: '/mlflow/', timeout: Duration.minutes(5) });
  CentralDashboardLink.mlflow(kf, 'dashboard-link');
  new ProfileAccess(kf, 'profile-access', { profile: profileName });

  // --- the profile namespace: notebooks and serving ----------------------------------------------
  new Namespace(profile, 'namespace', { create: false, policyScope: PolicyScope.APP_PODS });
  PodDefault.accessMlPipeline(profile, 'access-ml-pipeline');
  new PodDefault(profile, 'access-mlflow', {
    name: 'access-mlflow',
    description: 'Allow access to MLflow',
    env: [['MLFLOW_TRACKING_URI', EnvValue.literal(mlflow.trackingUri)]],
  });
  const modelStore = ObjectStore.fromExisting(profile, 'minio', { endpointUrl: Kubeflow.minioEndpoint(), peer: Kubeflow.minio() });
  const credentials = new ModelStorageCredentials(profile, 'kserve-s3', {
    store: modelStore,
    secretStore: store,
    accessKeyId: { remoteKey: 'kubeflow/minio', property: 'kserve-access-key' },
    secretAccessKey: { remoteKey: 'kubeflow/minio', property: 'kserve-secret-key' },
    secretName: 'minio-kserve-secret',
    serviceAccountName: 'sa-minio-kserve',
  });
  const run = options.model ?? {};
  const service = new InferenceService(profile, 'model', {
    name: 'bankchurn-model',
    model: ModelLocation.run({
      store: modelStore,
      bucket: BUCKET,
      experimentId: run.experimentId ?? '1',
      runId: run.runId ?? SEED_RUN_ID,
      ...(run.artifactPath ? { artifactPath: run.artifactPath } : {}),
    }),
    credentials,
    sidecarInjection: false,
  });
  new InferenceSmokeTest(profile, 'smoke-test', {
    service,
    schema: InputSchema.BANK_CHURN,
    expect: [{ shape: [1, 1], datatype: V2Datatype.INT64 }],
  });
  return { kubeflow: kf, profile };
}
