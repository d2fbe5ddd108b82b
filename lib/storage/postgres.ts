import { Construct } from 'constructs';
import { k8s } from '../core/k8s';
import { EnvValue } from '../core/pod';
import { SecretValue } from '../core/secret-value';
import { invalid } from '../core/validate';
import { DatabaseEngine } from './database';
import { AppDatabaseProps, DatabaseServer, DatabaseServerEngine, DatabaseServerProps } from './database-server';
import { PostgresAppSetup } from './postgres-app-setup';
import { POSTGRES_RUN_AS, PostgresBackup } from './postgres-backup';

/** The database and role the application uses (created on first start). */
export type PostgresDatabaseProps = AppDatabaseProps;

export interface PostgresProps extends DatabaseServerProps {
  /** The superuser (`postgres`) password, used for bootstrap and administration only. */
  readonly superuserPassword: SecretValue;
}

const DATA_DIR = '/var/lib/postgresql/data';

/** PostgreSQL from the official Alpine image. */
const POSTGRES: DatabaseServerEngine<PostgresBackup> = {
  engine: DatabaseEngine.POSTGRESQL,
  image: {
    defaultVersion: '16.15',
    pattern: /^\d{2}(\.\d+)?$/,
    describe: 'a PostgreSQL version such as "16.15" or "17"',
    imageOf: (v) => `postgres:${v}-alpine`,
  },
  backup: PostgresBackup,
  // The image runs /docker-entrypoint-initdb.d only when $PGDATA/PG_VERSION is missing
  // (docker-library/postgres, 16/alpine3.22/docker-entrypoint.sh at 2925b19, docker_setup_env and
  // _main: "only run initialization on an empty data directory"): the Job runs the same script
  // again on every sync, as the superuser over TCP (the image's pg_hba.conf line
  // `host all all all <password_encryption>`, pg_setup_hba_conf there).
  appSetup: (server, id, o) => new PostgresAppSetup(server, id, {
    server, superuser: o.admin.user, superuserPassword: o.admin.password, name: o.name, partOf: o.partOf,
  }),
};

/**
 * A single-instance PostgreSQL: a StatefulSet with a volumeClaimTemplate, a Service on 5432,
 * and a database owned by a non-superuser application role, both taken from secret references:
 * created on first start by an init script, and kept in step on every sync by the Job
 * `<name>-app-setup` (setup wave), which runs that script again as the superuser, so rotating the
 * application password is: change the Secret, sync, restart the clients (they read the password
 * at start). For high availability use an operator (CloudNativePG) and `Database.fromExisting`.
 *
 * Data: the PVC outlives the StatefulSet (`whenDeleted: Retain`): deleting this construct never
 * deletes the database's volume.
 */
export class Postgres extends DatabaseServer<PostgresBackup> {
  public static readonly DEFAULT_VERSION = POSTGRES.image.defaultVersion;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id, props, POSTGRES, { prop: 'superuserPassword', user: 'postgres', password: props?.superuserPassword });
    if (this.username.startsWith('pg_')) {
      invalid(this, 'database.user', 'must not start with "pg_" (reserved for the server\'s own roles)', this.username, 'use an application role such as "mlflow"');
    }
    if (['postgres', 'template0', 'template1'].includes(this.databaseName)) {
      invalid(this, 'database.name', 'must not be a database the server creates itself (postgres, template0, template1)', this.databaseName, 'use an application database such as "mlflow"');
    }

    this.attachServer({
      runAs: POSTGRES_RUN_AS,
      env: [
        ['POSTGRES_USER', EnvValue.literal('postgres')],
        ['POSTGRES_PASSWORD', EnvValue.fromSecret(this.adminPassword)],
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
  }

  /** The superuser (`postgres`) password. */
  public get superuserPassword(): SecretValue {
    return this.adminPassword;
  }
}
