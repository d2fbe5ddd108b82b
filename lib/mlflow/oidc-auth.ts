import { Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ConnectionGraph, Peer } from '../core/connections';
import { ContainerImage } from '../core/image';
import { EnvValue } from '../core/pod';
import { Port } from '../core/port';
import { SecretValue } from '../core/secret-value';
import { checkDnsLabel, checkHost, checkInteger, checkPort, checkRenamedProps, checkSecretValue, invalid } from '../core/validate';
import { parseHttpsUrl } from '../identity/identity-provider';
import { IDatabase } from '../storage/database';
import { readScript } from '../core/script-file';
import { CREDENTIALS_DIR, DriverCredential, databaseConnection } from './driver-credentials';
import { RelyingParty, RelyingPartyOptions, resolveRelyingParty } from './relying-party';
import { k8s } from '../core/k8s';
import { MlflowAuthConfig, MlflowAuthContext, MlflowAuthMode } from './auth';

/** The plugin version the env names below were checked against (github mlflow-oidc/mlflow-oidc-auth, tag v7.18.0). */
export const MLFLOW_OIDC_AUTH_VERSION = '7.18.0';

/** Where the plugin keeps users, permissions and (since 7.x) server-side sessions: `OIDC_USERS_DB_URI`. */
export class OidcAuthStore {
  /** SQLite in the pod's scratch directory: lost on restart, one replica only. */
  public static sqlite(): OidcAuthStore {
    return new OidcAuthStore(undefined);
  }
  /** A database of its own (PostgreSQL or MySQL), shared by every replica. */
  public static database(database: IDatabase): OidcAuthStore {
    if (!database || typeof (database as IDatabase).grantConnect !== 'function') {
      invalid('OidcAuthStore.database', 'database', 'must be an IDatabase (a Postgres or Database.fromExisting(...))', typeof database, 'pass Database.fromExisting(scope, "auth-db", { ... })');
    }
    return new OidcAuthStore(database);
  }
  private constructor(public readonly database: IDatabase | undefined) {}
  /** True when every replica sees the same sessions. */
  public get shared(): boolean {
    return this.database !== undefined;
  }
}

/** Options of {@link OidcCache.redis}. */
export interface RedisCacheOptions {
  /** `redis.cache.svc.cluster.local` */
  readonly host: string;
  /** @default 6379 */
  readonly port?: number;
  /** @default 0 */
  readonly db?: number;
  /** @default - no password */
  readonly password?: SecretValue;
  /** @default Peer.cidr('<host>/32') for an IPv4 host, else Peer.anyAddress(), on the port */
  readonly peer?: Peer;
}

/** The plugin's permission and workspace cache (`CACHE_BACKEND`). */
export class OidcCache {
  /** In-process TTL cache: a permission change reaches other replicas after `PERMISSION_CACHE_TTL_SECONDS` (30 s). */
  public static local(): OidcCache {
    return new OidcCache(undefined);
  }
  /** A Redis-compatible server shared by every replica (the image needs the plugin's `cache` extra). */
  public static redis(options: RedisCacheOptions): OidcCache {
    const scope = 'OidcCache.redis';
    const host = checkHost(scope, 'host', options.host);
    const port = checkPort(scope, 'port', options.port ?? 6379);
    const db = checkInteger(scope, 'db', options.db ?? 0, 0, 15);
    if (options.password !== undefined) checkSecretValue(scope, 'password', options.password, SecretValue, 'pass SecretValue.fromSecret("redis", "password")');
    return new OidcCache({ host, port, db, password: options.password, peer: options.peer ?? Peer.host(host) });
  }
  private constructor(public readonly redis: { host: string; port: number; db: number; password?: SecretValue; peer: Peer } | undefined) {}
}

/**
 * Kubernetes service-account tokens as MLflow credentials: the plugin's `type: k8s` provider
 * (mlflow-oidc-auth 7.18, `docs/kubernetes-auth.md`). A pod projects a token with {@link audience}
 * and sends it as `Authorization: Bearer`; it becomes the user `<sa>.<namespace>@serviceaccount.cluster.local`
 * in the group `k8s:<namespace>` (never an admin). MLflow fetches the cluster's keys from
 * `https://kubernetes.default.svc/openid/v1/jwks` with its own token (`in_cluster`).
 */
export interface ServiceAccountTokenOptions {
  /** Namespaces whose service accounts may authenticate (`namespace_allowlist`); each is also let in to MLflow's port. */
  readonly namespaces: string[];
  /** The `aud` the pods' projected tokens carry, which the provider pins. @default "mlflow-api" */
  readonly audience?: string;
  /**
   * The cluster's service-account issuer, as tokens carry it in `iss`
   * (`kubectl get --raw /.well-known/openid-configuration | jq -r .issuer`).
   * @default "https://kubernetes.default.svc.cluster.local" (kubeadm, kind)
   */
  readonly issuer?: string;
  /** Where the API server's endpoints are, for MLflow's egress. @default Peer.anyAddress() */
  readonly apiServer?: Peer;
  /** The API server endpoints' port (after the `kubernetes` Service's translation). @default 6443 */
  readonly apiServerPort?: number;
}

/** The plugin's mapping of the provider's groups to MLflow rights (`auth.groups`). */
export interface OidcGroups {
  /** Groups allowed to log in (`OIDC_GROUP_NAME`). @default ["mlflow-user"] */
  readonly users?: string[];
  /** Groups with full rights (`OIDC_ADMIN_GROUP_NAME`). @default ["mlflow-admin"] */
  readonly admins?: string[];
}

/** Options of {@link MlflowAuth.oidc}. */
export interface OidcAuthOptions extends RelyingPartyOptions {
  /**
   * An image with MLflow and mlflow-oidc-auth (no public image pins both: build
   * `lib/mlflow/oidc/Dockerfile`). A version tag or a digest; `latest` is refused.
   */
  readonly image: string;
  /**
   * Signs the session cookie (`SECRET_KEY`). Required with more than one replica.
   * @default - the plugin's random per-process key (sessions end on restart)
   */
  readonly secretKey?: SecretValue;
  /** @default OidcAuthStore.sqlite() (one replica only) */
  readonly store?: OidcAuthStore;
  /** @default OidcCache.local() */
  readonly cache?: OidcCache;
  /** `OIDC_PROVIDER_DISPLAY_NAME`. @default "Login with OIDC" */
  readonly displayName?: string;
  /** Which groups of {@link groupsClaim} may log in, and which have full rights. @default - users ["mlflow-user"], admins ["mlflow-admin"] */
  readonly groups?: OidcGroups;
  /** The expected `aud` of bearer tokens (`OIDC_AUDIENCE`). @default - the provider's client id */
  readonly audience?: string;
  /** Send unauthenticated browsers straight to the provider (`AUTOMATIC_LOGIN_REDIRECT`). @default true */
  readonly automaticLoginRedirect?: boolean;
  /**
   * Create the user on first use of a bearer token (`OIDC_PROVISION_ON_BEARER_AUTH`), so programs
   * with a client-credentials token (a Keycloak service account) need no browser login first.
   * The token's `aud` and `iss` are checked (`OIDC_AUDIENCE`, `OIDC_ISSUER`).
   * @default false
   */
  readonly provisionOnBearerAuth?: boolean;
  /** `DEFAULT_LANDING_PAGE_IS_PERMISSIONS`. @default false (MLflow's own start page) */
  readonly defaultLandingPageIsPermissions?: boolean;
  /**
   * Accept Kubernetes service-account tokens from these namespaces besides the provider's logins
   * (`AUTH_PROVIDERS_FILE` with the OIDC provider and a `k8s` one, a projected token for MLflow's
   * key fetch, and a ClusterRoleBinding to `system:service-account-issuer-discovery`).
   * @default - none (only the provider's tokens)
   */
  readonly serviceAccountTokens?: ServiceAccountTokenOptions;
}

const MOUNT = '/mlflow/oidc';

/** The mlflow-oidc-auth mode; create it with {@link MlflowAuth.oidc}. */
export class MlflowOidcAuth extends MlflowAuthMode {
  /** The plugin version the env names below were checked against (github mlflow-oidc/mlflow-oidc-auth, tag v7.18.0). */
  public static readonly VERSION = MLFLOW_OIDC_AUTH_VERSION;

  constructor(private readonly options: OidcAuthOptions) {
    super();
  }

  public bind(scope: IConstruct, context: MlflowAuthContext): MlflowAuthConfig {
    const o = this.options;
    const r = resolveOidc(scope, context, o);
    r.provider.grantConnect(context.workload, 'mlflow oidc (discovery, keys, token endpoint)');
    r.store.database?.grantConnect(context.workload, 'mlflow auth database');
    if (r.redis) ConnectionGraph.of(context.workload).allow(Peer.workload(context.workload), r.redis.peer, Port.tcp(r.redis.port), 'mlflow oidc cache');
    const store = renderStoreAndCache(r);
    const k8sAuth = o.serviceAccountTokens === undefined ? undefined : bindServiceAccountTokens(scope, context, o.serviceAccountTokens, {
      id: 'default', type: 'oidc', display_name: o.displayName ?? 'Login with OIDC', discovery_url: r.provider.discoveryUrl,
      issuer: r.provider.issuerUrl, audience: o.audience ?? r.provider.clientId, client_id: r.provider.clientId,
    });
    const env: Array<[string, EnvValue]> = [
      ...renderLoginEnv(o, r),
      ...store.env,
      ...(k8sAuth ? [['AUTH_PROVIDERS_FILE', EnvValue.literal(`${MOUNT}/auth_providers.json`)]] as Array<[string, EnvValue]> : []),
    ];
    const files: Record<string, string> = {
      ...(r.nested ? { 'mlflow_keycloak_groups.py': readScript(__dirname, 'mlflow_keycloak_groups.py') } : {}),
      ...(r.redis?.password ? { 'sitecustomize.py': readScript(__dirname, 'sitecustomize.py') } : {}),
      ...(k8sAuth ? { 'auth_providers.json': k8sAuth.providersJson } : {}),
    };
    return {
      image: r.image,
      serverArgs: ['--app-name', 'oidc-auth'],
      env,
      ...(store.credentials.length ? { credentials: store.credentials } : {}),
      files,
      mountPath: MOUNT,
      probes: { startup: '/health/startup', liveness: '/health/live', readiness: '/health/ready' },
      ...(k8sAuth ? { volumes: k8sAuth.volumes, volumeMounts: k8sAuth.volumeMounts } : {}),
    };
  }
}

/** The OIDC mode's options with their defaults, checked against the server's settings. */
interface ResolvedOidc extends RelyingParty {
  readonly image: ContainerImage;
  readonly secretKey?: SecretValue;
  readonly store: OidcAuthStore;
  readonly redis: OidcCache['redis'];
  /** `OIDC_GROUP_NAME` and `OIDC_ADMIN_GROUP_NAME`, comma-separated. */
  readonly userGroups: string;
  readonly adminGroups: string;
  /** The groups claim is a path (`realm_access.roles`): our detection plugin reads it. */
  readonly nested: boolean;
}

function resolveOidc(scope: IConstruct, context: MlflowAuthContext, o: OidcAuthOptions): ResolvedOidc {
  const rp = resolveRelyingParty(scope, context.ingressHost, o, 'OIDC auth', '/callback');
  checkRenamedProps(scope, 'auth.', o, { userGroups: 'groups: { users: [...] }', adminGroups: 'groups: { admins: [...] }' });
  const image = ContainerImage.fromReference(o.image, scope, 'auth.image');
  const secretKey = o.secretKey;
  if (secretKey !== undefined) checkSecretValue(scope, 'auth.secretKey', secretKey, SecretValue, 'pass SecretValue.fromSecret("mlflow-oidc", "secret-key")');
  const store = o.store ?? OidcAuthStore.sqlite();
  checkSharedState(scope, context, secretKey, store);
  const userGroups = checkGroups(scope, 'users', o.groups?.users ?? ['mlflow-user']);
  const adminGroups = checkGroups(scope, 'admins', o.groups?.admins ?? ['mlflow-admin']);
  const redis = (o.cache ?? OidcCache.local()).redis;
  return { ...rp, image, secretKey, store, redis, userGroups, adminGroups, nested: rp.groupsClaim.includes('.') };
}

/** Several replicas need one session key and one session store; the store is never the tracking database. */
function checkSharedState(scope: IConstruct, context: MlflowAuthContext, secretKey: SecretValue | undefined, store: OidcAuthStore): void {
  const replicas = context.replicas;
  if (replicas > 1 && !secretKey) {
    invalid(scope, 'auth.secretKey', `is required with ${replicas} replicas (each pod would sign session cookies with its own random key, so a session would work on one pod only)`,
      undefined, 'pass secretKey: SecretValue.fromSecret("mlflow-oidc", "secret-key"), the same Secret for every replica');
  }
  if (replicas > 1 && !store.shared) {
    invalid(scope, 'auth.store', `must be shared with ${replicas} replicas (sessions are rows of the plugin's database, and SQLite lives in one pod)`,
      'sqlite', 'pass store: OidcAuthStore.database(authDb), a database of its own that every replica reaches');
  }
  const tracking = context.trackingDatabase;
  if (store.database && tracking && store.database.host === tracking.host && store.database.port === tracking.port && store.database.databaseName === tracking.databaseName) {
    invalid(scope, 'auth.store', 'must be a database of its own, not the tracking database (the plugin runs its own migrations)', store.database.databaseName,
      `create a second database such as "${tracking.databaseName}_auth" and pass OidcAuthStore.database(...) for it`);
  }
}

/** A non-empty list of group names without ",", joined as the plugin reads it. */
function checkGroups(scope: IConstruct, prop: 'users' | 'admins', list: string[]): string {
  if (!Array.isArray(list) || list.length === 0) invalid(scope, `auth.groups.${prop}`, 'must list at least one group', list, `pass groups: { ${prop}: ["mlflow-${prop === 'users' ? 'user' : 'admin'}"] }`);
  list.forEach((g, i) => {
    if (typeof g !== 'string' || !g.trim() || g.includes(',')) invalid(scope, `auth.groups.${prop}[${i}]`, 'must be a non-empty group name without ","', g, 'use a group such as "mlflow-user"');
  });
  return list.join(',');
}

/** The plugin's login settings: provider, client, redirect, groups, session. */
function renderLoginEnv(o: OidcAuthOptions, r: ResolvedOidc): Array<[string, EnvValue]> {
  const env: Array<[string, EnvValue]> = [];
  const add = (name: string, value: string | EnvValue) => env.push([name, typeof value === 'string' ? EnvValue.literal(value) : value]);
  add('OIDC_DISCOVERY_URL', r.provider.discoveryUrl);
  add('OIDC_ISSUER', r.provider.issuerUrl);
  add('OIDC_CLIENT_ID', r.provider.clientId);
  add('OIDC_CLIENT_SECRET', EnvValue.fromSecret(r.clientSecret));
  add('OIDC_AUDIENCE', o.audience ?? r.provider.clientId);
  add('OIDC_REDIRECT_URI', `https://${r.host}/callback`);
  add('OIDC_SCOPE', r.scopes.join(' '));
  add('OIDC_PROVIDER_DISPLAY_NAME', o.displayName ?? 'Login with OIDC');
  add('OIDC_GROUP_NAME', r.userGroups);
  add('OIDC_ADMIN_GROUP_NAME', r.adminGroups);
  add('OIDC_GROUPS_ATTRIBUTE', r.groupsClaim);
  if (r.nested) add('OIDC_GROUP_DETECTION_PLUGIN', 'mlflow_keycloak_groups');
  // Our modules: the group detection, and sitecustomize.py, which hands redis-py its password.
  if (r.nested || r.redis?.password) add('PYTHONPATH', MOUNT);
  add('AUTOMATIC_LOGIN_REDIRECT', String(o.automaticLoginRedirect ?? true));
  add('DEFAULT_LANDING_PAGE_IS_PERMISSIONS', String(o.defaultLandingPageIsPermissions ?? false));
  add('SESSION_COOKIE_SECURE', 'true');
  if (o.provisionOnBearerAuth) add('OIDC_PROVISION_ON_BEARER_AUTH', 'true');
  if (r.secretKey) add('SECRET_KEY', EnvValue.fromSecret(r.secretKey));
  return env;
}

/** The plugin's user store (`OIDC_USERS_DB_URI`) and cache, and the passwords the credentials init container writes for them. */
function renderStoreAndCache(r: ResolvedOidc): { env: Array<[string, EnvValue]>; credentials: DriverCredential[] } {
  const env: Array<[string, EnvValue]> = [];
  const credentials: DriverCredential[] = [];
  if (r.store.database) {
    // No password in the URI: the engine's driver reads it from the file the credentials init
    // container writes (a pgpass line for this database, or an option file the URI names).
    const auth = databaseConnection(r.store.database, 'AUTH_DB', 'auth-my.cnf', true);
    credentials.push(auth.credential);
    env.push(['OIDC_USERS_DB_URI', EnvValue.literal(auth.uri)]);
  } else {
    // The root filesystem is read-only: the SQLite file goes to the scratch emptyDir.
    env.push(['OIDC_USERS_DB_URI', EnvValue.literal('sqlite:////tmp/mlflow-oidc-auth.db')]);
  }
  const redis = r.redis;
  if (redis) {
    env.push(['CACHE_BACKEND', EnvValue.literal('redis')]);
    // The plugin logs this URL, so it carries no password: sitecustomize.py passes redis-py the
    // password from the file the credentials init container writes.
    env.push(['CACHE_REDIS_URL', EnvValue.literal(`redis://${redis.host}:${redis.port}/${redis.db}`)]);
    if (redis.password) {
      const file = `${CREDENTIALS_DIR}/redis-password`;
      credentials.push({ prefix: 'REDIS', engine: 'password', password: redis.password, file });
      env.push(['MLFLOW_OIDC_REDIS_AUTH_FILE', EnvValue.literal(file)]);
    }
  }
  return { env, credentials };
}

/** Where the plugin reads MLflow's own token and the cluster CA (`kubernetes.py` IN_CLUSTER_*_PATH). */
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The `AUTH_PROVIDERS` registry with the OIDC provider (an explicit registry replaces the one the
 * plugin synthesises from `OIDC_*`, so it must list the login provider too) and the `k8s` one;
 * MLflow's projected token; the issuer-discovery ClusterRoleBinding; egress to the API server and
 * the allowed namespaces' way in.
 */
function bindServiceAccountTokens(scope: IConstruct, context: MlflowAuthContext, t: ServiceAccountTokenOptions, oidcEntry: Record<string, string>) {
  const prop = 'auth.serviceAccountTokens';
  if (!t || typeof t !== 'object') invalid(scope, prop, 'must be an object', t, 'pass serviceAccountTokens: { namespaces: ["team-a"] }');
  if (!Array.isArray(t.namespaces) || t.namespaces.length === 0) {
    invalid(scope, `${prop}.namespaces`, 'must list at least one namespace (the plugin admits nobody with an empty list)', t.namespaces, 'pass namespaces: ["team-a"]');
  }
  const namespaces = t.namespaces.map((ns, i) => checkDnsLabel(scope, `${prop}.namespaces[${i}]`, ns));
  if (new Set(namespaces).size !== namespaces.length) invalid(scope, `${prop}.namespaces`, 'must not repeat a namespace', namespaces, 'list each namespace once');
  const audience = t.audience ?? 'mlflow-api';
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,252}$/.test(audience ?? '')) {
    invalid(scope, `${prop}.audience`, 'must be letters, digits, ".", "_", ":", "/" or "-"', audience, 'pass audience: "mlflow-api"');
  }
  const issuer = parseHttpsUrl(scope, `${prop}.issuer`, t.issuer ?? 'https://kubernetes.default.svc.cluster.local', 'https://kubernetes.default.svc.cluster.local').url;
  if (t.apiServer !== undefined && !(t.apiServer instanceof Peer)) invalid(scope, `${prop}.apiServer`, 'must be a Peer', typeof t.apiServer, "pass apiServer: Peer.cidr('10.0.0.10/32')");
  const apiPort = Port.tcp(checkPort(scope, `${prop}.apiServerPort`, t.apiServerPort ?? 6443));
  const w = context.workload;
  const graph = ConnectionGraph.of(w);
  graph.allow(Peer.workload(w), t.apiServer ?? Peer.anyAddress(), apiPort, 'mlflow oidc: Kubernetes service-account keys (/openid/v1/jwks)');
  for (const ns of namespaces) graph.allow(Peer.namespace(ns), Peer.workload(w), Port.tcp(context.serverPort ?? 5000), 'mlflow client (Kubernetes service-account token)');
  const binding = new k8s.KubeClusterRoleBinding(scope, 'IssuerDiscovery', {
    metadata: { name: `${w.namespace}-${w.serviceAccountName}-issuer-discovery`, ...(context.labels ? { labels: context.labels } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:service-account-issuer-discovery' },
    subjects: [{ kind: 'ServiceAccount', name: w.serviceAccountName, namespace: w.namespace }],
  });
  // Cluster-scoped: the chart's namespace does not belong on it.
  if (Chart.of(scope).namespace) binding.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  const providers = [oidcEntry, {
    id: 'kubernetes', type: 'k8s', display_name: 'Kubernetes', audience, issuer, namespace_allowlist: namespaces,
    jwks_uri: 'https://kubernetes.default.svc/openid/v1/jwks', in_cluster: true,
  }];
  // What the kubelet mounts with automountServiceAccountToken (off in every pod here), for MLflow alone.
  const volumes: k8s.Volume[] = [{
    name: 'kube-api-access',
    projected: {
      defaultMode: 0o444,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      ],
    },
  }];
  return {
    providersJson: `${JSON.stringify(providers, null, 2)}\n`,
    volumes,
    volumeMounts: [{ name: 'kube-api-access', mountPath: SA_DIR, readOnly: true }] as k8s.VolumeMount[],
  };
}
