import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { renderCronJob } from '../core/batch';
import { k8s } from '../core/k8s';
import { checkCron } from '../core/validate';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { BackupDestination } from './backup';
import { renderBackupVolume } from './backup-volume';
import { recordBucketUse } from './bucket-uses';
import { IObjectStore } from './object-store';
import { MC_RUN_AS, MC_WRITABLE_DIRS, mcAliasCommand, mcImage, s3AliasEnv } from './s3-client';

/** An `mc mirror` of buckets to a backup destination. */
export interface MinioBackupOptions {
  /** A bucket on another store, or a volume (the seed's `/backup`). */
  readonly destination: BackupDestination;
  /** @default "0 3 * * *" (daily 03:00) */
  readonly schedule?: string;
  /** @default "Etc/UTC" */
  readonly timeZone?: string;
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
    super(scope, id);
    const w = this.attachWorkload(new Workload(this, 'Workload', {
      owner: this, name: 'minio', instance: `${props.source.workloadName}-backup`, component: 'backup', partOf: props.partOf,
    }));
    const schedule = checkCron(this, 'backup.schedule', props.schedule ?? '0 3 * * *');
    const dest = props.destination;
    props.source.grantConnect(this, 'mirror backup (read)');
    const env = s3AliasEnv(this, 'source', props.source, 'SRC');
    const volumes: k8s.Volume[] = [];
    const mounts: k8s.VolumeMount[] = [];
    const aliases = [mcAliasCommand('SRC')];
    if (dest.bucketRef) {
      dest.bucketRef.store.grantConnect(this, 'mirror backup (write)');
      recordBucketUse(this, 'backup.destination', dest.bucketRef, 'backups');
      env.push(...s3AliasEnv(this, 'backup.destination', dest.bucketRef.store, 'DST').filter(([n]) => n !== 'MC_CONFIG_DIR'));
      aliases.push(mcAliasCommand('DST'));
    } else {
      volumes.push(renderBackupVolume(w, dest));
      mounts.push({ name: 'backup', mountPath: '/backup' });
    }
    const flags = `--overwrite${props.removeDeleted ? ' --remove' : ''}`;
    const script = Lazy.any({
      produce: () => [...aliases, ...(props.buckets ?? props.allBuckets()).map((b) => `mc mirror ${flags} src/${b} ${dest.path(b)}`)].join('\n'),
    }) as unknown as string;
    this.node.addValidation({
      validate: () => (props.buckets ?? []).filter((b) => !props.allBuckets().includes(b)).map((b) =>
        `backup.buckets must name buckets this MinIO creates (${props.allBuckets().join(', ') || 'none'}), got "${b}". Fix: add it with minio.addBucket("${b}") or remove it from backup.buckets.`),
    });
    this.resource = renderCronJob(w, {
      schedule,
      timeZone: props.timeZone ?? 'Etc/UTC',
      activeDeadlineSeconds: 6 * 3600,
      pod: {
        runAs: MC_RUN_AS,
        containers: [{
          name: 'mirror',
          image: mcImage(this),
          command: ['/bin/sh', '-ec', script],
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
