/**
 * Defers loading a CommonJS module that a dependency requires at import but the synth never uses:
 * `deferModule('archiver', dir)` puts a stand-in for the module `require('archiver')` resolves to
 * from `dir` into Node's module cache, so whoever requires it gets the stand-in at no cost. The
 * real module is loaded the first time the stand-in is used (called, constructed, or a property
 * read, set or listed) and everything is forwarded to it, so a path that does use it still works.
 *
 * The gcp-kfp worker (apps/gcp-kfp-worker.ts) uses it for what cdktf loads at import for features
 * gcp-kfp has none of: `archiver` (zipped assets, with a tree of stream and glob packages) and
 * `semver` (the Terraform binary version check of `cdktf synth`).
 */
import Module from 'module';

/** What Node's CommonJS loader has that @types/node does not declare. */
interface CjsModuleInstance {
  filename: string;
  loaded: boolean;
  exports: unknown;
  paths: string[];
}
interface CjsLoader {
  new (id: string): CjsModuleInstance;
  _cache: Record<string, CjsModuleInstance | undefined>;
  _nodeModulePaths(dir: string): string[];
}
const loader = Module as unknown as CjsLoader;

/**
 * Puts a stand-in for `request` as resolved from `fromDir` into the module cache, unless that
 * module is loaded already. Returns the resolved file, or undefined when it does not resolve (then
 * nothing is deferred and a require of it fails as usual).
 */
export function deferModule(request: string, fromDir: string): string | undefined {
  let file: string;
  try {
    file = require.resolve(request, { paths: [fromDir] });
  } catch {
    return undefined;
  }
  if (loader._cache[file]) return file;
  let real: unknown;
  let loaded = false;
  const load = (): Record<PropertyKey, unknown> => {
    if (!loaded) {
      delete loader._cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      real = require(file);
      loaded = true;
    }
    return real as Record<PropertyKey, unknown>;
  };
  // An arrow function as the target: callable, and with no non-configurable own property whose
  // proxy invariants the real module's shape could break.
  const standIn = new Proxy(() => undefined, {
    apply: (_t, thisArg, args: unknown[]) => Reflect.apply(load() as unknown as (...a: unknown[]) => unknown, thisArg, args),
    construct: (_t, args: unknown[]) => Reflect.construct(load() as unknown as new (...a: unknown[]) => object, args),
    get: (_t, prop) => Reflect.get(load(), prop),
    set: (_t, prop, value) => Reflect.set(load(), prop, value),
    has: (_t, prop) => Reflect.has(load(), prop),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_t, prop) => {
      const d = Reflect.getOwnPropertyDescriptor(load(), prop);
      return d ? { ...d, configurable: true } : undefined;
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(load()),
  });
  const m = new loader(file);
  m.filename = file;
  m.paths = loader._nodeModulePaths(fromDir);
  m.loaded = true;
  m.exports = standIn;
  loader._cache[file] = m;
  return file;
}
