import * as fs from 'fs';
import * as path from 'path';

/**
 * Reads a script that ships beside this file (`lib/mlflow/<dir>/<name>`) at synth time. Compiled
 * code runs from `build/lib/mlflow`, which holds no copies, so the source tree is the fallback.
 */
export function loadScript(dir: string, name: string): string {
  const candidates = [path.join(__dirname, dir, name), path.resolve(__dirname, '..', '..', '..', 'lib', 'mlflow', dir, name)];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`mlflow: script ${dir}/${name} not found (looked in ${candidates.join(', ')})`);
  return fs.readFileSync(found, 'utf8');
}
