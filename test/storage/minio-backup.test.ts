import { Size } from 'cdk8s';
import { Schedule } from '../../lib/core/schedule';
import { describe, expect, it } from 'vitest';
import { BackupDestination } from '../../lib/storage/backup';
import { Minio } from '../../lib/storage/minio';
import { MinioBackup } from '../../lib/storage/minio-backup';
import { ObjectStore } from '../../lib/storage/object-store';
import { container, envOf, exactly, find, podSpec, secretRef, synthChart } from '../support/synth';

const rootCredentials = { accessKeyId: secretRef('minio', 'root-user'), secretAccessKey: secretRef('minio', 'root-password') };

describe('MinioBackup to a volume', () => {
  const objs = synthChart((chart) => {
    const minio = new Minio(chart, 'minio', { rootCredentials, buckets: ['mlflow'], backup: { destination: BackupDestination.volume({ size: Size.gibibytes(100) }) } });
    // Buckets added after the backup was declared are mirrored too.
    minio.addBucket('datasets');
  });
  const cron = find(objs, 'CronJob', 'minio-backup');
  const mirror = container(cron, 'mirror');

  it('runs daily at 03:00 UTC for at most six hours, never twice at once', () => {
    expect(cron.spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { activeDeadlineSeconds: 21600 } } });
  });

  it('mirrors every bucket with mc mirror --overwrite, keeping deleted objects', () => {
    // lib/storage/scripts/minio-mirror.sh mirrors src/<bucket> to $DEST_ROOT/<bucket> for each of $BUCKETS.
    expect(mirror.command.slice(0, 2)).toEqual(['/bin/sh', '-ec']);
    expect(mirror.command[2]).toContain('mc mirror --overwrite $remove "src/$bucket" "$DEST_ROOT/$bucket"');
    expect(envOf(mirror)).toMatchObject({ BUCKETS: 'datasets mlflow', DEST_ROOT: '/backup', MIRROR_REMOVE: 'false' });
  });

  it('writes to its own PersistentVolumeClaim', () => {
    expect(find(objs, 'PersistentVolumeClaim', 'minio-backup').spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } });
    expect(podSpec(cron).volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'minio-backup' } });
    expect(mirror.volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup' });
  });

  it('may read from MinIO on 9000', () => {
    expect(find(objs, 'NetworkPolicy', 'minio-backup-egress').spec.egress).toEqual([{
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'minio', 'app.kubernetes.io/instance': 'minio', 'app.kubernetes.io/component': 'object-store' } } }],
      ports: [{ protocol: 'TCP', port: 9000 }],
    }]);
  });

  it('matches the snapshot', () => {
    expect(objs.filter((o) => o.metadata.name.startsWith('minio-backup'))).toMatchSnapshot();
  });
});

describe('MinioBackup to another store', () => {
  const objs = synthChart((chart) => {
    const offsite = ObjectStore.fromExisting(chart, 'offsite', {
      endpointUrl: 'https://s3.eu-central-1.amazonaws.com',
      credentials: { accessKeyId: secretRef('offsite', 'id'), secretAccessKey: secretRef('offsite', 'key') },
    });
    new Minio(chart, 'minio', {
      rootCredentials, buckets: ['mlflow'],
      backup: { destination: BackupDestination.bucket(offsite.bucket('acme-dr'), 'minio'), schedule: Schedule.cron('15 4 * * *', { timeZone: 'Europe/Paris' }), removeDeleted: true },
    });
  });
  const cron = find(objs, 'CronJob', 'minio-backup');
  const mirror = container(cron, 'mirror');

  it('mirrors into <bucket>/<prefix>/<source bucket>, with --remove when asked', () => {
    expect(cron.spec).toMatchObject({ schedule: '15 4 * * *', timeZone: 'Europe/Paris' });
    expect(envOf(mirror)).toMatchObject({ BUCKETS: 'mlflow', DEST_ROOT: 'dst/acme-dr/minio', MIRROR_REMOVE: 'true' });
  });

  it('reads both stores\' keys from secretKeyRefs', () => {
    expect(envOf(mirror)).toEqual({
      SRC_ENDPOINT: 'http://minio.test.svc.cluster.local:9000',
      SRC_ACCESS_KEY_ID: { secretKeyRef: { name: 'minio', key: 'root-user' } },
      SRC_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'minio', key: 'root-password' } },
      MC_CONFIG_DIR: '/tmp/.mc',
      DST_ENDPOINT: 'https://s3.eu-central-1.amazonaws.com',
      DST_ACCESS_KEY_ID: { secretKeyRef: { name: 'offsite', key: 'id' } },
      DST_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'offsite', key: 'key' } },
      BUCKETS: 'mlflow', DEST_ROOT: 'dst/acme-dr/minio', MIRROR_REMOVE: 'true',
    });
    expect(mirror.env.filter((e: any) => e.name === 'MC_CONFIG_DIR')).toHaveLength(1);
  });

  it('renders no PVC and opens egress to both stores', () => {
    expect(objs.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(find(objs, 'NetworkPolicy', 'minio-backup-egress').spec.egress.map((r: any) => r.ports[0].port)).toEqual([9000, 443]);
  });

  it('matches the snapshot', () => {
    expect(cron).toMatchSnapshot();
  });
});

describe('MinioBackup validation', () => {
  it('checks the schedule is a Schedule, and refuses the removed timeZone prop', () => {
    const destination = BackupDestination.volume({ size: Size.gibibytes(1) });
    expect(() => synthChart((chart) => new Minio(chart, 'minio', { rootCredentials, backup: { destination, schedule: '0 3 * * *' as never } }))).toThrowError(exactly(
      'test/minio/Backup: backup.schedule must be a Schedule, not a string, got "0 3 * * *". Fix: write schedule: Schedule.cron("0 3 * * *")'));
    expect(() => synthChart((chart) => new Minio(chart, 'minio', { rootCredentials, backup: { destination, timeZone: 'Europe/Paris' } as never }))).toThrowError(exactly(
      'test/minio/Backup: backup.timeZone is no longer a prop, got "Europe/Paris". Fix: set the time zone in the schedule, as in schedule: Schedule.daily({ hour: 2, timeZone: "Europe/Paris" })'));
  });

  it('mirrors only the chosen buckets, which must exist', () => {
    const objs = synthChart((chart) => {
      new Minio(chart, 'minio', { rootCredentials, buckets: ['mlflow', 'backups'], backup: { destination: BackupDestination.volume({ size: Size.gibibytes(5) }), buckets: ['mlflow'] } });
    });
    expect(envOf(find(objs, 'CronJob', 'minio-backup').spec.jobTemplate.spec.template.spec.containers[0]).BUCKETS).toBe('mlflow');
    expect(() => synthChart((chart) => {
      new Minio(chart, 'minio', { rootCredentials, buckets: ['mlflow'], backup: { destination: BackupDestination.volume({ size: Size.gibibytes(5) }), buckets: ['mlfow'] } });
    })).toThrow('test/minio/Backup: backup.buckets must name buckets this MinIO creates (mlflow), got "mlfow". Fix: add it with minio.addBucket("mlfow") or remove it from backup.buckets.');
  });

  it('needs access keys on the destination store', () => {
    expect(() => synthChart((chart) => {
      const gcs = ObjectStore.fromExisting(chart, 'gcs', { endpointUrl: 'https://storage.googleapis.com' });
      const minio = new Minio(chart, 'minio', { rootCredentials });
      new MinioBackup(chart, 'dr', { source: minio, allBuckets: () => ['mlflow'], destination: BackupDestination.bucket(gcs.bucket('acme-dr')) });
    })).toThrowError(exactly(
      'test/dr: backup.destination must be an object store with access keys for mc-based jobs, got "https://storage.googleapis.com". Fix: pass credentials: { accessKeyId, secretAccessKey } to the object store'));
  });
});
