import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { CentralDashboardLink } from '../../lib/kubeflow/central-dashboard-link';
import { checkApp } from '../../lib/synth/manifest-checks';
import { literalEnv, runPython, stubServer } from '../support/run-script';
import { loadValidator } from '../support/schema';
import { container, exactly, find, ofKind, podSpec, synthChart } from '../support/synth';

const objs = synthChart((chart) => { CentralDashboardLink.mlflow(chart, 'mlflow-link'); }, 'kubeflow');
const job = find(objs, 'Job', 'dashboard-link-mlflow');
const scriptFiles = find(objs, 'ConfigMap', 'dashboard-link-mlflow-script').data;
const script = scriptFiles['dashboard_link.py'];
/** What the script imports from beside it in its ConfigMap. */
const beside = { 'steps.py': scriptFiles['steps.py'] };
const env = literalEnv(container(job, 'add-link'));

describe('CentralDashboardLink', () => {
  it('runs an idempotent Job as an Argo CD PostSync hook, out of the mesh', () => {
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(job.spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
    expect(env.ENTRY).toBe(JSON.stringify({ type: 'item', link: '/mlflow/#', text: 'MLflow', icon: 'icons:cached' }));
    expect(env).toMatchObject({ NAMESPACE: 'kubeflow', CONFIGMAP: 'centraldashboard-config' });
  });

  it('may only get and patch the one ConfigMap', () => {
    expect(find(objs, 'Role', 'dashboard-link-mlflow').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['centraldashboard-config'], verbs: ['get', 'patch'] },
    ]);
    expect(find(objs, 'RoleBinding', 'dashboard-link-mlflow').subjects).toEqual([{ kind: 'ServiceAccount', name: 'dashboard-link-mlflow', namespace: 'kubeflow' }]);
  });

  it('gets a short-lived API token by projection, not by automount', () => {
    const spec = podSpec(job);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes.find((v: any) => v.name === 'api-token').projected.sources[0]).toEqual({ serviceAccountToken: { path: 'token', expirationSeconds: 600 } });
  });

  it('declares its egress to the API server on 443 and 6443, and nothing else', () => {
    const egress = find(objs, 'NetworkPolicy', 'dashboard-link-mlflow-egress');
    expect(egress.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] }]);
    expect(ofKind(objs, 'NetworkPolicy').map((p) => p.metadata.name).filter((n) => n.startsWith('dashboard-link'))).toEqual(['dashboard-link-mlflow-egress']);
  });

  it('narrows the API server rule to a given peer', () => {
    const narrow = synthChart((chart) => { CentralDashboardLink.mlflow(chart, 'l', { apiServer: Peer.cidr('10.0.0.10/32') }); }, 'kubeflow');
    expect(find(narrow, 'NetworkPolicy', 'dashboard-link-mlflow-egress').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '10.0.0.10/32' } }]);
  });

  it('validates strictly and passes the app checks (PSS restricted, pinned image, requests, limits)', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
    expect(checkApp(objs)).toEqual([]);
  });

  it('script parses', () => {
    const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: script, encoding: 'utf8' });
    expect(r.status).toBe(0);
  });

  it.each([
    [{ item: { text: '', link: '/x/', icon: 'book' } }, 'test/l: item.text must be a non-empty menu text of at most 64 characters, got "". Fix: write it as "MLflow"'],
    [{ item: { text: 'X', link: 'https://evil.example.com', icon: 'book' } }, 'test/l: item.link must be a path on the Kubeflow gateway, starting with a single "/", got "https://evil.example.com". Fix: write it as "/mlflow/#"'],
    [{ item: { text: 'X', link: '/x/', icon: 'Bad Icon' } }, 'test/l: item.icon must be an iron-icon name ([set:]name), got "Bad Icon". Fix: use an icon such as "icons:cached"'],
  ])('refuses %j', (props, message) => {
    expect(() => synthChart((chart) => { new CentralDashboardLink(chart, 'l', props as any); }, 'kubeflow')).toThrowError(exactly(message));
  });

  it('must live in the dashboard\'s namespace', () => {
    expect(() => synthChart((chart) => { CentralDashboardLink.mlflow(chart, 'l'); }, 'team')).toThrowError(exactly(
      'test/l: chart namespace must be the dashboard\'s namespace "kubeflow" (the Job patches a ConfigMap there), got "team". Fix: create it in a Chart with namespace: \'kubeflow\', or set dashboardNamespace'));
  });
});

/** A stub Kubernetes API holding one ConfigMap; PATCH is a merge patch guarded by resourceVersion. */
async function fakeApi(links: string | undefined, options: { conflicts?: number; status?: number } = {}) {
  const cm: any = { metadata: { name: 'centraldashboard-config', namespace: 'kubeflow', resourceVersion: '1' }, data: links === undefined ? { settings: '{}' } : { links, settings: '{}' } };
  let conflicts = options.conflicts ?? 0;
  const api = await stubServer((req, res) => {
    const send = (code: number, body: unknown) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (options.status) return send(options.status, { kind: 'Status' });
    if (req.url !== '/api/v1/namespaces/kubeflow/configmaps/centraldashboard-config') return send(404, {});
    if (req.headers.authorization !== 'Bearer test-token') return send(401, {});
    if (req.method === 'GET') return send(200, cm);
    if (req.method === 'PATCH') {
      const patch = JSON.parse(req.body);
      if (req.headers['content-type'] !== 'application/merge-patch+json') return send(415, {});
      if (conflicts > 0) { conflicts--; cm.metadata.resourceVersion = String(Number(cm.metadata.resourceVersion) + 1); return send(409, {}); }
      if (patch.metadata.resourceVersion !== cm.metadata.resourceVersion) return send(409, {});
      Object.assign(cm.data, patch.data);
      cm.metadata.resourceVersion = String(Number(cm.metadata.resourceVersion) + 1);
      return send(200, cm);
    }
    return send(405, {});
  });
  return { api, cm };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-link-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const tokenFile = path.join(tmp, 'token');
fs.writeFileSync(tokenFile, 'test-token\n');
const run = (url: string, extra: Record<string, string> = {}) =>
  runPython(script, { ...env, KUBE_API: url, KUBE_TOKEN_FILE: tokenFile, RETRY_SECONDS: '0', ATTEMPTS: '3', ...extra }, beside);

const EXISTING = JSON.stringify({
  menuLinks: [
    { type: 'item', link: '/jupyter/', text: 'Notebooks', icon: 'book' },
    { type: 'section', text: 'Pipelines', icon: 'kubeflow:pipeline-centered', items: [{ type: 'item', link: '/pipeline/#/pipelines', text: 'Pipelines' }] },
  ],
  externalLinks: [],
  quickLinks: [{ text: 'Upload a pipeline', desc: 'Pipelines', link: '/pipeline/' }],
  documentationItems: [],
}, null, 2);

describe('dashboard_link.py against a stub API server', () => {
  it('adds the entry once, keeping every existing link and key, and is idempotent', async () => {
    const { api, cm } = await fakeApi(EXISTING);
    try {
      const first = await run(api.url);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const doc = JSON.parse(cm.data.links);
      const before = JSON.parse(EXISTING);
      expect(doc).toEqual({ ...before, menuLinks: [...before.menuLinks, { type: 'item', link: '/mlflow/#', text: 'MLflow', icon: 'icons:cached' }] });
      expect(cm.data.settings).toBe('{}');

      const second = await run(api.url);
      expect(second.status).toBe(0);
      expect(second.stdout).toContain('already present');
      expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
      expect(JSON.parse(cm.data.links).menuLinks.filter((l: any) => l.link === '/mlflow/#')).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('finds an entry already present inside a section', async () => {
    const nested = JSON.stringify({ menuLinks: [{ type: 'section', text: 'Tools', items: [{ type: 'item', link: '/mlflow/#', text: 'MLflow' }] }] });
    const { api } = await fakeApi(nested);
    try {
      expect((await run(api.url)).status).toBe(0);
      expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    } finally {
      await api.close();
    }
  });

  it('re-reads and retries when the ConfigMap changed underneath (409)', async () => {
    const { api, cm } = await fakeApi(EXISTING, { conflicts: 1 });
    try {
      const r = await run(api.url);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('HTTP 409');
      expect(JSON.parse(cm.data.links).menuLinks).toHaveLength(3);
    } finally {
      await api.close();
    }
  });

  it.each([
    ['invalid JSON', '{"menuLinks": [', 'the links value is not valid JSON'],
    ['a JSON array', '[]', 'the links value is not a JSON object'],
    ['menuLinks not a list', '{"menuLinks": {}}', 'links.menuLinks is not a JSON array'],
    ['no links key', undefined, "has no key 'links'"],
  ])('fails without writing on %s', async (_, links, message) => {
    const { api } = await fakeApi(links);
    try {
      const r = await run(api.url);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(message);
      expect(api.requests.filter((q) => q.method === 'PATCH')).toHaveLength(0);
    } finally {
      await api.close();
    }
  });

  it('gives up with a non-zero exit when the API keeps refusing, never printing the token', async () => {
    const { api } = await fakeApi(EXISTING, { status: 403 });
    try {
      const r = await run(api.url);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('FAIL: menu entry /mlflow/#: no answer after 3 attempts');
      expect(r.stdout + r.stderr).not.toContain('test-token');
      expect(api.requests).toHaveLength(3);
    } finally {
      await api.close();
    }
  });
});
