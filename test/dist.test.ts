import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { readManifests } from '../lib/synth/synth';
import { formatViolation, SchemaValidator } from '../lib/synth/schema-validator';
import { freshBuild, MAIN_JS } from './support/build';
import { needs } from './support/tools';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p).map((f) => path.join(e.name, f)) : [e.name];
  }).sort();
}

/** Kustomize directories under dist/ whose resources are all local. */
function localKustomizations(): string[] {
  return files(dist).filter((f) => f.endsWith('kustomization.yaml'))
    .map((f) => path.join(dist, path.dirname(f)))
    .filter((d) => !/^\s*-\s*"?(https?:\/\/|github\.com\/)/m.test(fs.readFileSync(path.join(d, 'kustomization.yaml'), 'utf8')));
}

describe('dist/', () => {
  it('equals a fresh synth of main.ts (committed output is not stale), whose main thread never loads cdktf', () => {
    // From the sources as they are now: build/ may be older (vitest alone, watch mode).
    freshBuild();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-drift-'));
    try {
      // The command line, as npm run synth runs it: gcp-kfp's Terraform side in a worker thread
      // (apps/gcp-kfp-prestart.ts). The preload records what the main thread loaded.
      const preload = path.join(out, 'loaded.js');
      fs.writeFileSync(preload, `if (require('worker_threads').isMainThread) process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(path.join(out, 'loaded.json'))}, JSON.stringify(Object.keys(require.cache))));`);
      execFileSync(process.execPath, ['--require', preload, MAIN_JS, path.join(out, 'dist')], { cwd: root, stdio: 'pipe' });
      const loaded: string[] = JSON.parse(fs.readFileSync(path.join(out, 'loaded.json'), 'utf8'));
      expect(loaded.filter((m) => m.endsWith(`${path.sep}cdk8s${path.sep}lib${path.sep}index.js`)).length).toBe(1);
      if (os.availableParallelism() > 1) {
        expect(loaded.filter((m) => /[\\/]node_modules[\\/](cdktf|@cdktf)[\\/]/.test(m) || m.endsWith(`${path.sep}gcp-kfp.js`))).toEqual([]);
      }
      const fresh = path.join(out, 'dist');
      expect(files(fresh)).toEqual(files(dist));
      for (const f of files(dist)) {
        expect(fs.readFileSync(path.join(fresh, f), 'utf8'), f).toBe(fs.readFileSync(path.join(dist, f), 'utf8'));
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('holds no machine path of the host that ran synth', () => {
    for (const f of files(dist)) {
      const text = fs.readFileSync(path.join(dist, f), 'utf8');
      // Container paths such as /tmp are fine; the checkout, the home directory and staging dirs are not.
      expect([root, os.homedir() + path.sep, '.dist-staging', '.dist-previous'].filter((p) => text.includes(p)), f).toEqual([]);
    }
  });

  it('validates strictly against the Kubernetes 1.28 and CRD schemas (unknown fields are errors)', () => {
    const validator = SchemaValidator.shipped();
    const manifests = readManifests(dist);
    expect(manifests.length).toBeGreaterThan(30);
    const errors = manifests.flatMap(([file, obj]) => validator.validate(obj).map((e) => `${path.relative(dist, file)}: ${formatViolation(e)}`));
    expect(errors).toEqual([]);
  });

  it.runIf(needs('kubectl'))('builds with kubectl kustomize', () => {
    const dirs = localKustomizations();
    expect(dirs.map((d) => path.relative(dist, d))).toContain('mlflow-minio-postgres');
    for (const d of dirs) {
      const r = spawnSync('kubectl', ['kustomize', d], { encoding: 'utf8' });
      expect(r.error, 'kubectl must be on PATH (it is on CI machines)').toBeUndefined();
      expect(r.stderr, d).toBe('');
      expect(r.status, d).toBe(0);
      const listed = (fs.readFileSync(path.join(d, 'kustomization.yaml'), 'utf8').match(/^\s+- /gm) ?? []).length;
      expect((r.stdout.match(/^kind: /gm) ?? []).length, d).toBeGreaterThanOrEqual(listed);
    }
  });
});
