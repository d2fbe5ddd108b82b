import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { referenceApps } from '../../apps';
import { mlflowMinioPostgres } from '../../apps/mlflow-minio-postgres';
import { synthesize, synthTargets } from '../../main';
import { Peer } from '../../lib/core/connections';
import { cdk8sTarget } from '../../lib/synth/synth';
import { diffTrees, FileTree, formatMarkdown, formatText, MARKDOWN_MARKER, readTreeFromDir, readTreeFromGit } from '../../lib/synth/diff';
import { toYaml } from '../../lib/synth/synth';

const root = path.resolve(__dirname, '..', '..');
const dist = path.join(root, 'dist');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const deployment = (patch: (c: any, spec: any) => void = () => {}) => {
  const spec: any = {
    containers: [
      { name: 'mlflow', image: 'burakince/mlflow:3.14.0', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], args: ['server', '--port', '5000'] },
      { name: 'sidecar', image: 'busybox:1.36' },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'cache', emptyDir: {} }],
  };
  patch(spec.containers[0], spec);
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mlflow', namespace: 'mlops' }, spec: { template: { spec } } };
};
const tree = (...objs: object[]): FileTree => new Map(objs.map((o: any, i) => [`app/${o.kind.toLowerCase()}-${o.metadata.name}-${i}.yaml`, toYaml(o)]));
const fields = (a: FileTree, b: FileTree) => diffTrees(a, b).objects.flatMap((o) => o.fields.map((f) => [o.title, f.path, f.before, f.after]));

describe('diffTrees', () => {
  it('sees nothing in key order, file names, YAML formatting or the order of env, volumes and policy peers', () => {
    const a = tree(deployment());
    const reordered = deployment((c, spec) => { c.env.reverse(); spec.volumes.reverse(); });
    const reverseKeys = (v: any): any => (Array.isArray(v) ? v.map(reverseKeys)
      : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reverseKeys(v[k])])) : v);
    const b: FileTree = new Map([['app/renamed.yaml', YAML.stringify(reverseKeys(reordered), { indent: 4 })]]);
    expect(diffTrees(a, b).objects).toEqual([]);
    const policy = (peers: string[]) => ({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'mlops' },
      spec: { ingress: [{ from: peers.map((n) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } })) }] },
    });
    expect(diffTrees(tree(policy(['a', 'b'])), tree(policy(['b', 'a']))).objects).toEqual([]);
  });

  it('reports a changed image tag, env value and NetworkPolicy peer at their field paths', () => {
    expect(fields(tree(deployment()), tree(deployment((c) => { c.image = 'burakince/mlflow:3.15.0'; c.env[1].value = '3'; })))).toEqual([
      ['apps/v1 Deployment mlops/mlflow', 'spec.template.spec.containers[mlflow].env[B].value', '"2"', '"3"'],
      ['apps/v1 Deployment mlops/mlflow', 'spec.template.spec.containers[mlflow].image', '"burakince/mlflow:3.14.0"', '"burakince/mlflow:3.15.0"'],
    ]);
    const policy = (ns: string) => ({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'mlflow-ingress', namespace: 'mlops' },
      spec: { ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }], ports: [{ port: 5000 }] }] },
    });
    expect(fields(tree(policy('ml-training')), tree(policy('ml-research')))).toEqual([
      ['networking.k8s.io/v1 NetworkPolicy mlops/mlflow-ingress', 'spec.ingress[0].from[1].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]', '"ml-training"', '"ml-research"'],
    ]);
  });

  it('keeps the order of containers and args', () => {
    expect(fields(tree(deployment()), tree(deployment((_, spec) => spec.containers.reverse())))).toEqual([
      ['apps/v1 Deployment mlops/mlflow', 'spec.template.spec.containers (order)', '"mlflow, sidecar"', '"sidecar, mlflow"'],
    ]);
    expect(fields(tree(deployment()), tree(deployment((c) => c.args.reverse())))).toEqual([
      ['apps/v1 Deployment mlops/mlflow', 'spec.template.spec.containers[mlflow].args[0]', '"server"', '"5000"'],
      ['apps/v1 Deployment mlops/mlflow', 'spec.template.spec.containers[mlflow].args[2]', '"5000"', '"server"'],
    ]);
  });

  it('lists added and removed objects by directory, apiVersion, kind, namespace and name', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'mlops' }, data: { a: '1' } };
    const d = diffTrees(tree(deployment()), tree(cm));
    expect(d.objects.map((o) => [o.change, o.dir, o.title])).toEqual([
      ['removed', 'app', 'apps/v1 Deployment mlops/mlflow'],
      ['added', 'app', 'v1 ConfigMap mlops/c'],
    ]);
  });

  it('masks Secret data and credential-looking values, in text and Markdown', () => {
    const secret = (v: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'mlops' }, data: { password: v } });
    const withCreds = (v: string) => deployment((c) => c.env.push({ name: 'DB_PASSWORD', value: v }, { name: 'URL', value: `postgresql://mlflow:${v}@db:5432/mlflow` }));
    const d = diffTrees(tree(secret('b2xk'), withCreds('old-pass')), tree(secret('bmV3'), withCreds('new-pass')));
    const out = formatText(d) + formatMarkdown(d);
    for (const leaked of ['b2xk', 'bmV3', 'old-pass', 'new-pass']) expect(out).not.toContain(leaked);
    expect(d.objects.flatMap((o) => o.fields.map((f) => [f.path, f.before, f.after]))).toEqual([
      ['spec.template.spec.containers[mlflow].env[DB_PASSWORD].value', '"***"', '"***"'],
      ['spec.template.spec.containers[mlflow].env[URL].value', '"***"', '"***"'],
      ['data.password', '"***"', '"***"'],
    ]);
  });

  it('diffs other files: kustomization resources as a set, a README line by line', () => {
    const k = (r: string[]) => toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: r });
    const d = diffTrees(
      new Map([['a/kustomization.yaml', k(['x.yaml', 'y.yaml'])], ['a/README.md', 'one\ntwo\n']]),
      new Map([['a/kustomization.yaml', k(['y.yaml', 'z.yaml'])], ['a/README.md', 'one\nthree\n']]),
    );
    expect(d.objects.map((o) => [o.title, o.fields])).toEqual([
      ['file README.md', [{ path: 'line', before: '"two"' }, { path: 'line', after: '"three"' }]],
      ['file kustomization.yaml', [{ path: 'resources[1]', before: '"x.yaml"', after: '"z.yaml"' }]],
    ]);
  });
});

describe('formatMarkdown (the PR comment)', () => {
  it('starts with the marker the workflow updates its comment by, and lists objects and fields as code', () => {
    const md = formatMarkdown(diffTrees(tree(deployment()), tree(deployment((c) => { c.image = 'burakince/mlflow:3.15.0'; }))), 'dist/ at origin/main');
    expect(md).toBe([
      MARKDOWN_MARKER,
      '### Synthesized manifests: 0 added, 0 removed, 1 changed',
      '',
      'Compared with `dist/ at origin/main`. Secret data and credential-looking values are masked.',
      '',
      '#### `app/`',
      '',
      '- ✏️ changed `apps/v1 Deployment mlops/mlflow`',
      '  - `spec.template.spec.containers[mlflow].image`: `"burakince/mlflow:3.14.0"` → `"burakince/mlflow:3.15.0"`',
      '',
    ].join('\n'));
    expect(formatMarkdown({ objects: [] })).toBe(`${MARKDOWN_MARKER}\n### Synthesized manifests: no change\n\nA fresh synth equals \`dist/\`.\n`);
  });
});

describe('npm run diff', () => {
  const cli = path.join(root, 'build', 'scripts', 'diff.js');

  it('on an unchanged checkout reports no change and exits 0', () => {
    const r = spawnSync(process.execPath, [cli], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('No change in dist/\n');
    expect(r.status).toBe(0);
  });

  it('after one construct is edited, lists exactly the affected objects and fields', () => {
    // The MLflow stack admits another client namespace: one policy peer and the picture change.
    const apps = referenceApps.map((t) => (t.name === 'mlflow-minio-postgres'
      ? cdk8sTarget(t.name, (app) => mlflowMinioPostgres(app, t.name, { mlflowClients: [Peer.namespace('ml-research')] }))
      : t));
    const out = path.join(scratch, 'edited');
    synthesize(out, synthTargets(apps));
    const d = diffTrees(readTreeFromDir(dist), readTreeFromDir(out));
    expect(d.objects.map((o) => [o.change, o.dir, o.title, o.fields.map((f) => [f.path, f.before, f.after])])).toEqual([
      ['changed', 'mlflow-minio-postgres', 'file README.md', [
        ['line', '"  p9(\\"namespace ml-training\\")"', undefined],
        ['line', '"| namespace ml-training | mlflow (mlops) | TCP 5000 | mlflow client |"', undefined],
        ['line', undefined, '"  p9(\\"namespace ml-research\\")"'],
        ['line', undefined, '"| namespace ml-research | mlflow (mlops) | TCP 5000 | mlflow client |"'],
      ]],
      ['changed', 'mlflow-minio-postgres', 'networking.k8s.io/v1 NetworkPolicy mlops/mlflow-ingress', [
        ['spec.ingress[1].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]', '"ml-training"', '"ml-research"'],
      ]],
    ]);
  });

  it('reads a git ref with git ls-tree and cat-file, byte for byte', () => {
    const t = readTreeFromGit('HEAD', 'dist', root);
    const listed = execFileSync('git', ['ls-tree', '-r', '--name-only', 'HEAD', '--', 'dist'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
    expect([...t.keys()].sort()).toEqual(listed.map((f) => f.slice('dist/'.length)).sort());
    expect(t.get('argocd/kustomization.yaml')).toBe(execFileSync('git', ['show', 'HEAD:dist/argocd/kustomization.yaml'], { cwd: root, encoding: 'utf8' }));
  });

  it('exits 2 with a message on an unknown ref or argument', () => {
    const bad = spawnSync(process.execPath, [cli, '--ref', 'no-such-ref-xyz'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    const arg = spawnSync(process.execPath, [cli, '--frobnicate'], { cwd: root, encoding: 'utf8' });
    expect(arg.status).toBe(2);
    expect(arg.stderr).toBe('diff: unknown argument "--frobnicate". Fix: use --ref <git-ref>, --markdown or --dist <dir>\n');
  });
});

describe('.github/workflows/dist-diff.yml', () => {
  const wf = YAML.parse(fs.readFileSync(path.join(root, '.github', 'workflows', 'dist-diff.yml'), 'utf8'));
  const steps: any[] = wf.jobs.diff.steps;

  it('runs on pull requests with only checkout, setup-node and github-script', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(steps.filter((s) => s.uses).map((s) => s.uses.split('@')[0])).toEqual(['actions/checkout', 'actions/setup-node', 'actions/github-script']);
    expect(steps[0].with['fetch-depth']).toBe(0); // the base ref must be there for --ref
  });

  it('posts the Markdown of npm run diff --ref <base> and finds its comment by the marker the formatter writes', () => {
    const run = steps.find((s) => s.id === 'diff').run as string;
    expect(run).toContain('npm run --silent diff -- --ref "origin/${GITHUB_BASE_REF}" --markdown > dist-diff.md');
    expect(run).toContain('if [ "$status" -ge 2 ]');
    const script = steps.find((s) => s.uses?.startsWith('actions/github-script')).with.script as string;
    expect(script).toContain(`'${MARKDOWN_MARKER}'`);
    expect(script).toContain("readFileSync('dist-diff.md'");
  });
});
