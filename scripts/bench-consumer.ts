/**
 * The consumer's figures for `npm run bench` (issue 20): `npx cdk8s synth` of the README quickstart
 * in a project laid out as `cdk8s init typescript-app` lays one out, with the packed library
 * installed, against the same project with init's own empty chart; and the quickstart with the
 * `validations:` plugin added. Same CLI (cdk8s-cli's bin), the same cdk8s.yaml (`app: npx ts-node
 * main.ts`, as init writes it), runs interleaved so that load on a shared machine hits all three
 * alike. Also the unpacked size of the tarball.
 *
 * Needs ts-node (init's devDependency, which runs main.ts): from this repository's node_modules,
 * or the directory in MLOPS_BENCH_TS_NODE. Without it the consumer figures are skipped, said so.
 * Offline: the tarball is unpacked the way npm installs it; its dependencies and the tools are
 * symlinked from this repository's node_modules (TypeScript 5.9, init's version, as `typescript`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const modules = path.join(root, 'node_modules');
const template = path.join(modules, 'cdk8s-cli', 'templates', 'typescript-app');

export interface ConsumerBench {
  readonly unpackedBytes: number;
  /** Median wall times (ms) and CPU times (ms, user + system of the CLI and its children). */
  readonly empty?: { ms: number; cpuMs: number };
  readonly quickstart?: { ms: number; cpuMs: number };
  readonly withPlugin?: { ms: number; cpuMs: number };
  readonly skipped?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function tsNodeDir(): string | undefined {
  const candidates = [process.env.MLOPS_BENCH_TS_NODE, path.join(modules, 'ts-node')].filter((d): d is string => !!d);
  return candidates.find((d) => fs.existsSync(path.join(d, 'dist', 'bin.js')));
}

function readmeQuickstart(): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const m = /<!-- consumer-sample:quickstart\.ts -->\s*```\w*\n([\s\S]*?)```\s*<!-- \/consumer-sample -->/.exec(readme);
  if (!m) throw new Error('README.md has no consumer-sample:quickstart.ts');
  return m[1];
}

/** A cdk8s init typescript-app project in `dir` with `main` as main.ts and the packed library installed. */
function project(dir: string, tarball: string, tsNode: string, main: string, extraYaml = ''): void {
  const installed = path.join(dir, 'node_modules', '@mlops-cdk8s', 'platform');
  fs.mkdirSync(installed, { recursive: true });
  const tar = spawnSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar: ${tar.stderr}`);
  const link = (name: string, target: string) => {
    const to = path.join(dir, 'node_modules', name);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.symlinkSync(target, to);
  };
  for (const dep of ['cdk8s', 'constructs', 'yaml', 'cdk8s-cli', '@types/node']) link(dep, path.join(modules, dep));
  link('typescript', path.join(modules, 'typescript5'));
  link('ts-node', tsNode);
  link(path.join('.bin', 'ts-node'), path.join('..', 'ts-node', 'dist', 'bin.js'));
  fs.copyFileSync(path.join(template, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), fs.readFileSync(path.join(template, 'cdk8s.yaml'), 'utf8') + extraYaml);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), version: '1.0.0', private: true }));
  fs.writeFileSync(path.join(dir, 'main.ts'), main);
}

/** One `cdk8s synth` (the CLI's bin under this Node): wall and CPU time of it and its children. */
function synthOnce(dir: string): { ms: number; cpuMs: number } {
  const script = `s=$(date +%s%N); node ${JSON.stringify(path.join(dir, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'))} synth --check-upgrade false >/dev/null || exit 1; `
    + 'e=$(date +%s%N); times; echo "__WALL_NS__ $((e - s))"';
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  if (r.status !== 0) throw new Error(`cdk8s synth failed in ${dir}:\n${r.stdout}${r.stderr}`);
  const wall = Number(/__WALL_NS__ (\d+)/.exec(r.stdout)![1]) / 1e6;
  // bash `times`: the shell's user/system, then its children's: "0m1.234s 0m0.123s".
  const lines = r.stdout.split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l));
  const secs = (t: string) => { const [m, s] = t.replace(/s$/, '').split('m'); return Number(m) * 60 + Number(s); };
  const [user, sys] = lines[1].split(' ').map(secs);
  return { ms: wall, cpuMs: (user + sys) * 1000 };
}

export function benchConsumer(runs: number): ConsumerBench {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-bench-consumer-'));
  try {
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    const packed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0];
    const tsNode = tsNodeDir();
    if (!tsNode) return { unpackedBytes: packed.unpackedSize, skipped: 'ts-node is not installed (cdk8s init\'s app runs `npx ts-node main.ts`): add it as a devDependency or set MLOPS_BENCH_TS_NODE' };
    const tarball = path.join(tmp, packed.filename);
    const emptyMain = fs.readFileSync(path.join(template, 'main.ts'), 'utf8').replace('{{ $base }}', 'app');
    const plugin = 'validations:\n  - package: ./node_modules/@mlops-cdk8s/platform/build/lib/synth/cdk8s-plugin.js\n    class: MlopsValidation\n    version: 0.1.0\n';
    const dirs = { empty: path.join(tmp, 'empty'), quickstart: path.join(tmp, 'quickstart'), withPlugin: path.join(tmp, 'with-plugin') };
    project(dirs.empty, tarball, tsNode, emptyMain);
    project(dirs.quickstart, tarball, tsNode, readmeQuickstart());
    project(dirs.withPlugin, tarball, tsNode, readmeQuickstart(), plugin);
    const times: Record<keyof typeof dirs, Array<{ ms: number; cpuMs: number }>> = { empty: [], quickstart: [], withPlugin: [] };
    for (const k of Object.keys(dirs) as Array<keyof typeof dirs>) synthOnce(dirs[k]); // warm the disk cache
    for (let i = 0; i < runs; i++) {
      for (const k of Object.keys(dirs) as Array<keyof typeof dirs>) times[k].push(synthOnce(dirs[k]));
    }
    const summary = (xs: Array<{ ms: number; cpuMs: number }>) => ({ ms: median(xs.map((x) => x.ms)), cpuMs: median(xs.map((x) => x.cpuMs)) });
    return { unpackedBytes: packed.unpackedSize, empty: summary(times.empty), quickstart: summary(times.quickstart), withPlugin: summary(times.withPlugin) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The lines `npm run bench` prints. */
export function consumerLines(b: ConsumerBench): string[] {
  const mb = (b.unpackedBytes / 1e6).toFixed(2);
  const lines = [`package: ${mb} MB unpacked (budget 8 MB)`];
  if (!b.empty || !b.quickstart || !b.withPlugin) return [...lines, `consumer npx cdk8s synth: skipped: ${b.skipped}`];
  const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  lines.push(
    `consumer npx cdk8s synth, empty cdk8s init chart: ${f(b.empty.ms)} (CPU ${f(b.empty.cpuMs)})`,
    `  README quickstart:                            ${f(b.quickstart.ms)} (CPU ${f(b.quickstart.cpuMs)}) = ${(b.quickstart.ms / b.empty.ms).toFixed(2)}x (budget 1.3x); CPU ${(b.quickstart.cpuMs / b.empty.cpuMs).toFixed(2)}x`,
    `  + validations: plugin:                        ${f(b.withPlugin.ms)} (CPU ${f(b.withPlugin.cpuMs)}) = +${((b.withPlugin.ms - b.quickstart.ms) / 1000).toFixed(2)} s (budget 0.5 s); CPU +${((b.withPlugin.cpuMs - b.quickstart.cpuMs) / 1000).toFixed(2)} s`,
  );
  return lines;
}

if (require.main === module) {
  console.log(consumerLines(benchConsumer(Number(process.env.BENCH_RUNS ?? 5))).join('\n'));
}
