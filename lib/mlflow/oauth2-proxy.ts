import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ContainerImage } from '../core/image';
import { ContainerSpec, EnvValue } from '../core/pod';
import { Probe } from '../core/probe';
import { ResourceRequirements } from '../core/resources';
import { SecretValue } from '../core/secret-value';
import { checkInteger, invalid } from '../core/validate';
import { MlflowAuthConfig, MlflowAuthContext, MlflowAuthMode } from './auth';
import { RelyingPartyOptions, resolveRelyingParty } from './relying-party';
import { readScript } from '../core/script-file';

/** oauth2-proxy's release the flags and variables below were checked against (github oauth2-proxy/oauth2-proxy, tag v7.15.3). */
export const OAUTH2_PROXY_DEFAULT_IMAGE = 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.3';
/** The port the proxy listens on in the pod (oauth2-proxy's conventional 4180). */
export const OAUTH2_PROXY_PORT = 4180;
/** The default image is built on gcr.io/distroless/static:nonroot, whose user is 65532. */
const PROXY_RUN_AS = { uid: 65532, gid: 65532 };
const MOUNT = '/mlflow/oauth2-proxy';
const DOMAIN = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+)$/;

/** Options of {@link MlflowAuth.oauth2Proxy}. */
export interface OAuth2ProxyOptions extends RelyingPartyOptions {
  /**
   * Encrypts and signs the session cookie (`OAUTH2_PROXY_COOKIE_SECRET`). Sessions live entirely in
   * that cookie, so every replica must share this one Secret. oauth2-proxy refuses to start unless it
   * is 16, 24 or 32 bytes (or base64url of that many): `openssl rand -base64 32 | tr -- '+/' '-_'`.
   */
  readonly cookieSecret: SecretValue;
  /**
   * Who may pass (`OAUTH2_PROXY_ALLOWED_GROUPS`): members of any of these groups, read from
   * {@link groupsClaim}. Everyone who passes has full rights in MLflow (it runs without its own auth).
   * @default ["mlflow-user", "mlflow-admin"]
   */
  readonly allowedGroups?: string[];
  /** E-mail domains admitted (`OAUTH2_PROXY_EMAIL_DOMAINS`); groups still apply. @default ["*"] */
  readonly emailDomains?: string[];
  /**
   * Let programs through with a bearer JWT of the provider whose `aud` is the client id
   * (`--skip-jwt-bearer-tokens`): a Keycloak client-credentials token. The groups rule still applies.
   * @default true
   */
  readonly acceptBearerTokens?: boolean;
  /** How long the proxy waits for MLflow (large artifact uploads pass through it). @default 600 */
  readonly upstreamTimeoutSeconds?: number;
  /** A version tag or a digest; `latest` is refused. @default OAUTH2_PROXY_DEFAULT_IMAGE */
  readonly image?: string;
  /** The image's non-root user. @default { uid: 65532, gid: 65532 } (distroless nonroot) */
  readonly runAs?: { readonly uid: number; readonly gid: number };
  /** @default - 10m/32Mi requested, 500m/128Mi limits */
  readonly resources?: ResourceRequirements;
}

/**
 * Renders oauth2-proxy as a sidecar in front of MLflow (the community-charts chart's
 * `oauth2Proxy` mode): the proxy listens on the pod's port 4180 and forwards authenticated
 * requests to MLflow on 127.0.0.1, so nothing reaches MLflow around it. Sessions are encrypted
 * cookies (no server-side store), so any number of replicas work with one shared cookie secret.
 * MLflow itself runs without authentication: everyone the proxy admits has every right.
 */
function bindOAuth2Proxy(scope: IConstruct, context: MlflowAuthContext, options: OAuth2ProxyOptions): MlflowAuthConfig {
  const o = options ?? ({} as OAuth2ProxyOptions);
  const { provider, host, clientSecret, scopes, groupsClaim } = resolveRelyingParty(scope, context.ingressHost, o, 'oauth2-proxy', '/oauth2/callback');
  if (o.cookieSecret === undefined) {
    invalid(scope, 'auth.cookieSecret', 'is required (oauth2-proxy encrypts the session cookie with it, and every replica must use the same one)', undefined,
      'pass cookieSecret: SecretValue.fromSecret("mlflow-oauth2-proxy", "cookie-secret"), a Secret holding 32 random bytes in base64url (openssl rand -base64 32 | tr -- \'+/\' \'-_\')');
  }
  if (!(o.cookieSecret instanceof SecretValue)) {
    invalid(scope, 'auth.cookieSecret', 'must be a SecretValue, never a string', o.cookieSecret, 'pass SecretValue.fromSecret("mlflow-oauth2-proxy", "cookie-secret")');
  }
  const list = (prop: string, value: string[] | undefined, fallback: string[], ok: (s: string) => boolean, what: string, example: string) => {
    const v = value ?? fallback;
    if (!Array.isArray(v) || v.length === 0) invalid(scope, prop, `must list at least one ${what}`, v, `pass ${prop.split('.')[1]}: ${example}`);
    v.forEach((s, i) => {
      if (typeof s !== 'string' || !ok(s) || s.includes(',')) invalid(scope, `${prop}[${i}]`, `must be one ${what} without ","`, s, `write it as in ${example}`);
    });
    return v;
  };
  const groups = list('auth.allowedGroups', o.allowedGroups, ['mlflow-user', 'mlflow-admin'], (s) => s.trim() === s && s.length > 0, 'group',
    '["mlflow-user"] (an empty list would admit every account of the provider)');
  const domains = list('auth.emailDomains', o.emailDomains, ['*'], (s) => DOMAIN.test(s), 'e-mail domain or "*"', '["example.com"]');
  const timeout = checkInteger(scope, 'auth.upstreamTimeoutSeconds', o.upstreamTimeoutSeconds ?? 600, 1, 86400);
  const image = ContainerImage.fromReference(o.image ?? OAUTH2_PROXY_DEFAULT_IMAGE, scope, 'auth.image');
  const serverPort = context.serverPort ?? 5000;

  provider.grantConnect(context.workload, 'oauth2-proxy (discovery, keys, token endpoint)');

  const env: Array<[string, EnvValue]> = [];
  const add = (name: string, value: string | EnvValue) => env.push([name, typeof value === 'string' ? EnvValue.literal(value) : value]);
  add('OAUTH2_PROXY_PROVIDER', 'oidc');
  add('OAUTH2_PROXY_OIDC_ISSUER_URL', provider.issuerUrl);
  add('OAUTH2_PROXY_CLIENT_ID', provider.clientId);
  add('OAUTH2_PROXY_CLIENT_SECRET', EnvValue.fromSecret(clientSecret));
  add('OAUTH2_PROXY_COOKIE_SECRET', EnvValue.fromSecret(o.cookieSecret));
  add('OAUTH2_PROXY_COOKIE_SECURE', 'true');
  add('OAUTH2_PROXY_REDIRECT_URL', `https://${host}/oauth2/callback`);
  add('OAUTH2_PROXY_HTTP_ADDRESS', `0.0.0.0:${OAUTH2_PROXY_PORT}`);
  add('OAUTH2_PROXY_UPSTREAMS', `http://127.0.0.1:${serverPort}/`);
  add('OAUTH2_PROXY_UPSTREAM_TIMEOUT', `${timeout}s`);
  // Set explicitly: with allowed groups and no scope, the oidc provider adds a "groups" scope
  // that Keycloak does not know.
  add('OAUTH2_PROXY_SCOPE', scopes.join(' '));
  add('OAUTH2_PROXY_EMAIL_DOMAINS', domains.join(','));
  add('OAUTH2_PROXY_OIDC_GROUPS_CLAIM', groupsClaim);
  add('OAUTH2_PROXY_ALLOWED_GROUPS', groups.join(','));
  add('OAUTH2_PROXY_CODE_CHALLENGE_METHOD', 'S256');
  add('OAUTH2_PROXY_SKIP_PROVIDER_BUTTON', 'true');
  // Behind the ingress controller: X-Forwarded-* pick the redirect; the NetworkPolicy admits only
  // the declared peers to the proxy port.
  add('OAUTH2_PROXY_REVERSE_PROXY', 'true');
  // MLflow's /health (no data) for external monitors; the proxy's own /ping and /ready are always open.
  add('OAUTH2_PROXY_SKIP_AUTH_ROUTES', 'GET=^/health$');
  add('OAUTH2_PROXY_SILENCE_PING_LOGGING', 'true');

  const runAs = o.runAs ?? PROXY_RUN_AS;
  const container: ContainerSpec = {
    name: 'oauth2-proxy',
    image,
    // A flag, not OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS: a variable named *TOKENS* must not be a literal here.
    ...((o.acceptBearerTokens ?? true) ? { args: ['--skip-jwt-bearer-tokens=true'] } : {}),
    env,
    ports: { proxy: OAUTH2_PROXY_PORT },
    resources: o.resources ?? { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
    liveness: Probe.httpGet('/ping', 'proxy', { period: Duration.seconds(15), failureThreshold: 4 }),
    readiness: Probe.httpGet('/ready', 'proxy', { period: Duration.seconds(5) }),
    runAs,
  };
  return {
    serverArgs: [],
    env: [],
    files: { 'probe_mlflow.py': readScript(__dirname, 'probe_mlflow.py') },
    mountPath: MOUNT,
    probes: { startup: '/health', liveness: '/health', readiness: '/health' },
    sidecar: { container, port: OAUTH2_PROXY_PORT, portName: 'proxy', probeCommand: ['python', `${MOUNT}/probe_mlflow.py`, String(serverPort)] },
  };
}

/** The oauth2-proxy sidecar mode; create it with {@link MlflowAuth.oauth2Proxy}. */
export class MlflowOAuth2ProxyAuth extends MlflowAuthMode {
  /** oauth2-proxy's release the flags and variables below were checked against (github oauth2-proxy/oauth2-proxy, tag v7.15.3). */
  public static readonly DEFAULT_IMAGE = OAUTH2_PROXY_DEFAULT_IMAGE;

  /** The port the proxy listens on in the pod (oauth2-proxy's conventional 4180). */
  public static readonly PORT = OAUTH2_PROXY_PORT;

  constructor(private readonly options: OAuth2ProxyOptions) {
    super();
  }

  /** @internal */
  public get _replacesImage(): boolean {
    return false;
  }

  public bind(scope: IConstruct, context: MlflowAuthContext): MlflowAuthConfig {
    return bindOAuth2Proxy(scope, context, this.options);
  }
}
