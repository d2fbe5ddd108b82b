import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { IngressTls, Minio, MlflowAuth, Namespace, Postgres, SecretValue, TrackingServer } from '@mlops-cdk8s/platform';

// Every credential is a key of the Secret "mlops-credentials" that you create (below).
const secret = (key: string) => SecretValue.fromSecret('mlops-credentials', key);

export class MyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'mlops', disableResourceNameHashes: true, ...props });
    new Namespace(this, 'namespace'); // Pod Security "restricted", default-deny NetworkPolicies
    const postgres = new Postgres(this, 'postgres', {
      superuserPassword: secret('postgres-superuser'),
      database: { name: 'mlflow', user: 'mlflow', password: secret('postgres-mlflow') },
    });
    const minio = new Minio(this, 'minio', {
      rootCredentials: { accessKeyId: secret('minio-root-user'), secretAccessKey: secret('minio-root-password') },
      buckets: ['mlflow'],
    });
    new TrackingServer(this, 'mlflow', {
      database: postgres, // a construct, not a URL: the wiring becomes NetworkPolicies
      artifacts: minio.bucket('mlflow'),
      ingress: { host: 'mlflow.example.com', tls: IngressTls.existingSecret('mlflow-tls') },
      auth: MlflowAuth.basic({ adminPassword: secret('mlflow-admin'), secretKey: secret('mlflow-flask') }),
    });
  }
}

const app = new App();
new MyChart(app, 'mlops');
app.synth(); // fails, naming the construct, prop, value and fix, on anything unsafe
