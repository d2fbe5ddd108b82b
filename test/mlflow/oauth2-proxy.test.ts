import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { GatewayRef } from '../../lib/core/http-route';
import { MlflowOAuth2ProxyAuth, OAUTH2_PROXY_DEFAULT_IMAGE, OAuth2ProxyOptions } from '../../lib/mlflow/oauth2-proxy';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { TrackingServer, TrackingServerProps } from '../../lib/mlflow/tracking-server';
import { loadValidator } from '../support/schema';
import { synthAuthServer } from '../support/mlflow-fixture';
import { stubServer } from '../support/run-script';
import { container, envOf, exactly, find, ofKind, podSpec, secretRef } from '../support/synth';

const PROBE = path.resolve(__dirname, '../../lib/mlflow/scripts/probe_mlflow.py');
const COOKIE = secretRef('mlflow-oauth2-proxy', 'cookie-secret');

function build(auth: (chart: Chart) => Partial<OAuth2ProxyOptions> = () => ({}), server: Partial<TrackingServerProps> = {}) {
  return synthAuthServer((provider, chart) => MlflowAuth.oauth2Proxy({ provider, cookieSecret: COOKIE, ...auth(chart) }), server);
}

const deployment = (objs: any[]) => find(objs, 'Deployment', 'mlflow');
const proxy = (objs: any[]) => container(deployment(objs), 'oauth2-proxy');

describe('MlflowAuth.oauth2Proxy', () => {
  it('puts oauth2-proxy in front of MLflow, which listens on 127.0.0.1 only', () => {
    const objs = build();
    expect(MlflowAuth.oauth2Proxy({ provider: {} as any, cookieSecret: COOKIE })).toBeInstanceOf(MlflowOAuth2ProxyAuth);
    const spec = podSpec(deployment(objs));
    expect(spec.containers.map((c: any) => c.name)).toEqual(['mlflow', 'oauth2-proxy']);
    const mlflow = container(deployment(objs), 'mlflow');
    // Exec form (no shell): the server binds loopback only, without the plugin's app.
    expect(mlflow.command.slice(0, 6)).toEqual(['mlflow', 'server', '--host', '127.0.0.1', '--port', '5000']);
    expect(mlflow.command).not.toContain('0.0.0.0');
    expect(mlflow.command).not.toContain('--app-name');
    expect(mlflow.ports).toBeUndefined();
    expect(mlflow.image).toBe(TrackingServer.DEFAULT_IMAGE);
    const p = proxy(objs);
    expect(p.image).toBe(OAUTH2_PROXY_DEFAULT_IMAGE);
    expect(OAUTH2_PROXY_DEFAULT_IMAGE).toBe('quay.io/oauth2-proxy/oauth2-proxy:v7.15.3');
    expect(p.ports).toEqual([{ name: 'proxy', containerPort: 4180, protocol: 'TCP' }]);
    expect(p.args).toEqual(['--skip-jwt-bearer-tokens=true']);
    expect(envOf(p)).toEqual({
      OAUTH2_PROXY_PROVIDER: 'oidc',
      OAUTH2_PROXY_OIDC_ISSUER_URL: 'https://keycloak.example.com/realms/thinkube',
      OAUTH2_PROXY_CLIENT_ID: 'mlflow',
      OAUTH2_PROXY_CLIENT_SECRET: { secretKeyRef: { name: 'mlflow-oidc', key: 'client-secret' } },
      OAUTH2_PROXY_COOKIE_SECRET: { secretKeyRef: { name: 'mlflow-oauth2-proxy', key: 'cookie-secret' } },
      OAUTH2_PROXY_COOKIE_SECURE: 'true',
      OAUTH2_PROXY_REDIRECT_URL: 'https://mlflow.example.com/oauth2/callback',
      OAUTH2_PROXY_HTTP_ADDRESS: '0.0.0.0:4180',
      OAUTH2_PROXY_UPSTREAMS: 'http://127.0.0.1:5000/',
      OAUTH2_PROXY_UPSTREAM_TIMEOUT: '600s',
      OAUTH2_PROXY_SCOPE: 'openid profile email',
      OAUTH2_PROXY_EMAIL_DOMAINS: '*',
      OAUTH2_PROXY_OIDC_GROUPS_CLAIM: 'realm_access.roles',
      OAUTH2_PROXY_ALLOWED_GROUPS: 'mlflow-user,mlflow-admin',
      OAUTH2_PROXY_CODE_CHALLENGE_METHOD: 'S256',
      OAUTH2_PROXY_SKIP_PROVIDER_BUTTON: 'true',
      OAUTH2_PROXY_REVERSE_PROXY: 'true',
      OAUTH2_PROXY_SKIP_AUTH_ROUTES: 'GET=^/health$',
      OAUTH2_PROXY_SILENCE_PING_LOGGING: 'true',
    });
  });

  it('runs the proxy restricted, as its image\'s non-root user, with requests, limits and its own /ping and /ready probes', () => {
    const p = proxy(build());
    expect(p.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(p.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
    expect(p.livenessProbe.httpGet).toEqual({ path: '/ping', port: 'proxy' });
    expect(p.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'proxy' });
    expect(loadValidator().validateAll(build())).toEqual([]);
  });

  it('probes MLflow inside its container on loopback (the kubelet cannot reach 127.0.0.1), with the script mounted', () => {
    const objs = build();
    const mlflow = container(deployment(objs), 'mlflow');
    const cmd = (p: string) => ['python', '/mlflow/oauth2-proxy/probe_mlflow.py', '5000', p];
    expect(mlflow.startupProbe.exec.command).toEqual(cmd('/health'));
    expect(mlflow.livenessProbe.exec.command).toEqual(cmd('/health'));
    expect(mlflow.readinessProbe.exec.command).toEqual(cmd('/health'));
    expect(mlflow.volumeMounts).toContainEqual({ name: 'auth', mountPath: '/mlflow/oauth2-proxy', readOnly: true });
    expect(find(objs, 'ConfigMap', 'mlflow-oidc').data['probe_mlflow.py']).toBe(fs.readFileSync(PROBE, 'utf8'));
  });

  it('sends the Service, the Ingress controller\'s and the clients\' traffic to the proxy port, never to 5000', () => {
    const objs = build(() => ({}), { clients: [Peer.namespace('training')] });
    expect(find(objs, 'Service', 'mlflow').spec.ports).toEqual([{ name: 'http', port: 5000, targetPort: 'proxy', protocol: 'TCP' }]);
    expect(find(objs, 'Ingress', 'mlflow').spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'mlflow', port: { name: 'http' } } });
    const ingress = ofKind(objs, 'NetworkPolicy').flatMap((np: any) => np.spec.ingress ?? []);
    const ports = ingress.flatMap((r: any) => r.ports ?? []).map((p: any) => p.port);
    expect(ports.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ports)).toEqual(new Set([4180]));
    // proxy → identity provider (443) is declared egress
    const egress = find(objs, 'NetworkPolicy', 'mlflow-egress').spec.egress.flatMap((e: any) => e.ports ?? []);
    expect(egress).toContainEqual({ protocol: 'TCP', port: 443 });
  });

  it('admits the Gateway API route\'s gateway to the proxy port', () => {
    const objs = build(() => ({}), { httpRoute: { gateway: GatewayRef.of({ name: 'public', namespace: 'gateway' }), hostnames: ['mlflow.example.com'] } });
    expect(find(objs, 'HTTPRoute', 'mlflow').spec.rules[0].backendRefs).toEqual([{ kind: 'Service', name: 'mlflow', port: 5000 }]);
    const ports = ofKind(objs, 'NetworkPolicy').flatMap((np: any) => np.spec.ingress ?? []).flatMap((r: any) => r.ports ?? []).map((p: any) => p.port);
    expect(new Set(ports)).toEqual(new Set([4180]));
  });

  it('holds with several replicas: sessions are encrypted cookies, the cookie secret is shared by reference', () => {
    const objs = build(() => ({}), { replicas: 3 });
    expect(deployment(objs).spec.replicas).toBe(3);
    expect(find(objs, 'PodDisruptionBudget', 'mlflow').spec.minAvailable).toBe(2);
    expect(envOf(proxy(objs)).OAUTH2_PROXY_COOKIE_SECRET).toEqual({ secretKeyRef: { name: 'mlflow-oauth2-proxy', key: 'cookie-secret' } });
  });

  it('lets the server image be chosen, since the proxy brings none for MLflow', () => {
    const objs = build(() => ({}), { image: 'burakince/mlflow:3.13.0' });
    expect(container(deployment(objs), 'mlflow').image).toBe('burakince/mlflow:3.13.0');
  });

  it('renders typed options: groups, domains, scopes, no bearer tokens, image, timeout', () => {
    const p = proxy(build(() => ({
      allowedGroups: ['ml'], groupsClaim: 'groups', emailDomains: ['example.com', 'example.org'], scopes: ['openid', 'email', 'groups'],
      acceptBearerTokens: false, image: 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.2', upstreamTimeoutSeconds: 3600,
      clientSecret: secretRef('mlflow-proxy-client', 'secret'),
    })));
    expect(p.args).toBeUndefined();
    expect(p.image).toBe('quay.io/oauth2-proxy/oauth2-proxy:v7.15.2');
    expect(envOf(p)).toMatchObject({
      OAUTH2_PROXY_ALLOWED_GROUPS: 'ml', OAUTH2_PROXY_OIDC_GROUPS_CLAIM: 'groups', OAUTH2_PROXY_EMAIL_DOMAINS: 'example.com,example.org',
      OAUTH2_PROXY_SCOPE: 'openid email groups', OAUTH2_PROXY_UPSTREAM_TIMEOUT: '3600s',
      OAUTH2_PROXY_CLIENT_SECRET: { secretKeyRef: { name: 'mlflow-proxy-client', key: 'secret' } },
    });
  });

  it('puts no secret value anywhere: every *SECRET* variable is a secretKeyRef', () => {
    const objs = build();
    for (const c of podSpec(deployment(objs)).containers) {
      for (const e of c.env ?? []) if (/SECRET|PASSWORD/.test(e.name)) expect(e.valueFrom?.secretKeyRef, `${c.name} ${e.name}`).toBeDefined();
    }
    expect(JSON.stringify(objs)).not.toMatch(/cookie-secret-value|"value":"[^"]*secret/i);
  });

  it('rejects bad input with the exact message', () => {
    const path = 'test/mlflow';
    expect(() => build(() => ({ cookieSecret: undefined as any }))).toThrowError(exactly(`${path}: auth.cookieSecret is required (oauth2-proxy encrypts the session cookie with it, and every replica must use the same one), got undefined. Fix: pass cookieSecret: SecretValue.fromSecret("mlflow-oauth2-proxy", "cookie-secret"), a Secret holding 32 random bytes in base64url (openssl rand -base64 32 | tr -- '+/' '-_')`));
    expect(() => build(() => ({ cookieSecret: 'abcdefghijklmnopqrstuvwxyz012345' as any }))).toThrowError(exactly(`${path}: auth.cookieSecret must be a SecretValue, never a string, got "<redacted>". Fix: pass SecretValue.fromSecret("mlflow-oauth2-proxy", "cookie-secret")`));
    expect(() => build(() => ({ allowedGroups: [] }))).toThrowError(exactly(`${path}: auth.allowedGroups must list at least one group, got []. Fix: pass allowedGroups: ["mlflow-user"] (an empty list would admit every account of the provider)`));
    expect(() => build(() => ({ emailDomains: ['Example.com'] }))).toThrowError(/^test\/mlflow: auth\.emailDomains\[0\] must be one e-mail domain or "\*" without ",", got "Example.com"/);
    expect(() => build(() => ({ scopes: ['email'] }))).toThrowError(exactly(`${path}: auth.scopes must include "openid", got ["email"]. Fix: add "openid" to scopes`));
    expect(() => build(() => ({ groupsClaim: 'realm access' }))).toThrowError(/^test\/mlflow: auth\.groupsClaim must be a claim name or a dotted path/);
    expect(() => build(() => ({ image: 'quay.io/oauth2-proxy/oauth2-proxy:latest' }))).toThrowError(/^test\/mlflow: auth\.image must not use the mutable tag "latest"/);
    expect(() => build(() => ({ runAs: { uid: 0, gid: 0 } }))).toThrowError(/^test\/mlflow: containers\[1\]\.runAs must be a non-root uid and gid/);
    expect(() => build(() => ({}), { ingress: undefined })).toThrowError(/^test\/mlflow: ingress is required with oauth2-proxy/);
    expect(() => build(() => ({}), { metrics: {} })).toThrowError(exactly(`${path}: metrics cannot be scraped behind the oauth2-proxy sidecar (MLflow listens on 127.0.0.1 and the proxy requires a login), got "metrics". Fix: drop metrics, or use auth: MlflowAuth.oidc({ ... }), whose /metrics Prometheus reaches directly`));
  });
});

describe('probe_mlflow.py (run with python3)', () => {
  const run = (args: string[]) => new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn('python3', [PROBE, ...args]);
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stderr }));
  });

  it('parses as Python (ast)', () => {
    const r = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', PROBE]);
    expect(r.status, String(r.stderr)).toBe(0);
  });

  it('exits 0 on 2xx from 127.0.0.1 and 1 on an error status or when nothing listens', async () => {
    const server = await stubServer((req, res) => { res.statusCode = req.url === '/health' ? 200 : 503; res.end('x'); });
    const port = new URL(server.url).port;
    try {
      expect((await run([port, '/health'])).status).toBe(0);
      const bad = await run([port, '/down']);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('HTTP 503');
      expect(server.requests.map((r) => r.url)).toEqual(['/health', '/down']);
    } finally {
      await server.close();
    }
    expect((await run([port, '/health'])).status).toBe(1);
    expect((await run(['x', 'health'])).status).toBe(2);
  });
});
