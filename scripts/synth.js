#!/usr/bin/env node
// `npm run synth`: compile what changed (TypeScript 7, incremental), then synthesize in this process.
// tsc is skipped when build/ is newer than every input, which saves a process start per synth.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'build', '.tsbuildinfo');
const inputs = ['main.ts', 'tsconfig.json', 'package-lock.json', 'lib', 'apps', 'imports', 'scripts'];

function newestMtime(p) {
  let st;
  try { st = fs.statSync(p); } catch { return 0; }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its directory's mtime
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (!built || inputs.some((i) => newestMtime(path.join(root, i)) > built)) {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  fs.utimesSync(stamp, new Date(), new Date()); // tsc -b leaves it untouched when nothing changed
}
try {
  require(path.join(root, 'build', 'main.js')).run(process.argv.slice(2));
} catch (e) {
  // Every problem found, with the construct path, prop, value and fix; no frames of the library's
  // internals (ValidationError trims them) and no Node source excerpt. dist/ is left as it was.
  if (!e || e.name !== 'ValidationError') throw e;
  console.error(`synth failed (${e.code}), dist/ unchanged:\n${e.stack}`);
  process.exit(1);
}
