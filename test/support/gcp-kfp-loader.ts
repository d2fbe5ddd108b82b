// What apps/gcp-kfp-loader.ts is under vitest (vitest.config.mts): vitest runs the TypeScript
// sources and cannot require() them, so the lazy load becomes a static import here. The compiled
// lazy path is tested by running build/ (test/apps/gcp-kfp-target.test.ts).
import * as GcpKfp from '../../apps/gcp-kfp';

export function loadGcpKfp(): typeof GcpKfp {
  return GcpKfp;
}
