/**
 * Seed 004: MLflow inside Kubeflow (Istio), on the {@link Platform} it targets: Kubeflow 1.10 by
 * default (MinIO behind `minio-service`), or 1.11 (SeaweedFS behind `minio-service`, pods `app:
 * seaweedfs` on 8333; the store's peer and port come from the platform). MLflow runs in its own
 * namespace `mlflow` (the guide: `kubeflow`) on Kubeflow Pipelines' MySQL and MinIO (by reference:
 * a Job in `kubeflow` creates its database and user, another its bucket), behind `/mlflow/` on
 * `kubeflow/kubeflow-gateway`, with a central-dashboard entry. The
 * profile `kubeflow-user-example-com` gets the `access-ml-pipeline` and `access-mlflow`
 * PodDefaults, a narrow RoleBinding in `mlflow` (the seed's `kubeflow-edit` only as an opt-in), and a KServe InferenceService serving a model
 * logged in MLflow, checked by a smoke-test Job. Every allow (NetworkPolicy and Istio
 * AuthorizationPolicy) comes from declared connections; credentials come from an External Secrets
 * store or, for MySQL's root, Kubeflow's own `mysql-secret`.
 *
 * `kubeflow` and the profile belong to Kubeflow, so their default deny selects only this app's pods
 * (PolicyScope.APP_PODS): Kubeflow's pods keep the policies Kubeflow gives them. `mlflow` is the
 * app's: its default deny selects every pod.
 */
import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
import {
  AppNotes, BucketSetup, CentralDashboardLink, ConnectionGraph, Database, DatabaseEngine, EnvValue,
  ExternalSecret, InferenceService, InferenceSmokeTest, InputSchema, INTERNET, Kubeflow,
  MeshNamespace, ModelLocation, ModelStorageCredentials, MysqlDatabaseSetup, Namespace, ObjectStore,
  Peer, Platform, PodDefault, PolicyScope, Port, ProfileAccess, SecretStoreRef, SecretValue,
  ServingMode, TrackingServer, V2Datatype, ValidationError, VirtualService,
} from '../lib';

/**
 * The logged model that is served (seed "Deploy Model with KServe"). The seed served a run's
 * `artifacts/model/`, MLflow 2's layout; MLflow 3 (3.14 here) stores a model logged with
 * `log_model` under `<experiment>/models/<model id>/artifacts/` (see ModelLocation).
 */
export interface ServedModel {
  /** @default "1" */
  readonly experimentId?: string;
  /**
   * The logged model id (`m-` and 32 hexadecimal characters), from the run page's "Logged models"
   * or the value `log_model` returns (`model_info.model_id`).
   * @default "m-00000000000000000000000000000000" (a placeholder: set yours)
   */
  readonly modelId?: string;
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
  /**
   * Render the seed's RoleBinding of the profile to `kubeflow-edit` in `kubeflow` (Secrets and exec
   * for every notebook) instead of the narrow Role; synth warns.
   * @default false
   */
  readonly seedKubeflowEdit?: boolean;
  /** @default - a placeholder model id in experiment 1 */
  readonly model?: ServedModel;
  /**
   * The Kubeflow the app runs on: DNS, gateways, sidecar-less pipeline pods, Kubeflow's own
   * policies and the store behind `minio-service` (1.10: MinIO on 9000; 1.11: SeaweedFS on 8333)
   * come from it.
   * @default Platform.kubeflow('1.10')
   */
  readonly platform?: Platform;
}

const PLACEHOLDER_MODEL_ID = `m-${'0'.repeat(32)}`;
const BUCKET = 'mlflow-artifacts';
const PART_OF = 'kubeflow';
/** MLflow's own namespace (the guide uses `kubeflow`: see the README's differences). */
const MLFLOW_NAMESPACE = 'mlflow';

/** Kubeflow's own Secrets this app reads (never renders): MySQL's root password. */
export const KUBEFLOW_MLFLOW_PREREQUISITES = { secrets: ['mysql-secret'] };

/** Adds pod-template annotations to the object a construct renders as its child `Resource`. */
function annotatePods(owner: { node: { findChild(id: string): unknown } }, annotations: Record<string, string>): void {
  const obj = ApiObject.of(owner.node.findChild('Resource') as ApiObject);
  obj.addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', annotations));
}

/** Istio sidecar for a pod whose init containers or Job must use the mesh (Istio 1.22+, Kubernetes 1.29+). */
const NATIVE_SIDECAR = { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/nativeSidecar': 'true' };

export function kubeflowMlflow(app: App, id: string, options: KubeflowMlflowOptions = {}): { kubeflow: Chart; mlflow: Chart; profile: Chart } {
  const kf = new Chart(app, id, { namespace: 'kubeflow', disableResourceNameHashes: true });
  const ml = new Chart(app, `${id}-mlflow`, { namespace: MLFLOW_NAMESPACE, disableResourceNameHashes: true });
  const kubeflowHost = ValidationError.checkHostname(kf, 'kubeflowHost', options.kubeflowHost ?? 'kubeflow.example.com');
  const profileName = options.profile ?? 'kubeflow-user-example-com';
  if (profileName === 'kubeflow') {
    ValidationError.invalid(kf, 'profile', 'must be a Kubeflow profile namespace, not "kubeflow" itself', profileName, 'write profile: "kubeflow-user-example-com"');
  }
  const profile = new Chart(app, `${id}-profile`, { namespace: profileName, disableResourceNameHashes: true });
  const store = SecretStoreRef.cluster(options.secretStore ?? 'platform-secrets');
  const platform = (options.platform ?? Platform.kubeflow('1.10')).target(kf).addProfile(profileName);
  const kubeflowFacts = platform.kubeflow;
  if (!kubeflowFacts) ValidationError.invalid(kf, 'platform', 'must be a Kubeflow platform', platform.name, "pass platform: Platform.kubeflow('1.10')");
  const storePeer = { peer: kubeflowFacts.objectStore.peer, peerPort: kubeflowFacts.objectStore.podPort };

  // --- namespace kubeflow: shared with Kubeflow, in the mesh -------------------------------------
  // Only the database setup Job (it reads Kubeflow's `mysql-secret`, which a pod can only mount in its
  // own namespace) and the dashboard link run here; MLflow has a namespace of its own (below).
  new MeshNamespace(kf, 'namespace', {
    create: false,
    policyScope: PolicyScope.APP_PODS,
    dns: platform.dnsPeer,
    // Seed "MySQL Access Policy": clients of Kubeflow's MySQL use Istio mTLS.
    mutualTlsHosts: [{ name: 'mlflow-mysql', host: Kubeflow.mysqlHost() }],
    // Kubeflow isolates every pod of `kubeflow` (kubeflow/manifests v1.10.2 and v1.11.0,
    // common/networkpolicies/base/default-allow-same-namespace.yaml: podSelector {}, ingress only from
    // the same namespace; MySQL has no policy of its own there, MinIO/SeaweedFS admit profiles and
    // istio-system only): MLflow in its namespace reaches MySQL and the store through an allow of its own.
    admitToExternalWorkloads: true,
  });
  const setupSecrets = new ExternalSecret(kf, 'mlflow-credentials', {
    name: 'mlflow-credentials',
    store,
    data: { 'mysql-password': { remoteKey: 'kubeflow/mlflow-mysql', property: 'password' } },
  });
  const mysql = (scope: Chart, password: SecretValue) => Database.fromExisting(scope, 'mysql', {
    engine: DatabaseEngine.MYSQL,
    host: Kubeflow.mysqlHost(),
    databaseName: 'mlflow',
    username: 'mlflow',
    password,
    peer: Kubeflow.mysql(),
  });
  // Seed step 1, as a Job: the database and user, with the root password Kubeflow already keeps.
  new MysqlDatabaseSetup(kf, 'mlflow-db-setup', {
    database: mysql(kf, setupSecrets.value('mysql-password')),
    // Kubeflow's Secret: keys `username` (root) and `password`, empty unless the installer set one
    // (kubeflow/manifests v1.10.0, apps/pipeline/upstream/base/installs/generic/mysql-secret.yaml);
    // an empty MYSQL_PWD logs in without a password, as Kubeflow's own clients do.
    adminPassword: SecretValue.fromSecret('mysql-secret', 'password'),
    mesh: true,
    partOf: PART_OF,
  });
  // The seed's MySQL policy listed Kubeflow Pipelines' accounts next to MLflow's: declared here,
  // so the rendered `mysql-ingress` keeps admitting them whatever Kubeflow's own policy says.
  for (const client of Kubeflow.pipelinesMysqlClients()) {
    ConnectionGraph.of(kf).allow(client, Kubeflow.mysql(), Port.tcp(3306), 'Kubeflow Pipelines metadata');
  }
  CentralDashboardLink.mlflow(kf, 'dashboard-link');
  // The seed binds kubeflow-edit in `kubeflow` (Secrets, exec); the default is a narrow Role in `mlflow` (see ProfileAccess).
  if (options.seedKubeflowEdit) new ProfileAccess(kf, 'profile-access', { profile: profileName, clusterRole: 'kubeflow-edit' });

  // --- namespace mlflow: the app's own, in the mesh ----------------------------------------------
  // Kubeflow Pipelines' run pods have no sidecar, so MLflow must admit plain text; in `kubeflow`,
  // default-allow-same-namespace would admit every pod of `kubeflow` with it, and many run without
  // sidecar: `sidecar.istio.io/inject: "false"` in kubeflow/manifests v1.10.2 on katib-ui, katib-controller,
  // katib-db-manager (applications/katib/upstream/components/{ui/ui,controller/controller,db-manager/db-manager}.yaml),
  // metadata-envoy (applications/pipeline/upstream/base/metadata/base/metadata-envoy-deployment.yaml),
  // admission-webhook (applications/admission-webhook/upstream/base/deployment.yaml), the profiles manager
  // (applications/profiles/upstream/manager/manager.yaml), KServe's controller (applications/kserve/kserve/
  // kserve_kubeflow.yaml) and metacontroller (applications/pipeline/upstream/third-party/metacontroller/base/
  // stateful-set.yaml). Here the default deny covers every pod, so the app's NetworkPolicy narrows plain
  // text to the profile's pods (the reachability check samples a sidecar-less pod of each namespace).
  new MeshNamespace(ml, 'namespace', {
    dns: platform.dnsPeer,
    mutualTlsHosts: [{ name: 'mlflow-mysql', host: Kubeflow.mysqlHost() }],
  });
  const secrets = new ExternalSecret(ml, 'mlflow-credentials', {
    name: 'mlflow-credentials',
    store,
    data: {
      'mysql-password': { remoteKey: 'kubeflow/mlflow-mysql', property: 'password' },
      'minio-access-key': { remoteKey: 'kubeflow/minio', property: 'accesskey' },
      'minio-secret-key': { remoteKey: 'kubeflow/minio', property: 'secretkey' },
    },
  });
  const database = mysql(ml, secrets.value('mysql-password'));
  const minio = ObjectStore.fromExisting(ml, 'minio', {
    endpointUrl: Kubeflow.minioEndpoint(),
    credentials: { accessKeyId: secrets.value('minio-access-key'), secretAccessKey: secrets.value('minio-secret-key') },
    ...storePeer,
  });
  const artifacts = minio.bucket(BUCKET);
  // Seed step 2, as a Job: the bucket.
  const bucketSetup = new BucketSetup(ml, 'bucket-setup', { buckets: [artifacts], name: `${BUCKET}-bucket-setup`, partOf: PART_OF });
  annotatePods(bucketSetup, NATIVE_SIDECAR);

  const mlflow = new TrackingServer(ml, 'mlflow', {
    database,
    artifacts,
    partOf: PART_OF,
    // Notebooks of the profile log runs at http://mlflow.mlflow.svc.cluster.local:5000, and so do
    // pipeline run pods, which have no sidecar (plain text: admitted as peers without identity).
    clients: [Peer.namespace(profileName), platform.pipelinePods(profileName)],
    allowedHosts: [
      'mlflow', `mlflow.${MLFLOW_NAMESPACE}`, `mlflow.${MLFLOW_NAMESPACE}.svc`, `mlflow.${MLFLOW_NAMESPACE}.svc.cluster.local`, 'localhost', '127.0.0.1', kubeflowHost,
    ],
  });
  // The db-upgrade init container reaches MySQL through the mesh: the sidecar must start first.
  annotatePods(mlflow, NATIVE_SIDECAR);

  // Seed "Create Virtual Service", plus the redirect of /mlflow without its slash.
  new VirtualService(ml, 'mlflow-route', { gateway: Kubeflow.gateway({ pods: platform.ingressGateway }), destination: mlflow, pathPrefix: '/mlflow/', timeout: Duration.minutes(5) });
  Platform.expectFlow(ml, 'browser → Istio ingress gateway → /mlflow/', { from: INTERNET, to: platform.ingressGateway, port: Port.tcp(platform.istio!.ingressGateway.port) },
    { from: platform.ingressGateway, to: mlflow, port: Port.tcp(5000) });
  if (!options.seedKubeflowEdit) {
    new ProfileAccess(ml, 'profile-access', { profile: profileName, namespace: MLFLOW_NAMESPACE });
    AppNotes.of(kf).addDifference('RBAC: the guide binds the profile\'s `default-editor` to `kubeflow-edit` in `kubeflow`, which lets every notebook read `mysql-secret` and exec into Kubeflow\'s pods; Kubeflow Pipelines does not need it (it authorizes against the profile namespace). The app binds a Role in `mlflow` that may only `get` the `mlflow` Service; `seedKubeflowEdit: true` renders the guide\'s binding, with a warning.');
  }
  AppNotes.of(kf).addDifference('Namespace: the guide installs MLflow in `kubeflow`; the app runs it (with its bucket Job, VirtualService and credentials) in a namespace of its own, `mlflow`, with a default deny. Kubeflow Pipelines\' run pods have no Istio sidecar, so MLflow must accept plain text from them, and in `kubeflow` Kubeflow\'s `default-allow-same-namespace` would let every sidecar-less pod there (Katib, metadata-envoy, the admission webhook, the profiles manager, KServe\'s controller, metacontroller) read and write all experiments. Only the database setup Job (it needs `mysql-secret`) and the dashboard link stay in `kubeflow`; notebooks use `http://mlflow.mlflow.svc.cluster.local:5000` (the `access-mlflow` PodDefault sets it).');

  // --- the profile namespace: notebooks and serving ----------------------------------------------
  new Namespace(profile, 'namespace', { create: false, policyScope: PolicyScope.APP_PODS, dns: platform.dnsPeer });
  PodDefault.accessMlPipeline(profile, 'access-ml-pipeline');
  new PodDefault(profile, 'access-mlflow', {
    name: 'access-mlflow',
    description: 'Allow access to MLflow',
    env: [['MLFLOW_TRACKING_URI', EnvValue.literal(mlflow.trackingUri)]],
  });
  const modelStore = ObjectStore.fromExisting(profile, 'minio', { endpointUrl: Kubeflow.minioEndpoint(), ...storePeer });
  const credentials = new ModelStorageCredentials(profile, 'kserve-s3', {
    store: modelStore,
    secretStore: store,
    accessKeyId: { remoteKey: 'kubeflow/minio', property: 'kserve-access-key' },
    secretAccessKey: { remoteKey: 'kubeflow/minio', property: 'kserve-secret-key' },
    secretName: 'minio-kserve-secret',
    serviceAccountName: 'sa-minio-kserve',
  });
  const served = options.model ?? {};
  // The options of an earlier release named a run (MLflow 2's layout), which MLflow 3 does not use for log_model.
  for (const old of ['runId', 'artifactPath'] as const) {
    const value = (served as Record<string, unknown>)[old];
    if (value !== undefined) {
      ValidationError.invalid(profile, `model.${old}`, 'is no longer an option (MLflow 3 stores a model logged with log_model under models/<model id>/, not in the run\'s artifacts)', value,
        'pass model: { experimentId, modelId: "m-..." } with the logged model id from the run page');
    }
  }
  AppNotes.of(kf).addDifference('Serving: the guide builds the storage URI from a run (`s3://mlflow-artifacts/<exp>/<run>/artifacts/model`), MLflow 2\'s layout; MLflow 3.14 stores a model logged with `log_model` under `s3://mlflow-artifacts/<exp>/models/<model id>/artifacts/`, so the app takes the logged model id (`model: { experimentId, modelId }`).');
  const service = new InferenceService(profile, 'model', {
    name: 'bankchurn-model',
    model: ModelLocation.loggedModel({
      store: modelStore,
      bucket: BUCKET,
      experimentId: served.experimentId ?? '1',
      modelId: served.modelId ?? PLACEHOLDER_MODEL_ID,
    }),
    credentials,
    sidecarInjection: false,
    // KServe's in-cluster calls go through knative-local-gateway, served by the cluster-local gateway.
    mode: ServingMode.serverless({ gateway: platform.clusterLocalGateway }),
  });
  const smoke = new InferenceSmokeTest(profile, 'smoke-test', {
    service,
    schema: InputSchema.BANK_CHURN,
    expect: [{ shape: [1, 1], datatype: V2Datatype.INT64 }],
  });
  Platform.expectFlow(profile, 'smoke test → cluster-local gateway → predictor', { from: smoke, to: platform.clusterLocalGateway, port: Port.tcp(8081) },
    { from: platform.clusterLocalGateway, to: service, port: Port.tcp(8012) });
  return { kubeflow: kf, mlflow: ml, profile };
}
