import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  BackupDestination, ExternalSecret, IngressTls, Minio, MinioTopology, MlflowAuth, Namespace, Peer,
  Postgres, Schedule, SecretStoreRef, TrackingServer,
} from '@mlops-cdk8s/platform';
import { cdk8sTarget, safeSynth } from '@mlops-cdk8s/platform/synth';

/** MLflow with PostgreSQL and MinIO in the namespace `mlops`. */
export class MlopsChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'mlops', disableResourceNameHashes: true, ...props });
    new Namespace(this, 'namespace'); // Pod Security "restricted", default-deny, DNS egress

    // Every credential is a reference: External Secrets Operator copies it from your store.
    const creds = new ExternalSecret(this, 'credentials', {
      name: 'mlops-credentials',
      store: SecretStoreRef.cluster('platform-secrets'),
      data: {
        'pg-superuser': { remoteKey: 'mlops/postgresql', property: 'superuser-password' },
        'pg-mlflow': { remoteKey: 'mlops/postgresql', property: 'mlflow-password' },
        'minio-root-user': { remoteKey: 'mlops/minio', property: 'root-user' },
        'minio-root-password': { remoteKey: 'mlops/minio', property: 'root-password' },
        'minio-mlflow-key': { remoteKey: 'mlops/minio', property: 'mlflow-access-key' },
        'minio-mlflow-secret': { remoteKey: 'mlops/minio', property: 'mlflow-secret-key' },
        'minio-backup-key': { remoteKey: 'mlops/minio', property: 'backup-access-key' },
        'minio-backup-secret': { remoteKey: 'mlops/minio', property: 'backup-secret-key' },
        'pg-auth': { remoteKey: 'mlops/postgresql', property: 'auth-password' },
        'mlflow-admin': { remoteKey: 'mlops/mlflow', property: 'admin-password' },
        'mlflow-flask': { remoteKey: 'mlops/mlflow', property: 'flask-secret-key' },
      },
    });

    // Two buckets, two scoped users: MLflow cannot touch the database dumps and the dump job
    // cannot read the artifacts. The root keys stay with MinIO and its setup job.
    const minio = new Minio(this, 'minio', {
      rootCredentials: { accessKeyId: creds.value('minio-root-user'), secretAccessKey: creds.value('minio-root-password') },
      topology: MinioTopology.distributed(4),
      buckets: ['mlflow', 'backups'],
      users: {
        mlflow: {
          credentials: { accessKeyId: creds.value('minio-mlflow-key'), secretAccessKey: creds.value('minio-mlflow-secret') },
          readWrite: ['mlflow'],
        },
        backup: {
          credentials: { accessKeyId: creds.value('minio-backup-key'), secretAccessKey: creds.value('minio-backup-secret') },
          readWrite: ['backups'],
        },
      },
    });

    const postgres = new Postgres(this, 'postgres', {
      superuserPassword: creds.value('pg-superuser'),
      database: { name: 'mlflow', user: 'mlflow', password: creds.value('pg-mlflow') },
      storageSize: Size.gibibytes(20),
      backup: {                                   // pg_dump at 02:00 Paris time, kept two weeks
        destination: BackupDestination.bucket(minio.user('backup').bucket('backups'), 'postgresql'),
        schedule: Schedule.daily({ hour: 2, timeZone: 'Europe/Paris' }),
        retention: Duration.days(14),
      },
    });

    // Users and permissions of MLflow's basic auth: a database of its own, shared by the replicas.
    const authDb = new Postgres(this, 'auth-db', {
      name: 'postgresql-auth',
      superuserPassword: creds.value('pg-superuser'),
      database: { name: 'mlflow_auth', user: 'mlflow_auth', password: creds.value('pg-auth') },
    });

    new TrackingServer(this, 'mlflow', {
      database: postgres,                         // a construct, not a URL: it becomes NetworkPolicies
      artifacts: minio.user('mlflow').bucket('mlflow'),
      replicas: 3,                                // + PodDisruptionBudget and topology spread
      ingress: { host: 'mlflow.example.com', tls: IngressTls.certManagerClusterIssuer('letsencrypt') },
      auth: MlflowAuth.basic({ database: authDb, adminPassword: creds.value('mlflow-admin'), secretKey: creds.value('mlflow-flask') }),
      metrics: {},                                // ServiceMonitor: needs the Prometheus Operator
      clients: [Peer.namespace('ml-training')],   // who else may call the API
    });
  }
}

if (require.main === module) { // not when a test imports MlopsChart
  const targets = [cdk8sTarget('mlops', (app: App) => { new MlopsChart(app, 'mlops'); })];
  // dist/mlops/: one file per object plus kustomization.yaml, written only when every check
  // passes; a failed synth leaves the committed dist/ exactly as it was.
  safeSynth('dist', targets);
  // Under `cdk8s synth`, also fill its scratch output directory (see cdk8s.yaml below).
  if (process.env.CDK8S_OUTDIR) safeSynth(process.env.CDK8S_OUTDIR, targets);
}
