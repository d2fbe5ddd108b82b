import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { withoutAppChecks } from '../../lib/core/app-checks';
import { Namespace } from '../../lib/core/namespace';
import { SecretValue } from '../../lib/core/secret-value';
import { synthObjects } from '../../lib/synth/synth';
import { Database, DatabaseEngine } from '../../lib/storage/database';
import { MysqlDatabaseSetup, MysqlDatabaseSetupProps } from '../../lib/storage/mysql-database-setup';
import { loadValidator } from '../support/schema';
import { container, envOf, find, podSpec, synthChart } from '../support/synth';
import { needs } from '../support/tools';

const SCRIPT = path.resolve(__dirname, '../../lib/storage/scripts/mysql-create-database.sh');
const mysqlPeer = Peer.externalWorkload({ name: 'mysql', namespace: 'kubeflow', serviceAccount: 'mysql', podLabels: { app: 'mysql' } });

function kubeflowDb(chart: Chart, engine = DatabaseEngine.MYSQL) {
  return Database.fromExisting(chart, 'mysql', {
    engine, host: 'mysql.kubeflow.svc.cluster.local', databaseName: 'mlflow', username: 'mlflow',
    password: SecretValue.fromSecret('mlflow-credentials', 'mysql-password'), peer: mysqlPeer,
  });
}
function build(props: Partial<MysqlDatabaseSetupProps> = {}) {
  // The Job alone, without the policies that admit it at Kubeflow's MySQL (the namespace's default deny,
  // Istio's global-deny-all): the reachability check would refuse it, so the app checks are off.
  const app = new App();
  const chart = new Chart(app, 'test', { namespace: 'kubeflow', disableResourceNameHashes: true });
  new Namespace(chart, 'ns');
  new MysqlDatabaseSetup(chart, 'setup', { database: kubeflowDb(chart), adminPassword: SecretValue.fromSecret('mysql-secret', 'password'), ...props });
  return withoutAppChecks(app, () => synthObjects(app));
}

describe('MysqlDatabaseSetup', () => {
  const objs = build({ mesh: true });
  const job = find(objs, 'Job', 'mlflow-db-setup');
  const c = container(job, 'create-database');

  it('passes both passwords by secret reference, the admin one as MYSQL_PWD, and no secret in the command', () => {
    const env = envOf(c);
    expect(env.MYSQL_PWD).toEqual({ secretKeyRef: { name: 'mysql-secret', key: 'password' } });
    expect(env.DB_PASSWORD).toEqual({ secretKeyRef: { name: 'mlflow-credentials', key: 'mysql-password' } });
    expect(env).toMatchObject({ DB_HOST: 'mysql.kubeflow.svc.cluster.local', DB_PORT: '3306', DB_NAME: 'mlflow', DB_USER: 'mlflow', ADMIN_USER: 'root' });
    expect(c.command).toEqual(['/bin/sh', '/scripts/mysql-create-database.sh']);
    expect(find(objs, 'ConfigMap', 'mlflow-db-setup-script').data).toEqual({
      'mysql-create-database.sh': fs.readFileSync(SCRIPT, 'utf8'), 'lib-wait.sh': fs.readFileSync(path.join(path.dirname(SCRIPT), 'lib-wait.sh'), 'utf8'),
    });
    expect(c.command.join(' ')).not.toMatch(/--password|-p\$|MYSQL_PWD=/);
  });

  it('is a pinned, restricted, bounded Job, in the mesh with a native sidecar when asked', () => {
    expect(c.image).toBe('mysql:8.0.39');
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.resources.limits.memory).toBe('256Mi');
    expect(job.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 900 });
    expect(job.spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/nativeSidecar': 'true' });
    expect(find(build(), 'Job', 'mlflow-db-setup').spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
    expect(podSpec(job).automountServiceAccountToken).toBe(false);
  });

  it('is allowed out to the database only (a declared connection)', () => {
    expect(find(objs, 'NetworkPolicy', 'mlflow-db-setup-egress').spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { app: 'mysql' } } }], ports: [{ protocol: 'TCP', port: 3306 }] },
    ]);
  });

  it('validates strictly', () => {
    const validator = loadValidator();
    expect(objs.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  it('refuses a PostgreSQL database, a string password and a bad admin user', () => {
    const attempt = (f: (chart: Chart) => void) => () => synthChart(f, 'kubeflow');
    expect(attempt((chart) => new MysqlDatabaseSetup(chart, 'setup', { database: kubeflowDb(chart, DatabaseEngine.POSTGRESQL), adminPassword: SecretValue.fromSecret('s', 'k') }))).toThrow(
      'test/setup: database engine must be DatabaseEngine.MYSQL, got "postgresql". Fix: create the database with engine: DatabaseEngine.MYSQL (PostgreSQL has its own setup)');
    expect(attempt((chart) => new MysqlDatabaseSetup(chart, 'setup', { database: kubeflowDb(chart), adminPassword: 'hunter2' as any }))).toThrow(
      'test/setup: adminPassword must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("mysql-secret", "password")');
    expect(attempt((chart) => new MysqlDatabaseSetup(chart, 'setup', { database: kubeflowDb(chart), adminPassword: SecretValue.fromSecret('s', 'k'), adminUser: 'root; DROP' }))).toThrow(
      'test/setup: adminUser must be a MySQL account name (letters, digits, "_", "." or "-", at most 32 characters), got "root; DROP". Fix: leave it unset for "root"');
    expect(attempt((chart) => new MysqlDatabaseSetup(chart, 'setup', { database: 'mysql.kubeflow' as any, adminPassword: SecretValue.fromSecret('s', 'k') }))).toThrow(
      'test/setup: database must be a database (an IDatabase from lib/storage), got "string"');
  });
});

describe('mysql-create-database.sh against a stub mysql', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mysql-stub-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /**
   * A `mysql` that logs its arguments, whether MYSQL_PWD was set, and its stdin; `SELECT 1` fails
   * until the FAILS-th call has passed (a server that is still starting).
   */
  function run(env: Record<string, string>, failConnects = 0) {
    const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
    fs.writeFileSync(path.join(dir, 'mysql'), [
      '#!/bin/sh',
      'echo "ARGS $*" >> "$LOG"',
      'echo "PWD_SET ${MYSQL_PWD+yes}" >> "$LOG"',
      'case "$*" in *"SELECT 1"*)',
      '  n=$(cat "$COUNT" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$COUNT"',
      '  [ "$n" -gt "$FAILS" ] || { echo "ERROR 2003: cannot connect" >&2; exit 1; }; exit 0 ;;',
      'esac',
      'echo "STDIN" >> "$LOG"; cat >> "$LOG"',
    ].join('\n'), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'sleep'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const log = path.join(dir, 'log');
    // Run as the Job does: the script file, with lib-wait.sh beside it.
    const r = spawnSync('/bin/sh', [SCRIPT], {
      encoding: 'utf8',
      env: {
        PATH: `${dir}:/usr/bin:/bin`, LOG: log, COUNT: path.join(dir, 'count'), FAILS: String(failConnects),
        DB_HOST: 'mysql.kubeflow.svc.cluster.local', DB_PORT: '3306', DB_NAME: 'mlflow', DB_USER: 'mlflow', ADMIN_USER: 'root',
        MYSQL_PWD: 'admin-secret', DB_PASSWORD: "o'brien\\x", WAIT_ATTEMPTS: '3', ...env,
      },
    });
    return { ...r, log: fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '' };
  }

  it('waits for the server, then creates database, user and grants idempotently, the password only on stdin', () => {
    const r = run({}, 2);
    expect(r.stderr).toContain('cannot connect');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('waiting for MySQL root@mysql.kubeflow.svc.cluster.local:3306 (2)');
    const sql = r.log.slice(r.log.indexOf('STDIN') + 'STDIN'.length).trim().split('\n');
    // The session's general and slow logging goes off before any statement that carries the password.
    expect(sql).toEqual([
      'SET SESSION sql_log_off = ON;',
      'SET SESSION long_query_time = 31536000;',
      "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '');",
      'CREATE DATABASE IF NOT EXISTS `mlflow` CHARACTER SET utf8mb4;',
      "CREATE USER IF NOT EXISTS 'mlflow'@'%' IDENTIFIED BY 'o\\'brien\\\\x';",
      "ALTER USER 'mlflow'@'%' IDENTIFIED BY 'o\\'brien\\\\x';",
      "GRANT ALL PRIVILEGES ON `mlflow`.* TO 'mlflow'@'%';",
    ]);
    // No password in any argument list; the admin password reached every mysql call through MYSQL_PWD.
    const args = r.log.split('\n').filter((l) => l.startsWith('ARGS'));
    expect(args.length).toBe(4);
    expect(args.join('\n')).not.toMatch(/admin-secret|brien|--password/);
    expect(args[0]).toBe('ARGS --protocol=TCP --host=mysql.kubeflow.svc.cluster.local --port=3306 --user=root --batch --skip-column-names --connect-timeout=5 -e SELECT 1');
    expect(r.log.split('\n').filter((l) => l.startsWith('PWD_SET'))).toEqual(Array(4).fill('PWD_SET yes'));
  });

  it('fails after WAIT_ATTEMPTS when the server never answers, without creating anything', () => {
    const r = run({}, 100);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('MySQL root@mysql.kubeflow.svc.cluster.local:3306 not ready after 3 attempts');
    expect(r.log).not.toContain('STDIN');
  });

  it('fails when the SQL fails', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'fail-'));
    fs.writeFileSync(path.join(dir, 'mysql'), '#!/bin/sh\ncase "$*" in *"SELECT 1"*) exit 0 ;; esac\ncat >/dev/null; echo "ERROR 1227: Access denied" >&2; exit 1\n', { mode: 0o755 });
    // Run as the Job does: the script file, with lib-wait.sh beside it.
    const r = spawnSync('/bin/sh', [SCRIPT], {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin`, DB_HOST: 'h', DB_PORT: '3306', DB_NAME: 'mlflow', DB_USER: 'mlflow', ADMIN_USER: 'root', DB_PASSWORD: 'p' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Access denied');
    expect(r.stdout).not.toContain('are in place');
  });

  it('refuses identifiers that are not SQL identifiers and a missing password', () => {
    expect(run({ DB_NAME: 'mlflow`; DROP' }).status).toBe(2);
    const r = run({ DB_PASSWORD: '' });
    expect(r.status).not.toBe(0);
    expect(r.log).toBe('');
  });

  it('parses with sh -n', () => {
    expect(spawnSync('/bin/sh', ['-n', SCRIPT], { encoding: 'utf8' }).status).toBe(0);
  });

  it.skipIf(!needs('shellcheck'))('passes shellcheck', () => {
    const r = spawnSync('shellcheck', ['-x', SCRIPT], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
