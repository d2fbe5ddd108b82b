/**
 * vitest setup file: lib/ loads the CRD bindings lazily with require() (lib/core/lazy-module.ts).
 * Under vitest lib/ runs from its TypeScript sources, and Node's require() cannot load
 * imports/*.ts: this compiles such a file on require, as tsc compiles it for build/ (CommonJS,
 * TypeScript 5's transpiler; the bindings have no type-only constructs that need a checker).
 */
import * as fs from 'fs';
import Module from 'module';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts: typeof import('typescript5') = require('typescript5');
type Loader = (module: { _compile(code: string, filename: string): void }, filename: string) => void;
const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;

extensions['.ts'] ??= (module, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(out.outputText, filename);
};
