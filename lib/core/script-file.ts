import * as fs from 'fs';
import * as path from 'path';

// The shipped scripts do not change while a process runs; every team stack reads the same ones.
const scripts = new Map<string, string>();

/**
 * Reads a script that a container runs from `lib/<area>/scripts/<file>` at synth time, so shell and
 * Python live in their own files (syntax highlighting, linting, tests against stubs) and not in
 * TypeScript strings. `areaDir` is the caller's `__dirname`: `lib/<area>` when the sources run
 * directly (vitest), `build/lib/<area>` when compiled; the scripts are not compiled, so the
 * source tree (shipped in the package under `lib/<area>/scripts/`) is the fallback. Each file is
 * read once per process.
 */
export function readScript(areaDir: string, file: string): string {
  const key = `${areaDir}\0${file}`;
  let text = scripts.get(key);
  if (text === undefined) {
    text = findScript(areaDir, file);
    scripts.set(key, text);
  }
  return text;
}

function findScript(areaDir: string, file: string): string {
  const candidates = [
    path.join(areaDir, 'scripts', file),
    path.resolve(areaDir, '..', '..', '..', 'lib', path.basename(areaDir), 'scripts', file),
  ];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
  }
  throw new Error(`script ${file} not found (looked in ${candidates.join(', ')}). Fix: reinstall the package, or run from a checkout with lib/${path.basename(areaDir)}/scripts/${file}`);
}
