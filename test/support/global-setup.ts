/**
 * vitest global setup: builds once before any test file runs (so no two files rebuild build/ at
 * the same time), and gives the whole run, test processes and the processes they spawn, a
 * temporary directory of its own. At the end that directory must be empty: a test that leaves
 * anything in os.tmpdir() fails the run with the names of what it left.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freshBuild } from './build';

export default function setup(): () => void {
  freshBuild();
  const outer = os.tmpdir();
  const runTmp = fs.mkdtempSync(path.join(outer, 'mlops-cdk8s-test-'));
  for (const v of ['TMPDIR', 'TMP', 'TEMP']) process.env[v] = runTmp;
  return () => {
    for (const v of ['TMPDIR', 'TMP', 'TEMP']) process.env[v] = outer;
    const left = fs.readdirSync(runTmp).sort();
    fs.rmSync(runTmp, { recursive: true, force: true });
    if (left.length) {
      // vitest reports an error thrown here but still exits 0: set the exit code ourselves.
      console.error(`\nFAIL: tests left ${left.length} entries in the temporary directory: ${left.join(', ')}. Fix: remove what each test creates (afterEach/afterAll or try/finally).\n`);
      process.exitCode = 1;
    }
  };
}
