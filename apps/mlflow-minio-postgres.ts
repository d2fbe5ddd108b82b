/**
 * Seed 002: MLflow (5000) with PostgreSQL (5432) as backend store and MinIO (9000, console 9001)
 * as artifact store, in namespace `mlops`, with the guide's resources, storage, scaling options
 * and backups. Secrets come from a ClusterSecretStore through ExternalSecrets.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import {
  BackupDestination, ExternalSecret, Minio, MinioTopology, Namespace, Peer, Platform, Postgres,
  Schedule, SecretStoreRef, TrackingServer, TrackingServerIngress, TrackingServerSmokeTest,
  UnauthenticatedExposure, ValidationError,
} from '../lib';

export interface MlflowMinioPostgresOptions {
  /** @default "mlops" */
  readonly namespace?: string;
  /** The ClusterSecretStore holding `<namespace>/postgresql` and `<namespace>/minio`. @default "platform-secrets" */
  readonly secretStore?: string;
  /** Seed "Scaling": 3 for HA. @default 1 */
  readonly mlflowReplicas?: number;
  /** Seed "Scaling": MinioTopology.distributed(4) for production. @default MinioTopology.standalone() */
  readonly minioTopology?: MinioTopology;
  /**
   * Who calls MLflow at `http://mlflow.<namespace>.svc.cluster.local:5000` (seed "Using MLflow"): the
   * namespaces where notebooks and training jobs run, optionally narrowed by pod labels. Their own
   * egress policies must let them out. `kubectl port-forward` (the seed's local access) needs no entry:
   * it does not pass through NetworkPolicies. With default-deny in the namespace, a server nobody
   * may reach is useless, so an empty list without `ingress` is refused.
   * @default [Peer.namespace('ml-training')]
   */
  readonly mlflowClients?: Peer[];
  /**
   * Exposes MLflow through an Ingress; its controller is admitted. The seed's server has no login, so
   * an Ingress also needs {@link unauthenticatedExposure} (what authenticates callers in front of it).
   * @default - no Ingress
   */
  readonly ingress?: TrackingServerIngress;
  /** Passed to `TrackingServer.unauthenticatedExposure`. @default - an Ingress fails synth */
  readonly unauthenticatedExposure?: UnauthenticatedExposure;
  /**
   * Who may open the MinIO console (9001), for example an ingress controller's namespace.
   * @default - nobody: reach it with `kubectl port-forward -n mlops svc/minio 9001:9001`, as the seed does
   */
  readonly minioConsoleClients?: Peer[];
  /** The cluster (where DNS runs; the reachability check simulates its CNI). @default Platform.generic() */
  readonly platform?: Platform;
}

/** The default of {@link MlflowMinioPostgresOptions.mlflowClients}: the namespace notebooks and training jobs run in. */
export const DEFAULT_MLFLOW_CLIENT_NAMESPACE = 'ml-training';

/** Builds the stack as one chart; call it once per team for one stack per namespace. */
export function mlflowMinioPostgres(app: App, id: string, options: MlflowMinioPostgresOptions = {}): Chart {
  const namespace = options.namespace ?? 'mlops';
  const chart = new Chart(app, id, { namespace, disableResourceNameHashes: true });
  const platform = (options.platform ?? Platform.generic()).target(chart);
  new Namespace(chart, 'namespace', { dns: platform.dnsPeer });
  const store = SecretStoreRef.cluster(options.secretStore ?? 'platform-secrets');
  const partOf = 'mlops';

  const dbSecret = new ExternalSecret(chart, 'postgres-credentials', {
    name: 'postgresql-credentials',
    store,
    data: {
      'superuser-password': { remoteKey: `${namespace}/postgresql`, property: 'superuser-password' },
      'mlflow-password': { remoteKey: `${namespace}/postgresql`, property: 'mlflow-password' },
    },
  });
  const minioSecret = new ExternalSecret(chart, 'minio-credentials', {
    name: 'minio-credentials',
    store,
    data: {
      'root-user': { remoteKey: `${namespace}/minio`, property: 'root-user' },
      'root-password': { remoteKey: `${namespace}/minio`, property: 'root-password' },
      'mlflow-access-key': { remoteKey: `${namespace}/minio`, property: 'mlflow-access-key' },
      'mlflow-secret-key': { remoteKey: `${namespace}/minio`, property: 'mlflow-secret-key' },
      'backup-access-key': { remoteKey: `${namespace}/minio`, property: 'backup-access-key' },
      'backup-secret-key': { remoteKey: `${namespace}/minio`, property: 'backup-secret-key' },
    },
  });

  const minio = new Minio(chart, 'minio', {
    rootCredentials: { accessKeyId: minioSecret.value('root-user'), secretAccessKey: minioSecret.value('root-password') },
    topology: options.minioTopology ?? MinioTopology.standalone(),
    storageSize: Size.gibibytes(50),
    partOf,
    buckets: ['mlflow', 'backups'],
    // Scoped users: MLflow cannot touch the database dumps, the dump job cannot touch artifacts.
    users: {
      mlflow: { credentials: { accessKeyId: minioSecret.value('mlflow-access-key'), secretAccessKey: minioSecret.value('mlflow-secret-key') }, readWrite: ['mlflow'] },
      backup: { credentials: { accessKeyId: minioSecret.value('backup-access-key'), secretAccessKey: minioSecret.value('backup-secret-key') }, readWrite: ['backups'] },
    },
    // Seed "Backup & Recovery": mc mirror of the artifacts to /backup (the database dumps have their
    // own retention in the `backups` bucket; mirroring them too would grow the volume without bound).
    backup: { destination: BackupDestination.volume({ size: Size.gibibytes(50) }), schedule: Schedule.daily({ hour: 3 }), buckets: ['mlflow'] },
  });
  const artifacts = minio.user('mlflow').bucket('mlflow');

  const postgres = new Postgres(chart, 'postgres', {
    superuserPassword: dbSecret.value('superuser-password'),
    database: { name: 'mlflow', user: 'mlflow', password: dbSecret.value('mlflow-password') },
    storageSize: Size.gibibytes(10),
    partOf,
    // Seed "Backup & Recovery": pg_dump of the mlflow database, kept 7 days.
    backup: { destination: BackupDestination.bucket(minio.user('backup').bucket('backups'), 'postgresql'), schedule: Schedule.daily({ hour: 2 }), retention: Duration.days(7) },
  });

  const mlflowClients = options.mlflowClients ?? [Peer.namespace(DEFAULT_MLFLOW_CLIENT_NAMESPACE)];
  if (!Array.isArray(mlflowClients) || (mlflowClients.length === 0 && !options.ingress)) {
    ValidationError.invalid(chart, 'mlflowClients', 'must admit at least one client of MLflow when there is no ingress', mlflowClients,
      `list the namespaces of your notebooks and training jobs, such as [Peer.namespace('${DEFAULT_MLFLOW_CLIENT_NAMESPACE}')], or set ingress`);
  }
  const server = new TrackingServer(chart, 'mlflow', {
    database: postgres,
    artifacts,
    replicas: options.mlflowReplicas ?? 1,
    partOf,
    clients: mlflowClients,
    ...(options.ingress ? { ingress: options.ingress } : {}),
    ...(options.unauthenticatedExposure ? { unauthenticatedExposure: options.unauthenticatedExposure } : {}),
  });
  // Seed "Verify Installation", after the sync: /health answers OK and the REST API answers JSON.
  new TrackingServerSmokeTest(chart, 'smoke-test', { server, partOf });
  for (const peer of options.minioConsoleClients ?? []) minio.allowConsoleFrom(peer);
  return chart;
}
