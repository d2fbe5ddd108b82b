/**
 * The rendered MySQL scripts against a real MariaDB 10.11 (mariadb-install-db + mariadbd in a
 * temporary directory, test/support/db-servers.ts), each run with the environment its container
 * renders (secret references replaced by test values, the host and port by the real server's):
 *   - mysql-initdb-app.sh (the Mysql StatefulSet's init script), sourced as the image's entrypoint does,
 *   - the Mysql app-setup Job (mysql-create-database.sh as root, every sync) after the application
 *     Secret is rotated: the new password logs in, the old one fails, the data stays,
 *   - mysql-create-database.sh (the MysqlDatabaseSetup Job) and its re-run with a rotated secret,
 *   - mysql-dump.sh (the MysqlBackup CronJob) and the documented restore into a fresh database,
 *   - write_db_credentials.py's option file, read by the MariaDB client.
 * The scripts are written for MySQL 8's client and server; where MariaDB differs, the test says
 * how it bridges it (a collation name, one mysqldump flag) and changes nothing else.
 * The server writes every statement to its general log and its slow log (long_query_time=0):
 * no password reaches either.
 * Every client call goes through a recording wrapper: no password is ever an argument.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretValue } from '../../lib/core/secret-value';
import { TrackingServer } from '../../lib/mlflow/tracking-server';
import { BackupDestination } from '../../lib/storage/backup';
import { Database, DatabaseEngine } from '../../lib/storage/database';
import { Mysql } from '../../lib/storage/mysql';
import { MysqlDatabaseSetup } from '../../lib/storage/mysql-database-setup';
import { ObjectStore } from '../../lib/storage/object-store';
import { mountFiles, RealMariadb, resolveEnv, runIn, shimDir, startMariadb } from '../support/db-servers';
import { container, find, podSpec, secretRef, synthChart } from '../support/synth';
import { needs, toolPaths } from '../support/tools';

const objs = synthChart((chart) => {
  const db = new Mysql(chart, 'db', {
    rootPassword: secretRef('mysql', 'root'),
    database: { password: secretRef('mysql', 'app') },
    backup: { destination: BackupDestination.volume({ size: Size.gibibytes(1) }) },
  });
  const kubeflowDb = Database.fromExisting(chart, 'kf-db', {
    engine: DatabaseEngine.MYSQL, host: 'mysql.kubeflow.svc.cluster.local', databaseName: 'mlflow_kf', username: 'mlflow_kf', password: secretRef('mlflow-kf-db', 'password'),
  });
  new MysqlDatabaseSetup(chart, 'setup', { database: kubeflowDb, adminUser: 'dbadmin', adminPassword: SecretValue.fromSecret('mysql-secret', 'password') });
  const s3 = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.example.com', credentials: { accessKeyId: secretRef('s3', 'id'), secretAccessKey: secretRef('s3', 'key') } });
  new TrackingServer(chart, 'mlflow', { database: db, artifacts: s3.bucket('mlflow') });
}, 'mlops');

const APP_PW = ` app pw:with\\back"slash'quote#; `;
const KF_PW = 'kf pw:1 \'q\' "d" \\n';
const KF_PW_ROTATED = 'kf pw:2 rotated \\\'';
const ADMIN_PW = 'admin pw \'"\\';
const APP_PW_ROTATED = ' app pw:2 rotated \\\' "; ';
const ROOT_PW = 'root pw:\\ \'q\' "d"';
/** A SQL string literal with backslash escapes (MariaDB's default sql_mode). */
const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const sts = find(objs, 'StatefulSet', 'mysql');

describe.skipIf(!needs('mariadb'))('the rendered MySQL scripts against a real MariaDB', () => {
  let db: RealMariadb;
  let work: string;
  let shims: ReturnType<typeof shimDir>;
  const secrets = (): Record<string, string> => ({
    'mysql/app': APP_PW, 'mysql/root': ROOT_PW, 'mlflow-kf-db/password': KF_PW, 'mysql-secret/password': ADMIN_PW,
    's3/id': 'test-key-id', 's3/key': 'test-secret-key',
  });

  const logFiles = () => [path.join(db.dir, 'general.log'), path.join(db.dir, 'slow.log')];
  /** The test's own password-setting statements, with this session's logging off (as the scripts do). */
  const quietSql = (text: string) => db.sql(`SET SESSION sql_log_off = ON; SET SESSION long_query_time = 31536000;\n${text}`);

  beforeAll(async () => {
    db = await startMariadb();
    // A server that writes every statement to its general log and to its slow log (every
    // statement is slow, administrative ones too): the scripts must keep the passwords out of both.
    const [general, slow] = logFiles();
    db.sql(`SET GLOBAL log_output = 'FILE'; SET GLOBAL general_log_file = ${lit(general)}; SET GLOBAL slow_query_log_file = ${lit(slow)};
      SET GLOBAL long_query_time = 0; SET GLOBAL log_slow_admin_statements = ON; SET GLOBAL general_log = ON; SET GLOBAL slow_query_log = ON;`);
    db.sql("SELECT 'log-probe'");
    for (const file of logFiles()) expect(fs.readFileSync(file, 'utf8')).toContain("SELECT 'log-probe'");
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mariadb-work-'));
    const tools = toolPaths('mariadb')!;
    shims = shimDir(work, { mysql: tools.mariadb, mariadb: tools.mariadb });
    // MariaDB's dump client has no --set-gtid-purged (a MySQL 8 flag the script passes for MySQL
    // servers with GTIDs): this wrapper records the full argv, drops only that flag, and runs mariadb-dump.
    fs.writeFileSync(path.join(shims.dir, 'mysqldump'), [
      '#!/bin/bash',
      `echo "mysqldump $*" >> '${path.join(shims.dir, 'calls.log')}'`,
      'args=()',
      'for a in "$@"; do [ "$a" = --set-gtid-purged=OFF ] || args+=("$a"); done',
      `exec '${tools['mariadb-dump']}' "\${args[@]}"`,
      '',
    ].join('\n'), { mode: 0o755 });
  });
  afterAll(async () => {
    await db?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const run = (argv: string[], env: Record<string, string>) => runIn(work, shims, argv, env);
  const mount = (name: string): string => mountFiles(work, name, find(objs, 'ConfigMap', name).data);
  const tcp = () => ({ DB_HOST: '127.0.0.1', DB_PORT: String(db.port) });

  describe('mysql-initdb-app.sh (the Mysql StatefulSet\'s init script)', () => {
    it('creates the database and a user with rights on it alone, the password intact', () => {
      const dir = mount('mysql-initdb');
      const script = Object.keys(find(objs, 'ConfigMap', 'mysql-initdb').data)[0];
      // The official image's entrypoint sources the file and supplies docker_process_sql (its SQL
      // on stdin, to the temporary server on the socket). Here it pipes to the real server; the
      // only change: MySQL 8's utf8mb4_0900_ai_ci is unknown to MariaDB 10.11, so it becomes utf8mb4_general_ci.
      const entrypoint = [
        'set -euo pipefail',
        `docker_process_sql() { sed 's/utf8mb4_0900_ai_ci/utf8mb4_general_ci/' | mysql --no-defaults --socket='${db.socket}' -uroot "$@"; }`,
        `. '${path.join(dir, script)}'`,
      ].join('\n');
      const r = run(['/bin/bash', '-c', entrypoint], resolveEnv(container(sts, 'mysql'), secrets()));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(db.canLogin('mlflow', APP_PW, 'mlflow')).toBe(true);
      expect(db.canLogin('mlflow', APP_PW.trim(), 'mlflow')).toBe(false);
      expect(db.sql("SHOW GRANTS FOR 'mlflow'@'%'").split('\n').filter(Boolean).map((l) => l.replace(/ IDENTIFIED BY PASSWORD '[^']*'/, ''))).toEqual([
        "GRANT USAGE ON *.* TO `mlflow`@`%`", 'GRANT ALL PRIVILEGES ON `mlflow`.* TO `mlflow`@`%`',
      ]);
    });
  });

  describe('the Mysql app-setup Job (mysql-create-database.sh as root, every sync): rotating the application password', () => {
    const job = find(objs, 'Job', 'mysql-app-setup');
    const c = container(job, 'create-database');

    beforeAll(() => {
      // What the image's entrypoint creates on first start (MYSQL_ROOT_HOST defaults to "%"):
      // root@'%' with MYSQL_ROOT_PASSWORD and every privilege. mariadb-install-db also creates
      // root@127.0.0.1, root@::1 and root@<hostname> without a password, which the MySQL image
      // does not have and which would match before '%': they go.
      for (const host of db.sql("SELECT host FROM mysql.user WHERE user = 'root' AND host <> 'localhost'").split('\n').filter(Boolean)) {
        db.sql(`DROP USER 'root'@${lit(host)}`);
      }
      quietSql(`CREATE USER 'root'@'%' IDENTIFIED BY ${lit(ROOT_PW)}; GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;`);
    });
    const sync = (values: Record<string, string>) => {
      const dir = mount(podSpec(job).volumes.find((v: any) => v.configMap).configMap.name);
      return run([c.command[0], path.join(dir, path.basename(c.command[1]))],
        resolveEnv(c, { ...secrets(), ...values }, { ...tcp(), HOME: work, WAIT_ATTEMPTS: '2', WAIT_INTERVAL: '0' }));
    };

    it('after the Secret changes, the next sync gives the user the new password: the new one logs in, the old one fails, the data stays', () => {
      expect(db.canLogin('mlflow', APP_PW, 'mlflow')).toBe(true);
      db.sql("CREATE TABLE before_rotation (v varchar(20)); INSERT INTO before_rotation VALUES ('kept')", 'mlflow');

      const rotated = sync({ 'mysql/app': APP_PW_ROTATED });
      expect(rotated.stderr).toBe('');
      expect(rotated.status).toBe(0);
      expect(rotated.stdout).toContain(`database mlflow and user mlflow are in place on 127.0.0.1:${db.port}\n`);
      expect(db.canLogin('mlflow', APP_PW_ROTATED, 'mlflow')).toBe(true);
      expect(db.canLogin('mlflow', APP_PW, 'mlflow')).toBe(false);
      expect(db.sql('SELECT v FROM before_rotation', 'mlflow')).toBe('kept\n');
      expect(db.sql("SHOW GRANTS FOR 'mlflow'@'%'").split('\n').filter(Boolean).map((l) => l.replace(/ IDENTIFIED BY PASSWORD '[^']*'/, ''))).toEqual([
        'GRANT USAGE ON *.* TO `mlflow`@`%`', 'GRANT ALL PRIVILEGES ON `mlflow`.* TO `mlflow`@`%`',
      ]);

      // Rotated back (the tests below use the first password): the Job follows the Secret both ways.
      const back = sync({});
      expect(back.status).toBe(0);
      expect(db.canLogin('mlflow', APP_PW, 'mlflow')).toBe(true);
      expect(db.canLogin('mlflow', APP_PW_ROTATED, 'mlflow')).toBe(false);
      expect(db.sql('SELECT v FROM before_rotation', 'mlflow')).toBe('kept\n');
    });

    it('with a root password the server does not have, it fails and changes nothing', () => {
      const r = sync({ 'mysql/root': 'not the root pw', 'mysql/app': 'never set' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("Access denied for user 'root'");
      expect(r.stderr).not.toContain('not the root pw');
      expect(db.canLogin('mlflow', 'never set', 'mlflow')).toBe(false);
      expect(db.canLogin('mlflow', APP_PW, 'mlflow')).toBe(true);
    });
  });

  describe('mysql-create-database.sh (the MysqlDatabaseSetup Job)', () => {
    const job = find(objs, 'Job', 'mlflow-kf-db-setup');
    const c = container(job, 'create-database');

    beforeAll(() => {
      // Kubeflow's server has root; an admin that may create databases and users stands in for it.
      quietSql(`CREATE USER 'dbadmin'@'%' IDENTIFIED BY ${lit(ADMIN_PW)}; GRANT ALL PRIVILEGES ON *.* TO 'dbadmin'@'%' WITH GRANT OPTION;`);
    });
    const setup = (userPassword: string) => {
      const dir = mount(podSpec(job).volumes.find((v: any) => v.configMap).configMap.name);
      return run([c.command[0], path.join(dir, path.basename(c.command[1]))],
        resolveEnv(c, { ...secrets(), 'mlflow-kf-db/password': userPassword }, { ...tcp(), HOME: work, WAIT_ATTEMPTS: '2', WAIT_INTERVAL: '0' }));
    };

    it('creates the database and its user, then on a re-run with a rotated secret the new password works and the old one does not', () => {
      const first = setup(KF_PW);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(first.stdout).toContain(`database mlflow_kf and user mlflow_kf are in place on 127.0.0.1:${db.port}\n`);
      expect(db.canLogin('mlflow_kf', KF_PW, 'mlflow_kf')).toBe(true);
      db.sql("CREATE TABLE kept (v varchar(20)); INSERT INTO kept VALUES ('still here')", 'mlflow_kf');

      const rotated = setup(KF_PW_ROTATED);
      expect(rotated.stderr).toBe('');
      expect(rotated.status).toBe(0);
      expect(db.canLogin('mlflow_kf', KF_PW_ROTATED, 'mlflow_kf')).toBe(true);
      expect(db.canLogin('mlflow_kf', KF_PW, 'mlflow_kf')).toBe(false);
      expect(db.sql('SELECT v FROM kept', 'mlflow_kf')).toBe('still here\n');
      // Rights on its own database only.
      expect(db.canLogin('mlflow_kf', KF_PW_ROTATED, 'mlflow')).toBe(false);
    });

    it('fails, without touching anything, when the admin password is wrong', () => {
      const dir = mount(podSpec(job).volumes.find((v: any) => v.configMap).configMap.name);
      const r = run([c.command[0], path.join(dir, path.basename(c.command[1]))],
        resolveEnv(c, { ...secrets(), 'mysql-secret/password': 'wrong', 'mlflow-kf-db/password': 'never set' }, { ...tcp(), HOME: work, WAIT_ATTEMPTS: '2', WAIT_INTERVAL: '0' }));
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("Access denied for user 'dbadmin'");
      expect(r.stderr.endsWith(`MySQL dbadmin@127.0.0.1:${db.port} not ready after 2 attempts\n`)).toBe(true);
      expect(r.stderr).not.toContain('wrong');
      expect(db.canLogin('mlflow_kf', 'never set', 'mlflow_kf')).toBe(false);
    });
  });

  describe('mysql-dump.sh (the MysqlBackup CronJob) and the documented restore', () => {
    const cron = find(objs, 'CronJob', 'mysql-backup');
    const dump = container(cron, 'dump');

    it('dumps the application database as its user, and the restore brings every row back into a fresh database', () => {
      const rows = ['plain', 'quote\'s "double"', 'back\\slash', 'ünïcødé', 'tab\there', 'line\nbreak'];
      db.sql(`CREATE TABLE IF NOT EXISTS experiments (id int AUTO_INCREMENT PRIMARY KEY, name text NOT NULL, score double) CHARACTER SET utf8mb4;
        ${rows.map((r, i) => `INSERT INTO experiments (name, score) VALUES (${lit(r)}, ${i}.5);`).join('\n')}`, 'mlflow');
      const out = path.join(work, 'backup');
      const optionFile = path.join(fs.mkdtempSync(path.join(work, 'client-')), 'my.cnf');
      const r = run(dump.command, resolveEnv(dump, secrets(), { ...tcp(), DUMP_DIR: out, OPTION_FILE: optionFile }));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const files = fs.readdirSync(out);
      expect(files).toEqual([expect.stringMatching(/^mlflow-\d{8}T\d{6}Z\.sql\.gz$/)]);
      expect(fs.statSync(optionFile).mode & 0o777).toBe(0o600);

      // The restore MysqlBackup documents: gunzip -c <file> | mysql --defaults-extra-file=<cnf> <db>,
      // with the option file the dump wrote (its escaping is what the client reads back).
      db.sql("CREATE DATABASE restored CHARACTER SET utf8mb4; GRANT ALL PRIVILEGES ON restored.* TO 'mlflow'@'%';");
      const restore = run(['/bin/bash', '-c', `set -o pipefail; gunzip -c '${path.join(out, files[0])}' | mysql --defaults-extra-file='${optionFile}' --protocol=TCP -h 127.0.0.1 --port=${db.port} restored`], {});
      expect(restore.stderr).toBe('');
      expect(restore.status).toBe(0);
      const select = 'SELECT id, HEX(name), score FROM experiments ORDER BY id';
      const original = db.sql(select, 'mlflow');
      expect(original.split('\n').filter(Boolean)).toHaveLength(rows.length);
      expect(db.sql(select, 'restored')).toBe(original);
      expect(db.sql("INSERT INTO experiments (name) VALUES ('after restore'); SELECT LAST_INSERT_ID()", 'restored')).toBe(`${rows.length + 1}\n`);
    });
  });

  describe('write_db_credentials.py (the TrackingServer\'s db-credentials init container)', () => {
    const deploy = find(objs, 'Deployment', 'mlflow');
    const writer = container(deploy, 'db-credentials');

    const writeAndLogIn = (password: string) => {
      quietSql(`ALTER USER 'mlflow'@'%' IDENTIFIED BY ${lit(password)}`);
      const dir = mount('mlflow-scripts');
      const file = path.join(fs.mkdtempSync(path.join(work, 'cred-')), 'my.cnf');
      const w = run(['python3', path.join(dir, 'write_db_credentials.py')], resolveEnv(writer, { ...secrets(), 'mysql/app': password }, { DB_DRIVER_FILE: file }));
      const login = run(['mysql', `--defaults-extra-file=${file}`, '--protocol=TCP', '-h', '127.0.0.1', `--port=${db.port}`, '-umlflow', 'mlflow', '--batch', '--skip-column-names', '-e', 'SELECT CURRENT_USER()'], {});
      return { w, file, login };
    };

    // The file is for PyMySQL, the driver MLflow uses, which reads it with a RawConfigParser and
    // strips one pair of quotes, nothing else (PyMySQL/PyMySQL, pymysql/optionfile.py `Parser`).
    // PyMySQL is not installed here; the MariaDB client reads such a file alike except for
    // backslash escapes, so these passwords (no backslash) are checked against the real server
    // through it. Backslashes stay covered by the exact-file test in test/apps/scripts.test.ts.
    it.each([' lead and trail ', 'a:b;c#d', 'quote\'s "double"', '="="', 'ünïcødé'])('the option file it writes logs the user (%j) in', (password) => {
      const { w, file, login } = writeAndLogIn(password);
      expect(w.stderr).toBe('');
      expect(w.status).toBe(0);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(login.stderr).toBe('');
      expect(login.stdout).toBe('mlflow@%\n');
      expect(w.stdout + w.stderr).not.toContain(password);
    });

    it('the same file no longer logs in once the server has another password (the check is real)', () => {
      const { file, login } = writeAndLogIn('first pw');
      expect(login.status).toBe(0);
      quietSql(`ALTER USER 'mlflow'@'%' IDENTIFIED BY 'second pw'`);
      const stale = run(['mysql', `--defaults-extra-file=${file}`, '--protocol=TCP', '-h', '127.0.0.1', `--port=${db.port}`, '-umlflow', 'mlflow', '-e', 'SELECT 1'], {});
      expect(stale.status).not.toBe(0);
      expect(stale.stderr).toContain("Access denied for user 'mlflow'");
    });
  });

  it('put no password in the general log or the slow log, though both log every statement', () => {
    const [general, slow] = logFiles().map((f) => fs.readFileSync(f, 'utf8'));
    // Both logs did record the scripts' sessions (their other statements run with logging on in the
    // test's own sessions), and the scripts did create what they create.
    expect(general).toContain('SHOW GRANTS');
    expect(slow).toMatch(/# Query_time: [\d.]+/);
    expect(db.sql("SELECT count(*) FROM mysql.user WHERE user IN ('mlflow', 'mlflow_kf')")).toBe('2\n');
    for (const log of [general, slow]) {
      expect(log).not.toMatch(/IDENTIFIED BY '/);
      for (const pw of [APP_PW, APP_PW_ROTATED, ROOT_PW, KF_PW, KF_PW_ROTATED, ADMIN_PW, 'never set', 'not the root pw']) {
        expect(log).not.toContain(pw);
        expect(log).not.toContain(lit(pw));
      }
    }
  });

  it('put no password in any argument of any command the scripts ran', () => {
    const calls = fs.readFileSync(path.join(shims.dir, 'calls.log'), 'utf8');
    expect(calls).toMatch(/^mysqldump .*--set-gtid-purged=OFF/m);
    expect(calls).toMatch(/^mysql /m);
    for (const pw of [APP_PW, APP_PW_ROTATED, ROOT_PW, KF_PW, KF_PW_ROTATED, ADMIN_PW]) expect(calls).not.toContain(pw);
  });
});
