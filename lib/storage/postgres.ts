import { Construct } from 'constructs';
import { k8s } from '../core/k8s';
import { EnvValue } from '../core/pod';
import { SecretValue } from '../core/secret-value';
import { checkSecretValue, invalid } from '../core/validate';
import { DatabaseEngine } from './database';
import { AppDatabaseProps, DatabaseServer, DatabaseServerProps } from './database-server';
import { POSTGRES_RUN_AS, PostgresBackup } from './postgres-backup';

/** The database and role the application uses (created on first start). */
export type PostgresDatabaseProps = AppDatabaseProps;

export interface PostgresProps extends DatabaseServerProps {
  /** The superuser (`postgres`) password, used for bootstrap and administration only. */
  readonly superuserPassword: SecretValue;
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
export class Postgres extends DatabaseServer {
  public static readonly DEFAULT_VERSION = '16.15';
  public readonly superuserPassword: SecretValue;
  /** The backup CronJob, when `backup` is set. */
  public readonly backup?: PostgresBackup;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id, props, {
      engine: DatabaseEngine.POSTGRESQL,
      propsFix: 'pass { superuserPassword, database: { password } } (see PostgresProps)',
      image: {
        defaultVersion: Postgres.DEFAULT_VERSION,
        pattern: /^\d{2}(\.\d+)?$/,
        describe: 'a PostgreSQL version such as "16.15" or "17"',
        imageOf: (v) => `postgres:${v}-alpine`,
      },
    });
    checkSecretValue(this, 'superuserPassword', props.superuserPassword, SecretValue, 'pass SecretValue.fromSecret("postgresql", "superuser-password") or an ExternalSecret value');
    if (props.database.password.secretName === props.superuserPassword.secretName && props.database.password.key === props.superuserPassword.key) {
      invalid(this, 'database.password', 'must not be the superuser password (the application role must not be able to log in as postgres)',
        props.database.password, 'give the application role its own key, such as SecretValue.fromSecret("postgresql", "password")');
    }
    if (this.username === 'postgres' || this.username.startsWith('pg_')) {
      invalid(this, 'database.user', 'must differ from the superuser "postgres" and must not start with "pg_" (reserved)', this.username, 'use an application role such as "mlflow"');
    }
    if (['postgres', 'template0', 'template1'].includes(this.databaseName)) {
      invalid(this, 'database.name', 'must not be a database the server creates itself (postgres, template0, template1)', this.databaseName, 'use an application database such as "mlflow"');
    }
    this.superuserPassword = props.superuserPassword;

    this.attachServer({
      runAs: POSTGRES_RUN_AS,
      env: [
        ['POSTGRES_USER', EnvValue.literal('postgres')],
        ['POSTGRES_PASSWORD', EnvValue.fromSecret(props.superuserPassword)],
        ['PGDATA', EnvValue.literal(`${DATA_DIR}/pgdata`)],
      ],
      defaultResources: {
        requests: { cpu: '100m', memory: '256Mi' },
        limits: { cpu: '500m', memory: '1Gi' },
      },
      probeCommand: ['pg_isready', '--host=127.0.0.1', '--port=5432', '--username=postgres', '--dbname=postgres'],
      startupFailures: 60,
      dataMountPath: DATA_DIR,
      writableDirs: ['/var/run/postgresql', '/tmp'],
      volumes: [{
        volume: { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('256Mi') } },
        mount: { name: 'dshm', mountPath: '/dev/shm' },
      }],
      // Executable: the entrypoint runs it as a script.
      initScript: 'initdb-app-database.sh',
      initScriptMode: 0o555,
    });

    if (props.backup) {
      this.backup = new PostgresBackup(this, 'Backup', { database: this, ...props.backup, partOf: props.partOf });
    }
  }
}
