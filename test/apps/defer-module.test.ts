import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBuild } from '../support/build';

const root = path.resolve(__dirname, '..', '..');
const compiled = path.join(root, 'build', 'apps', 'defer-module.js');

let dir: string;

/** Runs `script` in a fresh process in which `deferModule('dep', dir)` was called; returns its JSON output. */
function run(script: string): unknown {
  const r = spawnSync(process.execPath, ['-e', `const { deferModule } = require(${JSON.stringify(compiled)});\nconst file = deferModule('dep', ${JSON.stringify(dir)});\n${script}`], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

beforeAll(() => {
  freshBuild();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'defer-module-'));
  fs.mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
  // The module records that it was loaded; it is a function with properties, like archiver.
  fs.writeFileSync(path.join(dir, 'node_modules', 'dep', 'index.js'), [
    'globalThis.depLoaded = (globalThis.depLoaded ?? 0) + 1;',
    'function dep(a, b) { return `${a}+${b}`; }',
    'dep.version = "1.2.3";',
    'dep.Thing = class Thing { constructor(x) { this.x = x; } };',
    'module.exports = dep;',
  ].join('\n'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('deferModule', () => {
  it('hands out a stand-in without loading the module', () => {
    expect(run("const dep = require('dep'); process.stdout.write(JSON.stringify({ loaded: globalThis.depLoaded ?? 0, same: require('dep') === dep, file }));"))
      .toEqual({ loaded: 0, same: true, file: path.join(fs.realpathSync(dir), 'node_modules', 'dep', 'index.js') });
  });

  it('loads the real module once on first use and forwards calls, construction and properties', () => {
    expect(run([
      "const dep = require('dep');",
      "const out = { call: dep('a', 'b'), version: dep.version, thing: new dep.Thing(7).x, keys: Object.keys(dep).sort(), has: 'version' in dep };",
      'dep.extra = 1;',
      "process.stdout.write(JSON.stringify({ ...out, extra: require('dep').extra, loaded: globalThis.depLoaded }));",
    ].join('\n'))).toEqual({ call: 'a+b', version: '1.2.3', thing: 7, keys: ['Thing', 'version'], has: true, extra: 1, loaded: 1 });
  });

  it('defers nothing for a module that does not resolve or is loaded already', () => {
    expect(run("process.stdout.write(JSON.stringify({ missing: deferModule('no-such-module', process.cwd()) ?? null }));")).toEqual({ missing: null });
    expect(run("require('dep'); require('dep')(1, 2); deferModule('dep', process.cwd()); require('dep')(1, 2); process.stdout.write(JSON.stringify({ loaded: globalThis.depLoaded }));"))
      .toEqual({ loaded: 1 });
  });
});
