/**
 * Real database servers for the tests that run the rendered scripts against them: a PostgreSQL
 * (initdb) or a MariaDB (mariadb-install-db) in a fresh directory under os.tmpdir(), listening on
 * a Unix socket in that directory and on 127.0.0.1 at a free port, stopped and removed by
 * `stop()` (call it in afterAll: the run fails if anything is left in the temporary directory).
 * Ask `needs('postgres')` / `needs('mariadb')` (test/support/tools.ts) before starting one.
 *
 * Also: {@link shimDir}, a directory of wrappers that record each call's argv (to prove no secret
 * is ever an argument) and then exec the real command, and {@link resolveEnv}, which turns a
 * rendered container's env into the values a test run uses (secret references → test values).
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { toolPaths } from './tools';

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** PostgreSQL and initdb refuse to run as root: under root the server runs as the `postgres` user the package creates. */
function serverUser(name: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error(`running as root, the test needs the system user ${name} to run the server (the package creates it)`);
  return { uid, gid };
}

async function waitUntil(what: string, ready: () => boolean, child: ChildProcess, log: () => string, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before it was ready:\n${log()}`);
    if (ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} not ready after ${seconds} s:\n${log()}`);
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timeout);
}

export interface RealPostgres {
  /** The directory holding the data, the socket and the log (removed by stop). */
  readonly dir: string;
  /** PostgreSQL's bin directory (psql, pg_dump, pg_restore, pg_isready). */
  readonly bin: string;
  readonly port: number;
  /** Runs SQL as the superuser `postgres` over the Unix socket (trusted); throws on error. */
  sql(text: string, database?: string): string;
  /** Whether `user` logs in over TCP (scram-sha-256) with exactly `password`. */
  canLogin(user: string, password: string, database: string): boolean;
  stop(): Promise<void>;
}

/**
 * initdb + postgres: the superuser `postgres` is trusted on the Unix socket only; every TCP login
 * (127.0.0.1) needs its password (scram-sha-256), so a test can tell a right password from a wrong one.
 */
export async function startPostgres(): Promise<RealPostgres> {
  const tools = toolPaths('postgres');
  if (!tools) throw new Error('PostgreSQL is not installed: ask needs("postgres") first');
  // The server's own directory (PATH may hold links to some of its commands only).
  const bin = path.dirname(fs.realpathSync(tools.postgres));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  const data = path.join(dir, 'data');
  const user = serverUser('postgres');
  const asServer: SpawnSyncOptions = user ? { uid: user.uid, gid: user.gid } : {};
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const init = spawnSync(tools.initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], { ...asServer, encoding: 'utf8' });
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr}`);
  }
  const port = await freePort();
  const logFile = path.join(dir, 'server.log');
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(tools.postgres, [
    '-D', data, '-k', dir, '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'shared_buffers=16MB', '-c', 'max_connections=20', '-c', 'unix_socket_permissions=0777',
  ], { ...asServer, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const log = () => fs.readFileSync(logFile, 'utf8');
  const psql = (args: string[], env: Record<string, string> = {}, input?: string) => spawnSync(tools.psql, args, {
    encoding: 'utf8', input, env: { PATH: '/usr/bin:/bin', PGCONNECT_TIMEOUT: '5', ...env },
  });
  const stop = async () => {
    await stopChild(child, 'SIGINT');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil('postgres', () => psql(['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-Atqc', 'SELECT 1']).status === 0, child, log);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    dir, bin, port, stop,
    sql: (text, database = 'postgres') => {
      const r = psql(['-h', dir, '-p', String(port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-Atq'], {}, text);
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout;
    },
    canLogin: (u, password, database) => psql(['-h', '127.0.0.1', '-p', String(port), '-U', u, '-d', database, '-w', '-Atqc', 'SELECT 1'], { PGPASSWORD: password }).status === 0,
  };
}

export interface RealMariadb {
  readonly dir: string;
  readonly socket: string;
  readonly port: number;
  /** Runs SQL as root over the Unix socket; throws on error. */
  sql(text: string, database?: string): string;
  /** Whether `user` logs in over TCP with exactly `password` (given through MYSQL_PWD, never argv). */
  canLogin(user: string, password: string, database: string): boolean;
  stop(): Promise<void>;
}

/** mariadb-install-db + mariadbd: root logs in on the Unix socket without a password; TCP on 127.0.0.1 only. */
export async function startMariadb(): Promise<RealMariadb> {
  const tools = toolPaths('mariadb');
  if (!tools) throw new Error('MariaDB is not installed: ask needs("mariadb") first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mariadb-'));
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  // As root, mariadbd runs as root only when told so explicitly.
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];
  const install = spawnSync(tools['mariadb-install-db'], [
    '--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve', ...user,
  ], { encoding: 'utf8' });
  if (install.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  }
  const port = await freePort();
  const logFile = path.join(dir, 'server.log');
  const child = spawn(tools.mariadbd, [
    '--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1',
    `--pid-file=${path.join(dir, 'mariadbd.pid')}`, `--log-error=${logFile}`, '--skip-name-resolve', '--skip-log-bin',
    '--innodb-buffer-pool-size=16M', '--innodb-log-file-size=8M', '--innodb-flush-log-at-trx-commit=0', '--skip-innodb-doublewrite', ...user,
  ], { stdio: 'ignore' });
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  const client = (args: string[], env: Record<string, string> = {}, input?: string) => spawnSync(tools.mariadb, ['--no-defaults', ...args], {
    encoding: 'utf8', input, env: { PATH: '/usr/bin:/bin', ...env },
  });
  const stop = async () => {
    await stopChild(child, 'SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil('mariadbd', () => client([`--socket=${socket}`, '-uroot', '-e', 'SELECT 1']).status === 0, child, log);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    dir, socket, port, stop,
    sql: (text, database) => {
      const r = client([`--socket=${socket}`, '-uroot', '--batch', '--skip-column-names', ...(database ? [database] : [])], {}, text);
      if (r.status !== 0) throw new Error(`mariadb failed: ${r.stderr}`);
      return r.stdout;
    },
    canLogin: (u, password, database) => client(['--protocol=TCP', '-h', '127.0.0.1', `--port=${port}`, `-u${u}`, database, '-e', 'SELECT 1'], { MYSQL_PWD: password }).status === 0,
  };
}

/**
 * A directory of wrappers named after `commands` (name → the real executable): each appends
 * `<name> <args>` to `<dir>/calls.log`, then execs the real one with its arguments, stdin and
 * environment. Put it first on PATH; `calls()` is everything recorded.
 */
export function shimDir(parent: string, commands: Record<string, string>): { dir: string; calls: () => string } {
  const dir = fs.mkdtempSync(path.join(parent, 'bin-'));
  const log = path.join(dir, 'calls.log');
  for (const [name, real] of Object.entries(commands)) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\necho "${name} $*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  }
  return { dir, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '') };
}

/**
 * The environment a rendered container runs with here: its literal values, with `overrides`
 * (a real server's host and port, a local directory) replacing them, and each secretKeyRef
 * replaced by `secrets["<secret>/<key>"]` (a missing one fails: the test must supply every secret).
 */
export function resolveEnv(c: any, secrets: Record<string, string>, overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const ref = `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`;
      if (!(ref in secrets)) throw new Error(`${c.name}: no test value for the secret ${ref} (${e.name})`);
      env[e.name] = secrets[ref];
    }
  }
  return { ...env, ...overrides };
}

/**
 * Runs argv with exactly `env`, plus a PATH whose client commands are the recording wrappers of
 * `shims` (see {@link shimDir}) and HOME set to `work`, which has no rc files (Debian's bash reads
 * ~/.bashrc when its stdin is a socket, as spawn's is).
 */
export function runIn(work: string, shims: { dir: string }, argv: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', cwd: work, env: { PATH: `${shims.dir}:/usr/bin:/bin`, HOME: work, PYTHONDONTWRITEBYTECODE: '1', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a ConfigMap's files into a fresh directory under `work`, read-only and executable, as its volume mounts them. */
export function mountFiles(work: string, name: string, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text, { mode: 0o555 });
  return dir;
}
