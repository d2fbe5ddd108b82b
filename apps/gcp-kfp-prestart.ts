/**
 * The worker thread that renders the Terraform side of the gcp-kfp target of a command-line synth
 * on the second core.
 *
 * Loading cdktf and the Google provider and rendering three stacks is about a third of a full
 * synth and needs nothing from the cdk8s targets. So a command-line synth (`node build/main.js`,
 * `scripts/synth.js`, hence `npm run synth` and `cdk8s synth`) starts it in a worker thread as
 * the very first thing it does: main.ts imports this module first, and at import this module
 * loads only Node built-ins. The main thread meanwhile loads cdk8s and renders the other targets;
 * it never loads cdktf. When gcp-kfp's turn comes, its target (apps/gcp-kfp-target.ts) blocks
 * until the worker's result is there (Atomics.wait), renders the KFP overlays from it, writes the
 * files and returns the objects for the checks.
 *
 * The same command-line synth also compiles its modules from a V8 code cache
 * (apps/compile-cache.ts), enabled here after the worker started, before anything else loads.
 *
 * Without a prestarted worker (tests, `npm run diff`, a library consumer's process, a one-core
 * machine) the target renders in-process instead, with the same output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMainThread, MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { enableCompileCache, saveCompileCache } from './compile-cache';
import type { GcpKfpEnvironmentOutput } from './gcp-kfp';

/** How long the target waits for its worker's result. */
export const GCP_KFP_WORKER_TIMEOUT_MS = 60_000;

/** What the worker entry (apps/gcp-kfp-worker.ts) receives. */
export interface GcpKfpWorkerData {
  /** Where it posts its one {@link GcpKfpWorkerResult}. */
  readonly port: MessagePort;
  /** Set to 1 (and notified) once the result is posted. */
  readonly signal: Int32Array;
}

/** The worker's one message: the cdktf half of the target, or why it could not render it. */
export type GcpKfpWorkerResult =
  | { readonly ok: true; readonly environments: GcpKfpEnvironmentOutput[] }
  | { readonly ok: false; readonly message: string; readonly stack?: string };

export interface GcpKfpWorkerOptions {
  /** The compiled worker entry. @default GCP_KFP_WORKER_FILE */
  readonly workerFile?: string;
  /** The worker's environment. @default - a copy of process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The compiled worker entry, beside this module in build/apps/. */
export const GCP_KFP_WORKER_FILE = path.join(__dirname, 'gcp-kfp-worker.js');

/** A worker thread rendering the gcp-kfp target, started at construction. */
export class GcpKfpWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));

  constructor(options: GcpKfpWorkerOptions = {}) {
    const { port1, port2 } = new MessageChannel();
    const workerData: GcpKfpWorkerData = { port: port2, signal: this.signal };
    this.worker = new Worker(options.workerFile ?? GCP_KFP_WORKER_FILE, {
      workerData,
      transferList: [port2],
      ...(options.env ? { env: options.env } : {}),
    });
    // It never keeps the process alive, and its late 'error' event (the result or the timeout
    // reports what happened) is not an uncaught exception of the main thread.
    this.worker.unref();
    this.worker.on('error', () => undefined);
    this.port = port1;
  }

  /**
   * Blocks until the worker has rendered the Terraform side and returns it; throws the worker's
   * error, or after `timeoutMs` without a result. Once only.
   */
  result(timeoutMs: number = GCP_KFP_WORKER_TIMEOUT_MS): GcpKfpEnvironmentOutput[] {
    try {
      if (Atomics.wait(this.signal, 0, 0, timeoutMs) === 'timed-out') {
        void this.worker.terminate();
        throw new Error(`gcp-kfp: the synth worker gave no result within ${timeoutMs} ms. `
          + 'Fix: run the synth again on a less loaded machine (the worker needs about a second).');
      }
      const received = receiveMessageOnPort(this.port);
      if (!received) throw new Error('gcp-kfp: the synth worker signalled but posted no result. Fix: run the synth again.');
      const result = received.message as GcpKfpWorkerResult;
      if (!result.ok) {
        const error = new Error(result.message);
        if (result.stack) error.stack = result.stack;
        throw error;
      }
      return result.environments;
    } finally {
      this.port.close();
    }
  }
}

let prestarted: GcpKfpWorker | undefined;

/** Starts the worker that the next gcp-kfp synth of this process takes. */
export function prestartGcpKfpWorker(options: GcpKfpWorkerOptions = {}): void {
  prestarted ??= new GcpKfpWorker(options);
}

/** The prestarted worker, if any; the next call returns none (a worker gives one result). */
export function takePrestartedGcpKfpWorker(): GcpKfpWorker | undefined {
  const worker = prestarted;
  prestarted = undefined;
  return worker;
}

/** Whether a command-line synth compiles from the code cache: unless NODE_DISABLE_COMPILE_CACHE is set (as for Node 22's own). */
export function compileCacheWanted(): boolean {
  return !process.env.NODE_DISABLE_COMPILE_CACHE;
}

/** The command-line entries whose synth renders gcp-kfp in a worker: build/main.js and scripts/synth.js. */
const CLI_ENTRIES = [path.join(__dirname, '..', 'main.js'), path.join(__dirname, '..', '..', 'scripts', 'synth.js')];

if (isMainThread && require.main && CLI_ENTRIES.includes(require.main.filename)) {
  if (os.availableParallelism() > 1 && fs.existsSync(GCP_KFP_WORKER_FILE)) prestartGcpKfpWorker();
  // Then everything else the synth loads comes from the V8 code cache (apps/compile-cache.ts).
  if (compileCacheWanted()) {
    enableCompileCache('synth');
    process.on('exit', saveCompileCache);
  }
}
