/**
 * Seed 003 (Thinkube): MLflow in namespace `mlflow` with single sign-on through Keycloak
 * (mlflow-oidc-auth), the platform's shared PostgreSQL, SeaweedFS as S3, the shared-models
 * volume (JuiceFS, ReadWriteMany) as artifact root, an Ingress on `mlflow.<domain>`, and the
 * service-discovery and client-environment ConfigMaps. Everything the playbooks did imperatively
 * is a Job that runs on every sync (databases, bucket, Keycloak client); every secret is an
 * ExternalSecret of a ClusterSecretStore.
 */
import { App, Chart, Size } from 'cdk8s';
import {
  AccessMode, ArtifactRoot, BucketSetup, Database, DatabaseEngine, DatabaseSetup, ExternalSecret,
  IngressTls, INTERNET, k8s, KeycloakClientSetup, Labels, MlflowAuth, Namespace, ObjectStore,
  OidcAuthStore, Peer, Platform, Port, SecretStoreRef, StorageClass, TrackingServer,
  TrackingServerSmokeTest, ValidationError, VolumeClaim,
} from '../lib';
import { stringifyYaml } from '../lib/synth';

export interface ThinkubeMlflowOptions {
  /** The platform's domain: MLflow is `mlflow.<domain>`, Keycloak `keycloak.<domain>`. @default "example.com" */
  readonly domain?: string;
  /** @default "mlflow" */
  readonly namespace?: string;
  /** The ClusterSecretStore holding `mlflow/*` (see the README). @default "platform-secrets" */
  readonly secretStore?: string;
  /** @default "https://keycloak.<domain>" */
  readonly keycloakUrl?: string;
  /** The existing realm the client is registered in. @default "thinkube" */
  readonly realm?: string;
  /**
   * MLflow with mlflow-oidc-auth, built from lib/mlflow/oidc/Dockerfile and pushed to the
   * platform's registry. A version tag or digest, never `latest`.
   * @default "harbor.<domain>/library/mlflow-oidc:3.14.0-7.18.0"
   */
  readonly image?: string;
  /** The registry pull Secret (type dockerconfigjson) in the namespace. @default "harbor-registry-secret" */
  readonly imagePullSecret?: string;
  /** The shared-models volume's class; must support ReadWriteMany. @default StorageClass.juicefs("juicefs-rwx") */
  readonly sharedModelsStorageClass?: StorageClass;
  /** The local-artifacts volume's class. @default StorageClass.hostPath("k8s-hostpath") */
  readonly localStorageClass?: StorageClass;
  /** Artifacts in the SeaweedFS bucket instead of the shared-models volume. @default false */
  readonly artifactsOnS3?: boolean;
  /** `MLFLOW_S3_IGNORE_TLS=true` and `mc --insecure` (an https endpoint with a private CA). @default false */
  readonly s3IgnoreTls?: boolean;
  /** @default IngressTls.certManagerClusterIssuer("letsencrypt-prod") */
  readonly tls?: IngressTls;
  /** Where the ingress controller runs. @default - the platform's ingress controller pods */
  readonly ingressController?: Peer;
  /**
   * The cluster: Thinkube runs on Canonical Kubernetes (Cilium), its ingress-nginx in namespace
   * `ingress`; public names (keycloak.<domain>) hairpin to that controller.
   * @default Platform.canonicalKubernetes({ ingressController: { namespace: 'ingress', hairpin: true } })
   */
  readonly platform?: Platform;
  /** Render `thinkube-service-config` (the platform's service discovery). @default true */
  readonly serviceDiscovery?: boolean;
  /**
   * Namespaces whose pods may call MLflow with their Kubernetes service-account token (audience
   * `mlflow-api`) instead of a client secret (the plugin's k8s provider; see the README).
   * @default - none (programs use the mlflow-automation client)
   */
  readonly serviceAccountNamespaces?: string[];
}

/** The machine client programs use for tokens (client credentials). */
export const MLFLOW_AUTOMATION_CLIENT = 'mlflow-automation';

/** Builds the stack as one chart. */
export function thinkubeMlflow(app: App, id: string, options: ThinkubeMlflowOptions = {}): Chart {
  const namespace = options.namespace ?? 'mlflow';
  const chart = new Chart(app, id, { namespace, disableResourceNameHashes: true });
  const domain = ValidationError.checkHostname(chart, 'domain', options.domain ?? 'example.com');
  const host = `mlflow.${domain}`;
  const partOf = 'thinkube';
  // Thinkube deploys ingress-nginx from its Helm chart (pods app.kubernetes.io/name=ingress-nginx,
  // component=controller) in namespace `ingress`, behind MetalLB inside the cluster, so its public
  // names hairpin (thinkube/thinkube before 3b6752d, ansible/40_thinkube/core/infrastructure/ingress/
  // 10_deploy.yaml; later Thinkube versions dropped ingress-nginx).
  const platform = (options.platform ?? Platform.canonicalKubernetes({ ingressController: { namespace: 'ingress', hairpin: true } })).target(chart);
  new Namespace(chart, 'namespace', { dns: platform.dnsPeer });
  const store = SecretStoreRef.cluster(options.secretStore ?? 'platform-secrets');
  const secret = (name: string, remoteKey: string, keys: string[]) => new ExternalSecret(chart, name, {
    name, store, data: Object.fromEntries(keys.map((k) => [k, { remoteKey, property: k }])),
  });
  const dbSecret = secret('mlflow-db', 'mlflow/postgresql', ['admin-password']);
  const s3Secret = secret('mlflow-s3', 'mlflow/seaweedfs', ['access-key', 'secret-key']);
  const oidcSecret = secret('mlflow-oidc', 'mlflow/oidc', ['client-secret', 'session-secret-key', 'automation-client-secret']);
  const keycloakAdmin = secret('keycloak-admin', 'mlflow/keycloak-admin', ['password']);

  // The platform's PostgreSQL (seed: postgresql-official in namespace postgres), as its admin.
  const pg = { engine: DatabaseEngine.POSTGRESQL, host: 'postgresql-official.postgres.svc.cluster.local', username: 'admin',
    password: dbSecret.value('admin-password'), peer: Peer.namespace('postgres') };
  const trackingDb = Database.fromExisting(chart, 'tracking-db', { ...pg, databaseName: 'mlflow' });
  const authDb = Database.fromExisting(chart, 'auth-db', { ...pg, databaseName: 'mlflow_auth' });
  new DatabaseSetup(chart, 'db-setup', {
    name: 'mlflow-db-setup',
    admin: Database.fromExisting(chart, 'postgres-admin', { ...pg, databaseName: 'postgres' }),
    databases: [trackingDb, authDb],
    partOf,
  });

  const seaweedfs = ObjectStore.fromExisting(chart, 'seaweedfs', {
    endpointUrl: 'http://seaweedfs-filer.seaweedfs:8333',
    credentials: { accessKeyId: s3Secret.value('access-key'), secretAccessKey: s3Secret.value('secret-key') },
    peer: Peer.namespace('seaweedfs'),
  });
  const bucket = seaweedfs.bucket('mlflow');
  new BucketSetup(chart, 'bucket-setup', { name: 'mlflow-bucket-setup', buckets: [bucket], insecure: options.s3IgnoreTls ?? false, partOf });

  // The seed gave `auth_realm_username` (tkadmin) mlflow-admin by listing the user; listing a person
  // would strip their other roles and groups on every sync (see KeycloakClientSetup), so the roles
  // come through the groups mlflow-admins / mlflow-users, which an administrator fills once.
  if ((options as { admins?: unknown }).admins !== undefined) {
    ValidationError.invalid(chart, 'admins', 'is no longer an option (listing users would strip their other Keycloak roles and groups on every sync)', (options as { admins?: unknown }).admins,
      'remove it and add those users to the Keycloak group "mlflow-admins" once (see dist/thinkube-mlflow/README.md)');
  }
  const keycloakUrl = options.keycloakUrl ?? `https://keycloak.${domain}`;
  const identity = KeycloakClientSetup.mlflow(chart, 'keycloak', {
    keycloakUrl,
    realm: options.realm ?? 'thinkube',
    host,
    admin: { username: 'admin', password: keycloakAdmin.value('password') },
    clientSecret: oidcSecret.value('client-secret'),
    // keycloak.<domain> is served by the cluster's own ingress: under Cilium a 0.0.0.0/0 ipBlock never
    // matches the controller pods the name hairpins to, so the egress goes to them.
    peer: platform.publicEndpointPeer,
    machineClients: [{ clientId: MLFLOW_AUTOMATION_CLIENT, clientSecret: oidcSecret.value('automation-client-secret'), realmRoles: ['mlflow-user'] }],
    partOf,
  });

  const local = new VolumeClaim(chart, 'local-artifacts', {
    name: 'mlflow-storage', size: Size.gibibytes(1), accessMode: AccessMode.READ_WRITE_ONCE,
    storageClass: options.localStorageClass ?? StorageClass.hostPath('k8s-hostpath'), partOf,
  });
  const models = new VolumeClaim(chart, 'shared-models', {
    name: 'thinkube-models', size: Size.gibibytes(500), accessMode: AccessMode.READ_WRITE_MANY,
    storageClass: options.sharedModelsStorageClass ?? StorageClass.juicefs('juicefs-rwx'),
    labels: { 'app.kubernetes.io/name': 'ml-models', 'app.kubernetes.io/managed-by': 'thinkube' },
    partOf,
  });

  const server = new TrackingServer(chart, 'mlflow', {
    database: trackingDb,
    artifacts: options.artifactsOnS3 ? bucket : ArtifactRoot.onVolume('/models/mlflow-artifacts'),
    objectStore: seaweedfs,
    s3IgnoreTls: options.s3IgnoreTls ?? false,
    volumes: [
      { claim: local, mountPath: '/mlflow/local-artifacts' },
      { claim: models, mountPath: '/models' },
    ],
    imagePullSecrets: [options.imagePullSecret ?? 'harbor-registry-secret'],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
    ingress: {
      host,
      tls: options.tls ?? IngressTls.certManagerClusterIssuer('letsencrypt-prod'),
      className: 'nginx',
      controller: options.ingressController ?? platform.ingressControllerPeer,
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' },
    },
    auth: MlflowAuth.oidc({
      provider: identity,
      image: options.image ?? `harbor.${domain}/library/mlflow-oidc:3.14.0-7.18.0`,
      secretKey: oidcSecret.value('session-secret-key'),
      store: OidcAuthStore.database(authDb),
      displayName: 'Login with Keycloak',
      scopes: ['openid', 'profile', 'email'],
      groups: { users: ['mlflow-user'], admins: ['mlflow-admin'] },
      groupsClaim: 'realm_access.roles',
      automaticLoginRedirect: true,
      defaultLandingPageIsPermissions: false,
      provisionOnBearerAuth: true,
      ...(options.serviceAccountNamespaces ? { serviceAccountTokens: { namespaces: options.serviceAccountNamespaces } } : {}),
    }),
    partOf,
  });

  // Seed "Test MLflow API", after the sync: /health answers OK (the discovery's health endpoint) and
  // the API refuses a call without a token (single sign-on is on); the Job holds no credentials.
  new TrackingServerSmokeTest(chart, 'smoke-test', { server, partOf });
  const ingressPods = options.ingressController ?? platform.ingressControllerPeer;
  Platform.expectFlow(chart, 'browser → ingress controller → MLflow', { from: INTERNET, to: ingressPods, port: Port.tcp(443) }, { from: ingressPods, to: server, port: Port.tcp(5000) });

  const labels = (component: string) => Labels.standard({ name: 'mlflow', instance: 'mlflow', component, partOf });
  const clientEnv = {
    MLFLOW_TRACKING_URI: `https://${host}`,
    MLFLOW_KEYCLOAK_TOKEN_URL: identity.tokenEndpoint,
    MLFLOW_KEYCLOAK_CLIENT_ID: MLFLOW_AUTOMATION_CLIENT,
  };
  // What a program needs besides its client secret (seed: 17_configure_discovery, without the
  // user name, password and client secret it put there).
  new k8s.KubeConfigMap(chart, 'client-env', {
    metadata: { name: 'mlflow-client-env', labels: labels('client-config') },
    data: { ...clientEnv, 'mlflow-token.sh': KeycloakClientSetup.tokenScript() },
  });
  if (options.serviceDiscovery ?? true) {
    new k8s.KubeConfigMap(chart, 'service-config', {
      metadata: {
        name: 'thinkube-service-config',
        labels: { ...labels('service-discovery'), 'thinkube.io/managed': 'true', 'thinkube.io/service-type': 'core', 'thinkube.io/service-name': 'mlflow' },
      },
      data: {
        'service.yaml': stringifyYaml({
          service: {
            name: 'mlflow',
            display_name: 'MLflow',
            description: 'ML experiment tracking and model registry',
            category: 'ai',
            icon: '/icons/tk_ai.svg',
            endpoints: [
              { name: 'web', type: 'http', url: `https://${host}`, primary: true },
              { name: 'health', type: 'health', url: `https://${host}/health` },
            ],
            dependencies: ['postgres', 'seaweedfs', 'keycloak'],
            scaling: { resource_type: 'Deployment', resource_name: server.workloadName, namespace, min_replicas: 1, can_disable: true },
            environment_variables: Object.entries(clientEnv).map(([name, value]) => ({ name, value })),
          },
        }),
      },
    });
  }
  return chart;
}
