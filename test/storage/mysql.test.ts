import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupDestination } from '../../lib/storage/backup';
import { CloudObjectStore, WorkloadIdentity } from '../../lib/storage/cloud-object-store';
import { Mysql } from '../../lib/storage/mysql';
import { ObjectStore } from '../../lib/storage/object-store';
import { loadValidator } from '../support/schema';
import { container, envOf, exactly, find, podSpec, secretRef, synthChart } from '../support/synth';
import { needs } from '../support/tools';
import { SyncWave, syncWaveOf } from '../../lib/synth/sync-waves';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = (prefix: string) => { const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix)); temps.push(d); return d; };
const SCRIPTS = path.resolve(__dirname, '../../lib/storage/scripts');
const mysql = (chart: any, extra: Record<string, unknown> = {}) => new Mysql(chart, 'db', {
  rootPassword: secretRef('mysql', 'root'),
  database: { password: secretRef('mysql', 'app') },
  ...extra,
});

describe('Mysql', () => {
  const objs = synthChart((chart) => mysql(chart));
  const sts = find(objs, 'StatefulSet', 'mysql');
  const c = container(sts, 'mysql');

  it('runs the pinned official 8.4 LTS image as uid 999 with a read-only root filesystem', () => {
    expect(c.image).toBe('mysql:8.4.6');
    expect(c.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(podSpec(sts).securityContext).toMatchObject({ fsGroup: 999, runAsNonRoot: true });
    expect(c.args).toEqual(['mysqld', '--datadir=/var/lib/mysql/data']);
  });

  it('takes every credential from secret references', () => {
    expect(envOf(c)).toEqual({
      MYSQL_ROOT_PASSWORD: { secretKeyRef: { name: 'mysql', key: 'root' } },
      APP_DATABASE: 'mlflow', APP_USER: 'mlflow',
      APP_PASSWORD: { secretKeyRef: { name: 'mysql', key: 'app' } },
    });
  });

  describe('the app-setup Job, which keeps the application user in step with its Secret', () => {
    const job = find(objs, 'Job', 'mysql-app-setup');
    const setup = container(job, 'create-database');
    const labels = (instance: string, component: string) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mysql', 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': component } } });

    it('runs on every sync, after the StatefulSet is healthy and before the servers', () => {
      expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
      expect([syncWaveOf(sts), syncWaveOf(job)]).toEqual([SyncWave.DATA, SyncWave.SETUP]);
      expect(SyncWave.DATA.value < SyncWave.SETUP.value && SyncWave.SETUP.value < SyncWave.SERVERS.value).toBe(true);
    });

    it('is the MysqlDatabaseSetup script, as root; both passwords are secretKeyRefs and none is an argument', () => {
      expect(setup.command).toEqual(['/bin/sh', '/scripts/mysql-create-database.sh']);
      expect(find(objs, 'ConfigMap', 'mysql-app-setup-script').data['mysql-create-database.sh']).toBe(fs.readFileSync(path.join(SCRIPTS, 'mysql-create-database.sh'), 'utf8'));
      expect(envOf(setup)).toEqual({
        DB_HOST: 'mysql.test.svc.cluster.local', DB_PORT: '3306', DB_NAME: 'mlflow', DB_USER: 'mlflow',
        DB_PASSWORD: { secretKeyRef: { name: 'mysql', key: 'app' } },
        ADMIN_USER: 'root', MYSQL_PWD: { secretKeyRef: { name: 'mysql', key: 'root' } }, HOME: '/tmp',
      });
      expect(setup.args).toBeUndefined();
      expect(setup.image).toMatch(/^mysql:\d+\.\d+\.\d+$/);
    });

    it('is Pod Security restricted, with requests and a memory limit, and the graph lets it reach the server alone', () => {
      expect(podSpec(job).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, seccompProfile: { type: 'RuntimeDefault' } });
      expect(setup.securityContext).toMatchObject({ runAsNonRoot: true, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(setup.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } });
      expect(find(objs, 'NetworkPolicy', 'mysql-ingress').spec.ingress).toEqual([{ from: [labels('mysql-app-setup', 'database-setup')], ports: [{ protocol: 'TCP', port: 3306 }] }]);
      expect(find(objs, 'NetworkPolicy', 'mysql-app-setup-egress').spec.egress).toContainEqual({ to: [labels('mysql', 'database')], ports: [{ protocol: 'TCP', port: 3306 }] });
      expect(loadValidator().validateAll(objs)).toEqual([]);
    });
  });

  it('probes with mysqladmin ping over TCP and no password in argv', () => {
    const ping = ['mysqladmin', 'ping', '--protocol=TCP', '--host=127.0.0.1', '--port=3306', '--connect-timeout=3', '--silent'];
    for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) expect(p.exec.command).toEqual(ping);
    expect(JSON.stringify([c.livenessProbe, c.readinessProbe, c.startupProbe])).not.toMatch(/"-p|--password|MYSQL_PWD/);
  });

  it('has sized emptyDirs for the socket, secure-file-priv and tmp directories', () => {
    const vols = Object.fromEntries(podSpec(sts).volumes.map((v: any) => [v.name, v]));
    expect(vols['w-var-run-mysqld'].emptyDir).toEqual({ sizeLimit: '16Mi' });
    expect(vols['w-var-lib-mysql-files'].emptyDir).toEqual({ sizeLimit: '1Gi' });
    expect(vols['w-tmp'].emptyDir).toEqual({ sizeLimit: '2Gi' });
    expect(vols.initdb.configMap).toEqual({ name: 'mysql-initdb', defaultMode: 0o444 });
  });

  it('keeps its volume when deleted and serves on 3306', () => {
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(find(objs, 'Service', 'mysql').spec.ports).toEqual([{ name: 'mysql', port: 3306, targetPort: 'mysql', protocol: 'TCP' }]);
  });

  it('ships the init script from its file', () => {
    expect(find(objs, 'ConfigMap', 'mysql-initdb').data['10-app-database.sh']).toBe(fs.readFileSync(path.join(SCRIPTS, 'mysql-initdb-app.sh'), 'utf8'));
  });

  it('validates strictly', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('refuses a string password, root as the app user, and a partial version', () => {
    expect(() => synthChart((chart) => new Mysql(chart, 'db', { rootPassword: 'hunter2' as any, database: { password: secretRef('m', 'p') } })))
      .toThrowError(exactly('test/db: rootPassword must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("mysql", "root-password") or an ExternalSecret value'));
    expect(() => synthChart((chart) => mysql(chart, { database: { user: 'root', password: secretRef('m', 'p') } })))
      .toThrowError(exactly('test/db: database.user must differ from the administrator "root" (the application gets a user of its own), got "root". Fix: use an application user such as "mlflow"'));
    // shared with Postgres (DatabaseServer): the application user cannot log in as root
    expect(() => synthChart((chart) => mysql(chart, { rootPassword: secretRef('m', 'p'), database: { password: secretRef('m', 'p') } })))
      .toThrowError(exactly('test/db: database.password must not be the same Secret key as rootPassword (the application user must not be able to log in as root), got <redacted>. Fix: give the application user its own key, such as SecretValue.fromSecret("mysql", "password")'));
    expect(() => synthChart((chart) => mysql(chart, { version: '8.4' })))
      .toThrowError(exactly('test/db: version must be a full MySQL 8.0, 8.4 or 9.x version such as "8.4.6", got "8.4". Fix: pass version: "8.4.6"'));
    expect(() => synthChart((chart) => mysql(chart, { version: '8.4.6', image: 'mirror/mysql:8.4.6' })))
      .toThrowError(exactly('test/db: version conflicts with image (the image already fixes the version), got "8.4.6". Fix: remove version, or remove image to use mysql:<version>'));
  });
});

describe('MysqlBackup', () => {
  it('to a volume: mysqldump into the PVC, pruned after the retention', () => {
    const objs = synthChart((chart) => mysql(chart, { backup: { destination: BackupDestination.volume({ size: Size.gibibytes(20) }), retention: Duration.days(3) } }));
    const cron = find(objs, 'CronJob', 'mysql-backup');
    const dump = container(cron, 'dump');
    expect(dump.image).toBe('mysql:8.4.6');
    expect(dump.command.slice(0, 2)).toEqual(['/bin/bash', '-c']);
    expect(dump.command[2]).toBe(fs.readFileSync(path.join(SCRIPTS, 'mysql-dump.sh'), 'utf8'));
    expect(envOf(dump)).toEqual({
      DB_HOST: 'mysql.test.svc.cluster.local', DB_PORT: '3306', DB_NAME: 'mlflow', DB_USER: 'mlflow',
      MYSQL_BACKUP_PASSWORD: { secretKeyRef: { name: 'mysql', key: 'app' } },
      DUMP_DIR: '/backup/mlflow', OPTION_FILE: '/run/mysql-client/backup.cnf', RETENTION_MINUTES: '4320',
    });
    expect(podSpec(cron).volumes).toContainEqual({ name: 'client-config', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    expect(find(objs, 'NetworkPolicy', 'mysql-backup-egress').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 3306 }]);
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('to a bucket with keys: dump in an init container, mc uploads', () => {
    const objs = synthChart((chart) => {
      const s3 = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.eu-west-1.amazonaws.com', credentials: { accessKeyId: secretRef('b', 'id'), secretAccessKey: secretRef('b', 'key') } });
      mysql(chart, { backup: { destination: BackupDestination.bucket(s3.bucket('backups'), 'nightly') } });
    });
    const cron = find(objs, 'CronJob', 'mysql-backup');
    expect(envOf(container(cron, 'dump')).DUMP_DIR).toBe('/work');
    const upload = container(cron, 'upload');
    expect(upload.image).toMatch(/^quay\.io\/minio\/mc:/);
    expect(envOf(upload)).toMatchObject({ DEST: 'dst/backups/nightly/mlflow', PATTERN: '*.sql.gz', RETENTION_DAYS: '7', DST_ACCESS_KEY_ID: { secretKeyRef: { name: 'b', key: 'id' } } });
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('to S3 with IRSA: the AWS CLI, no keys, the role on the ServiceAccount', () => {
    const objs = synthChart((chart) => {
      const s3 = CloudObjectStore.s3(chart, 's3', { region: 'eu-west-1', identity: WorkloadIdentity.irsa('arn:aws:iam::123456789012:role/mlflow-backup') });
      mysql(chart, { backup: { destination: BackupDestination.bucket(s3.bucket('backups')) } });
    });
    const cron = find(objs, 'CronJob', 'mysql-backup');
    const upload = container(cron, 'upload');
    expect(upload.image).toBe('amazon/aws-cli:2.27.50');
    expect(envOf(upload)).toEqual({ BUCKET: 'backups', PREFIX: 'mlflow', PATTERN: '*.sql.gz', RETENTION_DAYS: '7', AWS_DEFAULT_REGION: 'eu-west-1', HOME: '/tmp' });
    expect(find(objs, 'ServiceAccount', 'mysql-backup').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/mlflow-backup' });
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('refuses backup options without a destination, and backup options that are not an object', () => {
    expect(() => synthChart((chart) => mysql(chart, { backup: {} }))).toThrowError(exactly(
      'test/db/Backup: backup.destination must be a BackupDestination, got undefined. Fix: pass BackupDestination.bucket(store.bucket("backups")) or BackupDestination.volume({ size: Size.gibibytes(20) })'));
    expect(() => synthChart((chart) => mysql(chart, { backup: 'nightly' }))).toThrowError(exactly(
      'test/db: backup must be backup options (an object), got "nightly". Fix: pass backup: { destination: BackupDestination.volume({ size: Size.gibibytes(20) }) }'));
    expect(() => synthChart((chart) => mysql(chart, { backup: { destination: BackupDestination.volume({ size: Size.gibibytes(20) }), schedule: '0 2 * * *' } }))).toThrowError(exactly(
      'test/db/Backup: backup.schedule must be a Schedule, not a string, got "0 2 * * *". Fix: write schedule: Schedule.cron("0 2 * * *")'));
  });

  it('refuses a GCS bucket with the reason', () => {
    expect(() => synthChart((chart) => {
      const gcs = CloudObjectStore.gcs(chart, 'gcs', { identity: WorkloadIdentity.gke('mlflow@my-project.iam.gserviceaccount.com') });
      mysql(chart, { backup: { destination: BackupDestination.bucket(gcs.bucket('backups')) } });
    })).toThrowError(exactly('test/db/Backup: backup.destination is a GCP bucket, which backup jobs cannot write with a workload identity (the gcloud and az CLI images are 0.5 to 1.2 GB, and az needs a federated login step), got "backups". Fix: back up to BackupDestination.volume({ size: Size.gibibytes(20) }) or to an S3-compatible bucket with keys'));
  });
});

/** A directory of stub commands that log their argv (and stdin) to $STUB_LOG. */
function stubs(names: Record<string, string>): string {
  const dir = tmp('mysql-stubs-');
  for (const [name, body] of Object.entries(names)) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/bash\necho "${name} $*" >>"$STUB_LOG"\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

describe('mysql scripts against stubs', () => {
  it.skipIf(!needs('shellcheck'))('all pass shellcheck', () => {
    execFileSync('shellcheck', ['-s', 'bash', 'mysql-initdb-app.sh', 'mysql-dump.sh'], { cwd: SCRIPTS });
    execFileSync('shellcheck', ['dump-upload-mc.sh', 'dump-upload-aws.sh'], { cwd: SCRIPTS });
  });

  it('init script sends quoted SQL on stdin, never the password in argv', () => {
    const work = tmp('mysql-init-');
    const log = path.join(work, 'log');
    const sql = path.join(work, 'sql');
    const r = spawnSync('bash', ['-c', `docker_process_sql() { echo "docker_process_sql $*" >>"$STUB_LOG"; cat >"${sql}"; }\n. "${SCRIPTS}/mysql-initdb-app.sh"`], {
      env: { PATH: process.env.PATH, STUB_LOG: log, APP_DATABASE: 'mlflow', APP_USER: 'mlflow', APP_PASSWORD: "it's a \\secret" }, encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(log, 'utf8')).toBe('docker_process_sql --database=mysql\n');
    // The session's general and slow logging goes off before the statement that carries the password.
    expect(fs.readFileSync(sql, 'utf8')).toBe([
      'SET SESSION sql_log_off = ON;',
      'SET SESSION long_query_time = 31536000;',
      'CREATE DATABASE IF NOT EXISTS `mlflow` CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;',
      "CREATE USER IF NOT EXISTS 'mlflow'@'%' IDENTIFIED BY 'it\\'s a \\\\secret';",
      "GRANT ALL PRIVILEGES ON `mlflow`.* TO 'mlflow'@'%';",
      'FLUSH PRIVILEGES;', '',
    ].join('\n'));
  });

  const dumpEnv = (work: string, bin: string, extra: Record<string, string> = {}) => ({
    PATH: `${bin}:${process.env.PATH}`, STUB_LOG: path.join(work, 'log'), DB_HOST: 'mysql', DB_PORT: '3306', DB_NAME: 'mlflow', DB_USER: 'mlflow',
    MYSQL_BACKUP_PASSWORD: 'p"w\\1', DUMP_DIR: path.join(work, 'dumps'), OPTION_FILE: path.join(work, 'backup.cnf'), ...extra,
  });

  it('dump writes a gzip file, the password only in a 0600 option file, and prunes old dumps', () => {
    const work = tmp('mysql-dump-');
    const bin = stubs({ mysqldump: 'echo "-- dump of $*"' });
    fs.mkdirSync(path.join(work, 'dumps'));
    const old = path.join(work, 'dumps', 'mlflow-20000101T000000Z.sql.gz');
    fs.writeFileSync(old, '');
    fs.utimesSync(old, new Date('2000-01-01'), new Date('2000-01-01'));
    const r = spawnSync('bash', [path.join(SCRIPTS, 'mysql-dump.sh')], { env: dumpEnv(work, bin, { RETENTION_MINUTES: '4320' }), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const log = fs.readFileSync(path.join(work, 'log'), 'utf8');
    expect(log).toContain(`mysqldump --defaults-extra-file=${path.join(work, 'backup.cnf')} --host=mysql --port=3306 --protocol=TCP --single-transaction --no-tablespaces`);
    expect(log).not.toContain('p"w');
    const cnf = path.join(work, 'backup.cnf');
    expect(fs.readFileSync(cnf, 'utf8')).toBe('[client]\nuser="mlflow"\npassword="p\\"w\\\\1"\n');
    expect(fs.statSync(cnf).mode & 0o777).toBe(0o600);
    const files = fs.readdirSync(path.join(work, 'dumps'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^mlflow-\d{8}T\d{6}Z\.sql\.gz$/);
    expect(execFileSync('gunzip', ['-c', path.join(work, 'dumps', files[0])], { encoding: 'utf8' })).toContain('-- dump of');
  });

  it('dump fails and leaves no file when mysqldump fails', () => {
    const work = tmp('mysql-dump-');
    const bin = stubs({ mysqldump: 'echo "Access denied" >&2; exit 2' });
    const r = spawnSync('bash', [path.join(SCRIPTS, 'mysql-dump.sh')], { env: dumpEnv(work, bin), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('mysqldump of mlflow failed');
    expect(fs.readdirSync(path.join(work, 'dumps'))).toEqual([]);
  });

  it('aws upload copies each dump and deletes keys older than the retention; fails on an upload error', () => {
    const work = tmp('aws-up-');
    const bin = stubs({ aws: 'if [ "$1" = s3api ]; then printf "mlflow/old-1.sql.gz\\tmlflow/old-2.sql.gz\\n"; fi\n[ "${FAIL_CP:-}" = 1 ] && [ "$2" = cp ] && exit 1\nexit 0' });
    const dumps = path.join(work, 'work');
    fs.mkdirSync(dumps);
    fs.writeFileSync(path.join(dumps, 'mlflow-1.sql.gz'), '');
    const script = fs.readFileSync(path.join(SCRIPTS, 'dump-upload-aws.sh'), 'utf8').replace(/\/work\//g, `${dumps}/`);
    const env = { PATH: `${bin}:${process.env.PATH}`, STUB_LOG: path.join(work, 'log'), BUCKET: 'backups', PREFIX: 'mlflow', PATTERN: '*.sql.gz', RETENTION_DAYS: '7' };
    const ok = spawnSync('sh', ['-c', script], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const log = fs.readFileSync(path.join(work, 'log'), 'utf8').split('\n');
    expect(log[0]).toBe(`aws s3 cp --only-show-errors ${dumps}/mlflow-1.sql.gz s3://backups/mlflow/`);
    expect(log[1]).toMatch(/^aws s3api list-objects-v2 --bucket backups --prefix mlflow\/ --query Contents\[\?LastModified<'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'\]\.Key --output text$/);
    expect(log.slice(2, 4)).toEqual(['aws s3 rm --only-show-errors s3://backups/mlflow/old-1.sql.gz', 'aws s3 rm --only-show-errors s3://backups/mlflow/old-2.sql.gz']);
    const bad = spawnSync('sh', ['-c', script], { env: { ...env, FAIL_CP: '1' }, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
  });
  it('mc upload reaches the store through MC_HOST_dst, no key in any argv; fails on an upload error or a key mc cannot carry', () => {
    const work = tmp('mc-up-');
    const bin = stubs({ mc: 'echo "host=$MC_HOST_dst" >>"$STUB_LOG"\n[ "${FAIL_CP:-}" = 1 ] && [ "$1" = cp ] && exit 1\nexit 0' });
    const script = fs.readFileSync(path.join(SCRIPTS, 'dump-upload-mc.sh'), 'utf8');
    const env = {
      PATH: `${bin}:${process.env.PATH}`, STUB_LOG: path.join(work, 'log'), DEST: 'dst/backups/mlflow', PATTERN: '*.sql.gz', RETENTION_DAYS: '7',
      DST_ENDPOINT: 'https://s3.example.com', DST_ACCESS_KEY_ID: 'backup-access-id', DST_SECRET_ACCESS_KEY: 'backup-secret-key',
    };
    const ok = spawnSync('sh', ['-c', script], { env, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const log = fs.readFileSync(path.join(work, 'log'), 'utf8').trim().split('\n');
    expect(log.filter((l) => l.startsWith('mc ')).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['mc cp', 'mc find']);
    expect(log.filter((l) => l.startsWith('host='))).toEqual(['host=https://backup-access-id:backup-secret-key@s3.example.com', 'host=https://backup-access-id:backup-secret-key@s3.example.com']);
    for (const l of log.filter((x) => x.startsWith('mc '))) expect(l).not.toMatch(/backup-(access-id|secret-key)/);
    expect(spawnSync('sh', ['-c', script], { env: { ...env, FAIL_CP: '1' }, encoding: 'utf8' }).status).not.toBe(0);
    const colon = spawnSync('sh', ['-c', script], { env: { ...env, DST_ACCESS_KEY_ID: 'a:b' }, encoding: 'utf8' });
    expect(colon.status).toBe(1);
    expect(colon.stderr).toBe('the DST keys must not contain ":" (mc\'s MC_HOST_dst cannot carry it)\n');
  });
});
