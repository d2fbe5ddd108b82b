import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { mlflowMinioPostgres } from '../../apps/mlflow-minio-postgres';
import { MinioTopology } from '../../lib';
import { readScript } from '../../lib/core/script-file';
import { podOf } from '../../lib/synth/manifest-checks';
import { synthObjects } from '../../lib/synth/synth';
import { needs } from '../support/tools';

const root = path.resolve(__dirname, '..', '..');
const app = new App();
mlflowMinioPostgres(app, 'seed', { mlflowReplicas: 3, minioTopology: MinioTopology.distributed(4) });
const objects = synthObjects(app) as any[];

/** Every container of every pod, by kind/name/container. */
const containers: Array<[string, any]> = objects.flatMap((o) => {
  const pod = podOf(o);
  if (!pod) return [];
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c: any): [string, any] => [`${o.kind}/${o.metadata.name}/${c.name}`, c]);
});
const container = (key: string) => containers.find(([k]) => k === key)![1];
/** Every `/bin/sh -ec <script>` of every container. */
const inline: Array<[string, string]> = containers
  .filter(([, c]) => c.command?.[0] === '/bin/sh' && c.command?.[1] === '-ec')
  .map(([k, c]) => [k, c.command[2]]);
const script = (key: string) => inline.find(([k]) => k === key)![1];
const configFiles: Array<[string, string]> = objects.filter((o) => o.kind === 'ConfigMap')
  .flatMap((o) => Object.entries(o.data as Record<string, string>).map(([k, v]): [string, string] => [`${o.metadata.name}/${k}`, v]));

const loadScript = (area: string, file: string) => readScript(path.join(root, 'lib', area), file);
/** The script files: lib/<area>/scripts/<name>. */
const scriptFiles = fs.readdirSync(path.join(root, 'lib')).flatMap((area) => {
  const dir = path.join(root, 'lib', area, 'scripts');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort().map((f) => [area, f] as [string, string]) : [];
});
const fileTexts = new Set(scriptFiles.map(([area, f]) => loadScript(area, f)));

const stubs = fs.mkdtempSync(path.join(os.tmpdir(), 'script-stubs-'));
afterAll(() => fs.rmSync(stubs, { recursive: true, force: true }));

/** The environment a container gets: literals as written, secret and field references as placeholders. */
function envOf(c: any, overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) env[e.name] = e.value ?? `from-${e.valueFrom?.secretKeyRef?.key ?? 'field'}`;
  return { ...env, ...overrides };
}

/** Runs `program args` with the stub commands given (each: a shell body) first on the PATH. */
function run(program: string, args: string[], commands: Record<string, string>, env: Record<string, string> = {}, input?: string) {
  const dir = fs.mkdtempSync(path.join(stubs, 'bin-'));
  for (const [name, body] of Object.entries(commands)) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  const log = path.join(dir, 'calls.log');
  const r = spawnSync(program, args, { encoding: 'utf8', input, env: { PATH: `${dir}:/usr/bin:/bin`, CALLS: log, HOME: dir, ...env } });
  return { ...r, dir, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '') };
}
const sh = (text: string, commands: Record<string, string>, env: Record<string, string> = {}) => run('/bin/sh', ['-ec', text], commands, env);
const record = 'echo "$(basename "$0") $*" >> "$CALLS"';
/** An `mc` stub that records its argv, the MC_HOST_* aliases it sees and what `admin user add` reads on stdin. */
const mcRecord = `${record}\nenv | grep '^MC_HOST_' | sort >> "$CALLS.env"\nif [ "$1 $2 $3" = "admin user add" ]; then cat >> "$CALLS.stdin"; fi`;
const sidecar = (r: { dir: string }, ext: string) => { const f = path.join(r.dir, `calls.log.${ext}`); return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : ''; };
/** The values a container gets from Secrets (as envOf renders them). */
const secretValues = (c: any) => (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => `from-${e.valueFrom.secretKeyRef.key}`);

describe('scripts live in their own files', () => {
  it('finds the scripts of every component', () => {
    expect(inline.map(([k]) => k).sort()).toEqual([
      'CronJob/minio-backup/mirror', 'CronJob/postgresql-backup/dump', 'CronJob/postgresql-backup/upload', 'Job/minio-setup/setup',
    ]);
    expect(scriptFiles.map(([a, f]) => `${a}/${f}`)).toEqual(expect.arrayContaining([
      'mlflow/db_upgrade.py', 'mlflow/wait_for_db.py', 'mlflow/write_db_credentials.py',
      'storage/backup-upload.sh', 'storage/initdb-app-database.sh', 'storage/minio-mirror.sh', 'storage/minio-setup.sh', 'storage/pg-dump.sh',
    ]));
  });

  it.each(inline)('%s runs a script file verbatim (no script is assembled in TypeScript)', (_, text) => {
    expect(fileTexts.has(text)).toBe(true);
  });

  it.each(configFiles.filter(([n]) => !n.endsWith('.json')))('%s is a script file verbatim', (_, text) => {
    expect(fileTexts.has(text)).toBe(true);
  });

  it('is read from the source tree when running compiled from build/ (tsc copies no scripts)', () => {
    const compiled = path.join(root, 'build', 'lib', 'core', 'script-file.js');
    if (!fs.existsSync(compiled)) return; // npm test builds first
    const areaDir = path.join(root, 'build', 'lib', 'storage');
    const r = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(compiled)}).readScript(${JSON.stringify(areaDir)}, 'pg-dump.sh'))`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${loadScript('storage', 'pg-dump.sh')}\n`);
  });
});

describe('script lint', () => {
  const shellcheck = needs('shellcheck');
  it.each(scriptFiles.filter(([, f]) => f.endsWith('.sh')))('%s/scripts/%s passes shellcheck and sh -n', (area, file) => {
    const p = path.join(root, 'lib', area, 'scripts', file);
    const shell = fs.readFileSync(p, 'utf8').startsWith('#!/bin/bash') ? 'bash' : 'sh';
    const parsed = spawnSync(shell, ['-n', p], { encoding: 'utf8' });
    expect(parsed.stderr).toBe('');
    expect(parsed.status).toBe(0);
    // Without shellcheck (outside CI only: needs() throws under CI) the run's end lists the skip.
    if (!shellcheck) return;
    // -x follows the `# shellcheck source=...` of a sourced file (lib-wait.sh) instead of skipping it.
    const r = spawnSync('shellcheck', ['-x', '--severity=style', p], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  const everyPython = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    (e.isDirectory() ? everyPython(path.join(dir, e.name)) : e.name.endsWith('.py') ? [path.relative(root, path.join(dir, e.name))] : []));
  it.each(everyPython(path.join(root, 'lib')).filter((f) => !f.includes('/scripts/')))('%s (outside a scripts directory) compiles', (file) => {
    const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: fs.readFileSync(path.join(root, file), 'utf8'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(scriptFiles.filter(([, f]) => f.endsWith('.py')))('%s/scripts/%s compiles', (area, file) => {
    const text = fs.readFileSync(path.join(root, 'lib', area, 'scripts', file), 'utf8');
    const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: text, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('minio-setup.sh', () => {
  const setup = container('Job/minio-setup/setup');
  const rootKey = (c: any, name: string) => c.env.find((e: any) => e.name === name).valueFrom.secretKeyRef.key;
  const text = script('Job/minio-setup/setup');

  it('creates every bucket, then each user with its policy, keys read from the variables it names', () => {
    const r = sh(text, { mc: mcRecord, sleep: 'exit 0' }, envOf(setup));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const calls = r.calls().trim().split('\n');
    expect(calls.filter((l) => l.startsWith('mc mb'))).toEqual(['mc mb --ignore-existing src/backups', 'mc mb --ignore-existing src/mlflow']);
    expect(calls).toContain('mc admin policy create src mlflow-user /policies/mlflow-user.json');
    // The secret key goes to mc on stdin; the access key (the user's name) is the only key in argv.
    expect(calls).toContain('mc admin user add src from-mlflow-access-key');
    expect(sidecar(r, 'stdin').split('\n')).toContain('from-mlflow-secret-key');
    expect(calls).toContain('mc admin policy attach src mlflow-user --user from-mlflow-access-key');
    // The root keys reach mc through MC_HOST_src only.
    expect(new Set(sidecar(r, 'env').trim().split('\n'))).toEqual(new Set([`MC_HOST_src=http://from-${rootKey(setup, 'SRC_ACCESS_KEY_ID')}:from-${rootKey(setup, 'SRC_SECRET_ACCESS_KEY')}@minio.mlops.svc.cluster.local:9000`]));
    expect(calls.some((l) => l.startsWith('mc alias'))).toBe(false);
  });

  it('puts no secret key and no root key in any argv', () => {
    const r = sh(text, { mc: mcRecord, sleep: 'exit 0' }, envOf(setup));
    const userAccessKeys = (envOf(setup).USERS ?? '').split(' ').map((u) => envOf(setup)[u.split(':')[1]]);
    const forbidden = secretValues(setup).filter((v: string) => !userAccessKeys.includes(v));
    expect(forbidden.length).toBeGreaterThan(2);
    for (const v of forbidden) expect(r.calls()).not.toContain(v);
  });

  it('refuses keys mc cannot carry in MC_HOST_src, and an endpoint without scheme, echoing no key', () => {
    const colon = sh(text, { mc: mcRecord, sleep: 'exit 0' }, envOf(setup, { SRC_SECRET_ACCESS_KEY: 'se:cret' }));
    expect(colon.status).toBe(1);
    expect(colon.stderr).toBe('the SRC keys must not contain ":" (mc\'s MC_HOST_src cannot carry it)\n');
    expect(colon.calls()).toBe('');
    const bare = sh(text, { mc: mcRecord, sleep: 'exit 0' }, envOf(setup, { SRC_ENDPOINT: 'minio:9000' }));
    expect(bare.status).toBe(1);
    expect(bare.stderr).toBe('SRC_ENDPOINT must be an http(s) URL\n');
  });

  it('fails when a user cannot be added', () => {
    const r = sh(text, { mc: `${mcRecord}\n[ "$1 $2 $3" != "admin user add" ]`, sleep: 'exit 0' }, envOf(setup));
    expect(r.status).not.toBe(0);
    expect(r.calls()).not.toContain('admin policy attach');
  });

  it('waits for the store, bounded, then goes on', () => {
    // The first two tries fail (the store is not up yet), the third answers.
    const r = sh(text, {
      mc: `${record}\nif [ "$1" = ls ]; then n=$(cat "$CALLS.n" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$CALLS.n"; [ $n -ge 3 ]; fi`,
      sleep: 'exit 0',
    }, envOf(setup));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('waiting for object store (1/60)\nwaiting for object store (2/60)\n');
    expect(r.calls()).toContain('mc mb --ignore-existing src/mlflow');
  });

  it('exits non-zero when the store never answers, without touching it', () => {
    const r = sh(text, { mc: `${record}\n[ "$1" != ls ]`, sleep: 'exit 0' }, envOf(setup, { WAIT_ATTEMPTS: '3', WAIT_SECONDS: '0' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('object store not reachable after 3 attempts\n');
    expect(r.calls().split('\n').filter((l) => l && !l.startsWith('mc ls src'))).toEqual([]);
  });

  it('accepts an already attached policy but fails on any other attach error', () => {
    const attached = sh(text, { mc: `${record}\ncase "$*" in "admin policy attach"*) exit 1;; "admin user info"*) echo "PolicyName: mlflow-user backup-user";; esac`, sleep: 'exit 0' }, envOf(setup));
    expect(attached.status).toBe(0);
    const broken = sh(text, { mc: `${record}\ncase "$*" in "admin policy attach"*) exit 1;; "admin user info"*) echo "PolicyName: none";; esac`, sleep: 'exit 0' }, envOf(setup));
    expect(broken.status).not.toBe(0);
  });
});

describe('lib-wait.sh (sourced by the setup scripts)', () => {
  const lib = loadScript('storage', 'lib-wait.sh');
  /** `wait_for` on a stub `probe` that fails until its FAILS-th call has passed, then `echo done`. */
  const waitFor = (fails: number, env: Record<string, string> = {}) => sh(`${lib}\nwait_for "the thing" probe --flag\necho done`, {
    probe: `${record}\nn=$(cat "$CALLS.n" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$CALLS.n"; echo probe-output; [ $n -gt ${fails} ]`,
    sleep: `${record}`,
  }, { WAIT_INTERVAL: '7', ...env });

  it('retries the command with its arguments, its output discarded, sleeping WAIT_INTERVAL between tries', () => {
    const r = waitFor(2);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('waiting for the thing (1)\nwaiting for the thing (2)\ndone\n');
    expect(r.calls().trim().split('\n')).toEqual(['probe --flag', 'sleep 7', 'probe --flag', 'sleep 7', 'probe --flag']);
  });

  it('exits non-zero after WAIT_ATTEMPTS failed tries, naming what it waited for, and runs nothing after', () => {
    const r = waitFor(100, { WAIT_ATTEMPTS: '3' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('the thing not ready after 3 attempts\n');
    expect(r.stdout).not.toContain('done');
    expect(r.calls().split('\n').filter((l) => l.startsWith('probe'))).toHaveLength(3);
  });

  it('gives up after 60 tries by default', () => {
    const r = waitFor(1000);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('the thing not ready after 60 attempts\n');
  });

  it.each(['create-buckets.sh', 'create-databases.sh', 'mysql-create-database.sh'])('%s sources it from beside itself and has no wait loop of its own', (file) => {
    const text = loadScript('storage', file);
    expect(text).toContain('. "$(dirname "$0")/lib-wait.sh"');
    expect(text).toMatch(/^wait_for "/m);
    expect(text).not.toMatch(/^\s*until /m);
  });
});

describe('minio-mirror.sh', () => {
  const mirror = container('CronJob/minio-backup/mirror');
  const text = script('CronJob/minio-backup/mirror');

  it('mirrors each chosen bucket into the destination, keeping deleted objects', () => {
    const r = sh(text, { mc: record }, envOf(mirror));
    expect(r.status).toBe(0);
    expect(r.calls().split('\n').filter((l) => l.startsWith('mc mirror'))).toEqual(['mc mirror --overwrite src/mlflow /backup/mlflow']);
  });

  it('adds --remove when asked and mirrors to the DST alias when one is set', () => {
    const r = sh(text, { mc: mcRecord }, envOf(mirror, { MIRROR_REMOVE: 'true', DST_ENDPOINT: 'https://s3.example.com', DST_ACCESS_KEY_ID: 'dst-key-id', DST_SECRET_ACCESS_KEY: 'dst-secret', BUCKETS: 'a b', DEST_ROOT: 'dst/backups' }));
    expect(r.status).toBe(0);
    const calls = r.calls().trim().split('\n');
    expect(calls).toEqual(['mc mirror --overwrite --remove src/a dst/backups/a', 'mc mirror --overwrite --remove src/b dst/backups/b']);
    const aliases = sidecar(r, 'env').trim().split('\n');
    expect(aliases).toContain('MC_HOST_dst=https://dst-key-id:dst-secret@s3.example.com');
    expect(aliases.filter((l) => l.startsWith('MC_HOST_src=http://from-'))).toHaveLength(2);
    for (const v of [...secretValues(mirror), 'dst-key-id', 'dst-secret']) expect(r.calls()).not.toContain(v);
  });

  it('fails the Job when a mirror fails', () => {
    expect(sh(text, { mc: '[ "$1" != mirror ]' }, envOf(mirror)).status).not.toBe(0);
  });
});

describe('pg-dump.sh and backup-upload.sh', () => {
  const dump = container('CronJob/postgresql-backup/dump');
  const upload = container('CronJob/postgresql-backup/upload');

  it('dumps with libpq variables only: the password is never an argument', () => {
    const out = fs.mkdtempSync(path.join(stubs, 'work-'));
    const r = sh(script('CronJob/postgresql-backup/dump'), { pg_dump: `${record}\nfor a; do case "$a" in --file=*) : > "\${a#--file=}";; esac; done` }, envOf(dump, { DUMP_DIR: out }));
    expect(r.status).toBe(0);
    expect(r.calls()).toMatch(new RegExp(`^pg_dump --format=custom --no-owner --file=${out}/mlflow-\\d{8}T\\d{6}Z\\.dump\\n$`));
    expect(r.calls()).not.toContain('from-');
    expect(fs.readdirSync(out)).toHaveLength(1);
  });

  it('prunes old dumps in a volume when RETENTION_DAYS is set, and fails when pg_dump fails', () => {
    const out = fs.mkdtempSync(path.join(stubs, 'vol-'));
    const old = path.join(out, 'mlflow-old.dump');
    fs.writeFileSync(old, '');
    fs.utimesSync(old, new Date(Date.now() - 8 * 86400e3), new Date(Date.now() - 8 * 86400e3));
    const ok = sh(script('CronJob/postgresql-backup/dump'), { pg_dump: 'exit 0' }, envOf(dump, { DUMP_DIR: out, RETENTION_DAYS: '7' }));
    expect(ok.status).toBe(0);
    expect(fs.existsSync(old)).toBe(false);
    expect(sh(script('CronJob/postgresql-backup/dump'), { pg_dump: 'exit 1' }, envOf(dump, { DUMP_DIR: out })).status).not.toBe(0);
  });

  it('fails the backup when retention cannot run, but not when nothing is old enough', () => {
    const text = script('CronJob/postgresql-backup/upload');
    const ok = sh(text, { mc: mcRecord }, envOf(upload));
    expect(ok.status).toBe(0);
    expect(ok.calls().trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['mc cp', 'mc find']);
    expect(sidecar(ok, 'env')).toMatch(/^MC_HOST_dst=http:\/\/from-[^:]+:from-[^@]+@minio\.mlops\.svc\.cluster\.local:9000\n/);
    for (const v of secretValues(upload)) expect(ok.calls()).not.toContain(v);
    expect(ok.calls()).toContain("mc find dst/backups/postgresql/mlflow/ --name *.dump --older-than 7d --exec mc rm {}");
    const broken = sh(text, { mc: '[ "$1" = find ] && exit 1; exit 0' }, envOf(upload));
    expect(broken.status).not.toBe(0);
  });
});

describe('initdb-app-database.sh', () => {
  it('creates the role and database from \\getenv, never from an argument, and revokes PUBLIC', () => {
    const text = loadScript('storage', 'initdb-app-database.sh');
    const r = run('/bin/bash', ['-c', text], { psql: `${record}\ncat >> "$CALLS"` }, { POSTGRES_USER: 'postgres', APP_PASSWORD: 's3cret', APP_USER: 'mlflow', APP_DATABASE: 'mlflow' });
    expect(r.status).toBe(0);
    expect(r.calls()).not.toContain('s3cret');
    expect(r.calls()).toContain('\\getenv app_password APP_PASSWORD');
    expect(r.calls()).toContain('REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;');
  });
});

describe('the MLflow scripts', () => {
  const py = (name: string, env: Record<string, string>, extraPath?: string) => spawnSync('python3', [path.join(root, 'lib', 'mlflow', 'scripts', name)], {
    encoding: 'utf8', env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', ...(extraPath ? { PYTHONPATH: extraPath } : {}), ...env },
  });

  it('write_db_credentials.py writes a 0600 pgpass line with ":" and "\\" escaped, printing no password', () => {
    const dir = fs.mkdtempSync(path.join(stubs, 'cred-'));
    const file = path.join(dir, 'pgpass');
    const r = py('write_db_credentials.py', { DB_ENGINE: 'postgresql', DB_PASSWORD: 'p:a\\ss', DB_DRIVER_FILE: file });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('*:*:*:*:p\\:a\\\\ss\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(r.stdout + r.stderr).not.toContain('p:a');
  });

  it('write_db_credentials.py and write_basic_auth_ini.py tighten a file that existed with a wider mode to 0600 (private_file.py)', () => {
    const dir = fs.mkdtempSync(path.join(stubs, 'cred-'));
    const pgpass = path.join(dir, 'pgpass');
    const ini = path.join(dir, 'basic_auth.ini');
    for (const f of [pgpass, ini]) fs.writeFileSync(f, 'old contents that are longer than the new ones\n', { mode: 0o644 });
    expect(py('write_db_credentials.py', { DB_ENGINE: 'password', DB_PASSWORD: 'pw', DB_DRIVER_FILE: pgpass }).status).toBe(0);
    expect(py('write_basic_auth_ini.py', { MLFLOW_AUTH_CONFIG_PATH: ini, ADMIN_PASSWORD: 'pw' }).status).toBe(0);
    expect(fs.readFileSync(pgpass, 'utf8')).toBe('pw\n');
    expect(fs.readFileSync(ini, 'utf8')).toMatch(/^\[mlflow\]\n[^]*admin_password = pw\n[^]*\n$/);
    for (const f of [pgpass, ini]) expect(fs.statSync(f).mode & 0o777).toBe(0o600);
  });

  it('the MLflow scripts ConfigMap ships private_file.py beside write_db_credentials.py', () => {
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mlflow-scripts');
    expect(map.data['private_file.py']).toBe(loadScript('mlflow', 'private_file.py'));
    expect(map.data['write_db_credentials.py']).toBe(loadScript('mlflow', 'write_db_credentials.py'));
  });

  it('write_db_credentials.py writes a MySQL option file, and refuses a multi-line password', () => {
    const dir = fs.mkdtempSync(path.join(stubs, 'cred-'));
    const file = path.join(dir, 'my.cnf');
    expect(py('write_db_credentials.py', { DB_ENGINE: 'mysql', DB_PASSWORD: ' pw ', DB_DRIVER_FILE: file }).status).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('[client]\npassword=" pw "\n');
    const bad = py('write_db_credentials.py', { DB_ENGINE: 'mysql', DB_PASSWORD: 'a\nb', DB_DRIVER_FILE: path.join(dir, 'x') });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('DB: the password must be a single line\n');
  });

  it('write_db_credentials.py writes every prefix of DRIVER_FILES: specific pgpass lines first, a MySQL file, a password file', () => {
    const dir = fs.mkdtempSync(path.join(stubs, 'cred-'));
    const env = {
      DRIVER_FILES: 'DB AUTH_DB SECOND REDIS',
      DB_ENGINE: 'postgresql', DB_PASSWORD: 'tracking-pw', DB_DRIVER_FILE: `${dir}/pgpass`,
      AUTH_DB_ENGINE: 'postgresql', AUTH_DB_PASSWORD: 'auth:pw', AUTH_DB_DRIVER_FILE: `${dir}/pgpass`,
      AUTH_DB_HOST: 'pg.db', AUTH_DB_PORT: '5432', AUTH_DB_NAME: 'mlflow_auth', AUTH_DB_USER: 'a:b',
      SECOND_ENGINE: 'mysql', SECOND_PASSWORD: 'my-pw', SECOND_DRIVER_FILE: `${dir}/auth-my.cnf`,
      REDIS_ENGINE: 'password', REDIS_PASSWORD: 'redis-pw', REDIS_DRIVER_FILE: `${dir}/redis-password`,
    };
    const r = py('write_db_credentials.py', env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(`${dir}/pgpass`, 'utf8')).toBe('pg.db:5432:mlflow_auth:a\\:b:auth\\:pw\n*:*:*:*:tracking-pw\n');
    expect(fs.readFileSync(`${dir}/auth-my.cnf`, 'utf8')).toBe('[client]\npassword="my-pw"\n');
    expect(fs.readFileSync(`${dir}/redis-password`, 'utf8')).toBe('redis-pw\n');
    for (const f of fs.readdirSync(dir)) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    for (const pw of ['tracking-pw', 'auth:pw', 'my-pw', 'redis-pw']) expect(r.stdout + r.stderr).not.toContain(pw);
  });

  it('write_db_credentials.py writes nothing when one prefix is incomplete or unknown, naming it but no value', () => {
    const dir = fs.mkdtempSync(path.join(stubs, 'cred-'));
    const base = { DRIVER_FILES: 'DB REDIS', DB_ENGINE: 'postgresql', DB_PASSWORD: 'tracking-pw', DB_DRIVER_FILE: `${dir}/pgpass` };
    const missing = py('write_db_credentials.py', { ...base, REDIS_ENGINE: 'password', REDIS_DRIVER_FILE: `${dir}/redis-password` });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('REDIS_PASSWORD is not set\n');
    const unknown = py('write_db_credentials.py', { ...base, REDIS_ENGINE: 'sqlite', REDIS_PASSWORD: 'redis-pw', REDIS_DRIVER_FILE: `${dir}/redis-password` });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("REDIS_ENGINE: unknown engine 'sqlite' (expected postgresql, mysql or password)\n");
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(missing.stderr + unknown.stderr).not.toContain('-pw');
  });

  it('wait_for_db.py returns once the port answers, and exits non-zero when it never does', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const up = await new Promise<ReturnType<typeof spawnSync>>((resolve) => {
      // Run asynchronously: the listening server lives in this process.
      const p = spawn('python3', [path.join(root, 'lib', 'mlflow', 'scripts', 'wait_for_db.py')], { env: { PATH: '/usr/bin:/bin', DB_HOST: '127.0.0.1', DB_PORT: String(port) } });
      p.on('exit', (status) => resolve({ status } as never));
    });
    server.close();
    expect(up.status).toBe(0);
    const down = py('wait_for_db.py', { DB_HOST: '127.0.0.1', DB_PORT: String(port), WAIT_ATTEMPTS: '2', WAIT_SECONDS: '0' });
    expect(down.status).toBe(1);
    expect(down.stdout).toMatch(/^waiting for 127\.0\.0\.1:\d+ \(1\/2\): .*\nwaiting for 127\.0\.0\.1:\d+ \(2\/2\): /);
    expect(down.stderr).toBe(`database 127.0.0.1:${port} not reachable after 2 attempts\n`);
  });

  it('db_upgrade.py leaves an empty database to mlflow server and migrates an existing one', () => {
    // Stub sqlalchemy and mlflow: the tables come from STUB_TABLES, the upgrade is recorded.
    const lib = fs.mkdtempSync(path.join(stubs, 'py-'));
    fs.mkdirSync(path.join(lib, 'mlflow'));
    fs.writeFileSync(path.join(lib, 'sqlalchemy.py'), [
      'import os',
      'class _Engine:',
      '    def dispose(self): pass',
      'class _Inspector:',
      '    def get_table_names(self): return [t for t in os.environ["STUB_TABLES"].split(",") if t]',
      'def create_engine(uri): return _Engine()',
      'def inspect(engine): return _Inspector()',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(lib, 'mlflow', '__init__.py'), '');
    fs.writeFileSync(path.join(lib, 'mlflow', 'cli.py'), [
      'class _Cli:',
      '    def main(self, args, prog_name): print("upgrade", args)',
      'cli = _Cli()',
      '',
    ].join('\n'));
    const uri = 'postgresql+psycopg2://mlflow@db:5432/mlflow';
    const empty = py('db_upgrade.py', { MLFLOW_BACKEND_STORE_URI: uri, STUB_TABLES: 'alembic_version' }, lib);
    expect(empty.stderr).toBe('');
    expect(empty.stdout).toBe('empty backend store: mlflow server creates the schema on its first start\n');
    const existing = py('db_upgrade.py', { MLFLOW_BACKEND_STORE_URI: uri, STUB_TABLES: 'alembic_version,experiments,runs' }, lib);
    expect(existing.stdout).toBe(`upgrade ['db', 'upgrade', '${uri}']\n`);
  });
});
