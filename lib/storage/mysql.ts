import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { IWorkload } from '../core/connections';
import { ContainerImage, versionedImage } from '../core/image';
import { EnvValue } from '../core/pod';
import { Port } from '../core/port';
import { ResourceRequirements } from '../core/resources';
import { SecretValue } from '../core/secret-value';
import { checkDnsSubdomain, checkProps, checkSecretValue, invalid } from '../core/validate';
import { sizeProp } from '../core/quantity';
import { StatefulComponent } from '../core/stateful-workload';
import { BackupOptions } from './backup';
import { DatabaseEngine, IDatabase, checkSqlIdentifier } from './database';
import { appDatabaseEnv, databaseServerProbes, initScriptsVolume, renderInitScripts } from './database-server';
import { MYSQL_RUN_AS, MysqlBackup } from './mysql-backup';

/** The database and user the application uses (created on first start). */
export interface MysqlDatabaseProps {
  /** @default "mlflow" */
  readonly name?: string;
  /** @default "mlflow" */
  readonly user?: string;
  /** The application user's password. */
  readonly password: SecretValue;
}

export interface MysqlProps {
  /**
   * The stable name of the StatefulSet, Service and PVCs; it does not follow the construct id.
   * @default "mysql"
   */
  readonly name?: string;
  /**
   * The MySQL version; selects the official `mysql:<version>` (Oracle Linux based, uid 999).
   * @default Mysql.DEFAULT_VERSION (8.4 LTS)
   */
  readonly version?: string;
  /** The image, for a mirror or a digest. Conflicts with `version`. @default - mysql:<version> */
  readonly image?: string;
  /** The `root` password, used for bootstrap and administration only. */
  readonly rootPassword: SecretValue;
  /** The application database and user. */
  readonly database: MysqlDatabaseProps;
  /** The data volume: `Size.gibibytes(20)`. @default Size.gibibytes(10) */
  readonly storageSize?: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** @default - 100m/500m CPU, 512Mi/1Gi memory */
  readonly resources?: ResourceRequirements;
  /** A nightly `mysqldump` CronJob. @default - no backup */
  readonly backup?: BackupOptions;
  /** `app.kubernetes.io/part-of`. @default - none */
  readonly partOf?: string;
}

/** The PVC is mounted here; the data directory is a subdirectory (a fresh volume's lost+found would stop `--initialize`). */
const VOLUME_DIR = '/var/lib/mysql';
const DATA_DIR = `${VOLUME_DIR}/data`;

/**
 * A single-instance MySQL (the official image, 8.4 LTS by default) for Kubeflow Pipelines-style
 * deployments that standardise on MySQL: a StatefulSet with a volumeClaimTemplate, a Service on
 * 3306, and on first start a database and a user with rights on it alone, both from secret
 * references (an init script the image's entrypoint sources). Pod Security "restricted", read-only
 * root filesystem (socket, tmp and secure-file-priv directories are sized emptyDirs), and
 * `mysqladmin ping` probes that carry no password. For high availability use an operator (MySQL
 * Operator, Percona) or a managed service and `Database.fromExisting`.
 *
 * Data: the PVC outlives the StatefulSet (`whenDeleted: Retain`).
 */
export class Mysql extends StatefulComponent implements IDatabase {
  public static readonly DEFAULT_VERSION = '8.4.6';
  public readonly engine = DatabaseEngine.MYSQL;
  public readonly host: string;
  public readonly port = 3306;
  public readonly databaseName: string;
  public readonly username: string;
  public readonly password: SecretValue;
  public readonly rootPassword: SecretValue;
  public readonly image: ContainerImage;
  /** The backup CronJob, when `backup` is set. */
  public readonly backup?: MysqlBackup;

  constructor(scope: Construct, id: string, props: MysqlProps) {
    super(scope, id);
    checkProps(this, props, 'pass { rootPassword, database: { password } } (see MysqlProps)');
    if (props.database === null || typeof props.database !== 'object') {
      invalid(this, 'database', 'must be the application database\'s settings', props.database, 'pass database: { password: SecretValue.fromSecret("mysql", "password") }');
    }
    const name = props.name ?? 'mysql';
    this.image = versionedImage(this, props, {
      defaultVersion: Mysql.DEFAULT_VERSION,
      pattern: /^8\.(0|4)\.\d+$|^9\.\d+\.\d+$/,
      describe: 'a full MySQL 8.0, 8.4 or 9.x version such as "8.4.6"',
      imageOf: (v) => `mysql:${v}`,
    });
    for (const [prop, v] of [['rootPassword', props.rootPassword], ['database.password', props.database?.password]] as const) {
      checkSecretValue(this, prop, v, SecretValue, 'pass SecretValue.fromSecret("mysql", "password") or an ExternalSecret value');
    }
    this.databaseName = checkSqlIdentifier(this, 'database.name', props.database.name ?? 'mlflow');
    this.username = checkSqlIdentifier(this, 'database.user', props.database.user ?? 'mlflow');
    if (this.username === 'root') {
      invalid(this, 'database.user', 'must not be root (the application gets a user of its own)', this.username, 'pass user: "mlflow"');
    }
    this.password = props.database.password;
    this.rootPassword = props.rootPassword;
    const storageSize = sizeProp(this, 'storageSize', props.storageSize, Size.gibibytes(10));
    if (props.storageClass !== undefined) checkDnsSubdomain(this, 'storageClass', props.storageClass);

    const initdb = initScriptsVolume(name, 0o444);
    // mysqladmin ping exits 0 whenever the server answers, even "Access denied": no credential is
    // needed, so none is in the probe's argv. TCP, so the entrypoint's socket-only bootstrap server
    // does not count as ready.
    const ping = ['mysqladmin', 'ping', '--protocol=TCP', '--host=127.0.0.1', '--port=3306', '--connect-timeout=3', '--silent'];
    this.attachStateful({
      name: 'mysql', instance: name, component: 'database', partOf: props.partOf,
      ports: [{ name: 'mysql', port: this.port, targetPort: 'mysql' }],
      claims: [{ name: 'data', size: storageSize, storageClass: props.storageClass }],
      pod: () => ({
        runAs: MYSQL_RUN_AS,
        containers: [{
          name: 'mysql',
          image: this.image,
          args: ['mysqld', `--datadir=${DATA_DIR}`],
          env: [
            ['MYSQL_ROOT_PASSWORD', EnvValue.fromSecret(props.rootPassword)],
            ...appDatabaseEnv(this),
          ],
          ports: { mysql: this.port },
          resources: props.resources ?? {
            requests: { cpu: '100m', memory: '512Mi' },
            limits: { cpu: '500m', memory: '1Gi' },
          },
          ...databaseServerProbes(ping, 120),
          volumeMounts: [{ name: 'data', mountPath: VOLUME_DIR }, initdb.mount],
          writableDirs: [
            { path: '/var/run/mysqld', sizeLimit: '16Mi' },
            { path: '/var/lib/mysql-files', sizeLimit: '1Gi' },
            { path: '/tmp', sizeLimit: '2Gi' },
          ],
        }],
        // Not executable (0444 above): the entrypoint sources it, so it can use docker_process_sql.
        volumes: [initdb.volume],
      }),
    });
    this.host = this.statefulHost;

    renderInitScripts(this, name, this.workload.labels, 'mysql-initdb-app.sh');

    if (props.backup !== undefined) {
      const b = props.backup as unknown;
      if (b === null || typeof b !== 'object' || Array.isArray(b)) {
        invalid(this, 'backup', 'must be backup options (an object)', b, 'pass backup: { destination: BackupDestination.volume({ size: Size.gibibytes(20) }) }');
      }
      this.backup = new MysqlBackup(this, 'Backup', { database: this, ...props.backup, partOf: props.partOf });
    }
  }

  /** Declares that `client` connects to MySQL on 3306. */
  public grantConnect(client: IWorkload, description: string): void {
    this.workload.allowFrom(client, Port.tcp(this.port), description);
  }
}
