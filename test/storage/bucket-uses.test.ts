import { describe, expect, it } from 'vitest';
import { TrackingServer } from '../../lib/mlflow/tracking-server';
import { BackupDestination } from '../../lib/storage/backup';
import { Minio } from '../../lib/storage/minio';
import { ObjectStore } from '../../lib/storage/object-store';
import { Postgres } from '../../lib/storage/postgres';
import { exactly, find, secretRef, synthChart } from '../support/synth';

const keys = (user: string) => ({ accessKeyId: secretRef('minio', `${user}-access-key`), secretAccessKey: secretRef('minio', `${user}-secret-key`) });

/** MinIO with an `mlflow` user on `mlflow`, a `backup` user on `backups`, and a root view. */
function stack(chart: any, backupBucket: (minio: Minio) => ReturnType<Minio['bucket']>) {
  const minio = new Minio(chart, 'minio', {
    rootCredentials: keys('root'),
    buckets: ['mlflow', 'backups'],
    users: {
      mlflow: { credentials: keys('mlflow'), readWrite: ['mlflow'] },
      backup: { credentials: keys('backup'), readWrite: ['backups', 'mlflow'] },
    },
  });
  const postgres = new Postgres(chart, 'postgres', {
    superuserPassword: secretRef('pg', 'superuser'),
    database: { password: secretRef('pg', 'app') },
    backup: { destination: BackupDestination.bucket(backupBucket(minio), 'postgresql') },
  });
  new TrackingServer(chart, 'mlflow', { database: postgres, artifacts: minio.user('mlflow').bucket('mlflow') });
}

describe('one bucket for MLflow artifacts and database backups', () => {
  it('fails synth, even when the two go through different scoped users of one MinIO', () => {
    expect(() => synthChart((chart) => stack(chart, (minio) => minio.user('backup').bucket('mlflow')))).toThrowError(exactly(
      'Validation failed:\n- test/postgres/Backup: PostgresBackup "Backup": backup.destination must not be the bucket that holds MLflow\'s artifacts (TrackingServer "mlflow"), got "mlflow". '
      + 'Fix: back up to a bucket of its own (minio.addBucket("backups")), written by a user that cannot read the artifacts.'));
  });

  it('fails for the root view of the same bucket too', () => {
    expect(() => synthChart((chart) => stack(chart, (minio) => minio.bucket('mlflow')))).toThrowError(/backup\.destination must not be the bucket that holds MLflow's artifacts/);
  });

  it('accepts separate buckets on one MinIO, and a bucket of the same name on another store', () => {
    const objs = synthChart((chart) => stack(chart, (minio) => minio.user('backup').bucket('backups')));
    expect(find(objs, 'CronJob', 'postgresql-backup')).toBeDefined();
    const other = synthChart((chart) => stack(chart, () => ObjectStore.fromExisting(chart, 'offsite', { endpointUrl: 'https://s3.eu-west-1.amazonaws.com', credentials: keys('offsite') }).bucket('mlflow')));
    expect(find(other, 'CronJob', 'postgresql-backup')).toBeDefined();
  });
});
