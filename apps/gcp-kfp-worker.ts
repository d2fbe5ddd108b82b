// The worker thread entry of apps/gcp-kfp-prestart.ts: renders the Terraform side of gcp-kfp in
// memory (cdktf, no cdk8s), posts it (or the error) on its port, and signals the waiting main thread.
import * as path from 'path';
import { workerData } from 'worker_threads';
import { enableCompileCache, saveCompileCache } from './compile-cache';
import { deferModule } from './defer-module';
import { compileCacheWanted, type GcpKfpWorkerData, type GcpKfpWorkerResult } from './gcp-kfp-prestart';

const { port, signal } = workerData as GcpKfpWorkerData;
let posted = false;

function post(result: GcpKfpWorkerResult): void {
  if (posted) return;
  posted = true;
  port.postMessage(result);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

// Whatever ends the thread without a result (process.exit in a dependency) still wakes the main thread.
process.on('exit', (code) => post({ ok: false, message: `gcp-kfp: the synth worker exited with code ${code} before giving a result. Fix: run \`npm run diff\`, which renders it in-process, to see why.` }));

try {
  // For the tests of the failure paths only (test/apps/gcp-kfp-target.test.ts).
  const injected = process.env.MLOPS_TEST_GCP_KFP_WORKER_FAILURE;
  if (injected === 'exit') process.exit(3);
  if (injected) throw new Error(injected);
  // cdktf and the Google provider from the V8 code cache (apps/compile-cache.ts), saved once
  // the main thread has its result.
  if (compileCacheWanted()) enableCompileCache('gcp-kfp-worker');
  // What cdktf loads at import for features gcp-kfp has none of (zipped assets; the Terraform binary
  // check of `cdktf synth`) loads only if used: about a third of cdktf's load time.
  const cdktfDir = path.dirname(require.resolve('cdktf'));
  for (const unused of ['archiver', 'semver']) deferModule(unused, cdktfDir);
  // Loaded after the check above, so a failure test costs no cdktf load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderGcpKfpInfra } = require('./gcp-kfp') as typeof import('./gcp-kfp');
  post({ ok: true, environments: renderGcpKfpInfra() });
  saveCompileCache();
} catch (e) {
  const error = e instanceof Error ? e : new Error(String(e));
  post({ ok: false, message: error.message, stack: error.stack });
}
