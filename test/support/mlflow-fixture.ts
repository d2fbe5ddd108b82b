/**
 * Test fixture: a TrackingServer on an existing Keycloak realm, PostgreSQL and S3 store, with an
 * ingress, for the auth-mode tests. `auth` gets the identity provider and the chart.
 */
import { Chart } from 'cdk8s';
import { IdentityProvider, IIdentityProvider } from '../../lib/identity/identity-provider';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { IngressTls } from '../../lib/core/ingress';
import { TrackingServer, TrackingServerProps } from '../../lib/mlflow/tracking-server';
import { Database, DatabaseEngine } from '../../lib/storage/database';
import { ObjectStore } from '../../lib/storage/object-store';
import { secretRef, synthChart } from './synth';

export function synthAuthServer(auth: (provider: IIdentityProvider, chart: Chart) => MlflowAuth, server: Partial<TrackingServerProps> = {}) {
  return synthChart((chart) => {
    const provider = IdentityProvider.fromExisting(chart, 'keycloak', {
      keycloakUrl: 'https://keycloak.example.com', realm: 'thinkube', clientId: 'mlflow', clientSecret: secretRef('mlflow-oidc', 'client-secret'),
    });
    const db = Database.fromExisting(chart, 'db', {
      engine: DatabaseEngine.POSTGRESQL, host: 'pg.db.svc.cluster.local', databaseName: 'mlflow', username: 'mlflow', password: secretRef('mlflow-db', 'password'),
    });
    const s3 = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.example.com', credentials: { accessKeyId: secretRef('s3', 'id'), secretAccessKey: secretRef('s3', 'key') } });
    new TrackingServer(chart, 'mlflow', {
      database: db,
      artifacts: s3.bucket('mlflow'),
      ingress: { host: 'mlflow.example.com', tls: IngressTls.existingSecret('mlflow-tls') },
      auth: auth(provider, chart),
      ...server,
    });
  }, 'mlflow');
}
