/**
 * The rendered PostgreSQL scripts against a real PostgreSQL (initdb + postgres in a temporary
 * directory, test/support/db-servers.ts), each run with the environment its container renders
 * (secret references replaced by test values, the host and port by the real server's):
 *   - initdb-app-database.sh (the Postgres StatefulSet's init script) and its re-run,
 *   - postgres-app-setup.sh (the Postgres app-setup Job, every sync) after the application Secret
 *     is rotated: the new password logs in, the old one fails, the data stays,
 *   - create-databases.sh (the DatabaseSetup Job) and its re-run with a rotated admin secret,
 *   - write_db_credentials.py (the TrackingServer's db-credentials init container): the pgpass it
 *     writes logs both roles in through libpq, for passwords with spaces, quotes, colons, backslashes,
 *   - pg-dump.sh (the PostgresBackup CronJob) and a restore into a fresh database,
 *   - gc.py (the GarbageCollection CronJob) with a stub `mlflow` whose `gc` connects with what it gets.
 * The server logs every statement (log_statement, log_min_duration_statement, the samplers and
 * debug_print_parse all on): no password reaches its log.
 * Every command a script runs goes through a recording wrapper: no password is ever an argument.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GarbageCollection } from '../../lib/mlflow/gc-job';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { TrackingServer } from '../../lib/mlflow/tracking-server';
import { BackupDestination } from '../../lib/storage/backup';
import { Database, DatabaseEngine } from '../../lib/storage/database';
import { DatabaseSetup } from '../../lib/storage/database-setup';
import { ObjectStore } from '../../lib/storage/object-store';
import { Postgres } from '../../lib/storage/postgres';
import { mountFiles, RealPostgres, resolveEnv, runIn, shimDir, startPostgres } from '../support/db-servers';
import { container, find, ofKind, podSpec, secretRef, synthChart } from '../support/synth';
import { needs } from '../support/tools';

const objs = synthChart((chart) => {
  const pg = new Postgres(chart, 'db', {
    superuserPassword: secretRef('pg', 'superuser'),
    database: { password: secretRef('pg', 'app') },
    backup: { destination: BackupDestination.volume({ size: Size.gibibytes(1) }) },
  });
  const shared = { engine: DatabaseEngine.POSTGRESQL, host: 'pg.db.svc.cluster.local' };
  const admin = Database.fromExisting(chart, 'admin', { ...shared, databaseName: 'postgres', username: 'dbadmin', password: secretRef('pg-admin', 'password') });
  const authDb = Database.fromExisting(chart, 'auth-db', { ...shared, databaseName: 'mlflow_auth', username: 'mlflow_auth', password: secretRef('auth-db', 'password') });
  new DatabaseSetup(chart, 'setup', { admin, databases: [authDb] });
  const s3 = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.example.com', credentials: { accessKeyId: secretRef('s3', 'id'), secretAccessKey: secretRef('s3', 'key') } });
  const server = new TrackingServer(chart, 'mlflow', {
    database: pg, artifacts: s3.bucket('mlflow'),
    auth: MlflowAuth.basic({ adminPassword: secretRef('mlflow-auth', 'admin'), secretKey: secretRef('mlflow-auth', 'key'), database: authDb }),
  });
  new GarbageCollection(chart, 'gc', { server });
}, 'mlops');

/** The passwords the tests use: every character pgpass escapes or a shell or SQL could mangle. */
const APP_PW = ` app pw:with\\back"slash'quote#: `;
const AUTH_PW = 'auth:pw\\:\\\\ "x" \'y\'';
const ADMIN_PW = 'admin pw:1\\';
const ADMIN_PW_ROTATED = 'admin pw:2 rotated';
const APP_PW_ROTATED = ` app pw:2 rotated\\'"; `;
const SU_PW = 'super user pw\\:\'"';
/** Server settings that write a statement's text to the log (see initdb-app-database.sh). */
const LOG_EVERYTHING: [string, string][] = [
  ['log_statement', "'all'"], ['log_min_duration_statement', '0'], ['log_min_duration_sample', '0'],
  ['log_statement_sample_rate', '1'], ['log_transaction_sample_rate', '1'], ['debug_print_parse', 'on'],
];
const QUIET = "SET log_statement = 'none'; SET log_min_duration_statement = -1; SET log_min_duration_sample = -1; SET log_transaction_sample_rate = 0; SET debug_print_parse = off;";
/** A SQL string literal (standard_conforming_strings: only ' is doubled). */
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

const configMapFiles = (name: string): Record<string, string> => find(objs, 'ConfigMap', name).data;
const jobWith = (kind: string, containerName: string) => ofKind(objs, kind).find((o) => [...(podSpec(o).initContainers ?? []), ...podSpec(o).containers].some((c: any) => c.name === containerName));

describe.skipIf(!needs('postgres'))('the rendered PostgreSQL scripts against a real PostgreSQL', () => {
  let pg: RealPostgres;
  let work: string;
  let shims: ReturnType<typeof shimDir>;
  const secrets = (): Record<string, string> => ({ 'pg/app': APP_PW, 'pg/superuser': SU_PW, 'pg-admin/password': ADMIN_PW, 'auth-db/password': AUTH_PW,
    's3/id': 'test-key-id', 's3/key': 'test-secret-key', 'mlflow-auth/admin': 'admin-pw', 'mlflow-auth/key': 'flask-key' });
  const allPasswords = [APP_PW, AUTH_PW, ADMIN_PW, ADMIN_PW_ROTATED, APP_PW_ROTATED, SU_PW];

  const serverLog = () => fs.readFileSync(path.join(pg.dir, 'server.log'), 'utf8');
  /** The test's own password-setting statements, with this session's statement logging off (as the scripts do). */
  const quietSql = (text: string, database?: string) => pg.sql(`${QUIET}\n${text}`, database);

  beforeAll(async () => {
    pg = await startPostgres();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-work-'));
    shims = shimDir(work, Object.fromEntries(['psql', 'pg_dump', 'pg_isready', 'pg_restore'].map((c) => [c, path.join(pg.bin, c)])));
    // A server that logs every statement's text every way it can: the scripts must still keep
    // the passwords out of its log.
    pg.sql(LOG_EVERYTHING.map(([name, value]) => `ALTER SYSTEM SET ${name} = ${value};`).join('\n'));
    pg.sql('SELECT pg_reload_conf()');
    for (let i = 0; i < 50 && !serverLog().includes('duration-probe'); i++) {
      pg.sql("SELECT 'duration-probe'");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(serverLog()).toMatch(/statement: SELECT 'duration-probe'/);
    // A statement log_statement logged already gets a duration line without its text; a session
    // that turns log_statement off (as the scripts do) gets its text on the duration line.
    expect(serverLog()).toMatch(/LOG: {2}duration: [\d.]+ ms$/m);
    expect(pg.sql(`SELECT ${LOG_EVERYTHING.map(([name]) => `current_setting('${name}')`).join(" || ' ' || ")}`)).toBe('all 0 0 1 1 on\n');
  });
  afterAll(async () => {
    await pg?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** The recording wrappers (psql, pg_dump, ...) first on PATH: see runIn. */
  const run = (argv: string[], env: Record<string, string>) => runIn(work, shims, argv, env);
  const mount = (name: string): string => mountFiles(work, name, configMapFiles(name));
  const tcp = { PGHOST: '127.0.0.1' };

  describe('initdb-app-database.sh (the Postgres StatefulSet\'s init script)', () => {
    const sts = find(objs, 'StatefulSet', 'postgresql');
    const server = podSpec(sts).containers[0];

    it('creates the application role with the secret\'s password and its database, closed to PUBLIC', () => {
      const dir = mount('postgresql-initdb');
      // As the image's entrypoint runs it: against its temporary server on the Unix socket, as POSTGRES_USER.
      const r = run(['/bin/bash', path.join(dir, '10-app-database.sh')], resolveEnv(server, secrets(), { PGHOST: pg.dir, PGPORT: String(pg.port) }));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(pg.canLogin('mlflow', APP_PW, 'mlflow')).toBe(true);
      expect(pg.canLogin('mlflow', APP_PW.trim(), 'mlflow')).toBe(false);
      expect(pg.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'mlflow'")).toBe('mlflow\n');
      expect(pg.sql("SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = 'mlflow'")).toBe('f\n');
      quietSql(`CREATE ROLE outsider LOGIN PASSWORD 'outsider'`);
      expect(pg.canLogin('outsider', 'outsider', 'mlflow')).toBe(false);
      expect(pg.canLogin('outsider', 'outsider', 'postgres')).toBe(true);
    });

    it('run again with the same secret, it changes nothing and fails nothing (the app-setup Job runs it on every sync)', () => {
      const dir = mount('postgresql-initdb');
      const r = run(['/bin/bash', path.join(dir, '10-app-database.sh')], resolveEnv(server, secrets(), { PGHOST: pg.dir, PGPORT: String(pg.port) }));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(pg.canLogin('mlflow', APP_PW, 'mlflow')).toBe(true);
      expect(pg.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'mlflow'")).toBe('mlflow\n');
    });
  });

  describe('postgres-app-setup.sh (the Postgres app-setup Job): rotating the application password', () => {
    const job = find(objs, 'Job', 'postgresql-app-setup');
    const c = container(job, 'app-setup');
    beforeAll(() => {
      // As the image does with POSTGRES_PASSWORD on first start: the superuser logs in over TCP with it.
      quietSql(`ALTER ROLE postgres PASSWORD ${lit(SU_PW)}`);
    });

    const sync = (values: Record<string, string>) => {
      const dir = mount(podSpec(job).volumes.find((v: any) => v.configMap).configMap.name);
      return run([c.command[0], path.join(dir, path.basename(c.command[1]))],
        resolveEnv(c, { ...secrets(), ...values }, { ...tcp, PGPORT: String(pg.port), WAIT_ATTEMPTS: '2', WAIT_INTERVAL: '0' }));
    };

    it('after the Secret changes, the next sync gives the role the new password: the new one logs in, the old one fails, the data stays', () => {
      expect(pg.canLogin('mlflow', APP_PW, 'mlflow')).toBe(true);
      const asApp = (password: string, sql: string) => run(['psql', '-h', '127.0.0.1', '-p', String(pg.port), '-U', 'mlflow', '-d', 'mlflow', '-w', '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { PGPASSWORD: password });
      expect(asApp(APP_PW, "CREATE TABLE before_rotation (v text); INSERT INTO before_rotation VALUES ('kept')").stderr).toBe('');

      const rotated = sync({ 'pg/app': APP_PW_ROTATED });
      expect(rotated.stderr).toBe('');
      expect(rotated.status).toBe(0);
      expect(rotated.stdout).toBe(`role mlflow and database mlflow are in place on 127.0.0.1:${pg.port}\n`);
      expect(pg.canLogin('mlflow', APP_PW_ROTATED, 'mlflow')).toBe(true);
      expect(pg.canLogin('mlflow', APP_PW, 'mlflow')).toBe(false);
      expect(asApp(APP_PW_ROTATED, 'SELECT v FROM before_rotation').stdout).toBe('kept\n');
      expect(pg.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'mlflow'")).toBe('mlflow\n');
      expect(pg.sql("SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = 'mlflow'")).toBe('f\n');
      expect(pg.canLogin('outsider', 'outsider', 'mlflow')).toBe(false);

      // The same Secret again: nothing changes, nothing fails.
      const again = sync({ 'pg/app': APP_PW_ROTATED });
      expect(again.status).toBe(0);
      expect(pg.canLogin('mlflow', APP_PW_ROTATED, 'mlflow')).toBe(true);
    });

    it('creates the role and the database when they are missing (a data directory restored without them)', () => {
      // The Job's env names the role and database "mlflow", which exist by now: another pair shows the creation.
      const dir = mount(podSpec(job).volumes.find((v: any) => v.configMap).configMap.name);
      const fresh = run([c.command[0], path.join(dir, path.basename(c.command[1]))], {
        ...resolveEnv(c, secrets(), { ...tcp, PGPORT: String(pg.port), WAIT_ATTEMPTS: '2', WAIT_INTERVAL: '0' }), APP_USER: 'fresh_role', APP_DATABASE: 'fresh_db',
      });
      expect(fresh.stderr).toBe('');
      expect(fresh.status).toBe(0);
      expect(pg.canLogin('fresh_role', APP_PW, 'fresh_db')).toBe(true);
      expect(pg.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'fresh_db'")).toBe('fresh_role\n');
      expect(pg.canLogin('outsider', 'outsider', 'fresh_db')).toBe(false);
    });

    it('with a superuser password the server does not have, it fails and changes nothing', () => {
      const r = sync({ 'pg/superuser': 'not the superuser pw', 'pg/app': 'never set' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('password authentication failed for user "postgres"');
      expect(r.stderr).not.toContain('not the superuser pw');
      expect(pg.canLogin('mlflow', 'never set', 'mlflow')).toBe(false);
      expect(pg.canLogin('mlflow', APP_PW_ROTATED, 'mlflow')).toBe(true);
    });
  });

  describe('create-databases.sh (the DatabaseSetup Job)', () => {
    const job = jobWith('Job', 'create-databases');
    const c = container(job, 'create-databases');

    beforeAll(() => {
      // What a DBA provides on a shared server: an admin that may create databases for the role, and the role.
      quietSql(`CREATE ROLE dbadmin LOGIN CREATEDB PASSWORD ${lit(ADMIN_PW)}; CREATE ROLE mlflow_auth LOGIN PASSWORD ${lit(AUTH_PW)}; GRANT mlflow_auth TO dbadmin;`);
    });

    const setup = (adminPassword: string) => {
      const dir = mount(podSpec(job).volumes.find((v: any) => v.configMap).configMap.name);
      return run([c.command[0], path.join(dir, path.basename(c.command[1]))], resolveEnv(c, { ...secrets(), 'pg-admin/password': adminPassword }, { ...tcp, PGPORT: String(pg.port), WAIT_ATTEMPTS: '2', WAIT_INTERVAL: '0' }));
    };

    it('creates the database owned by its role, closed to PUBLIC, then leaves it as it is on every re-run', () => {
      const first = setup(ADMIN_PW);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(first.stdout).toContain('database mlflow_auth created, owned by mlflow_auth\n');
      expect(pg.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'mlflow_auth'")).toBe('mlflow_auth\n');
      expect(pg.canLogin('mlflow_auth', AUTH_PW, 'mlflow_auth')).toBe(true);
      expect(pg.canLogin('outsider', 'outsider', 'mlflow_auth')).toBe(false);
      pg.sql('CREATE TABLE kept (v text); INSERT INTO kept VALUES (\'still here\')', 'mlflow_auth');
      const again = setup(ADMIN_PW);
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('database mlflow_auth exists\n');
      expect(pg.sql('SELECT v FROM kept', 'mlflow_auth')).toBe('still here\n');
    });

    it('re-run after the admin secret is rotated: the new password works, the old one fails the Job', () => {
      quietSql(`ALTER ROLE dbadmin PASSWORD ${lit(ADMIN_PW_ROTATED)}`);
      const rotated = setup(ADMIN_PW_ROTATED);
      expect(rotated.status).toBe(0);
      expect(rotated.stdout).toContain('database mlflow_auth exists\n');
      const stale = setup(ADMIN_PW);
      expect(stale.status).not.toBe(0);
      expect(stale.stderr).toContain('password authentication failed for user "dbadmin"');
      expect(stale.stderr).toContain('could not create database mlflow_auth');
    });
  });

  describe('write_db_credentials.py (the TrackingServer\'s db-credentials init container)', () => {
    const deploy = find(objs, 'Deployment', 'mlflow');
    const writer = container(deploy, 'db-credentials');
    const mlflow = container(deploy, 'mlflow');
    /** The server's backend store URI for libpq: the driver suffix dropped, the real server's address. */
    const uri = () => String(resolveEnv(mlflow, secrets()).MLFLOW_BACKEND_STORE_URI).replace('postgresql+psycopg2://', 'postgresql://').replace(/@[^/]+\//, `@127.0.0.1:${pg.port}/`);

    const writeAndLogIn = (appPassword: string) => {
      quietSql(`ALTER ROLE mlflow PASSWORD ${lit(appPassword)}`);
      const dir = mount('mlflow-scripts');
      const pgpass = path.join(fs.mkdtempSync(path.join(work, 'cred-')), 'pgpass');
      const env = resolveEnv(writer, { ...secrets(), 'pg/app': appPassword, 'mlflow-db/password': appPassword }, {
        DB_DRIVER_FILE: pgpass, AUTH_DB_DRIVER_FILE: pgpass, AUTH_DB_HOST: '127.0.0.1', AUTH_DB_PORT: String(pg.port),
      });
      const w = run(['python3', path.join(dir, 'write_db_credentials.py')], env);
      // Only PGPASSFILE: libpq must find each role's password in the file.
      const login = (conninfo: string[]) => run(['psql', ...conninfo, '-w', '-Atqc', 'SELECT current_user'], { PGPASSFILE: pgpass });
      return { w, pgpass, tracking: login([uri()]), auth: login(['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'mlflow_auth', '-d', 'mlflow_auth']) };
    };

    it.each([APP_PW, 'plain', 'a:b:c', 'back\\slash\\', '\\:', ' lead and trail ', 'quote\'s "double"', '*:*:*'])('the pgpass it writes logs the tracking role (%j) and the auth role in through libpq, and it prints no password', (password) => {
      const { w, pgpass, tracking, auth } = writeAndLogIn(password);
      expect(w.stderr).toBe('');
      expect(w.status).toBe(0);
      expect(fs.statSync(pgpass).mode & 0o777).toBe(0o600);
      expect(tracking.stderr).toBe('');
      expect(tracking.stdout).toBe('mlflow\n');
      // The auth database's line (host-specific) comes first; the tracking role falls through to the wildcard line.
      expect(auth.stderr).toBe('');
      expect(auth.stdout).toBe('mlflow_auth\n');
      for (const out of [w.stdout, w.stderr]) {
        expect(out).not.toContain(password);
        expect(out).not.toContain(AUTH_PW);
      }
    });

    it('the same file no longer logs in once the server has another password (the check is real)', () => {
      const { pgpass, tracking } = writeAndLogIn(APP_PW);
      expect(tracking.status).toBe(0);
      quietSql(`ALTER ROLE mlflow PASSWORD ${lit(`${APP_PW}x`)}`);
      const stale = run(['psql', uri(), '-w', '-Atqc', 'SELECT 1'], { PGPASSFILE: pgpass });
      expect(stale.status).not.toBe(0);
      expect(stale.stderr).toContain('password authentication failed for user "mlflow"');
      quietSql(`ALTER ROLE mlflow PASSWORD ${lit(APP_PW)}`);
    });
  });

  describe('pg-dump.sh (the PostgresBackup CronJob) and a restore', () => {
    const cron = find(objs, 'CronJob', 'postgresql-backup');
    const dump = container(cron, 'dump');

    it('dumps the application database as its role, and pg_restore puts every row back in a fresh database', () => {
      quietSql(`ALTER ROLE mlflow PASSWORD ${lit(APP_PW)}`);
      const rows = ['plain', 'quote\'s "double"', 'back\\slash', 'ünïcødé', 'tab\there', 'line\nbreak'];
      const asApp = (db: string, sql: string) => run(['psql', '-h', '127.0.0.1', '-p', String(pg.port), '-U', 'mlflow', '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { PGPASSWORD: APP_PW });
      const made = asApp('mlflow', `CREATE TABLE experiments (id serial PRIMARY KEY, name text NOT NULL, score double precision); ${rows.map((r, i) => `INSERT INTO experiments (name, score) VALUES (${lit(r)}, ${i}.5);`).join(' ')}`);
      expect(made.stderr).toBe('');
      const out = path.join(work, 'backup');
      const r = run(dump.command, resolveEnv(dump, secrets(), { ...tcp, PGPORT: String(pg.port), DUMP_DIR: out }));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const files = fs.readdirSync(out);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^mlflow-\d{8}T\d{6}Z\.dump$/);

      // The restore the construct documents: pg_restore --clean --if-exists -d <db> <file>, as the application role.
      pg.sql('CREATE DATABASE restored OWNER mlflow');
      const restore = run(['pg_restore', '--clean', '--if-exists', '-h', '127.0.0.1', '-p', String(pg.port), '-U', 'mlflow', '-d', 'restored', path.join(out, files[0])], { PGPASSWORD: APP_PW });
      expect(restore.stderr).toBe('');
      expect(restore.status).toBe(0);
      const select = 'SELECT id, name, score FROM experiments ORDER BY id';
      const original = asApp('mlflow', select);
      expect(original.stdout.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(rows.length);
      expect(asApp('restored', select).stdout).toBe(original.stdout);
      // The sequence came back too: the next insert does not collide.
      expect(asApp('restored', "INSERT INTO experiments (name) VALUES ('after restore') RETURNING id").stdout).toBe(`${rows.length + 1}\n`);
    });
  });

  describe('gc.py (the GarbageCollection CronJob)', () => {
    const cron = find(objs, 'CronJob', 'mlflow-gc');
    const gc = container(cron, 'gc');
    const writer = container(cron, 'db-credentials');

    it('hands mlflow gc a URI and pgpass that log in to the real server, and a non-local artifact root; its argv shows neither', () => {
      quietSql(`ALTER ROLE mlflow PASSWORD ${lit(APP_PW)}`);
      const dir = mount('mlflow-gc-scripts');
      const creds = fs.mkdtempSync(path.join(work, 'gc-cred-'));
      const pgpass = path.join(creds, 'pgpass');
      const w = run(['python3', path.join(dir, 'write_db_credentials.py')], resolveEnv(writer, secrets(), { DB_DRIVER_FILE: pgpass }));
      expect(w.status).toBe(0);
      // A stand-in for MLflow's click CLI (MLflow is not installable here): it records what gc.py
      // hands it and the process's own command line, then connects the way the real store would
      // (libpq, the URI without the driver suffix, the password from PGPASSFILE only).
      const stub = fs.mkdtempSync(path.join(work, 'stub-'));
      fs.mkdirSync(path.join(stub, 'mlflow'));
      fs.writeFileSync(path.join(stub, 'mlflow', '__init__.py'), '');
      fs.writeFileSync(path.join(stub, 'mlflow', 'cli.py'), [
        'import json, os, subprocess, sys',
        'from urllib.parse import urlparse',
        'class _Cli:',
        '    def main(self, args, prog_name):',
        '        opts = dict(zip(args[1::2], args[2::2]))',
        '        uri = opts["--backend-store-uri"].replace("postgresql+psycopg2://", "postgresql://")',
        '        who = subprocess.run(["psql", uri, "-w", "-Atqc", "SELECT current_user"], capture_output=True, text=True)',
        '        cmdline = open("/proc/self/cmdline", "rb").read().split(b"\\0")',
        '        print(json.dumps({"args": args, "prog": prog_name, "cmdline": [c.decode() for c in cmdline if c],',
        '            "artifact_root_scheme": urlparse(opts["--artifacts-destination"]).scheme, "who": who.stdout, "err": who.stderr}))',
        'cli = _Cli()',
        '',
      ].join('\n'));
      const env = resolveEnv(gc, secrets(), { PGPASSFILE: pgpass, PYTHONPATH: stub });
      env.MLFLOW_BACKEND_STORE_URI = env.MLFLOW_BACKEND_STORE_URI.replace(/@[^/]+\//, `@127.0.0.1:${pg.port}/`);
      const r = run(['python3', path.join(dir, path.basename(gc.command[1]))], env);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.err).toBe('');
      expect(out.who).toBe('mlflow\n');
      expect(out.args).toEqual(['gc', '--backend-store-uri', env.MLFLOW_BACKEND_STORE_URI, '--artifacts-destination', 'mlflow-artifacts:/', '--older-than', '30d']);
      // MLflow's is_local_uri: no scheme or file: is local (and would be created); this one is not.
      expect(['', 'file']).not.toContain(out.artifact_root_scheme);
      expect(out.cmdline).toEqual(['python3', path.join(dir, 'gc.py')]);
    });
  });

  it('put no password in the server log, though it logs every statement, its duration and its parse tree', () => {
    const log = serverLog();
    expect(log).toMatch(/duration: [\d.]+ ms {2}statement: SET log_min_duration_statement = -1/);
    expect(log).toMatch(/LOG: {2}parse tree:\n.*DETAIL: +\{QUERY/);
    // The scripts did run on this server: their role and database exist.
    expect(pg.sql("SELECT count(*) FROM pg_roles WHERE rolname IN ('mlflow', 'fresh_role')")).toBe('2\n');
    expect(log).not.toMatch(/(CREATE|ALTER) ROLE "/);
    // The server logs a literal as sent (quotes doubled) and a parse tree with its own escaping:
    // every password, its literal form, and quote-free pieces of each.
    for (const pw of [...allPasswords, 'never set', 'not the superuser pw']) {
      expect(log).not.toContain(pw);
      expect(log).not.toContain(lit(pw));
    }
    for (const piece of ['pw:2 rotated', 'pw:with', 'super user pw', 'admin pw:', 'auth:pw', 'never set']) expect(log).not.toContain(piece);
  });

  it('put no password in any argument of any command the scripts ran', () => {
    const calls = shims.calls();
    expect(calls).toMatch(/^pg_dump /m);
    expect(calls).toMatch(/^psql /m);
    for (const pw of allPasswords) expect(calls).not.toContain(pw);
  });
});
