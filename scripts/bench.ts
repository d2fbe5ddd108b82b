/**
 * `npm run bench`: the figures DEVELOPERS.md budgets, measured on this machine.
 * - baseline: Node loading cdk8s, cdk8s-plus-28, cdktf and yaml (nothing else);
 * - full synth: `node build/main.js` into a scratch directory (wall time, peak RSS), and
 *   `npm run synth` end to end (npm itself, the build up-to-date check, the synth);
 * - N team stacks (apps/teams.ts: MLflow, PostgreSQL, MinIO, quota, limit range, README; 1, 10,
 *   100) rendered in one process, then written; rendering and writes reported apart.
 * - the consumer (scripts/bench-consumer.ts): `npx cdk8s synth` of the README quickstart in a
 *   packed-and-installed cdk8s init project against init's empty chart, the validation plugin's
 *   cost, and the package's unpacked size.
 * Medians of several runs. This is a benchmark, never a timed test.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkManifests, readManifests, SchemaValidator } from '../lib/synth';
import { renderTeams, writeFiles } from '../apps/teams';
import { benchConsumer, consumerLines } from './bench-consumer';

const root = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Timing {
  /** Median wall time. */
  readonly ms: number;
  /** The fastest run: on a shared machine, the closest to an idle one. */
  readonly minMs: number;
  /** Median CPU time of all the process's threads (0 when the command does not report it). */
  readonly cpuMs: number;
  readonly rssKb: number;
}

function timeCommand(cmd: string, args: string[]): Timing {
  const times: number[] = [];
  const rss: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
    const m = /__MAXRSS_KB__ (\d+)/.exec(r.stderr ?? '');
    if (m) rss.push(Number(m[1]));
    const c = /__CPU_MS__ (\d+)/.exec(r.stderr ?? '');
    if (c) cpu.push(Number(c[1]));
  }
  return { ms: median(times), minMs: Math.min(...times), cpuMs: cpu.length ? median(cpu) : 0, rssKb: rss.length ? Math.max(...rss) : 0 };
}

/** N team stacks: rendered to YAML in memory (one directory each), then written (disk latency apart). */
function stacks(n: number, outdir: string): { render: number; write: number } {
  const t0 = process.hrtime.bigint();
  const { files } = renderTeams(Array.from({ length: n }, (_, i) => ({ name: `t${i}` })));
  const t1 = process.hrtime.bigint();
  writeFiles(outdir, files);
  const t2 = process.hrtime.bigint();
  return { render: Number(t1 - t0) / 1e6, write: Number(t2 - t1) / 1e6 };
}

// Scratch output under build/, on the filesystem `npm run synth` writes dist/ to (on some machines
// writing the same files under /tmp costs several times the system time).
fs.mkdirSync(path.join(root, 'build'), { recursive: true });
const tmp = fs.mkdtempSync(path.join(root, 'build', 'bench-'));
try {
  // Team stacks first: the full synth runs below replace (delete) whole trees, and on this kind of
  // disk (ext4 in a VM) creating files right after many deletes costs up to 20x more for a second
  // or two, which would be charged to the stacks' writes. Warm-up: one stack rendered and written.
  stacks(1, path.join(tmp, 'warmup'));
  const n: Record<number, number> = {};
  const w: Record<number, number> = {};
  const r: Record<number, number> = {};
  for (const count of [1, 10, 100]) {
    // 1 and 10 stacks are quick and noisy: more runs; the marginal figure divides their difference to 100.
    const runs = Array.from({ length: count === 100 ? RUNS : RUNS * 2 - 1 }, (_, i) => stacks(count, path.join(tmp, `s${count}-${i}`)));
    n[count] = median(runs.map((x) => x.render + x.write));
    w[count] = median(runs.map((x) => x.write));
    r[count] = median(runs.map((x) => x.render));
  }
  const reporter = path.join(root, 'build', 'scripts', 'rss-reporter.js');
  const baseline = timeCommand(process.execPath, ['-r', reporter, '-e', "require('cdk8s');require('cdk8s-plus-28');require('cdktf');require('yaml')"]);
  const synth = timeCommand(process.execPath, ['-r', reporter, path.join(root, 'build', 'main.js'), path.join(tmp, 'dist')]);
  const npmSynth = timeCommand('npm', ['run', '--silent', 'synth', '--', path.join(tmp, 'dist-npm')]);
  // Validation alone, cold (a fresh validator parses the shipped schemas) and warm, over every object of the full synth.
  const objects = readManifests(path.join(tmp, 'dist')).map(([, object]) => ({ object }));
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const validator = new SchemaValidator();
    const t0 = process.hrtime.bigint();
    const e1 = checkManifests(objects, { validator });
    const t1 = process.hrtime.bigint();
    const e2 = checkManifests(objects, { validator });
    const t2 = process.hrtime.bigint();
    if (e1.length || e2.length) throw new Error(`dist/ fails validation:\n${[...e1, ...e2].join('\n')}`);
    cold.push(Number(t1 - t0) / 1e6);
    warm.push(Number(t2 - t1) / 1e6);
  }
  const marginal = (n[100] - n[1]) / 99;
  // Rendering alone: the median rendering time of each count (not total minus writes, which mixes two medians).
  const marginalRender = (r[100] - r[1]) / 99;
  const f = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
  const lines = [
    `machine: ${os.cpus().length} cores, node ${process.version}, median of ${RUNS} runs`,
    `baseline (load cdk8s, cdk8s-plus-28, cdktf, yaml): ${f(baseline.ms)}  peak RSS ${(baseline.rssKb / 1024).toFixed(0)} MiB  fastest ${f(baseline.minMs)}  CPU ${f(baseline.cpuMs)}`,
    `full synth (node build/main.js, all apps):        ${f(synth.ms)}  peak RSS ${(synth.rssKb / 1024).toFixed(0)} MiB  = ${(synth.ms / baseline.ms).toFixed(2)}x baseline (budget 2x)`,
    `  fastest runs: ${f(synth.minMs)} = ${(synth.minMs / baseline.minMs).toFixed(2)}x; CPU of all threads ${f(synth.cpuMs)} (gcp-kfp's Terraform side runs on a second core)`,
    `validation of the ${objects.length} objects (schemas + checks): ${median(cold).toFixed(1)} ms cold (schemas parsed), ${median(warm).toFixed(1)} ms warm; included in full synth`,
    `npm run synth (npm + up-to-date check + synth):    ${f(npmSynth.ms)}  = ${(npmSynth.ms / baseline.ms).toFixed(2)}x baseline (budget 2x)`,
    `team stacks (render + write):  1 = ${f(n[1])}   10 = ${f(n[10])}   100 = ${f(n[100])} (budget 3000 ms)`,
    `  of which writing files:      1 = ${f(w[1])}   10 = ${f(w[10])}   100 = ${f(w[100])}`,
    `marginal cost of one more stack:                   ${marginal.toFixed(1)} ms (budget 10 ms); ${marginalRender.toFixed(1)} ms without the file writes`,
  ];
  lines.push(...consumerLines(benchConsumer(RUNS)));
  console.log(lines.join('\n'));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
