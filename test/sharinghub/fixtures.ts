import { Chart, Duration } from 'cdk8s';
import {
  GitLab, IngressTls, MlflowSharingHub, MlflowSharingHubProps, ObjectStore, Peer, Postgres, SharingHub, SharingHubConfigProps, SharingHubProps,
} from '../../lib';
import { secretRef } from '../support/synth';

export const CONFIG: SharingHubConfigProps = {
  allowedOrigins: ['https://eoepca.readthedocs.io'],
  stac: {
    projectsCacheTimeout: Duration.seconds(30),
    extensions: { 'ml-model': 'https://stac-extensions.github.io/ml-model/v1.0.0/schema.json' },
    root: { title: 'Catalog', description: 'Projects', locales: { fr: { title: 'Catalogue' } } },
    categories: [
      { id: 'ai-model', title: 'AI Models', description: 'Models', gitlabTopic: 'sharinghub:aimodel', features: { storeS3: true, mlflow: true } },
      { id: 'dataset', title: 'Datasets', description: 'Data', gitlabTopic: 'sharinghub:dataset', features: { mlflow: false } },
    ],
  },
  tags: { sections: [{ name: 'Tabular', enabledFor: ['ai-model'], keywords: ['Tabular Regression'] }] },
};

/** A SharingHub and, unless `mlflow` is false, its MLflow, in `chart`. */
export function hub(chart: Chart, over: Partial<SharingHubProps> = {}, mlflow: Partial<MlflowSharingHubProps> | false = {}) {
  const s3 = ObjectStore.fromExisting(chart, 's3', {
    endpointUrl: 'https://minio.example.com', region: 'eu', credentials: { accessKeyId: secretRef('s3', 'access-key'), secretAccessKey: secretRef('s3', 'secret-key') },
    peer: Peer.namespace('ingress-nginx'),
  });
  const sharinghub = new SharingHub(chart, 'sharinghub', {
    gitlab: GitLab.fromExisting(chart, 'gitlab', { url: 'https://gitlab.example.com', peer: Peer.cidr('203.0.113.7/32') }),
    ingress: { host: 'sharinghub.example.com', tls: IngressTls.certManagerClusterIssuer('letsencrypt-prod') },
    sessionSecret: secretRef('sharinghub', 'session-secret-key'),
    oauth: { clientId: secretRef('sharinghub-oidc', 'client-id'), clientSecret: secretRef('sharinghub-oidc', 'client-secret') },
    config: CONFIG,
    store: { bucket: s3.bucket('mlopbb-sharinghub') },
    ...over,
  });
  if (mlflow === false) return { sharinghub, s3 };
  const postgres = new Postgres(chart, 'pg', { name: 'mlflow-postgres', superuserPassword: secretRef('pg', 'postgres-password'), database: { password: secretRef('pg', 'password') } });
  const ml = new MlflowSharingHub(chart, 'mlflow', {
    sharingHub: sharinghub, database: postgres, artifacts: s3.bucket('mlopbb-mlflow'), secretKey: secretRef('mlflow-sharinghub', 'secret-key'), ...mlflow,
  });
  return { sharinghub, s3, mlflow: ml };
}
