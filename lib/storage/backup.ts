import { IConstruct } from 'constructs';
import { checkByteQuantity, checkCron, checkDnsSubdomain, checkInstance, checkInteger, checkTimeZone, invalid } from '../core/validate';
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
  /** A PersistentVolumeClaim the CronJob mounts at `/backup` (the seed's `/backup` directory). */
  public static volume(props: { size: string; storageClass?: string }): BackupDestination {
    checkByteQuantity('BackupDestination.volume', 'size', props?.size, '20Gi');
    if (props.storageClass !== undefined) checkDnsSubdomain('BackupDestination.volume', 'storageClass', props.storageClass);
    return new BackupDestination(undefined, '', props);
  }
  private constructor(
    public readonly bucketRef: IBucket | undefined,
    public readonly prefix: string,
    public readonly volumeProps: { size: string; storageClass?: string } | undefined,
  ) {}

  /** `dst/<bucket>/<prefix>` for mc, or `/backup/<prefix>` for a volume. */
  public path(subPath: string): string {
    const parts = [this.prefix, subPath].filter(Boolean).join('/');
    return this.bucketRef ? `dst/${this.bucketRef.bucketName}${parts ? `/${parts}` : ''}` : `/backup${parts ? `/${parts}` : ''}`;
  }
}

/** Schedule and retention of a backup CronJob. */
export interface BackupOptions {
  /** Where to write. */
  readonly destination: BackupDestination;
  /** Cron schedule, in the cluster's time zone unless `timeZone` is set. @default "0 2 * * *" (daily 02:00) */
  readonly schedule?: string;
  /** @default "Etc/UTC" */
  readonly timeZone?: string;
  /** Days to keep old backups. @default 7 */
  readonly retentionDays?: number;
}

/**
 * Defaults resolved and checked once.
 * @internal
 */
export function resolveBackup(scope: IConstruct, prop: string, o: BackupOptions) {
  checkInstance(scope, `${prop}.destination`, o?.destination, BackupDestination, 'a BackupDestination', 'pass BackupDestination.bucket(store.bucket("backups")) or BackupDestination.volume({ size: "20Gi" })');
  return {
    destination: o.destination,
    schedule: checkCron(scope, `${prop}.schedule`, o.schedule ?? '0 2 * * *'),
    timeZone: checkTimeZone(scope, `${prop}.timeZone`, o.timeZone ?? 'Etc/UTC'),
    retentionDays: checkInteger(scope, `${prop}.retentionDays`, o.retentionDays ?? 7, 1, 3650),
  };
}
