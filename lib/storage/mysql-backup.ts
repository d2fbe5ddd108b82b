import { Construct } from 'constructs';
import { renderCronJob } from '../core/batch';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { ContainerSpec, EnvValue } from '../core/pod';
import { readScript } from '../core/script-file';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { BackupOptions, resolveBackup } from './backup';
import { renderBackupVolume } from './backup-volume';
import { identityOf } from './cloud-object-store';
import { IDatabase } from './database';
import { mysqlScriptEnv } from './database-client-env';
import { dumpUploadContainer } from './dump-upload';

/**
 * What {@link MysqlBackup} dumps, where to, and how long it keeps it.
 * @removedProps retentionDays timeZone
 */
export interface MysqlBackupProps extends BackupOptions {
  /** The database to dump, as its application user (so the dump holds that database only). */
  readonly database: IDatabase & { readonly image: ContainerImage; readonly workloadName: string };
  /** @default - none */
  readonly partOf?: string;
}

const RESOURCES = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
/** The `mysql` user of the official image. */
export const MYSQL_RUN_AS = { uid: 999, gid: 999 } as const;
/** The option file with the password: on a memory volume, never on disk. */
const OPTION_FILE = '/run/mysql-client/backup.cnf';

/**
 * A `mysqldump --single-transaction` CronJob (gzip-compressed SQL). To a bucket: dumped to an
 * emptyDir by an init container, then uploaded (mc with keys, the AWS CLI with IRSA / EKS Pod
 * Identity) and pruned. To a volume: written and pruned in place.
 * Restore: `gunzip -c <file> | mysql --defaults-extra-file=<cnf> <db>`.
 */
export class MysqlBackup extends WorkloadComponent {
  /** The CronJob (also `node.defaultChild`). */
  public readonly resource: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: MysqlBackupProps) {
    super(scope, id, props);
    const bucketStore = props.destination?.bucketRef?.store;
    const w = this.attachWorkload(new Workload(this, 'Workload', {
      owner: this, name: 'mysql', instance: `${props.database.workloadName}-backup`, component: 'backup', partOf: props.partOf,
      serviceAccountAnnotations: identityOf(bucketStore)?.serviceAccountAnnotations,
    }));
    const o = resolveBackup(this, 'backup', props);
    const db = props.database;
    db.grantConnect(this, 'mysqldump backup');
    const dest = o.destination;
    const toBucket = dest.bucketRef !== undefined;
    const dumpDir = toBucket ? '/work' : dest.path(db.databaseName);
    const dump: ContainerSpec = {
      name: 'dump',
      image: db.image,
      command: ['/bin/bash', '-c', readScript(__dirname, 'mysql-dump.sh'), 'mysql-dump'],
      env: [
        ...mysqlScriptEnv(db, 'MYSQL_BACKUP_PASSWORD'),
        ['DUMP_DIR', EnvValue.literal(dumpDir)],
        ['OPTION_FILE', EnvValue.literal(OPTION_FILE)],
        ...(toBucket ? [] : [['RETENTION_MINUTES', EnvValue.literal(String(o.retentionDays * 1440))] as [string, EnvValue]]),
      ],
      resources: RESOURCES,
      volumeMounts: [
        toBucket ? { name: 'work', mountPath: '/work' } : { name: 'backup', mountPath: '/backup' },
        { name: 'client-config', mountPath: '/run/mysql-client' },
      ],
      writableDirs: ['/tmp'],
    };
    const clientConfig: k8s.Volume = { name: 'client-config', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } };
    const pod = toBucket
      ? {
        initContainers: [dump],
        containers: [dumpUploadContainer(this, 'backup.destination', dest, db.databaseName, '*.sql.gz', o.retentionDays, RESOURCES, 'mysqldump upload')],
        volumes: [{ name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString('10Gi') } }, clientConfig],
      }
      : { containers: [dump], volumes: [renderBackupVolume(w, dest), clientConfig] };
    // Only AWS identities reach here (dumpUploadContainer refuses the others); they need no pod label.
    this.resource = renderCronJob(w, { schedule: o.schedule, timeZone: o.timeZone, pod: { runAs: MYSQL_RUN_AS, ...pod } }, this);
    this.node.defaultChild = this.resource;
  }
}
