import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds once, and fails the run if a test leaves anything in os.tmpdir().
    globalSetup: ['test/support/global-setup.ts'],
    // cdktf and the CRD schemas are heavy to load: two forks (one per core) share the suites.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
