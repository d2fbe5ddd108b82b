import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GcpKfpWorker, prestartGcpKfpWorker, takePrestartedGcpKfpWorker } from '../../apps/gcp-kfp-prestart';
import { gcpKfpTarget, synthGcpKfp } from '../../apps/gcp-kfp-target';
import { ENVIRONMENT_NAMES as NAMES } from '../../lib';
import { ENVIRONMENT_NAMES } from '../../lib/infra/environments';
import { safeSynth } from '../../lib/synth/synth';

const root = path.resolve(__dirname, '..', '..');
/** The compiled worker entry (npm test and vitest's global setup build first). */
const WORKER_FILE = path.join(root, 'build', 'apps', 'gcp-kfp-worker.js');
const FAILURE_ENV = 'MLOPS_TEST_GCP_KFP_WORKER_FAILURE';

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[path.relative(dir, path.join(e.parentPath, e.name))] = fs.readFileSync(path.join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

/** Relative modules a file loads at run time (type-only imports left out), resolved to .ts files. */
function runtimeImports(file: string): { local: string[]; packages: string[] } {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^(?:(?:import|export)(?! type )[^;'=]*? from |import )'([^']+)';$/gm)].map((m) => m[1]);
  const local = specs.filter((s) => s.startsWith('.')).map((s) => `${path.resolve(path.dirname(file), s)}.ts`).map((f) => (fs.existsSync(f) ? f : f.replace(/\.ts$/, '/index.ts')));
  return { local, packages: specs.filter((s) => !s.startsWith('.')) };
}

/** Every package the static import graph of `entry` loads. */
function packagesLoadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    const { local, packages: p } = runtimeImports(f);
    p.forEach((x) => packages.add(x));
    local.forEach(visit);
  };
  visit(entry);
  return packages;
}

describe('gcp-kfp on the second core', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-kfp-target-'));
  });
  afterEach(() => {
    takePrestartedGcpKfpWorker();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('the deployables come from a cdktf-free list equal to ENVIRONMENT_NAMES', () => {
    expect(NAMES).toBe(ENVIRONMENT_NAMES);
    expect(gcpKfpTarget().deployables!.map((d) => d.dir)).toEqual(ENVIRONMENT_NAMES.map((e) => `kfp/${e}`));
  });

  it('main.ts loads no cdktf at import: only the worker and the in-process fallback do', () => {
    const loaded = [...packagesLoadedBy(path.join(root, 'main.ts'))];
    expect(loaded).toContain('cdk8s');
    expect(loaded.filter((p) => p === 'cdktf' || p.startsWith('@cdktf/'))).toEqual([]);
    // The prestart module comes first and loads only Node built-ins (with the compile cache's).
    expect(runtimeImports(path.join(root, 'main.ts')).local[0]).toBe(path.join(root, 'apps', 'gcp-kfp-prestart.ts'));
    expect([...packagesLoadedBy(path.join(root, 'apps', 'gcp-kfp-prestart.ts'))].sort()).toEqual(['fs', 'module', 'os', 'path', 'vm', 'worker_threads']);
    // and the worker's half loads no cdk8s.
    expect([...packagesLoadedBy(path.join(root, 'apps', 'gcp-kfp.ts'))].filter((p) => p.startsWith('cdk8s'))).toEqual([]);
  });

  it('the target writes the same bytes and returns the same objects with the worker as in-process', () => {
    prestartGcpKfpWorker({ workerFile: WORKER_FILE });
    const a = path.join(work, 'worker');
    const objectsA = synthGcpKfp(a);
    expect(takePrestartedGcpKfpWorker(), 'the synth took the prestarted worker').toBeUndefined();
    const b = path.join(work, 'in-process');
    const objectsB = synthGcpKfp(b);
    expect(readTree(a)).toEqual(readTree(b));
    expect(Object.keys(readTree(a))).toContain('terraform/production/main.tf.json');
    expect(Object.keys(readTree(a))).toContain('README.md');
    expect(objectsA).toEqual(objectsB);
  });

  it("a failing worker fails the synth with the worker's message, and dist/ stays as it was", () => {
    const dist = path.join(work, 'dist');
    fs.mkdirSync(path.join(dist, 'gcp-kfp'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'gcp-kfp', 'README.md'), 'previous\n');
    prestartGcpKfpWorker({ workerFile: WORKER_FILE, env: { ...process.env, [FAILURE_ENV]: 'injected worker failure' } });
    expect(() => safeSynth(dist, [gcpKfpTarget()])).toThrow('injected worker failure');
    expect(readTree(dist)).toEqual({ 'gcp-kfp/README.md': 'previous\n' });
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  it('a worker that exits without a result fails the synth, saying so', () => {
    prestartGcpKfpWorker({ workerFile: WORKER_FILE, env: { ...process.env, [FAILURE_ENV]: 'exit' } });
    expect(() => gcpKfpTarget().synth(path.join(work, 'out'))).toThrow(/gcp-kfp: the synth worker exited with code 3 before giving a result\. Fix: /);
    expect(fs.existsSync(path.join(work, 'out'))).toBe(false);
  });

  it('a worker without a result in time fails with a timeout error', () => {
    const worker = new GcpKfpWorker({ workerFile: WORKER_FILE, env: { ...process.env, [FAILURE_ENV]: 'never seen' } });
    expect(() => worker.result(0)).toThrow(/gcp-kfp: the synth worker gave no result within 0 ms\. Fix: /);
  });

  it('the compiled in-process fallback loads apps/gcp-kfp lazily (npm run diff, consumers)', () => {
    const script = "const l = require('./build/apps/gcp-kfp-loader'); const before = Object.keys(require.cache).some((k) => k.includes('/cdktf/'));"
      + " console.log(JSON.stringify({ before, render: typeof l.loadGcpKfp().renderGcpKfpInfra }))";
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }))).toEqual({ before: false, render: 'function' });
  });
});
