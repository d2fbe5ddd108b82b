import { Duration, Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDuration, durationIn } from '../core/duration';
import { checkSize, sizeQuantity } from '../core/quantity';
import { Schedule, checkSchedule } from '../core/schedule';
import { checkDnsSubdomain, checkInstance, describeShape, invalid, refuseRemovedProps } from '../core/validate';
import { IBucket } from './object-store';

/** Where a backup CronJob writes. */
export class BackupDestination {
  /** Objects under `s3://<bucket>/<prefix>/` on any S3-compatible store (ideally another one). */
  public static bucket(bucket: IBucket, prefix = ''): BackupDestination {
    if (bucket === null || typeof bucket !== 'object' || typeof bucket.bucketName !== 'string' || typeof bucket.store?.grantConnect !== 'function') {
      invalid('BackupDestination.bucket', 'bucket', 'must be a bucket of an object store', typeof bucket === 'string' ? bucket : undefined,
        'pass store.bucket("backups") or minio.addBucket("backups")');
    }
    if (typeof prefix !== 'string') invalid('BackupDestination.bucket', 'prefix', 'must be a string', prefix, 'pass a prefix such as "postgresql/nightly"');
    const p = prefix.replace(/^\/+|\/+$/g, '');
    if (p && (!/^[a-z0-9][a-z0-9._/-]*$/.test(p) || p.split('/').includes('..'))) {
      invalid('BackupDestination.bucket', 'prefix', 'must be lower-case letters, digits, ".", "_", "-" and "/" (it is used in shell commands)', prefix,
        'use a prefix such as "postgresql/nightly"');
    }
    return new BackupDestination(bucket, p, undefined);
  }
  /** A PersistentVolumeClaim the CronJob mounts at `/backup` (the MLflow + MinIO + PostgreSQL Helm setup's `/backup` directory). */
  public static volume(props: BackupVolumeProps): BackupDestination {
    if (props === null || typeof props !== 'object') {
      invalid('BackupDestination.volume', 'props', 'must be { size, storageClass? }', describeShape(props), 'pass BackupDestination.volume({ size: Size.gibibytes(20) })');
    }
    if (props.size === undefined) invalid('BackupDestination.volume', 'size', 'is required', undefined, 'pass size: Size.gibibytes(20)');
    const size = sizeQuantity('BackupDestination.volume', 'size', checkSize('BackupDestination.volume', 'size', props.size, Size.gibibytes(20)));
    if (props.storageClass !== undefined) checkDnsSubdomain('BackupDestination.volume', 'storageClass', props.storageClass);
    return new BackupDestination(undefined, '', { size, storageClass: props.storageClass });
  }
  private constructor(
    public readonly bucketRef: IBucket | undefined,
    public readonly prefix: string,
    /** The claim of a volume destination, its size rendered as a quantity (`20Gi`). */
    public readonly volumeProps: { size: string; storageClass?: string } | undefined,
  ) {}

  /** `dst/<bucket>/<prefix>` for mc, or `/backup/<prefix>` for a volume. */
  public path(subPath: string): string {
    const parts = [this.prefix, subPath].filter(Boolean).join('/');
    return this.bucketRef ? `dst/${this.bucketRef.bucketName}${parts ? `/${parts}` : ''}` : `/backup${parts ? `/${parts}` : ''}`;
  }
}

/** The claim of {@link BackupDestination.volume}. */
export interface BackupVolumeProps {
  /** `Size.gibibytes(20)` */
  readonly size: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClass?: string;
}

/** Schedule and retention of a backup CronJob. */
export interface BackupOptions {
  /** Where to write. */
  readonly destination: BackupDestination;
  /**
   * When it runs, with its time zone: `Schedule.daily({ hour: 2, timeZone: 'Europe/Paris' })`.
   * @default Schedule.daily({ hour: 2 }) (02:00 Etc/UTC)
   */
  readonly schedule?: Schedule;
  /** How long old backups are kept, in whole days (1 to 3650). @default Duration.days(7) */
  readonly retention?: Duration;
}

/** What replaced the untyped backup props, for {@link refuseRemovedProps}. */
export const REMOVED_BACKUP_PROPS: Record<string, (value: unknown) => string> = {
  timeZone: (v) => `set the time zone in the schedule, as in schedule: Schedule.daily({ hour: 2, timeZone: ${JSON.stringify(v)} })`,
  retentionDays: (v) => `write retention: Duration.days(${typeof v === 'number' ? v : 7})`,
};

/**
 * Defaults resolved and checked once.
 * @internal
 */
export function resolveBackup(scope: IConstruct, prop: string, o: BackupOptions) {
  checkInstance(scope, `${prop}.destination`, o?.destination, BackupDestination, 'a BackupDestination', 'pass BackupDestination.bucket(store.bucket("backups")) or BackupDestination.volume({ size: Size.gibibytes(20) })');
  refuseRemovedProps(scope, prop, o, REMOVED_BACKUP_PROPS);
  const schedule = checkSchedule(scope, `${prop}.schedule`, o.schedule, Schedule.daily({ hour: 2 }));
  const retention = checkDuration(scope, `${prop}.retention`, o.retention, Duration.days(7));
  return {
    destination: o.destination,
    schedule: schedule.expression,
    timeZone: schedule.timeZone,
    retentionDays: durationIn(scope, `${prop}.retention`, retention, 'days', 1, 3650),
  };
}
