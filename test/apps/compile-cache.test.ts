import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBuild } from '../support/build';

const root = path.resolve(__dirname, '..', '..');
const compiled = path.join(root, 'build', 'apps', 'compile-cache.js');

let dir: string;
let cacheDir: string;
let entry: string;
let mod: string;

/** Runs the entry in a fresh process: it enables the cache, requires mod.js and reports. */
function run(): { value: unknown; resolved: string; self: boolean; compiled: number; fromCache: number } {
  const r = spawnSync(process.execPath, [entry], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

beforeAll(() => {
  freshBuild();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compile-cache-'));
  cacheDir = path.join(dir, 'cache');
  entry = path.join(dir, 'entry.js');
  mod = path.join(dir, 'mod.js');
  fs.writeFileSync(entry, [
    `const cc = require(${JSON.stringify(compiled)});`,
    `cc.enableCompileCache('probe', ${JSON.stringify(cacheDir)});`,
    "const m = require('./mod.js');",
    'process.stdout.write(JSON.stringify({ ...m, ...cc.compileCacheStats() }));',
    'cc.saveCompileCache();',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'dep.js'), 'module.exports = 1;\n');
  // Exercises what a module gets from Node: this, require.resolve, __filename, __dirname.
  fs.writeFileSync(mod, "exports.value = 'aaaa' + require('./dep');\nexports.resolved = require.resolve('./dep') === __dirname + '/dep.js' && __filename;\nexports.self = this === exports;\n");
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the compile cache of the command-line synth', () => {
  it('compiles from the cache on the next run, as Node would run the module', () => {
    const first = run();
    expect(first).toEqual({ value: 'aaaa1', resolved: mod, self: true, compiled: 2, fromCache: 0 });
    const file = path.join(cacheDir, 'probe.bin');
    const written = fs.statSync(file).mtimeMs;
    expect(run()).toEqual({ ...first, fromCache: 2 });
    // Nothing compiled afresh: the cache file is not rewritten.
    expect(fs.statSync(file).mtimeMs).toBe(written);
    expect(fs.readdirSync(cacheDir)).toEqual(['probe.bin']);
  });

  it('never runs stale code: an edited module (even of the same length) compiles afresh', () => {
    run();
    const text = fs.readFileSync(mod, 'utf8');
    fs.writeFileSync(mod, text.replace("'aaaa'", "'bbbb'"));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(mod, later, later);
    expect(run()).toMatchObject({ value: 'bbbb1', compiled: 2, fromCache: 1 });
    expect(run()).toMatchObject({ value: 'bbbb1', fromCache: 2 });
  });

  it('never runs stale code: a module rewritten with the same length and its old mtime set back compiles afresh', () => {
    run();
    const text = fs.readFileSync(mod, 'utf8');
    const before = fs.statSync(mod);
    // What cp -p, rsync -a or tar do: other bytes of the same length, the mtime preserved.
    fs.writeFileSync(mod, text.includes("'aaaa'") ? text.replace("'aaaa'", "'cccc'") : text.replace("'bbbb'", "'cccc'"));
    fs.utimesSync(mod, before.atime, before.mtime);
    expect(fs.statSync(mod).size).toBe(before.size);
    expect(fs.statSync(mod).mtimeMs).toBe(before.mtimeMs);
    expect(run()).toMatchObject({ value: 'cccc1', fromCache: 1 });
  });

  it('ignores a damaged cache file and replaces it', () => {
    run();
    const file = path.join(cacheDir, 'probe.bin');
    fs.writeFileSync(file, 'not a cache');
    expect(run()).toMatchObject({ compiled: 2, fromCache: 0 });
    expect(run()).toMatchObject({ compiled: 2, fromCache: 2 });
    // A cache entry V8 rejects (wrong bytes for the source) compiles afresh too.
    const buf = fs.readFileSync(file);
    const indexLength = buf.readUInt32LE(0);
    buf.fill(0, 4 + indexLength);
    fs.writeFileSync(file, buf);
    expect(run()).toMatchObject({ fromCache: 0 });
  });

  it('removes the temporary file of a run killed while saving, once it is over a minute old', () => {
    const stale = path.join(cacheDir, 'probe.bin.123-abc.tmp');
    const fresh = path.join(cacheDir, 'probe.bin.456-def.tmp');
    fs.writeFileSync(stale, 'half a cache');
    fs.writeFileSync(fresh, 'being written');
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(stale, old, old);
    fs.rmSync(path.join(cacheDir, 'probe.bin'));
    run();
    expect(fs.readdirSync(cacheDir).sort()).toEqual(['probe.bin', 'probe.bin.456-def.tmp']);
  });
});
