import { Duration, Size } from 'cdk8s';
import { DayOfWeek, Schedule } from '../../lib/core/schedule';
import { describe, expect, it } from 'vitest';
import { BackupDestination, BackupOptions } from '../../lib/storage/backup';
import { ObjectStore } from '../../lib/storage/object-store';
import { Postgres } from '../../lib/storage/postgres';
import { PostgresBackup } from '../../lib/storage/postgres-backup';
import { container, envOf, exactly, find, podSpec, secretRef, synthChart } from '../support/synth';

const creds = { accessKeyId: secretRef('backup-s3', 'access-key'), secretAccessKey: secretRef('backup-s3', 'secret-key') };
const postgres = (chart: any, backup: BackupOptions | undefined) => new Postgres(chart, 'db', {
  superuserPassword: secretRef('pg', 'superuser'),
  database: { password: secretRef('pg', 'app') },
  backup,
});

describe('PostgresBackup to a volume', () => {
  const objs = synthChart((chart) => postgres(chart, { destination: BackupDestination.volume({ size: Size.gibibytes(30), storageClass: 'standard' }) }));
  const cron = find(objs, 'CronJob', 'postgresql-backup');
  const dump = container(cron, 'dump');
  const script = dump.command[2];

  it('runs nightly at 02:00 UTC, never twice at once', () => {
    expect(cron.spec).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
  });

  it('runs pg_dump as the application role into the PVC and prunes old dumps', () => {
    expect(dump.image).toBe('postgres:16.15-alpine');
    // lib/storage/scripts/pg-dump.sh, run against stubs in test/apps/scripts.test.ts.
    expect(script).toContain('pg_dump --format=custom --no-owner --file="$file"');
    expect(script).toContain('find "$DUMP_DIR" -name \'*.dump\' -mmin +"$((RETENTION_DAYS * 1440))" -delete');
    expect(envOf(dump)).toEqual({
      PGHOST: 'postgresql.test.svc.cluster.local', PGPORT: '5432', PGDATABASE: 'mlflow', PGUSER: 'mlflow',
      PGPASSWORD: { secretKeyRef: { name: 'pg', key: 'app' } },
      DUMP_DIR: '/backup/mlflow', RETENTION_DAYS: '7',
    });
  });

  it('writes to a PersistentVolumeClaim of the requested size and class', () => {
    expect(find(objs, 'PersistentVolumeClaim', 'postgresql-backup').spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '30Gi' } },
    });
    expect(podSpec(cron).volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'postgresql-backup' } });
    expect(dump.volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup' });
  });

  it('may connect to the database on 5432', () => {
    expect(find(objs, 'NetworkPolicy', 'postgresql-backup-egress').spec.egress).toEqual([{
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': 'postgresql', 'app.kubernetes.io/component': 'database' } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    }]);
  });

  it('matches the snapshot', () => {
    expect(objs.filter((o) => o.metadata.name === 'postgresql-backup' || o.metadata.name === 'postgresql-backup-egress')).toMatchSnapshot();
  });
});

describe('PostgresBackup to a bucket', () => {
  const objs = synthChart((chart) => {
    const s3 = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.eu-west-1.amazonaws.com', credentials: creds });
    postgres(chart, { destination: BackupDestination.bucket(s3.bucket('acme-backups'), '/pg/'), schedule: Schedule.weekly({ day: DayOfWeek.SUNDAY, hour: 1, minute: 30, timeZone: 'Europe/Berlin' }), retention: Duration.days(30) });
  });
  const cron = find(objs, 'CronJob', 'postgresql-backup');

  it('dumps in an init container and uploads with mc, deleting dumps older than the retention', () => {
    expect(cron.spec).toMatchObject({ schedule: '30 1 * * 0', timeZone: 'Europe/Berlin' });
    expect(envOf(container(cron, 'dump'))).toMatchObject({ DUMP_DIR: '/work' });
    expect(envOf(container(cron, 'dump')).RETENTION_DAYS).toBeUndefined();
    expect(podSpec(cron).initContainers.map((c: any) => c.name)).toEqual(['dump']);
    const upload = container(cron, 'upload');
    expect(upload.command[2]).toContain('mc find "$DEST/" --name \'*.dump\' --older-than "${RETENTION_DAYS}d" --exec \'mc rm {}\'');
    expect(envOf(upload)).toEqual({
      DST_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
      DST_ACCESS_KEY_ID: { secretKeyRef: { name: 'backup-s3', key: 'access-key' } },
      DST_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'backup-s3', key: 'secret-key' } },
      MC_CONFIG_DIR: '/tmp/.mc',
      DEST: 'dst/acme-backups/pg/mlflow', RETENTION_DAYS: '30',
    });
    expect(upload.volumeMounts).toContainEqual({ name: 'work', mountPath: '/work', readOnly: true });
  });

  it('renders no PVC and opens egress to the store', () => {
    expect(objs.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(find(objs, 'NetworkPolicy', 'postgresql-backup-egress').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  it('uses a default retention of 7 days', () => {
    const objs2 = synthChart((chart) => {
      const s3 = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.example.com', credentials: creds });
      postgres(chart, { destination: BackupDestination.bucket(s3.bucket('backups')) });
    });
    expect(envOf(container(find(objs2, 'CronJob', 'postgresql-backup'), 'upload'))).toMatchObject({ DEST: 'dst/backups/mlflow', RETENTION_DAYS: '7' });
  });

  it('matches the snapshot', () => {
    expect(cron).toMatchSnapshot();
  });
});

describe('PostgresBackup validation', () => {
  const volume = BackupDestination.volume({ size: Size.gibibytes(1) });

  it('checks the schedule is a Schedule (a string gets the Schedule.cron call to write)', () => {
    expect(() => synthChart((chart) => postgres(chart, { destination: volume, schedule: 'daily' as never }))).toThrowError(exactly(
      'test/db/Backup: backup.schedule must be a Schedule, not a string, got "daily". Fix: write schedule: Schedule.daily({ hour: 2 }) or Schedule.cron("0 2 * * *")'));
    expect(() => synthChart((chart) => postgres(chart, { destination: volume, schedule: '30 1 * * 0' as never }))).toThrowError(exactly(
      'test/db/Backup: backup.schedule must be a Schedule, not a string, got "30 1 * * 0". Fix: write schedule: Schedule.cron("30 1 * * 0")'));
  });

  it('refuses the removed timeZone and retentionDays props rather than ignoring them', () => {
    expect(() => synthChart((chart) => postgres(chart, { destination: volume, timeZone: 'Europe/Berlin' } as never))).toThrowError(exactly(
      'test/db/Backup: backup.timeZone is no longer a prop, got "Europe/Berlin". Fix: set the time zone in the schedule, as in schedule: Schedule.daily({ hour: 2, timeZone: "Europe/Berlin" })'));
    expect(() => synthChart((chart) => postgres(chart, { destination: volume, retentionDays: 30 } as never))).toThrowError(exactly(
      'test/db/Backup: backup.retentionDays is no longer a prop, got 30. Fix: write retention: Duration.days(30)'));
  });

  it('refuses a destination that is not a BackupDestination, and a bucket that is a string', () => {
    expect(() => synthChart((chart) => postgres(chart, { destination: { bucketRef: undefined, prefix: '', volumeProps: { size: '1Gi' } } as never }))).toThrowError(exactly(
      'test/db/Backup: backup.destination must be a BackupDestination, got a plain object. Fix: pass BackupDestination.bucket(store.bucket("backups")) or BackupDestination.volume({ size: Size.gibibytes(20) })'));
    expect(() => BackupDestination.bucket('backups' as never)).toThrowError(exactly(
      'BackupDestination.bucket: bucket must be a bucket of an object store, got "backups". Fix: pass store.bucket("backups") or minio.addBucket("backups")'));
  });

  it('checks the retention', () => {
    expect(() => synthChart((chart) => postgres(chart, { destination: volume, retention: Duration.hours(36) }))).toThrowError(exactly(
      'test/db/Backup: backup.retention must be a whole number of days from 1 to 3650, got "1 day 12 hours". Fix: pass Duration.days(n) with n from 1 to 3650'));
    expect(() => synthChart((chart) => postgres(chart, { destination: volume, retention: Duration.days(0) }))).toThrowError(exactly(
      'test/db/Backup: backup.retention must be a whole number of days from 1 to 3650, got "0 days". Fix: pass Duration.days(n) with n from 1 to 3650'));
    expect(() => synthChart((chart) => postgres(chart, { destination: volume, retention: 7 as never }))).toThrowError(exactly(
      'test/db/Backup: backup.retention must be a Duration, not a number, got 7. Fix: write retention: Duration.days(7)'));
  });

  it('checks the volume size', () => {
    expect(() => BackupDestination.volume({ size: 'big' as never })).toThrowError(exactly(
      'BackupDestination.volume: size must be a Size, not a string, got "big". Fix: write size: Size.gibibytes(20)'));
    expect(() => BackupDestination.volume({ size: '30Gi' as never })).toThrowError(exactly(
      'BackupDestination.volume: size must be a Size, not a string, got "30Gi". Fix: write size: Size.gibibytes(30)'));
    expect(() => BackupDestination.volume({} as never)).toThrowError(exactly(
      'BackupDestination.volume: size is required, got undefined. Fix: pass size: Size.gibibytes(20)'));
    expect(BackupDestination.volume({ size: Size.mebibytes(1536) }).volumeProps).toEqual({ size: '1536Mi', storageClass: undefined });
    expect(BackupDestination.volume({ size: Size.tebibytes(2) }).volumeProps?.size).toBe('2Ti');
  });

  it('checks the bucket prefix, which ends up in shell commands', () => {
    synthChart((chart) => {
      const s3 = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.example.com' });
      expect(() => BackupDestination.bucket(s3.bucket('backups'), 'pg; rm -rf /')).toThrowError(exactly(
        'BackupDestination.bucket: prefix must be lower-case letters, digits, ".", "_", "-" and "/" (it is used in shell commands), got "pg; rm -rf /". Fix: use a prefix such as "postgresql/nightly"'));
      expect(() => BackupDestination.bucket(s3.bucket('backups'), 'a/../b')).toThrow('prefix must be lower-case letters');
      expect(BackupDestination.bucket(s3.bucket('backups'), '/postgresql/nightly/').path('mlflow')).toBe('dst/backups/postgresql/nightly/mlflow');
    });
  });

  it('needs access keys on a bucket destination', () => {
    expect(() => synthChart((chart) => {
      const gcs = ObjectStore.fromExisting(chart, 'gcs', { endpointUrl: 'https://storage.googleapis.com' });
      postgres(chart, { destination: BackupDestination.bucket(gcs.bucket('backups')) });
    })).toThrowError(exactly(
      'test/db/Backup: backup.destination must be an object store with access keys for mc-based jobs, got "https://storage.googleapis.com". Fix: pass credentials: { accessKeyId, secretAccessKey } to the object store'));
  });

  it('can be declared on its own for a database construct', () => {
    const objs = synthChart((chart) => {
      const db = postgres(chart, undefined);
      new PostgresBackup(chart, 'nightly', { database: db, destination: volume, partOf: 'mlops' });
    });
    expect(find(objs, 'CronJob', 'postgresql-backup').metadata.labels['app.kubernetes.io/part-of']).toBe('mlops');
  });
});
