/**
 * `npm run diff [-- --ref <git-ref>] [--markdown] [--dist <dir>]`: synthesizes into a scratch
 * directory (the same code path as `npm run synth`) and prints the semantic difference from the
 * committed dist/ (the working tree's, or `dist/` at `--ref`, read with git). Exit status: 0 no
 * change, 1 changes, 2 error.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../main';
import { diffTrees, formatMarkdown, formatText, readTreeFromDir, readTreeFromGit } from '../lib/synth';

interface Args {
  readonly ref?: string;
  readonly markdown: boolean;
  readonly dist: string;
}

function parseArgs(argv: readonly string[]): Args {
  let ref: string | undefined;
  let markdown = false;
  let dist = 'dist';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--markdown') markdown = true;
    else if (a === '--ref' || a === '--dist') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`diff: ${a} needs a value. Fix: ${a === '--ref' ? '--ref origin/main' : '--dist dist'}`);
      if (a === '--ref') ref = v;
      else dist = v;
    } else if (a.startsWith('--ref=')) ref = a.slice(6);
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run diff [-- --ref <git-ref>] [--markdown] [--dist <dir>]');
      process.exit(0);
    } else throw new Error(`diff: unknown argument ${JSON.stringify(a)}. Fix: use --ref <git-ref>, --markdown or --dist <dir>`);
  }
  return { ref, markdown, dist };
}

function main(argv: readonly string[]): number {
  const args = parseArgs(argv);
  const dist = path.resolve(args.dist);
  let before;
  let label;
  if (args.ref) {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: path.dirname(dist), encoding: 'utf8' }).trim();
    const rel = path.relative(fs.realpathSync(top), fs.realpathSync(path.dirname(dist))).split(path.sep).concat(path.basename(dist)).filter(Boolean).join('/');
    before = readTreeFromGit(args.ref, rel, top);
    label = `${rel}/ at ${args.ref}`;
  } else {
    before = readTreeFromDir(dist);
    label = `${path.relative(process.cwd(), dist) || '.'}/`;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-diff-'));
  try {
    const fresh = path.join(tmp, 'dist');
    synthesize(fresh);
    const diff = diffTrees(before, readTreeFromDir(fresh));
    process.stdout.write(args.markdown ? formatMarkdown(diff, label) : formatText(diff, label));
    return diff.objects.length ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  // Synth errors name the construct and the fix; they never carry secret values.
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 2;
}
