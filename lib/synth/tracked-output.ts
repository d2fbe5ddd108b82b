import { spawnSync } from 'child_process';
import * as path from 'path';
import { IConstruct } from 'constructs';

/**
 * `cdk8s synth` deletes its output directory recursively before it runs the app (cdk8s-cli
 * 2.207.60, the version we pin: src/cli/cmds/synth.ts, the handler removes `outdir` ahead of
 * `synthApp`, which passes it to the app as CDK8S_OUTDIR in src/util.ts), and the cdk8s.yaml that
 * `cdk8s init typescript-app` writes has no `output:` (templates/typescript-app/cdk8s.yaml), so
 * that directory is `dist/`. When the user's git repository
 * tracks files in it (a committed dist/ that Argo CD deploys), a failing synth leaves them deleted.
 * Returns the warning for `outdir`, or undefined when git tracks nothing there (or there is no git).
 */
export function trackedOutputWarning(outdir: string, cwd = process.cwd()): string | undefined {
  const r = spawnSync('git', ['ls-files', '-z', '--', outdir], { cwd, encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 || !r.stdout) return undefined;
  const shown = path.relative(cwd, path.resolve(cwd, outdir)) || '.';
  return `cdk8s synth writes into ${shown}/, which your git repository tracks, and deletes it before every run: `
    + `a failing synth leaves ${shown}/ empty (an Argo CD sync with pruning would then delete what runs). `
    + `Fix: set "output: cdk8s.out" in cdk8s.yaml and add cdk8s.out/ to .gitignore; write ${shown}/ with safeSynth (README, "cdk8s.yaml").`;
}

const warned = new Set<string>();

/**
 * After an app's checks pass under `cdk8s synth` (which sets CDK8S_OUTDIR for the app): warns on
 * stderr when the output directory holds files git tracks. Once per directory and process.
 */
export function warnIfOutputTracked(_root: IConstruct): void {
  const outdir = process.env.CDK8S_OUTDIR;
  if (!outdir || warned.has(outdir)) return;
  warned.add(outdir);
  const warning = trackedOutputWarning(outdir);
  if (warning) console.error(`warning: ${warning}`);
}
