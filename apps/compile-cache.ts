/**
 * A V8 code cache for the command-line synth: the modules a synth loads (cdk8s, the generated CRD
 * bindings, this library; cdktf in the gcp-kfp worker) are compiled from cached bytecode instead of
 * being parsed and compiled again on every run. Node 22 has this built in
 * (`module.enableCompileCache()`); Node 20, which this project supports, has not, so this installs
 * the same idea as a CommonJS compile hook (the technique of the v8-compile-cache package).
 *
 * One cache file per thread entry (build/.compile-cache/<name>.bin): a JSON index (file, size,
 * mtime, inode and ctime of the source, where its bytes are) and the V8 code caches after it. A module is taken from
 * the cache only if its file has the size, mtime, inode and ctime recorded and V8 accepts the data (V8 rejects a
 * cache of another V8 version, other flags or another source length); anything else compiles as
 * usual. When anything was compiled afresh, {@link saveCompileCache} writes a new cache file
 * (a temporary file renamed into place, so concurrent runs never read half a cache), with the code
 * as executed: the functions the synth ran are in it too. A cache that cannot be read or written
 * is ignored: the synth's output never depends on it.
 *
 * Only the command-line synth enables it (apps/gcp-kfp-prestart.ts, apps/gcp-kfp-worker.ts), unless
 * NODE_DISABLE_COMPILE_CACHE is set (the variable Node 22 reads for its own cache); tests, `npm run
 * diff` and a library consumer's process compile as Node does.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import Module from 'module';

/** The directory of the cache files: build/.compile-cache/ beside build/apps/. */
export const COMPILE_CACHE_DIR = path.join(__dirname, '..', '.compile-cache');

/** What Node's CommonJS loader has that @types/node does not declare. */
interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
}
interface CjsLoader {
  prototype: { _compile(this: CjsModule, content: string, filename: string, format?: string): unknown };
  wrap(content: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: CjsModule): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}
const loader = Module as unknown as CjsLoader;

interface IndexEntry {
  /** The source file. */
  readonly f: string;
  /** `<size>:<mtimeMs>` of the source the data was made from. */
  readonly k: string;
  /** Offset and length of the data after the index. */
  readonly o: number;
  readonly n: number;
}

interface Cache {
  readonly file: string;
  readonly old: Map<string, { key: string; data: Buffer }>;
  /** Every module compiled through the hook: its key and either reused data or the script to serialise. */
  readonly used: Map<string, { key: string; data?: Buffer; script?: vm.Script }>;
  dirty: boolean;
  hits: number;
}

let cache: Cache | undefined;

function readCache(file: string): Map<string, { key: string; data: Buffer }> {
  const out = new Map<string, { key: string; data: Buffer }>();
  try {
    const buf = fs.readFileSync(file);
    const indexLength = buf.readUInt32LE(0);
    const index = JSON.parse(buf.toString('utf8', 4, 4 + indexLength)) as IndexEntry[];
    const base = 4 + indexLength;
    for (const e of index) out.set(e.f, { key: e.k, data: buf.subarray(base + e.o, base + e.o + e.n) });
  } catch {
    // No cache yet, or an unreadable one: compile everything and write a new one.
  }
  return out;
}

/**
 * What identifies the bytes of a source file without reading them twice: size and mtime, which a
 * copy can preserve (`cp -p`, `rsync -a`, tar), and the inode and ctime, which any write, copy or
 * extraction of the file changes and no tool can set back. V8 checks only the source length.
 */
function sourceKey(filename: string): string | undefined {
  try {
    const st = fs.statSync(filename);
    return `${st.size}:${st.mtimeMs}:${st.ino}:${st.ctimeMs}`;
  } catch {
    return undefined;
  }
}

/** The `require` Node gives a module (resolve, resolve.paths, main, extensions, cache). */
function makeRequire(mod: CjsModule): NodeJS.Require {
  const req = ((id: string) => mod.require(id)) as unknown as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) => loader._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, mod);
  req.resolve = resolve;
  req.main = require.main;
  req.extensions = loader._extensions as NodeJS.RequireExtensions;
  req.cache = loader._cache as NodeJS.Dict<NodeModule>;
  return req;
}

/**
 * Installs the compile hook with the cache file `<COMPILE_CACHE_DIR>/<name>.bin` (once per thread;
 * later calls do nothing). Call {@link saveCompileCache} when the work is done.
 */
export function enableCompileCache(name: string, dir: string = COMPILE_CACHE_DIR): void {
  if (cache) return;
  const file = path.join(dir, `${name}.bin`);
  const c: Cache = { file, old: readCache(file), used: new Map(), dirty: false, hits: 0 };
  cache = c;
  const original = loader.prototype._compile;
  loader.prototype._compile = function compileCached(this: CjsModule, content: string, filename: string, format?: string) {
    // ES modules, a hashbang (only valid at the very start of a script) and the odd module fall back.
    const key = (format === undefined || format === 'commonjs') && filename.endsWith('.js') && !content.startsWith('#!')
      ? sourceKey(filename) : undefined;
    if (!key) return original.call(this, content, filename, format);
    const hit = c.old.get(filename);
    const cachedData = hit?.key === key ? hit.data : undefined;
    const script = new vm.Script(loader.wrap(content), { filename, cachedData });
    if (cachedData && !script.cachedDataRejected) {
      c.used.set(filename, { key, data: cachedData });
      c.hits++;
    } else {
      c.used.set(filename, { key, script });
      c.dirty = true;
    }
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return fn.call(this.exports, this.exports, makeRequire(this), this, filename, path.dirname(filename));
  };
}

/** How many modules this thread compiled through the hook, and how many of them came from the cache. */
export function compileCacheStats(): { compiled: number; fromCache: number } {
  return { compiled: cache?.used.size ?? 0, fromCache: cache?.hits ?? 0 };
}

/** Writes a new cache file if this thread compiled anything afresh. Never throws. */
export function saveCompileCache(): void {
  const c = cache;
  if (!c?.dirty) return;
  c.dirty = false;
  const tmp = `${c.file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const index: IndexEntry[] = [];
    const chunks: Buffer[] = [];
    let offset = 0;
    for (const [f, u] of c.used) {
      const data = u.data ?? u.script!.createCachedData();
      index.push({ f, k: u.key, o: offset, n: data.length });
      chunks.push(data);
      offset += data.length;
    }
    const header = Buffer.from(JSON.stringify(index), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    fs.mkdirSync(path.dirname(c.file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat([length, header, ...chunks]));
    fs.renameSync(tmp, c.file);
    // Temporary files of runs killed while saving (over a minute old; a live run renames its own at once).
    const prefix = `${path.basename(c.file)}.`;
    for (const f of fs.readdirSync(path.dirname(c.file))) {
      const p = path.join(path.dirname(c.file), f);
      if (f.startsWith(prefix) && f.endsWith('.tmp') && Date.now() - fs.statSync(p).mtimeMs > 60_000) fs.rmSync(p, { force: true });
    }
  } catch {
    try { fs.rmSync(tmp, { force: true }); } catch { /* nothing to clean up */ }
  }
}
