import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
function tsFiles(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');
const importsOf = (f: string) => [...read(f).matchAll(/(?:from|import|require)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

/**
 * The allowed imports between areas of lib/ (README, "Architecture"). core is the bottom layer;
 * synth is build tooling (safe synth, writer, checks, validation) that constructs never import;
 * infra (cdktf) is isolated: nothing but apps/ and main import it. apps/, main.ts and scripts/ may
 * use every area.
 */
export const ALLOWED_AREA_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  core: [],
  synth: ['core', 'platform'],
  // Platform facts (presets) and the reachability simulator: plain data over core's peers.
  platform: ['core'],
  storage: ['core'],
  identity: ['core'],
  mesh: ['core'],
  mlflow: ['core', 'storage', 'identity'],
  kubeflow: ['core', 'storage', 'mesh', 'mlflow'],
  serving: ['core', 'storage', 'mesh'],
  sharinghub: ['core', 'storage', 'identity'],
  gitops: ['core'],
  // Terraform JSON is checked for machine paths by the synth tooling; KFP settings are a type.
  infra: ['core', 'synth', 'kubeflow'],
};

/** Every `area -> area` import edge in lib/ (imports/ and packages excluded). */
function areaEdges(): Array<{ file: string; from: string; to: string }> {
  return tsFiles('lib').flatMap((f) => {
    const parts = f.split(path.sep);
    if (parts.length < 3) return [];
    const from = parts[1];
    return importsOf(f)
      .filter((i) => i.startsWith('.'))
      .map((i) => path.relative(path.join(root, 'lib'), path.resolve(path.dirname(path.join(root, f)), i)).split(path.sep)[0])
      .filter((to) => to !== from && !to.startsWith('..'))
      .map((to) => ({ file: f, from, to }));
  });
}

/** The lib/ files `f` imports (relative imports, type-only and re-exports included), resolved to files. */
function fileImports(f: string, files: ReadonlySet<string>): string[] {
  return importsOf(f).filter((i) => i.startsWith('.')).flatMap((i) => {
    const base = path.join(path.dirname(f), i);
    return [`${base}.ts`, path.join(base, 'index.ts')].filter((c) => files.has(c)).slice(0, 1);
  });
}

/** The import cycles of a graph, one path each (`a -> b -> a`), found by depth-first search. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('architecture', () => {
  it('every area of lib/ is listed in the layer table', () => {
    const areas = fs.readdirSync(path.join(root, 'lib'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(areas.filter((a) => !(a in ALLOWED_AREA_IMPORTS))).toEqual([]);
  });

  it('areas import only the areas the layer table allows', () => {
    const forbidden = areaEdges().filter((e) => !(ALLOWED_AREA_IMPORTS[e.from] ?? []).includes(e.to));
    expect(forbidden.map((e) => `${e.file}: ${e.from} -> ${e.to}`)).toEqual([]);
  });

  it("the README's architecture diagram shows exactly the allowed area imports", () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Architecture'));
    const diagram = section.slice(section.indexOf('```mermaid'), section.indexOf('```', section.indexOf('```mermaid') + 3));
    const drawn = [...diagram.matchAll(/^ {2}([a-z]+) --> ([a-z]+)$/gm)].map((m) => `${m[1]} -> ${m[2]}`).sort();
    const allowed = Object.entries(ALLOWED_AREA_IMPORTS).flatMap(([from, tos]) => tos.map((to) => `${from} -> ${to}`)).sort();
    expect(drawn).toEqual(allowed);
  });

  it('the layer check sees a forbidden edge (core importing storage)', () => {
    const fake = { file: 'lib/core/x.ts', from: 'core', to: 'storage' };
    expect(ALLOWED_AREA_IMPORTS[fake.from].includes(fake.to)).toBe(false);
    // and the edge finder resolves relative paths to areas
    expect(areaEdges().some((e) => e.from === 'storage' && e.to === 'core')).toBe(true);
  });

  it('components hold their Workload: no class extends Workload, and a Workload child names its owner', () => {
    // A component is an IWorkload by delegation (WorkloadComponent); the exceptions build blocks for
    // others (StatefulWorkload, passed an owner) or are no workload themselves (an identity provider's Job).
    const ownerless = new Set([path.join('lib', 'core', 'stateful-workload.ts'), path.join('lib', 'identity', 'keycloak-client-setup.ts')]);
    const offenders = tsFiles('lib').flatMap((f) => {
      const text = read(f);
      const out = [...text.matchAll(/class (\w+) extends Workload\b/g)].map((m) => `${f}: ${m[1]} extends Workload`);
      if (!ownerless.has(f)) {
        out.push(...[...text.matchAll(/new Workload\(this, '\w+', \{([^}]*)/g)].filter((m) => !/\bowner: this\b/.test(m[1])).map(() => `${f}: Workload child without owner`));
      }
      return out;
    });
    expect(offenders).toEqual([]);
  });

  it('lib/ has no import cycle between files, type-only imports and re-exports included', () => {
    const files = new Set(tsFiles('lib'));
    const graph = new Map([...files].map((f) => [f, fileImports(f, files)] as const));
    expect(findCycles(graph)).toEqual([]);
    // The check sees a cycle, a type-only one too (import type is matched like any import).
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['d']]]))).toEqual(['a -> b -> c -> a', 'd -> d']);
    expect(importsOf(path.join('lib', 'mlflow', 'tracking-server.ts'))).toContain('./mlflow-auth');
    expect(graph.get(path.join('lib', 'mlflow', 'tracking-server.ts'))).toContain(path.join('lib', 'mlflow', 'mlflow-auth.ts'));
  });

  it('exposure is rendered in one place: Ingresses by core/ingress.ts, HTTPRoutes by core/http-route.ts', () => {
    // SharingHub, MLflow SharingHub and TrackingServer share the renderers (and any area may: core is the bottom layer).
    const renderers: Record<string, RegExp> = {
      [path.join('lib', 'core', 'ingress.ts')]: /new k8s\.KubeIngress\(/,
      [path.join('lib', 'core', 'http-route.ts')]: /new gw\.HttpRoute\(/,
    };
    for (const [owner, pattern] of Object.entries(renderers)) {
      const files = tsFiles('lib').filter((f) => pattern.test(read(f)));
      expect(files, String(pattern)).toEqual([owner]);
    }
    const users = tsFiles('lib').filter((f) => importsOf(f).some((i) => /\/core\/ingress$/.test(i)));
    expect(users).toEqual(expect.arrayContaining([path.join('lib', 'sharinghub', 'sharing-hub.ts'), path.join('lib', 'sharinghub', 'mlflow-sharing-hub.ts'), path.join('lib', 'mlflow', 'tracking-server.ts')]));
  });

  it('no construct library code creates its own cdk8s App', () => {
    const offenders = tsFiles('lib').filter((f) => !f.startsWith(path.join('lib', 'synth')) && /new App\(/.test(read(f)));
    expect(offenders).toEqual([]);
  });

  it('lib/ takes configuration through props, never process.env (except two reads that are not configuration)', () => {
    // CDK8S_OUTDIR is how cdk8s-cli tells the app it runs under `cdk8s synth` (the tracked-output
    // warning); MLOPS_CDK8S_FULL_STACK is a debugging switch that keeps a ValidationError's frames.
    const allowed: Record<string, string[]> = {
      [path.join('lib', 'synth', 'tracked-output.ts')]: ['process.env.CDK8S_OUTDIR'],
      [path.join('lib', 'core', 'validate.ts')]: ['process.env.MLOPS_CDK8S_FULL_STACK'],
    };
    const offenders = tsFiles('lib').flatMap((f) => (read(f).match(/process\.env(\.\w+)?/g) ?? []).filter((m) => !(allowed[f] ?? []).includes(m)).map((m) => `${f}: ${m}`));
    expect(offenders).toEqual([]);
  });

  it('area index files list their public API by name; lib/index.ts re-exports only the construct areas', () => {
    const code = (f: string) => read(f).split('\n').filter((l) => l.trim() && !l.trim().startsWith('//') && !l.trim().startsWith('*') && !l.trim().startsWith('/*'));
    for (const f of tsFiles('lib').filter((x) => x.endsWith('index.ts') && x !== path.join('lib', 'index.ts'))) {
      expect(code(f).filter((l) => !/^export (type )?\{ [\w, ]+ \} from '\.\/[\w-]+';$/.test(l)), f).toEqual([]);
    }
    const areas = fs.readdirSync(path.join(root, 'lib'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    // The tooling (synth) and cdktf (infra) areas are entry points of their own; the main entry
    // only loads synth's app checks, which they register (lib/core/app-checks.ts).
    const appChecks = ["import './synth/app-validation';", "import './synth/reachability-check';"];
    expect(code(path.join('lib', 'index.ts')).filter((l) => {
      if (appChecks.includes(l)) return false;
      const m = /^export \* from '\.\/([\w-]+)';$/.exec(l);
      return !m || !areas.includes(m[1]) || m[1] === 'infra' || m[1] === 'synth';
    })).toEqual([]);
  });

  it('the package entry point hides the internal helpers', async () => {
    const lib: Record<string, unknown> = await import('../lib');
    for (const name of ['renderService', 'renderServiceAccount', 'renderJob', 'renderCronJob', 'restrictedPodSpec', 'mcAliasCommand', 's3AliasEnv', 'renderBackupVolume', 'resolveBackup']) {
      expect(lib[name], name).toBeUndefined();
    }
    for (const name of ['TrackingServer', 'Postgres', 'Minio', 'StatefulWorkload', 'WorkloadComponent', 'HttpService', 'Namespace', 'ValidationError', 'Labels']) {
      expect(lib[name], name).toBeDefined();
    }
  });

  it('the main entry holds no build tooling: that is @mlops-cdk8s/platform/synth; app renderers and internals are in neither', async () => {
    const main: Record<string, unknown> = await import('../lib');
    const synth: Record<string, unknown> = await import('../lib/synth');
    expect(Object.keys(synth).filter((name) => name in main)).toEqual([]);
    for (const name of ['safeSynth', 'cdk8sTarget', 'diffTrees', 'readTreeFromGit', 'MlopsValidation', 'writeOutputFiles', 'toYaml', 'renderMermaid', 'enableAppChecks', 'registerAppCheck', 'withoutAppChecks', 'appChecksEnabled']) {
      expect(main[name], name).toBeUndefined();
      expect(synth[name], name).toBeDefined();
    }
    for (const name of ['renderGcpKfpReadme', 'renderGcpKfpEnvironmentMermaid', 'enableCompileCache', 'saveCompileCache', 'deferModule', 'podOf']) {
      expect(main[name], name).toBeUndefined();
      expect(synth[name], name).toBeUndefined();
    }
    // Its app checks still register: a plain app.synth() with the main entry loaded refuses what safeSynth refuses.
    const { appChecksEnabled } = synth as { appChecksEnabled: (scope: unknown) => boolean };
    const { App, Chart } = await import('cdk8s');
    const chart = new Chart(new App(), 'c', { namespace: 'c' });
    new (main.Namespace as new (s: unknown, id: string) => unknown)(chart, 'ns');
    expect(appChecksEnabled(chart)).toBe(true);
  });

  it('apps/, main.ts and scripts/ use the library only through its public entry points (main, /synth, /infra)', () => {
    const pkg = JSON.parse(read('package.json'));
    // The entry points package.json exports, as source directories: '.', './synth', './infra'.
    const entries = Object.values(pkg.exports as Record<string, { default?: string }>)
      .flatMap((e) => (typeof e === 'object' && e.default ? [e.default.replace(/^\.\/build\//, '').replace(/\/index\.js$/, '')] : []));
    expect(entries.sort()).toEqual(['lib', 'lib/infra', 'lib/synth']);
    const deep = ['main.ts', ...tsFiles('apps'), ...tsFiles('scripts')].flatMap((f) => importsOf(f)
      .filter((i) => i.startsWith('.'))
      .map((i) => path.relative(root, path.resolve(path.dirname(path.join(root, f)), i)).split(path.sep).join('/'))
      .filter((target) => (target === 'lib' || target.startsWith('lib/')) && !entries.includes(target))
      .map((target) => `${f} -> ${target}`));
    expect(deep).toEqual([]);
    // The check sees a deep import, and it reads scripts/ (bench.ts reads the synth entry).
    expect(path.relative(root, path.resolve(root, 'apps', '../lib/core/validate')).startsWith('lib/')).toBe(true);
    expect(tsFiles('scripts')).toContain(path.join('scripts', 'bench.ts'));
    expect(importsOf(path.join('scripts', 'bench.ts'))).toContain('../lib/synth');
  });

  it('stripInternal drops @internal helpers from the published declarations (npm test builds first)', () => {
    const dts = (f: string) => fs.readFileSync(path.join(root, 'build', f), 'utf8');
    expect(dts('lib/core/service.d.ts')).not.toContain('renderService');
    expect(dts('lib/core/batch.d.ts')).not.toContain('renderJob');
    expect(dts('lib/mlflow/tracking-server.d.ts')).toContain('class TrackingServer');
  });

  it('only lib/ imports the generated bindings in imports/', () => {
    const offenders = [...tsFiles('apps'), 'main.ts', ...tsFiles('scripts')]
      .filter((f) => importsOf(f).some((i) => i.includes('imports/')));
    expect(offenders).toEqual([]);
  });

  it('nothing in lib/, apps/ or main.ts loads cdk8s-plus-28 (a devDependency: the k8s bindings are imports/k8s.ts)', () => {
    const files = [...tsFiles('lib'), ...tsFiles('apps'), 'main.ts'];
    expect(files.filter((f) => importsOf(f).some((i) => i === 'cdk8s-plus-28' || i.startsWith('cdk8s-plus-')))).toEqual([]);
    expect(importsOf('lib/core/k8s.ts')).toEqual(['../../imports/k8s']);
  });

  it('apps/ are composed only from lib/ (no generated bindings, no raw ApiObjects)', () => {
    for (const f of tsFiles('apps')) {
      expect(importsOf(f).filter((i) => i.startsWith('.') && !i.startsWith('../lib') && !i.startsWith('./')), f).toEqual([]);
      expect(read(f).includes('new ApiObject('), f).toBe(false);
    }
  });

  it('provider-google is imported only by deep path', () => {
    const all = [...tsFiles('lib'), ...tsFiles('apps'), ...tsFiles('test'), 'main.ts'];
    expect(all.filter((f) => importsOf(f).some((i) => i === '@cdktf/provider-google'))).toEqual([]);
  });
});
