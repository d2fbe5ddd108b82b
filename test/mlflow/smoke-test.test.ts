import { spawnSync } from 'child_process';
import type { ServerResponse } from 'http';
import { App, Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { mlflowMinioPostgres } from '../../apps/mlflow-minio-postgres';
import { thinkubeMlflow } from '../../apps/thinkube-mlflow';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { SmokeTestApiCheck, TrackingServerSmokeTest, TrackingServerSmokeTestProps } from '../../lib/mlflow/smoke-test';
import { TrackingServer } from '../../lib/mlflow/tracking-server';
import { Minio } from '../../lib/storage/minio';
import { Postgres } from '../../lib/storage/postgres';
import { checkApp } from '../../lib/synth/manifest-checks';
import { synthObjects } from '../../lib/synth/synth';
import { literalEnv, runPython, StubRequest, stubServer } from '../support/run-script';
import { loadValidator } from '../support/schema';
import { container, exactly, find, podSpec, secretRef, synthChart } from '../support/synth';

/** Postgres + MinIO + a TrackingServer (with `auth` when asked) + its smoke test with `props`. */
function stack(props: Partial<TrackingServerSmokeTestProps> = {}, withAuth = false): any[] {
  return synthChart((chart) => {
    const db = new Postgres(chart, 'db', { superuserPassword: secretRef('pg', 'superuser'), database: { password: secretRef('pg', 'mlflow') } });
    const minio = new Minio(chart, 'minio', { rootCredentials: { accessKeyId: secretRef('minio', 'user'), secretAccessKey: secretRef('minio', 'password') }, buckets: ['mlflow'] });
    const server = new TrackingServer(chart, 'mlflow', {
      database: db, artifacts: minio.bucket('mlflow'),
      ...(withAuth ? { auth: MlflowAuth.basic({ adminPassword: secretRef('mlflow-auth', 'admin-password'), secretKey: secretRef('mlflow-auth', 'secret-key') }) } : {}),
    });
    new TrackingServerSmokeTest(chart, 'smoke', { server, ...props });
  }, 'mlops');
}

const objs = stack();
const job = find(objs, 'Job', 'mlflow-smoke-test');
const env = literalEnv(container(job, 'smoke-test'));
const scriptFiles = find(objs, 'ConfigMap', 'mlflow-smoke-test-script').data;
const script = scriptFiles['smoke_test.py'];
/** What the script imports from beside it in its ConfigMap. */
const beside = { 'steps.py': scriptFiles['steps.py'] };
const smokeSelector = { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': 'mlflow-smoke-test', 'app.kubernetes.io/component': 'smoke-test' };

describe('TrackingServerSmokeTest', () => {
  it('is an Argo CD PostSync hook (no sync wave) that fails the sync at its first failure', () => {
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(job.spec.backoffLimit).toBe(0);
    // Two checks, 30 tries each of at most 10 s + 10 s, and the pod's start.
    expect(job.spec.activeDeadlineSeconds).toBe(2 * 30 * 20 + 120);
    expect(podSpec(job).restartPolicy).toBe('Never');
  });

  it('calls the server through its Service, anonymously for a server without auth', () => {
    expect(env).toEqual({
      BASE_URL: 'http://mlflow.mlops.svc.cluster.local:5000', API_CHECK: 'anonymous',
      ATTEMPTS: '30', RETRY_SECONDS: '10', TIMEOUT_SECONDS: '10', PYTHONDONTWRITEBYTECODE: '1',
    });
    expect(container(job, 'smoke-test').command).toEqual(['python3', '/scripts/smoke_test.py']);
  });

  it('runs restricted, pinned, with requests and a memory limit, and no credentials', () => {
    const c = container(job, 'smoke-test');
    expect(c.image).toBe('python:3.12.10-alpine3.21');
    expect(c.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(podSpec(job).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(podSpec(job).automountServiceAccountToken).toBe(false);
    expect(JSON.stringify(c.env)).not.toContain('secretKeyRef');
  });

  it('its traffic is a declared connection: egress to MLflow on 5000, which MLflow admits', () => {
    expect(find(objs, 'NetworkPolicy', 'mlflow-smoke-test-egress').spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': 'mlflow', 'app.kubernetes.io/component': 'tracking-server' } } }],
      ports: [{ protocol: 'TCP', port: 5000 }],
    });
    expect(find(objs, 'NetworkPolicy', 'mlflow-ingress').spec.ingress).toContainEqual({
      from: [{ podSelector: { matchLabels: smokeSelector } }],
      ports: [{ protocol: 'TCP', port: 5000 }],
    });
  });

  it('validates strictly and passes the app checks', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
    expect(checkApp(objs, { secrets: ['pg', 'minio'] })).toEqual([]);
  });

  it('expects a login for a server with auth, and takes an explicit API check', () => {
    expect(literalEnv(container(find(stack({}, true), 'Job', 'mlflow-smoke-test'), 'smoke-test')).API_CHECK).toBe('login-required');
    expect(literalEnv(container(find(stack({ api: SmokeTestApiCheck.skip() }, true), 'Job', 'mlflow-smoke-test'), 'smoke-test')).API_CHECK).toBe('skip');
    const skip = find(stack({ api: SmokeTestApiCheck.skip(), attempts: 3, interval: Duration.seconds(2), timeout: Duration.seconds(5) }), 'Job', 'mlflow-smoke-test');
    expect(skip.spec.activeDeadlineSeconds).toBe(1 * 3 * 7 + 120);
  });

  it('tests a server this app does not run, through TrackingServer.fromExisting', () => {
    const ext = synthChart((chart) => {
      const server = TrackingServer.fromExisting(chart, 'shared', { url: 'http://mlflow.platform.svc.cluster.local:5000' });
      new TrackingServerSmokeTest(chart, 'smoke', { server });
    }, 'ml');
    expect(literalEnv(container(find(ext, 'Job', 'mlflow-smoke-test'), 'smoke-test'))).toMatchObject({ BASE_URL: 'http://mlflow.platform.svc.cluster.local:5000', API_CHECK: 'anonymous' });
    expect(find(ext, 'NetworkPolicy', 'mlflow-smoke-test-egress').spec.egress.map((e: any) => e.ports)).toContainEqual([{ protocol: 'TCP', port: 5000 }]);
  });

  it('in the mesh, runs a native sidecar so the Job completes', () => {
    const meshed = find(stack({ mesh: true }), 'Job', 'mlflow-smoke-test');
    expect(meshed.spec.template.metadata.annotations).toMatchObject({ 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/nativeSidecar': 'true' });
    expect(job.spec.template.metadata.annotations).toMatchObject({ 'sidecar.istio.io/inject': 'false' });
  });

  it.each([
    [{ attempts: 0 }, 'test/smoke: attempts must be an integer from 1 to 1000, got 0. Fix: use a whole number from 1 to 1000'],
    [{ timeout: Duration.millis(1500) }, 'test/smoke: timeout must be a whole number of seconds from 1 to 300, got "1 second 500 millis". Fix: pass Duration.seconds(n) with n from 1 to 300'],
    [{ interval: 10 }, 'test/smoke: interval must be a Duration, got a number. Fix: pass Duration.seconds(1)'],
    [{ api: 'anonymous' }, 'test/smoke: api must be a SmokeTestApiCheck, got "anonymous". Fix: pass api: SmokeTestApiCheck.loginRequired(), .anonymous() or .skip()'],
    [{ image: 'python:latest' }, 'test/smoke: image must not use the mutable tag "latest", got "python:latest". Fix: pin a version, as in "python:1.2.3", or add @sha256:<digest>'],
  ])('refuses %j', (override, message) => {
    expect(() => stack(override as any)).toThrowError(exactly(message));
  });

  it('refuses a server that is not one', () => {
    expect(() => synthChart((chart) => { new TrackingServerSmokeTest(chart, 'smoke', { server: 'http://mlflow:5000' as any }); }, 'ml')).toThrowError(exactly(
      'test/smoke: server must be a TrackingServer, got "http://mlflow:5000". Fix: pass server: the TrackingServer construct, or TrackingServer.fromExisting(...)'));
  });

  it('script parses', () => {
    expect(spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: script, encoding: 'utf8' }).status).toBe(0);
  });
});

describe('the reference deployments run it after the sync', () => {
  it('seed 002 (and each team stack through the shared function): anonymous API check', () => {
    const app = new App();
    mlflowMinioPostgres(app, 'mlflow-minio-postgres');
    const o = synthObjects(app);
    const j = find(o, 'Job', 'mlflow-smoke-test');
    expect(j.metadata.annotations['argocd.argoproj.io/hook']).toBe('PostSync');
    expect(j.metadata.labels['app.kubernetes.io/part-of']).toBe('mlops');
    expect(literalEnv(container(j, 'smoke-test'))).toMatchObject({ BASE_URL: 'http://mlflow.mlops.svc.cluster.local:5000', API_CHECK: 'anonymous' });
  });

  it('Thinkube (seed 003, single sign-on): /health, and the API must refuse a call without a token', () => {
    const app = new App();
    thinkubeMlflow(app, 'thinkube-mlflow');
    const j = find(synthObjects(app), 'Job', 'mlflow-smoke-test');
    expect(literalEnv(container(j, 'smoke-test'))).toMatchObject({ BASE_URL: 'http://mlflow.mlflow.svc.cluster.local:5000', API_CHECK: 'login-required' });
  });
});

const SEARCH = '/api/2.0/mlflow/experiments/search';
type Handler = (req: StubRequest, res: ServerResponse) => void;
const healthy: Handler = (req, res) => {
  if (req.method === 'GET' && req.url === '/health') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('OK');
  if (req.method === 'POST' && req.url === SEARCH) {
    return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"experiments":[{"experiment_id":"0","name":"Default"}]}');
  }
  res.writeHead(404).end('not found');
};
/** MLflow behind a login (what mlflow-oidc-auth answers an API call without credentials). */
const withLogin = (status: number): Handler => (req, res) => {
  if (req.url === SEARCH) return void res.writeHead(status, status === 401 ? { 'content-type': 'application/json' } : { location: '/login?next=%2Fapi' }).end(status === 401 ? '{"detail":"Authentication required"}' : '');
  healthy(req, res);
};

async function smoke(handler: Handler, extra: Record<string, string> = {}) {
  const server = await stubServer(handler);
  try {
    const r = await runPython(script, { ...env, BASE_URL: server.url, RETRY_SECONDS: '0', ATTEMPTS: '2', TIMEOUT_SECONDS: '1', ...extra }, beside);
    return { ...r, requests: server.requests };
  } finally {
    await server.close();
  }
}

describe('smoke_test.py against a stub server on 127.0.0.1', () => {
  it('passes on a healthy MLflow, having asked /health and searched one experiment', async () => {
    const r = await smoke(healthy);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('ok: MLflow health (/health): HTTP 200 OK\nok: MLflow REST API (/api/2.0/mlflow/experiments/search): HTTP 200, JSON with 1 experiment(s)\n');
    expect(r.requests.map((q) => `${q.method} ${q.url}`)).toEqual(['GET /health', `POST ${SEARCH}`]);
    expect(r.requests[1].headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.requests[1].body)).toEqual({ max_results: 1 });
    expect(r.requests.every((q) => q.headers.authorization === undefined)).toBe(true);
  });

  it('passes on a JSON answer without experiments (MLflow omits the empty list)', async () => {
    const r = await smoke((req, res) => (req.url === SEARCH ? void res.writeHead(200, { 'content-type': 'application/json' }).end('{}') : healthy(req, res)));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('JSON with 0 experiment(s)');
  });

  it('retries while the server is starting, then passes', async () => {
    let calls = 0;
    const r = await smoke((req, res) => (req.url === '/health' && calls++ === 0 ? void res.writeHead(503).end('starting') : healthy(req, res)));
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('waiting: MLflow health (/health): HTTP 503 (1/2)\n');
  });

  it.each([
    ['a wrong /health status', (req: StubRequest, res: ServerResponse) => (req.url === '/health' ? void res.writeHead(404).end('nope') : healthy(req, res)),
      'FAIL: MLflow health (/health): HTTP 404, expected 200\n'],
    ['a /health body that is not OK', (req: StubRequest, res: ServerResponse) => (req.url === '/health' ? void res.writeHead(200).end('<html>welcome</html>') : healthy(req, res)),
      'FAIL: MLflow health (/health): HTTP 200 but the body is not OK (is this MLflow?)\n'],
    ['a non-JSON API answer', (req: StubRequest, res: ServerResponse) => (req.url === SEARCH ? void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>MLflow</html>') : healthy(req, res)),
      'FAIL: MLflow REST API (/api/2.0/mlflow/experiments/search): HTTP 200 but the body (text/html) is not valid JSON (Expecting value: line 1 column 1 (char 0))\n'],
    ['a JSON answer that is not an object', (req: StubRequest, res: ServerResponse) => (req.url === SEARCH ? void res.writeHead(200).end('[1]') : healthy(req, res)),
      'FAIL: MLflow REST API (/api/2.0/mlflow/experiments/search): HTTP 200 but the body (no content type) is not a JSON object\n'],
    ['a wrong API status', (req: StubRequest, res: ServerResponse) => (req.url === SEARCH ? void res.writeHead(400).end('{}') : healthy(req, res)),
      'FAIL: MLflow REST API (/api/2.0/mlflow/experiments/search): HTTP 400, expected 200\n'],
    ['a login it did not expect', withLogin(401),
      'FAIL: MLflow REST API (/api/2.0/mlflow/experiments/search): HTTP 401: the API requires a login. Fix: set api: SmokeTestApiCheck.loginRequired() (or .skip())\n'],
  ])('fails at once on %s', async (_, handler, message) => {
    const r = await smoke(handler);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(message);
  });

  it('fails after its retries when the server keeps answering 503', async () => {
    const r = await smoke((_req, res) => void res.writeHead(503).end('down'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('waiting: MLflow health (/health): HTTP 503 (1/2)\nwaiting: MLflow health (/health): HTTP 503 (2/2)\nFAIL: MLflow health (/health): no answer after 2 attempts\n');
    expect(r.requests).toHaveLength(2);
  });

  it('fails when the server never answers (timeout), within its bound', async () => {
    const started = Date.now();
    const r = await smoke(() => undefined);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('waiting: MLflow health (/health): no answer within 1s (1/2)');
    expect(r.stderr).toContain('FAIL: MLflow health (/health): no answer after 2 attempts');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails when nothing listens (connection refused)', async () => {
    const r = await runPython(script, { ...env, BASE_URL: 'http://127.0.0.1:9', RETRY_SECONDS: '0', ATTEMPTS: '1', TIMEOUT_SECONDS: '1' }, beside);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^waiting: MLflow health \(\/health\): ConnectionRefusedError: .*Connection refused \(1\/1\)\nFAIL: MLflow health \(\/health\): no answer after 1 attempts\n$/);
  });

  it.each([401, 302, 303, 307])('with a login required, passes when the API answers %i without credentials (redirects not followed)', async (status) => {
    const r = await smoke(withLogin(status), { API_CHECK: 'login-required' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`ok: MLflow REST API (/api/2.0/mlflow/experiments/search): HTTP ${status} without credentials (login required, as expected)`);
    expect(r.requests.map((q) => q.url)).toEqual(['/health', SEARCH]);
  });

  it('with a login required, fails when the API is open', async () => {
    const r = await smoke(healthy, { API_CHECK: 'login-required' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('FAIL: MLflow REST API (/api/2.0/mlflow/experiments/search): HTTP 200 without credentials: the API is open, but a login was expected\n');
  });

  it('skip checks /health only', async () => {
    const r = await smoke(withLogin(401), { API_CHECK: 'skip' });
    expect(r.status).toBe(0);
    expect(r.requests.map((q) => q.url)).toEqual(['/health']);
  });

  it('refuses an unknown API_CHECK', async () => {
    const r = await smoke(healthy, { API_CHECK: 'maybe' });
    expect(r.status).toBe(2);
    expect(r.requests).toEqual([]);
  });

  it('never prints what the server sent (a body or a cookie cannot leak into the log)', async () => {
    const r = await smoke((req, res) => {
      if (req.url === SEARCH) return void res.writeHead(500, { 'set-cookie': 'session=s3cr3t-cookie' }).end('password=s3cr3t-body');
      healthy(req, res);
    });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(/s3cr3t/);
  });
});
