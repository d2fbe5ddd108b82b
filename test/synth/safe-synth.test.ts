import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referenceApps } from '../../apps';
import { k8s } from '../../lib/core/k8s';
import { cdk8sTarget, safeSynth, SynthTarget } from '../../lib/synth/synth';

/** path → sha256 of every file under dir. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('safeSynth never leaves dist/ half-written', () => {
  let work: string;
  let dist: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-synth-'));
    dist = path.join(work, 'dist');
    safeSynth(dist, referenceApps);
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const failing: SynthTarget = { name: 'broken', synth: () => { throw new Error('injected failure'); } };

  it('keeps dist/ byte-for-byte when a later app throws', () => {
    const before = tree(dist);
    expect(Object.keys(before).length).toBeGreaterThan(20);
    expect(() => safeSynth(dist, [...referenceApps, failing])).toThrow('injected failure');
    expect(tree(dist)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  it('keeps dist/ when an app writes a Secret with data', () => {
    const before = tree(dist);
    const leaky = cdk8sTarget('leaky', (app) => {
      const chart = new Chart(app, 'leaky', { namespace: 'x' });
      new k8s.KubeSecret(chart, 's', { metadata: { name: 'creds' }, stringData: { password: 'hunter2' } });
    });
    expect(() => safeSynth(dist, [...referenceApps, leaky])).toThrow('leaky: Secret "creds": holds literal data');
    expect(tree(dist)).toEqual(before);
  });

  it('keeps dist/ when an extra validator rejects an object', () => {
    const before = tree(dist);
    expect(() => safeSynth(dist, referenceApps, { validate: (file) => (file.endsWith('deployment-mlflow.yaml') ? [`${file}: rejected`] : []) }))
      .toThrow('mlflow-minio-postgres/deployment-mlflow.yaml: rejected');
    expect(tree(dist)).toEqual(before);
  });

  it('replaces dist/ whole on success: stale files disappear, nothing is left beside it', () => {
    fs.writeFileSync(path.join(dist, 'stale.yaml'), 'kind: Stale\n');
    safeSynth(dist, referenceApps);
    expect(fs.existsSync(path.join(dist, 'stale.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(dist, 'mlflow-minio-postgres', 'kustomization.yaml'))).toBe(true);
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  it('puts dist/ back and cleans up after a synth that was killed between its two renames', () => {
    const before = tree(dist);
    fs.renameSync(dist, path.join(work, '.dist-previous-999999'));
    fs.mkdirSync(path.join(work, '.dist-staging-999999'));
    expect(() => safeSynth(dist, [...referenceApps, failing])).toThrow('injected failure');
    expect(tree(dist)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  it('refuses bad and duplicate target names before writing anything', () => {
    const before = tree(dist);
    expect(() => safeSynth(dist, [{ name: 'My_App', synth: () => [] }])).toThrow(
      'safeSynth: target name must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "My_App". Fix: use a name such as "my-app"');
    expect(() => safeSynth(dist, [...referenceApps, referenceApps[0]])).toThrow(
      'safeSynth: target name "mlflow-minio-postgres" is used twice. Fix: rename one of the targets.');
    expect(tree(dist)).toEqual(before);
  });

  it('is deterministic: two synths give identical trees', () => {
    const first = tree(dist);
    safeSynth(dist, referenceApps);
    expect(tree(dist)).toEqual(first);
  });
});
