// apps/gcp-kfp on first use: only a synth that renders gcp-kfp in this process (no prestarted
// worker) loads cdktf and the Google provider. Under vitest, which cannot require TypeScript
// sources, vitest.config.mts resolves this module to test/support/gcp-kfp-loader.ts (a static import).
import type * as GcpKfp from './gcp-kfp';

/** The gcp-kfp app module, loaded now if it is not yet. */
export function loadGcpKfp(): typeof GcpKfp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./gcp-kfp') as typeof GcpKfp;
}
