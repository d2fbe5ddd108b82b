import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { referenceApps } from '../../apps';
import { k8s } from '../../lib/core/k8s';
import { invalid, ValidationError } from '../../lib/core/validate';
import { cdk8sTarget, safeSynth, SynthTarget } from '../../lib/synth/synth';
import { freshBuild, MAIN_JS } from '../support/build';

const root = path.resolve(__dirname, '..', '..');
const BUILD_LIB = path.join(root, 'build', 'lib', 'synth', 'synth.js');

/** A pid no process has (a child that already exited). */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;

/** A lock file as a run would leave it; `pid` and `procStart` say whose it is. */
function writeLock(dir: string, owner: { pid: number; procStart?: string }): void {
  fs.writeFileSync(path.join(dir, '.dist.lock'), JSON.stringify({ host: os.hostname(), started: '2020-01-01T00:00:00.000Z', ...owner }));
}

/** Runs `node -e script` (with DIST and LIB, the compiled synth module, in its environment). */
function node(script: string, dist: string): ChildProcess {
  return spawn(process.execPath, ['-e', script], { env: { ...process.env, DIST: dist, LIB: BUILD_LIB }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => (ok() ? resolve() : Date.now() > deadline ? reject(new Error(`timed out waiting for ${what}`)) : setTimeout(poll, 10));
    poll();
  });
}

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
    expect(() => safeSynth(dist, [...referenceApps, leaky])).toThrow('leaky: leaky/s: Secret "creds": holds literal data');
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

  it('puts dist/ back and cleans up after a synth that was killed between its two renames, even if this one fails', () => {
    const before = tree(dist);
    // The state a SIGKILL between the renames leaves: no dist/, the old tree aside, its staging
    // tree, and its lock (a dead pid).
    fs.renameSync(dist, path.join(work, `.dist-previous-${Date.now()}-${deadPid}`));
    fs.mkdirSync(path.join(work, `.dist-staging-${deadPid}`));
    writeLock(work, { pid: deadPid });
    expect(() => safeSynth(dist, [...referenceApps, failing])).toThrow('injected failure');
    expect(tree(dist)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  it('puts back the newest previous tree when several are left', () => {
    const before = tree(dist);
    fs.mkdirSync(path.join(work, `.dist-previous-1000-${deadPid}`)); // left by a failed cleanup, long ago
    fs.renameSync(dist, path.join(work, `.dist-previous-2000-${deadPid}`));
    expect(() => safeSynth(dist, [failing])).toThrow('injected failure');
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

describe('safeSynth order', () => {
  let work: string;
  beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-synth-order-')); });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const target = (name: string, ran: string[], background?: boolean): SynthTarget => ({ name, background, synth: () => { ran.push(name); return []; } });

  it('lists the problems of every target: a target whose constructs throw does not hide the next one\'s', () => {
    const dist = path.join(work, 'dist');
    const throwing = (name: string): SynthTarget => ({ name, synth: () => invalid(`${name}/mlflow`, 'replicas', 'must be at least 1', 0, 'use 1') });
    let error: any;
    try {
      safeSynth(dist, [throwing('a'), target('b', []), throwing('c')], { checks: (_, t) => (t.name === 'b' ? ['b rejected'] : []) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('MLOPS_CHECKS_FAILED');
    expect(error.problems).toEqual([
      'a: a/mlflow: replicas must be at least 1, got 0. Fix: use 1', 'b: b rejected', 'c: c/mlflow: replicas must be at least 1, got 0. Fix: use 1',
    ]);
    expect(fs.readdirSync(work)).toEqual([]);
  });

  it('synthesizes background targets after the others, and reports check messages in the order of the list', () => {
    const ran: string[] = [];
    const dist = path.join(work, 'dist');
    expect(() => safeSynth(dist, [target('a', ran), target('b', ran, true), target('c', ran)], { checks: (_, t) => [`${t.name} rejected`] }))
      .toThrow('Synthesized manifests failed checks:\n- a: a rejected\n- b: b rejected\n- c: c rejected');
    expect(ran).toEqual(['a', 'c', 'b']);
    expect(fs.readdirSync(work)).toEqual([]);
    safeSynth(dist, [target('a', ran), target('b', ran, true), target('c', ran)]);
    expect(fs.readdirSync(dist).sort()).toEqual(['a', 'b', 'c']);
  });

  it('checks every target name before any target runs', () => {
    const ran: string[] = [];
    expect(() => safeSynth(path.join(work, 'dist'), [target('a', ran), target('b', ran, true), target('a', ran)]))
      .toThrow('safeSynth: target name "a" is used twice. Fix: rename one of the targets.');
    expect(ran).toEqual([]);
  });
});

describe('safeSynth with other runs on the same dist/', () => {
  let work: string;
  let dist: string;
  beforeAll(() => freshBuild()); // the child processes run build/
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-synth-lock-'));
    dist = path.join(work, 'dist');
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const tiny = (marker: string): SynthTarget => ({ name: 'tiny', synth: (out) => { fs.writeFileSync(path.join(out, `${marker}.txt`), marker); } });

  it('overlapping npm run synth processes all exit 0 and leave a complete dist/', async () => {
    const expected = path.join(work, 'expected');
    spawnSync(process.execPath, [MAIN_JS, expected], { cwd: root });
    // Started together and staggered, so that each run starts while another writes its staging
    // tree and while another swaps (before the lock, a starting run deleted the others' trees).
    const runs: Array<ReturnType<typeof exited>> = [];
    for (let i = 0; i < 3; i++) {
      runs.push(exited(spawn(process.execPath, [MAIN_JS, dist], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })));
      await new Promise((r) => setTimeout(r, 120));
    }
    const results = await Promise.all(runs);
    expect(tree(dist)).toEqual(tree(expected));
    expect(Object.keys(tree(dist)).length).toBeGreaterThan(20);
    expect(fs.readdirSync(work).sort()).toEqual(['dist', 'expected']);
    for (const r of results) {
      expect(r).toMatchObject({ code: 0, signal: null });
      // At most one line: the run said it waited for another.
      expect(r.stderr).toMatch(/^(synth: waiting for another synth writing .*dist\/ \(pid \d+ on .*, started .*\)\n)?$/);
    }
    expect(results.some((r) => r.stderr !== ''), 'at least one run waited for another').toBe(true);
  });

  it('waits for a live run holding the lock, and fails with a clear message when it takes too long', async () => {
    const holder = node(`
      const { safeSynth } = require(process.env.LIB);
      safeSynth(process.env.DIST, [{ name: 'slow', synth: (out) => {
        require('fs').writeFileSync(out + '/slow.txt', 'slow');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
      } }]);`, dist);
    const done = exited(holder);
    const lock = path.join(work, '.dist.lock');
    await waitFor('the child to hold the lock', () => fs.existsSync(lock) && fs.readFileSync(lock, 'utf8').includes(`"pid":${holder.pid}`));
    const waits: string[] = [];
    expect(() => safeSynth(dist, [tiny('mine')], { lockTimeoutMs: 200, onLockWait: (h) => waits.push(h) })).toThrow(new RegExp(
      `^safeSynth: ${dist} is locked by another synth \\(pid ${holder.pid} on ${os.hostname()}, started \\d{4}-[-\\dT:.]+Z\\) and it did not finish within 200 ms\\. `
      + `Fix: wait for it to finish, or stop it; if no such process runs, delete ${lock}\\.$`));
    expect(waits).toEqual([expect.stringMatching(new RegExp(`^pid ${holder.pid} on `))]);
    // Waiting (the default timeout) succeeds once the holder is done, and this run's tree wins.
    safeSynth(dist, [tiny('mine')]);
    expect(await done).toMatchObject({ code: 0, stderr: '' });
    expect(tree(dist)).toEqual({ 'tiny/mine.txt': expect.any(String) });
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  it('takes over the lock of a run that crashed (SIGKILL) and removes what it left', async () => {
    safeSynth(dist, [tiny('old')]);
    const crashed = await exited(node(`
      const { safeSynth } = require(process.env.LIB);
      safeSynth(process.env.DIST, [{ name: 'tiny', synth: (out) => {
        require('fs').writeFileSync(out + '/half.txt', 'half');
        process.kill(process.pid, 'SIGKILL');
      } }]);`, dist));
    expect(crashed.signal).toBe('SIGKILL');
    expect(fs.readdirSync(work).sort()).toEqual([expect.stringMatching(/^\.dist-staging-\d+$/), '.dist.lock', 'dist']);
    expect(tree(dist)).toEqual({ 'tiny/old.txt': expect.any(String) });
    const started = Date.now();
    expect(safeSynth(dist, [tiny('new')])).toEqual({ warnings: [] });
    expect(Date.now() - started).toBeLessThan(1000); // no waiting on a dead owner
    expect(tree(dist)).toEqual({ 'tiny/new.txt': expect.any(String) });
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  it('treats a lock whose pid now belongs to another process, or that is not a lock at all, as stale', () => {
    writeLock(work, { pid: process.pid, procStart: '1' }); // this test process, but it started later
    safeSynth(dist, [tiny('a')]);
    fs.writeFileSync(path.join(work, '.dist.lock'), 'garbage');
    safeSynth(dist, [tiny('b')]);
    expect(tree(dist)).toEqual({ 'tiny/b.txt': expect.any(String) });
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });
});
