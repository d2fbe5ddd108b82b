/**
 * vitest global setup: builds once before any test file runs (so no two files rebuild build/ at
 * the same time), and gives the whole run, test processes and the processes they spawn, a
 * temporary directory of its own. At the end that directory must be empty: a test that leaves
 * anything in os.tmpdir() fails the run with the names of what it left, and so does a Python
 * bytecode cache written into lib/ (a script run in place that imports a module beside it: run it
 * with PYTHONDONTWRITEBYTECODE=1), which the scans of lib/<area>/scripts would trip over.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freshBuild } from './build';
import { missingToolsReport } from './tools';

function pycacheDirs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (!e.isDirectory()) return [];
    const p = path.join(dir, e.name);
    return e.name === '__pycache__' ? [p] : pycacheDirs(p);
  });
}

export default function setup(): () => void {
  // External tools first: a missing required one (any, under CI) stops the run before it builds.
  const tools = missingToolsReport();
  if (tools.error) throw new Error(`\n${tools.error}\n`);
  freshBuild();
  const lib = path.resolve(__dirname, '..', '..', 'lib');
  const cachesBefore = new Set(pycacheDirs(lib));
  const outer = os.tmpdir();
  const runTmp = fs.mkdtempSync(path.join(outer, 'mlops-cdk8s-test-'));
  // Searchable by others (not listable): PostgreSQL refuses to run as root, so under root the
  // real-server tests (test/support/db-servers.ts) run it as the `postgres` user, in a directory of
  // its own inside this one.
  fs.chmodSync(runTmp, 0o711);
  for (const v of ['TMPDIR', 'TMP', 'TEMP']) process.env[v] = runTmp;
  return () => {
    // Said once, at the end of the run, where a person reads the summary.
    if (tools.notice) console.warn(`\n${tools.notice}\n`);
    for (const v of ['TMPDIR', 'TMP', 'TEMP']) process.env[v] = outer;
    const left = fs.readdirSync(runTmp).sort();
    fs.rmSync(runTmp, { recursive: true, force: true });
    if (left.length) {
      // vitest reports an error thrown here but still exits 0: set the exit code ourselves.
      console.error(`\nFAIL: tests left ${left.length} entries in the temporary directory: ${left.join(', ')}. Fix: remove what each test creates (afterEach/afterAll or try/finally).\n`);
      process.exitCode = 1;
    }
    const caches = pycacheDirs(lib).filter((d) => !cachesBefore.has(d));
    if (caches.length) {
      console.error(`\nFAIL: tests wrote Python bytecode caches into lib/: ${caches.map((d) => path.relative(lib, d)).join(', ')}. Fix: run the script with PYTHONDONTWRITEBYTECODE=1 in its env.\n`);
      for (const d of caches) fs.rmSync(d, { recursive: true, force: true });
      process.exitCode = 1;
    }
  };
}
