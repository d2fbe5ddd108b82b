import * as os from 'os';
import * as path from 'path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // apps/gcp-kfp-loader.ts require()s apps/gcp-kfp lazily, which vitest cannot do for sources.
    alias: [{ find: /^\.\/gcp-kfp-loader$/, replacement: path.resolve('test/support/gcp-kfp-loader.ts') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Builds once, and fails the run if a test leaves anything in os.tmpdir().
    globalSetup: ['test/support/global-setup.ts'],
    // lib/ require()s the CRD bindings lazily: compile imports/*.ts on require (see the file).
    setupFiles: ['test/support/require-ts.ts'],
    // cdktf and the CRD schemas are heavy to load: one fork per core (vitest's default leaves one
    // core to its main process, which idles here: one fork on 2 cores) shares the suites, and
    // the files of one fork share its loaded modules (isolate: false; importing cdk8s, cdk8s-plus,
    // cdktf and the bindings afresh per file was about half the CPU time of the run). A test file
    // must not depend on being the first to load a module: it resets what it mocks
    // (test/synth/safe-synth-late-failure.test.ts) and cleans up per test, not per module.
    pool: 'forks',
    maxWorkers: os.availableParallelism(),
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
