#!/usr/bin/env node
// Regenerates imports/*.ts from the upstream CRDs listed in crds/sources.json.
//
// The CRD files are NOT part of this repository. They are read from a mirror
// directory (layout: <mirror>/crds/*.yaml, <mirror>/schemas/*.json), chosen by
//   --mirror DIR   (highest priority)
//   MLOPS_SHARED_DIR
//   ../shared relative to the repository root (default)
// Every mirrored file is checked against the sha256 recorded in crds/sources.json
// before anything is generated.
//
// Usage: node scripts/import-crds.mjs [--mirror DIR] [--jobs N] [--check]
//   --check   verify the mirror only, do not run cdk8s import
//
// The generated code is written to a temporary directory first; imports/ is only
// touched once every import succeeded, and files whose content is unchanged are
// not rewritten, so running the script twice yields byte-identical output.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourcesFile = path.join(repoRoot, 'crds', 'sources.json');
const importsDir = path.join(repoRoot, 'imports');
const cdk8sBin = path.join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'cdk8s.cmd' : 'cdk8s');

function fail(msg) {
  process.stderr.write(`import-crds: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { mirror: undefined, jobs: 2, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--mirror') opts.mirror = argv[++i];
    else if (a.startsWith('--mirror=')) opts.mirror = a.slice('--mirror='.length);
    else if (a === '--jobs') opts.jobs = Number(argv[++i]);
    else if (a.startsWith('--jobs=')) opts.jobs = Number(a.slice('--jobs='.length));
    else if (a === '--check') opts.check = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node scripts/import-crds.mjs [--mirror DIR] [--jobs N] [--check]\n');
      process.exit(0);
    } else fail(`unknown argument: ${a}`);
  }
  if (opts.mirror === undefined || opts.mirror === '') {
    opts.mirror = process.env.MLOPS_SHARED_DIR || path.resolve(repoRoot, '..', 'shared');
  }
  opts.mirror = path.resolve(opts.mirror);
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1) fail('--jobs must be a positive integer');
  return opts;
}

function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

function verifyMirror(sources, mirror) {
  if (!fs.existsSync(path.join(mirror, 'crds'))) {
    fail(
      `mirror directory ${mirror} has no crds/ subdirectory.\n` +
        'Point --mirror or MLOPS_SHARED_DIR at a directory laid out as crds/*.yaml + schemas/*.json,\n' +
        'or download the files listed under "upstream" in crds/sources.json into such a directory.',
    );
  }
  const problems = [];
  for (const s of sources) {
    const abs = path.resolve(mirror, 'crds', s.file);
    if (!fs.existsSync(abs)) {
      problems.push(`${s.file}: missing at ${abs}\n  upstream: ${s.upstream.join(', ')}`);
      continue;
    }
    const actual = sha256(fs.readFileSync(abs));
    if (actual !== s.sha256) {
      problems.push(
        `${s.file}: sha256 mismatch at ${abs}\n` +
          `  expected ${s.sha256}\n` +
          `  actual   ${actual}\n` +
          `  fix: restore the mirrored file from ${s.upstream.join(', ')} (${s.project} ${s.version}),\n` +
          '       or, if the upgrade is intentional, update version/commit/upstream/sha256/bytes for this\n' +
          '       entry in crds/sources.json and re-run this script.',
      );
    }
  }
  if (problems.length > 0) fail(`mirror verification failed (${mirror}):\n${problems.join('\n')}`);
}

function runImport(file, outDir) {
  return new Promise((resolve, reject) => {
    const args = ['import', file, '--language', 'typescript', '--output', outDir, '--no-check-upgrade'];
    const child = spawn(cdk8sBin, args, {
      cwd: repoRoot,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`cdk8s import ${file} exited with code ${code}:\n${output}`));
    });
  });
}

async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const errors = [];
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (e) {
        errors.push(e);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw new AggregateError(errors, errors.map((e) => e.message).join('\n'));
  return results;
}

function readme(entries) {
  const lines = [
    '# Generated CRD bindings',
    '',
    'Do not edit the `*.ts` files in this directory: they are generated by',
    '`node scripts/import-crds.mjs` (`cdk8s import <crd> --language typescript`) from the',
    'upstream CustomResourceDefinitions pinned in `crds/sources.json`. The CRD files themselves',
    'are not committed; the script reads them from a mirror directory (`--mirror DIR`,',
    '`MLOPS_SHARED_DIR`, or `../shared` relative to the repository root) and checks each',
    "file's sha256 before importing.",
    '',
    '| Module | Kinds | Project | Version | Upstream |',
    '|---|---|---|---|---|',
  ];
  for (const e of entries) {
    const urls = e.source.upstream.map((u) => `<${u}>`).join('<br>');
    lines.push(
      `| \`${e.module}\` | ${e.source.kinds.join(', ')} | ${e.source.project} | ${e.source.version} (${e.source.commit.slice(0, 12)}) | ${urls} |`,
    );
  }
  lines.push('');
  const notes = entries.filter((e) => e.source.note);
  if (notes.length > 0) {
    lines.push('Notes:', '');
    for (const e of notes) lines.push(`- \`${e.module}\`: ${e.source.note}`);
    lines.push('');
  }
  lines.push('All upstream projects are licensed Apache-2.0.', '');
  return lines.join('\n');
}

function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file).equals(content)) return false;
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
  return true;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(sourcesFile)) fail(`${sourcesFile} not found`);
  const sources = JSON.parse(fs.readFileSync(sourcesFile, 'utf8'));
  if (!Array.isArray(sources)) fail('crds/sources.json must be an array');

  verifyMirror(sources, opts.mirror);
  process.stdout.write(`import-crds: mirror ${opts.mirror}: ${sources.length} files verified\n`);
  if (opts.check) return;

  if (!fs.existsSync(cdk8sBin)) fail(`${cdk8sBin} not found; run npm ci first`);
  const crds = sources.filter((s) => s.type === 'crd');
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'import-crds-'));
  try {
    // Each file gets its own output dir so that parallel runs cannot interfere and
    // every generated module can be attributed to its source entry.
    await pool(crds, opts.jobs, async (s, i) => {
      const started = Date.now();
      await runImport(path.resolve(opts.mirror, 'crds', s.file), path.join(staging, String(i)));
      process.stdout.write(`import-crds: ${s.file} imported in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    });

    const entries = [];
    const generated = new Map();
    crds.forEach((s, i) => {
      const dir = path.join(staging, String(i));
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
      if (files.length === 0) throw new Error(`cdk8s import ${s.file} produced no .ts file`);
      for (const f of files) {
        if (generated.has(f)) throw new Error(`module ${f} generated by both ${generated.get(f).file} and ${s.file}`);
        generated.set(f, { source: s, content: fs.readFileSync(path.join(dir, f)) });
        entries.push({ module: f, source: s });
      }
    });
    entries.sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));

    // Everything succeeded: only now touch imports/.
    fs.mkdirSync(importsDir, { recursive: true });
    let changed = 0;
    for (const [f, g] of generated) if (writeIfChanged(path.join(importsDir, f), g.content)) changed++;
    if (writeIfChanged(path.join(importsDir, 'README.md'), Buffer.from(readme(entries)))) changed++;
    // Remove stale generated modules (only files carrying the cdk8s marker).
    for (const f of fs.readdirSync(importsDir)) {
      if (!f.endsWith('.ts') || generated.has(f)) continue;
      const abs = path.join(importsDir, f);
      if (fs.readFileSync(abs, 'utf8').startsWith('// generated by cdk8s')) {
        fs.unlinkSync(abs);
        changed++;
        process.stdout.write(`import-crds: removed stale ${path.relative(repoRoot, abs)}\n`);
      }
    }
    process.stdout.write(`import-crds: ${generated.size} modules in imports/, ${changed} file(s) changed\n`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
