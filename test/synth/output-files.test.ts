import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Size } from 'cdk8s';
import { teamsTarget } from '../../apps/teams';
import { writeOutputFiles } from '../../lib/synth/output-files';
import { safeSynth, SynthTarget } from '../../lib/synth/synth';

/** A target writing `files` with writeOutputFiles, then running `after`. */
function target(name: string, files: Record<string, string>, after: (outdir: string) => void = () => undefined): SynthTarget {
  return { name, synth: (outdir) => { writeOutputFiles(outdir, Object.entries(files)); after(outdir); return []; } };
}

const ino = (p: string) => fs.statSync(p).ino;

describe('writeOutputFiles', () => {
  let work: string;
  let dist: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'output-files-'));
    dist = path.join(work, 'dist');
    safeSynth(dist, [target('app', { 'a.yaml': 'a: 1\n', 'sub/b.yaml': 'b: 1\n', 'c.yaml': 'c: 1\n' })]);
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('links the unchanged files of the dist/ being replaced and writes the others; the new tree has the new bytes', () => {
    const before = { a: ino(path.join(dist, 'app', 'a.yaml')), b: ino(path.join(dist, 'app', 'sub', 'b.yaml')), c: ino(path.join(dist, 'app', 'c.yaml')) };
    safeSynth(dist, [target('app', { 'a.yaml': 'a: 1\n', 'sub/b.yaml': 'b: 1\n', 'c.yaml': 'c: 2\n', 'd.yaml': 'd: 1\n' })]);
    expect(ino(path.join(dist, 'app', 'a.yaml'))).toBe(before.a);
    expect(ino(path.join(dist, 'app', 'sub', 'b.yaml'))).toBe(before.b);
    expect(ino(path.join(dist, 'app', 'c.yaml'))).not.toBe(before.c);
    expect(fs.readFileSync(path.join(dist, 'app', 'c.yaml'), 'utf8')).toBe('c: 2\n');
    expect(fs.readFileSync(path.join(dist, 'app', 'd.yaml'), 'utf8')).toBe('d: 1\n');
    // The previous tree is gone: every file is the only name of its data again.
    expect(fs.readdirSync(work)).toEqual(['dist']);
    expect(fs.statSync(path.join(dist, 'app', 'a.yaml')).nlink).toBe(1);
  });

  it('never writes through a linked file: a failed synth leaves dist/ byte-for-byte, even after a path is written twice', () => {
    const a = path.join(dist, 'app', 'a.yaml');
    const rewrite = (outdir: string) => {
      // Linked above (same bytes), then written again with other bytes: unlinked first, never written through.
      expect(fs.statSync(path.join(outdir, 'a.yaml')).ino).toBe(ino(a));
      writeOutputFiles(outdir, [['a.yaml', 'a: changed\n']]);
      expect(fs.readFileSync(a, 'utf8')).toBe('a: 1\n');
      throw new Error('injected failure');
    };
    expect(() => safeSynth(dist, [target('app', { 'a.yaml': 'a: 1\n' }, rewrite)])).toThrow('injected failure');
    expect(fs.readFileSync(a, 'utf8')).toBe('a: 1\n');
    expect(fs.statSync(a).nlink).toBe(1);
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  it('links only regular files: a symlink in dist/ with the same bytes is replaced by a written file', () => {
    const c = path.join(dist, 'app', 'c.yaml');
    fs.writeFileSync(path.join(work, 'elsewhere.yaml'), 'c: 1\n');
    fs.rmSync(c);
    fs.symlinkSync(path.join(work, 'elsewhere.yaml'), c);
    safeSynth(dist, [target('app', { 'c.yaml': 'c: 1\n' })]);
    expect(fs.lstatSync(c).isFile()).toBe(true);
    expect(fs.readFileSync(c, 'utf8')).toBe('c: 1\n');
  });

  it('the team stacks target links its unchanged files too, and writes a changed team\'s files', () => {
    const teams = path.join(work, 'teams-dist');
    safeSynth(teams, [teamsTarget('mlflow-teams', [{ name: 'a' }, { name: 'b' }])]);
    const file = (team: string) => path.join(teams, 'mlflow-teams', team, 'resourcequota-compute.yaml');
    const before = { a: ino(file('a')), b: ino(file('b')) };
    safeSynth(teams, [teamsTarget('mlflow-teams', [{ name: 'a' }, { name: 'b', quota: { requestsCpu: '8', requestsMemory: Size.gibibytes(8), limitsMemory: Size.gibibytes(24) } }])]);
    expect(ino(file('a'))).toBe(before.a);
    expect(ino(file('b'))).not.toBe(before.b);
    expect(fs.readFileSync(file('b'), 'utf8')).toContain('requests.cpu: "8"');
  });

  it('outside safeSynth, writes every file', () => {
    const out = path.join(work, 'plain');
    writeOutputFiles(out, [['x/y.yaml', 'y: 1\n']]);
    writeOutputFiles(out, [['x/y.yaml', 'y: 2\n']]);
    expect(fs.readFileSync(path.join(out, 'x', 'y.yaml'), 'utf8')).toBe('y: 2\n');
  });
});
