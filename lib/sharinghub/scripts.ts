import * as fs from 'fs';
import * as path from 'path';

/**
 * Reads a script that ships beside this file (`lib/sharinghub/scripts/<name>`) at synth time.
 * Compiled code runs from `build/lib/sharinghub`, which holds no copies, so the source tree is the
 * fallback.
 * @internal
 */
export function loadSharingHubScript(name: string): string {
  const candidates = [path.join(__dirname, 'scripts', name), path.resolve(__dirname, '..', '..', '..', 'lib', 'sharinghub', 'scripts', name)];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`sharinghub: script scripts/${name} not found (looked in ${candidates.join(', ')})`);
  return fs.readFileSync(found, 'utf8');
}
