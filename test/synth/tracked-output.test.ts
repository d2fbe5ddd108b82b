import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Namespace } from '../../lib/core/namespace';
import { trackedOutputWarning } from '../../lib/synth/tracked-output';

let repo: string;
const git = (...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
};
beforeEach(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'tracked-output-'));
  git('init', '-q');
  fs.mkdirSync(path.join(repo, 'dist'));
  fs.writeFileSync(path.join(repo, 'dist', 'app.k8s.yaml'), 'kind: Namespace\n');
  fs.mkdirSync(path.join(repo, 'cdk8s.out'));
  fs.writeFileSync(path.join(repo, 'cdk8s.out', 'app.k8s.yaml'), 'kind: Namespace\n');
  fs.writeFileSync(path.join(repo, '.gitignore'), 'cdk8s.out/\n');
  git('add', '.');
  git('commit', '-q', '-m', 'init');
});
afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

describe('the warning about a cdk8s synth output directory that git tracks', () => {
  it('names the directory and says what to set in cdk8s.yaml, also after cdk8s synth deleted it', () => {
    const expected = 'cdk8s synth writes into dist/, which your git repository tracks, and deletes it before every run: a failing synth leaves dist/ empty '
      + '(an Argo CD sync with pruning would then delete what runs). Fix: set "output: cdk8s.out" in cdk8s.yaml and add cdk8s.out/ to .gitignore; '
      + 'write dist/ with safeSynth (README, "cdk8s.yaml").';
    expect(trackedOutputWarning('dist', repo)).toBe(expected);
    fs.rmSync(path.join(repo, 'dist'), { recursive: true }); // what cdk8s synth does before it runs the app
    expect(trackedOutputWarning(path.join(repo, 'dist'), repo)).toBe(expected);
  });

  it('says nothing for an ignored or untracked directory, or outside a repository', () => {
    expect(trackedOutputWarning('cdk8s.out', repo)).toBeUndefined();
    expect(trackedOutputWarning('build', repo)).toBeUndefined();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'no-repo-'));
    try {
      expect(trackedOutputWarning('dist', outside)).toBeUndefined();
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('is printed on stderr by a passing app.synth() under cdk8s synth (CDK8S_OUTDIR set), and only there', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const cwd = process.cwd();
    const synth = () => {
      const app = new App({ outdir: path.join(repo, 'dist') });
      new Namespace(new Chart(app, 'app', { namespace: 'app' }), 'namespace');
      app.synth();
    };
    try {
      process.chdir(repo);
      synth();
      expect(errors).not.toHaveBeenCalled();
      process.env.CDK8S_OUTDIR = 'dist';
      synth();
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors.mock.calls[0][0]).toMatch(/^warning: cdk8s synth writes into dist\/, which your git repository tracks/);
    } finally {
      delete process.env.CDK8S_OUTDIR;
      process.chdir(cwd);
      errors.mockRestore();
    }
  });
});
