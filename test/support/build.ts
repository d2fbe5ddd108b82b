import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

/**
 * Brings build/ up to date with the sources (`tsc -b`: incremental, about half a second when
 * nothing changed), so a test that runs build/main.js never passes on a stale build, also under
 * `vitest` alone or in watch mode. Throws with tsc's output when the build fails.
 */
export function freshBuild(): void {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc -b failed (status ${r.status}):\n${r.stdout}${r.stderr}`);
}

/** build/main.js, after {@link freshBuild}. */
export const MAIN_JS = path.join(root, 'build', 'main.js');
