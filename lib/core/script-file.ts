import * as fs from 'fs';
import * as path from 'path';

/**
 * Reads a script that a container runs from `lib/<area>/scripts/<file>` at synth time, so shell and
 * Python live in their own files (syntax highlighting, linting, tests against stubs) and not in
 * TypeScript strings. `areaDir` is the caller's `__dirname`: `lib/<area>` when the sources run
 * directly (vitest), `build/lib/<area>` when compiled; the scripts are not compiled, so the
 * source tree (shipped in the package under `lib/<area>/scripts/`) is the fallback.
 */
export function readScript(areaDir: string, file: string): string {
  const candidates = [
    path.join(areaDir, 'scripts', file),
    path.resolve(areaDir, '..', '..', '..', 'lib', path.basename(areaDir), 'scripts', file),
  ];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
  }
  throw new Error(`script ${file} not found (looked in ${candidates.join(', ')}). Fix: reinstall the package, or run from a checkout with lib/${path.basename(areaDir)}/scripts/${file}`);
}
