import { Construct } from 'constructs';
import { renderCronJob } from '../core/batch';
import { k8s } from '../core/k8s';
import { Schedule, checkSchedule } from '../core/schedule';
import { checkInstance, invalid, refuseRemovedProps } from '../core/validate';
import { EnvValue } from '../core/pod';
import { readScript } from '../core/script-file';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { BackupDestination, REMOVED_BACKUP_PROPS } from './backup';
import { renderBackupVolume } from './backup-volume';
import { recordBucketUse } from './bucket-uses';
import { IObjectStore } from './object-store';
import { MC_RUN_AS, MC_WRITABLE_DIRS, mcImage, s3AliasEnv } from './s3-client';

/** An `mc mirror` of buckets to a backup destination. */
export interface MinioBackupOptions {
  /** A bucket on another store, or a volume (the MLflow + MinIO + PostgreSQL Helm setup's `/backup`). */
  readonly destination: BackupDestination;
  /**
   * When it runs, with its time zone.
   * @default Schedule.daily({ hour: 3 }) (03:00 Etc/UTC)
   */
  readonly schedule?: Schedule;
  /**
   * The buckets to mirror; each must be one this MinIO creates.
   * @default - every bucket
   */
  readonly buckets?: string[];
  /**
   * Also delete from the copy what was deleted from the source (`mc mirror --remove`).
   * @default false (the copy keeps deleted objects: a backup, not a replica)
   */
  readonly removeDeleted?: boolean;
}

/**
 * What {@link MinioBackup} mirrors, from where to where.
 * @removedProps timeZone
 */
export interface MinioBackupProps extends MinioBackupOptions {
  readonly source: IObjectStore & { readonly workloadName: string };
  /** Every bucket of the source, read at synth time. */
  readonly allBuckets: () => string[];
  /** @default - none */
  readonly partOf?: string;
}

/** A CronJob mirroring every bucket with `mc mirror --overwrite` to a backup destination. */
export class MinioBackup extends WorkloadComponent {
  /** The CronJob (also `node.defaultChild`). */
  public readonly resource: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: MinioBackupProps) {
    super(scope, id, props);
    const w = this.attachWorkload(new Workload(this, 'Workload', {
      owner: this, name: 'minio', instance: `${props.source.workloadName}-backup`, component: 'backup', partOf: props.partOf,
    }));
    refuseRemovedProps(this, 'backup', props, { timeZone: REMOVED_BACKUP_PROPS.timeZone });
    const schedule = checkSchedule(this, 'backup.schedule', props.schedule, Schedule.daily({ hour: 3 }));
    const dest = checkInstance(this, 'backup.destination', props.destination, BackupDestination, 'a BackupDestination',
      'pass BackupDestination.bucket(otherStore.bucket("backups")) or BackupDestination.volume({ size: Size.gibibytes(100) })');
    if (props.buckets !== undefined && !Array.isArray(props.buckets)) {
      invalid(this, 'backup.buckets', 'must be an array of bucket names', props.buckets, 'pass buckets: ["mlflow"]');
    }
    props.source.grantConnect(this, 'mirror backup (read)');
    const env = s3AliasEnv(this, 'source', props.source, 'SRC');
    const volumes: k8s.Volume[] = [];
    const mounts: k8s.VolumeMount[] = [];
    if (dest.bucketRef) {
      dest.bucketRef.store.grantConnect(this, 'mirror backup (write)');
      recordBucketUse(this, 'backup.destination', dest.bucketRef, 'backups');
      env.push(...s3AliasEnv(this, 'backup.destination', dest.bucketRef.store, 'DST').filter(([n]) => n !== 'MC_CONFIG_DIR'));
    } else {
      volumes.push(renderBackupVolume(w, dest));
      mounts.push({ name: 'backup', mountPath: '/backup' });
    }
    env.push(
      // Read at synth, once every bucket has been added.
      ['BUCKETS', EnvValue.lazy(() => (props.buckets ?? props.allBuckets()).join(' '))],
      ['DEST_ROOT', EnvValue.literal(dest.path(''))],
      ['MIRROR_REMOVE', EnvValue.literal(props.removeDeleted ? 'true' : 'false')],
    );
    this.node.addValidation({
      validate: () => {
        const unknown = (props.buckets ?? []).filter((b) => !props.allBuckets().includes(b)).map((b) =>
          `backup.buckets must name buckets this MinIO creates (${props.allBuckets().join(', ') || 'none'}), got "${b}". Fix: add it with minio.addBucket("${b}") or remove it from backup.buckets.`);
        // Mirroring a bucket into itself (or into a bucket that is mirrored too) copies the copy on every run.
        const target = dest.bucketRef;
        const sameStore = target && (target.store === props.source || target.store.endpointUrl === props.source.endpointUrl);
        const mirrored = props.buckets ?? props.allBuckets();
        const self = sameStore && mirrored.includes(target.bucketName)
          ? [`backup.destination must not be a bucket this backup mirrors (the copy would be copied into itself), got "${target.bucketName}" on the same MinIO. Fix: back up to a bucket of another object store, or list the other buckets in backup.buckets.`]
          : [];
        return [...unknown, ...self];
      },
    });
    this.resource = renderCronJob(w, {
      schedule: schedule.expression,
      timeZone: schedule.timeZone,
      activeDeadlineSeconds: 6 * 3600,
      pod: {
        runAs: MC_RUN_AS,
        containers: [{
          name: 'mirror',
          image: mcImage(this),
          command: ['/bin/sh', '-ec', readScript(__dirname, 'minio-mirror.sh')],
          env,
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1000m', memory: '512Mi' } },
          volumeMounts: mounts,
          writableDirs: MC_WRITABLE_DIRS,
        }],
        volumes,
      },
    }, this);
  }
}
