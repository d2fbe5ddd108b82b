import { Construct } from 'constructs';
import { renderCronJob } from '../core/batch';
import { EnvValue, ContainerSpec } from '../core/pod';
import { k8s } from '../core/k8s';
import { ContainerImage } from '../core/image';
import { readScript } from '../core/script-file';
import { checkConstruct } from '../core/validate';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { BackupOptions, resolveBackup } from './backup';
import { IDatabase } from './database';
import { libpqEnv } from './database-client-env';
import { mcImage, MC_WRITABLE_DIRS, s3AliasEnv } from './s3-client';
import { renderBackupVolume } from './backup-volume';
import { recordBucketUse } from './bucket-uses';

/**
 * What {@link PostgresBackup} dumps, where to, and how long it keeps it.
 * @removedProps retentionDays timeZone
 */
export interface PostgresBackupProps extends BackupOptions {
  /** The database to dump (its application role is used, so the dump holds only that database). */
  readonly database: IDatabase & { readonly image: ContainerImage; readonly workloadName: string };
  /** @default - none */
  readonly partOf?: string;
}

const RESOURCES = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
/**
 * The `postgres` user of the official Alpine image (999 in the Debian variants).
 * @internal
 */
export const POSTGRES_RUN_AS = { uid: 70, gid: 70 } as const;

/**
 * A `pg_dump --format=custom` CronJob. To a bucket: the dump goes to an emptyDir, then `mc`
 * uploads it and deletes dumps older than the retention. To a volume: written and pruned in place.
 * Restore: `pg_restore --clean --if-exists -d <db> <file>`.
 */
export class PostgresBackup extends WorkloadComponent {
  /** The CronJob (also `node.defaultChild`). */
  public readonly resource: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: PostgresBackupProps) {
    super(scope, id, props);
    const w = this.attachWorkload(new Workload(this, 'Workload', {
      owner: this, name: 'postgresql', instance: `${props?.database?.workloadName}-backup`, component: 'backup', partOf: props.partOf,
    }));
    const o = resolveBackup(this, 'backup', props);
    const db = checkConstruct(this, 'database', props.database, 'pass the Postgres construct to back up');
    db.grantConnect(this, 'pg_dump backup');
    const pgEnv = libpqEnv(db);
    const dest = o.destination;
    const bucket = dest.bucketRef;
    const dump = readScript(__dirname, 'pg-dump.sh');
    let containers: ContainerSpec[];
    let initContainers: ContainerSpec[] = [];
    let volumes: k8s.Volume[];
    if (bucket) {
      bucket.store.grantConnect(this, 'pg_dump upload');
      recordBucketUse(this, 'backup.destination', bucket, 'backups');
      initContainers = [{
        name: 'dump',
        image: db.image,
        command: ['/bin/sh', '-ec', dump],
        env: [...pgEnv, ['DUMP_DIR', EnvValue.literal('/work')]],
        resources: RESOURCES,
        volumeMounts: [{ name: 'work', mountPath: '/work' }],
        writableDirs: ['/tmp'],
      }];
      containers = [{
        name: 'upload',
        image: mcImage(this),
        command: ['/bin/sh', '-ec', readScript(__dirname, 'backup-upload.sh')],
        env: [
          ...s3AliasEnv(this, 'backup.destination', bucket.store, 'DST'),
          ['DEST', EnvValue.literal(dest.path(db.databaseName))],
          ['RETENTION_DAYS', EnvValue.literal(String(o.retentionDays))],
        ],
        resources: RESOURCES,
        volumeMounts: [{ name: 'work', mountPath: '/work', readOnly: true }],
        writableDirs: MC_WRITABLE_DIRS,
      }];
      volumes = [{ name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString('10Gi') } }];
    } else {
      containers = [{
        name: 'dump',
        image: db.image,
        command: ['/bin/sh', '-ec', dump],
        env: [
          ...pgEnv,
          ['DUMP_DIR', EnvValue.literal(dest.path(db.databaseName))],
          ['RETENTION_DAYS', EnvValue.literal(String(o.retentionDays))],
        ],
        resources: RESOURCES,
        volumeMounts: [{ name: 'backup', mountPath: '/backup' }],
        writableDirs: ['/tmp'],
      }];
      volumes = [renderBackupVolume(w, dest)];
    }
    this.resource = renderCronJob(w, {
      schedule: o.schedule,
      timeZone: o.timeZone,
      pod: { runAs: POSTGRES_RUN_AS, initContainers, containers, volumes },
    }, this);
  }
}
