import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from '../core/k8s';
import { ContainerImage, versionedImage } from '../core/image';
import { EnvValue } from '../core/pod';
import { IWorkload } from '../core/connections';
import { Port } from '../core/port';
import { ResourceRequirements } from '../core/resources';
import { SecretValue } from '../core/secret-value';
import { StatefulComponent } from '../core/stateful-workload';
import { checkSize, sizeQuantity } from '../core/quantity';
import { checkDnsSubdomain, checkSecretValue, invalid } from '../core/validate';
import { BackupOptions } from './backup';
import { DatabaseEngine, IDatabase, checkSqlIdentifier } from './database';
import { appDatabaseEnv, databaseServerProbes, initScriptsVolume, renderInitScripts } from './database-server';
import { POSTGRES_RUN_AS, PostgresBackup } from './postgres-backup';

/** The database and role the application uses (created on first start). */
export interface PostgresDatabaseProps {
  /** @default "mlflow" */
  readonly name?: string;
  /** @default "mlflow" */
  readonly user?: string;
  /** The application role's password. */
  readonly password: SecretValue;
}

export interface PostgresProps {
  /**
   * The stable name of the StatefulSet, Service and PVCs. It does not follow the construct id,
   * so renaming the id never renames (and loses) a production database.
   * @default "postgresql"
   */
  readonly name?: string;
  /**
   * The PostgreSQL major.minor version; selects the official `postgres:<version>-alpine`.
   * @default "16.15"
   */
  readonly version?: string;
  /**
   * The image, for a mirror or a digest. Conflicts with `version`.
   * @default - postgres:<version>-alpine
   */
  readonly image?: string;
  /** The superuser (`postgres`) password, used for bootstrap and administration only. */
  readonly superuserPassword: SecretValue;
  /** The application database and role. */
  readonly database: PostgresDatabaseProps;
  /** The data volume. @default Size.gibibytes(10) */
  readonly storageSize?: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** @default - 100m/500m CPU, 256Mi/1Gi memory (seed 002) */
  readonly resources?: ResourceRequirements;
  /** A nightly `pg_dump` CronJob. @default - no backup */
  readonly backup?: BackupOptions;
  /** `app.kubernetes.io/part-of`. @default - none */
  readonly partOf?: string;
}

const DATA_DIR = '/var/lib/postgresql/data';

/**
 * A single-instance PostgreSQL: a StatefulSet with a volumeClaimTemplate, a Service on 5432,
 * and on first start a database owned by a non-superuser application role, both taken from
 * secret references. For high availability use an operator (CloudNativePG) and
 * `Database.fromExisting`.
 *
 * Data: the PVC outlives the StatefulSet (`whenDeleted: Retain`): deleting this construct never
 * deletes the database's volume.
 */
export class Postgres extends StatefulComponent implements IDatabase {
  public static readonly DEFAULT_VERSION = '16.15';
  public readonly engine = DatabaseEngine.POSTGRESQL;
  public readonly host: string;
  public readonly port = 5432;
  public readonly databaseName: string;
  public readonly username: string;
  public readonly password: SecretValue;
  public readonly superuserPassword: SecretValue;
  public readonly image: ContainerImage;
  /** The backup CronJob, when `backup` is set. */
  public readonly backup?: PostgresBackup;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const name = props.name ?? 'postgresql';
    this.image = versionedImage(this, props, {
      defaultVersion: Postgres.DEFAULT_VERSION,
      pattern: /^\d{2}(\.\d+)?$/,
      describe: 'a PostgreSQL version such as "16.15" or "17"',
      imageOf: (v) => `postgres:${v}-alpine`,
    });
    checkSecretValue(this, 'superuserPassword', props.superuserPassword, SecretValue, 'pass SecretValue.fromSecret("postgresql", "superuser-password") or an ExternalSecret value');
    if (props.database === null || typeof props.database !== 'object') {
      invalid(this, 'database', 'must be { name?, user?, password }', undefined, 'pass database: { password: SecretValue.fromSecret("postgresql", "password") }');
    }
    checkSecretValue(this, 'database.password', props.database.password, SecretValue, 'pass SecretValue.fromSecret("postgresql", "password") or an ExternalSecret value');
    if (props.database.password.secretName === props.superuserPassword.secretName && props.database.password.key === props.superuserPassword.key) {
      invalid(this, 'database.password', 'must not be the superuser password (the application role must not be able to log in as postgres)',
        props.database.password, 'give the application role its own key, such as SecretValue.fromSecret("postgresql", "password")');
    }
    this.databaseName = checkSqlIdentifier(this, 'database.name', props.database.name ?? 'mlflow');
    this.username = checkSqlIdentifier(this, 'database.user', props.database.user ?? 'mlflow');
    if (this.username === 'postgres' || this.username.startsWith('pg_')) {
      invalid(this, 'database.user', 'must differ from the superuser "postgres" and must not start with "pg_" (reserved)', this.username, 'use an application role such as "mlflow"');
    }
    if (['postgres', 'template0', 'template1'].includes(this.databaseName)) {
      invalid(this, 'database.name', 'must not be a database the server creates itself (postgres, template0, template1)', this.databaseName, 'use an application database such as "mlflow"');
    }
    this.password = props.database.password;
    this.superuserPassword = props.superuserPassword;
    const storageSize = sizeQuantity(this, 'storageSize', checkSize(this, 'storageSize', props.storageSize, Size.gibibytes(10)));
    if (props.storageClass !== undefined) checkDnsSubdomain(this, 'storageClass', props.storageClass);

    const initdb = initScriptsVolume(name, 0o555);
    const isReady = ['pg_isready', '--host=127.0.0.1', '--port=5432', '--username=postgres', '--dbname=postgres'];
    const ports = [{ name: 'postgresql', port: this.port, targetPort: 'postgresql' }];
    this.attachStateful({
      name: 'postgresql', instance: name, component: 'database', partOf: props.partOf,
      ports,
      claims: [{ name: 'data', size: storageSize, storageClass: props.storageClass }],
      pod: () => ({
        runAs: POSTGRES_RUN_AS,
        containers: [{
          name: 'postgresql',
          image: this.image,
          env: [
            ['POSTGRES_USER', EnvValue.literal('postgres')],
            ['POSTGRES_PASSWORD', EnvValue.fromSecret(props.superuserPassword)],
            ['PGDATA', EnvValue.literal(`${DATA_DIR}/pgdata`)],
            ...appDatabaseEnv(this),
          ],
          ports: { postgresql: this.port },
          resources: props.resources ?? {
            requests: { cpu: '100m', memory: '256Mi' },
            limits: { cpu: '500m', memory: '1Gi' },
          },
          ...databaseServerProbes(isReady, 60),
          volumeMounts: [{ name: 'data', mountPath: DATA_DIR }, initdb.mount, { name: 'dshm', mountPath: '/dev/shm' }],
          writableDirs: ['/var/run/postgresql', '/tmp'],
        }],
        volumes: [
          initdb.volume,
          { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('256Mi') } },
        ],
      }),
    });
    this.host = this.statefulHost;

    renderInitScripts(this, name, this.workload.labels, 'initdb-app-database.sh');

    if (props.backup) {
      this.backup = new PostgresBackup(this, 'Backup', { database: this, ...props.backup, partOf: props.partOf });
    }
  }

  /** Declares that `client` connects to PostgreSQL on 5432. */
  public grantConnect(client: IWorkload, description: string): void {
    this.workload.allowFrom(client, Port.tcp(this.port), description);
  }
}
