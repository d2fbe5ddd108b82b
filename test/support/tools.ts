/**
 * The one place that decides whether a test may skip for want of an external tool or server.
 *
 * - `machine` tools are on every machine of this project's kind (Node, python3, kubectl, terraform):
 *   missing, they fail the run everywhere, with how to install them.
 * - `optional` tools (shellcheck, PostgreSQL, MariaDB) may be missing on a developer's machine: the
 *   tests that need them skip, and the run says once, at its end, what it skipped and how to install
 *   it. With `CI=true` they are required: `.ci/run` installs them, and a missing one fails the run,
 *   so a lint or a real-server test can never be skipped silently in CI.
 *
 * A test asks with `needs('shellcheck')` (a boolean for `it.skipIf(!...)` / `describe.skipIf`);
 * test/support/global-setup.ts calls {@link missingToolsReport} once per run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface ExternalTool {
  /** What a person reads: "shellcheck", "PostgreSQL 15 server". */
  readonly title: string;
  /** Executables that must all be found (on PATH, or in one of `dirs`). */
  readonly commands: readonly string[];
  /** Directories searched after PATH (Debian puts server binaries outside it). */
  readonly dirs?: readonly string[];
  /** How to ask the first command for its version (a tool that cannot answer is missing). @default ['--version'] */
  readonly versionArgs?: readonly string[];
  /** The command that installs it on Debian (what `.ci/run` runs). */
  readonly install: string;
  /** `machine`: a fresh machine has it; `optional`: skippable locally, required in CI. */
  readonly kind: 'machine' | 'optional';
  /** What the tests that need it do with it ("lint every rendered shell script"). */
  readonly usedFor: string;
}

/** Every external tool or server the suite uses. A test that needs another adds it here. */
export const TOOLS = {
  python3: { title: 'python3', commands: ['python3'], install: 'apt-get install -y python3', kind: 'machine', usedFor: 'run the rendered Python scripts against stubs' },
  kubectl: { title: 'kubectl', commands: ['kubectl'], versionArgs: ['version', '--client'], install: 'install kubectl (it ships with the machine image)', kind: 'machine', usedFor: 'build every dist/ directory with kubectl kustomize' },
  shellcheck: { title: 'shellcheck', commands: ['shellcheck'], install: 'apt-get install -y shellcheck', kind: 'optional', usedFor: 'lint every rendered shell script' },
  postgres: {
    title: 'PostgreSQL server', commands: ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_isready', 'pg_dump', 'pg_restore'], dirs: postgresBinDirs(),
    install: 'apt-get install -y postgresql', kind: 'optional', usedFor: 'run the rendered database scripts against a real PostgreSQL',
  },
  mariadb: {
    title: 'MariaDB server', commands: ['mariadbd', 'mariadb-install-db', 'mariadb', 'mariadb-dump'], dirs: ['/usr/sbin'],
    install: 'apt-get install -y mariadb-server', kind: 'optional', usedFor: 'run the rendered database scripts against a real MariaDB',
  },
} satisfies Record<string, ExternalTool>;

export type ToolName = keyof typeof TOOLS;

/** True under CI (`CI=true`, as `.ci/run` runs): optional tools are required there. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.CI ?? '');
}

function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return [];
  // The newest installed major version first.
  return fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)).map((v) => path.join(root, v, 'bin'));
}

function onPath(command: string, dirs: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const search = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...dirs];
  for (const d of search) {
    const p = path.join(d, command);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch { /* not here */ }
  }
  return undefined;
}

const found = new Map<ToolName, Record<string, string> | null>();

/** The absolute path of each of the tool's commands, or undefined when one is missing. */
export function toolPaths(name: ToolName, env: NodeJS.ProcessEnv = process.env): Record<string, string> | undefined {
  if (env === process.env && found.has(name)) return found.get(name) ?? undefined;
  const tool: ExternalTool = TOOLS[name];
  const paths: Record<string, string> = {};
  for (const c of tool.commands) {
    const p = onPath(c, tool.dirs ?? [], env);
    if (!p) {
      if (env === process.env) found.set(name, null);
      return undefined;
    }
    paths[c] = p;
  }
  // A command that is there but cannot start (a broken link, a stand-in) counts as missing.
  const probe = spawnSync(paths[tool.commands[0]], [...(tool.versionArgs ?? ['--version'])], { encoding: 'utf8', env: { ...env, PATH: env.PATH ?? '' } });
  const result = probe.error || probe.status !== 0 ? undefined : paths;
  if (env === process.env) found.set(name, result ?? null);
  return result;
}

/** The message for a missing tool: what, why it is needed here, and how to install it. */
export function missingMessage(name: ToolName): string {
  const t: ExternalTool = TOOLS[name];
  const why = t.kind === 'machine' ? 'every machine of this project has it' : 'CI=true requires every optional tool';
  return `${t.title} (${t.commands.join(', ')}) is not installed, and ${why}: it is needed to ${t.usedFor}. Fix: ${t.install}`;
}

/**
 * Whether the tests that need `name` run here. True when it is installed; false (skip) when an
 * optional tool is missing outside CI; throws when a machine tool is missing, or any tool under CI.
 */
export function needs(name: ToolName, env: NodeJS.ProcessEnv = process.env): boolean {
  if (toolPaths(name, env)) return true;
  const t: ExternalTool = TOOLS[name];
  if (t.kind === 'machine' || inCi(env)) throw new Error(missingMessage(name));
  return false;
}

/**
 * Once per run (global setup): under CI or for a machine tool, an error listing what is missing;
 * otherwise the notice of what this run skips, or '' when nothing is missing.
 */
export function missingToolsReport(env: NodeJS.ProcessEnv = process.env): { error?: string; notice: string } {
  const missing = (Object.keys(TOOLS) as ToolName[]).filter((n) => !toolPaths(n, env));
  const required = missing.filter((n) => TOOLS[n].kind === 'machine' || inCi(env));
  if (required.length) return { error: required.map((n) => missingMessage(n)).join('\n'), notice: '' };
  if (!missing.length) return { notice: '' };
  const lines = missing.map((n) => `  - ${TOOLS[n].title}: SKIPPED the tests that ${TOOLS[n].usedFor}. Install: ${TOOLS[n].install}`);
  return { notice: ['NOTICE: optional tools are missing on this machine (CI installs them and requires them):', ...lines].join('\n') };
}
