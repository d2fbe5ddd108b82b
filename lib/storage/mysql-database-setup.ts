import { Construct } from 'constructs';
import { jobSidecarAnnotations, renderScriptJob } from '../core/batch';
import { ContainerImage } from '../core/image';
import { EnvValue } from '../core/pod';
import { readScript } from '../core/script-file';
import { SecretValue } from '../core/secret-value';
import { checkSecretValue, invalid } from '../core/validate';
import { k8s } from '../core/k8s';
import { WorkloadComponent } from '../core/workload-component';
import { DatabaseEngine, IDatabase, checkSqlIdentifier } from './database';
import { mysqlScriptEnv } from './database-client-env';
import { SetupJobProps, setupJobName } from './setup-job';
import { setupScriptSources } from './setup-script';

export interface MysqlDatabaseSetupProps extends SetupJobProps {
  /**
   * The database to create and the user who owns it: host, port, database name, user name and
   * the user's password all come from it (`Database.fromExisting({ engine: DatabaseEngine.MYSQL, ... })`).
   */
  readonly database: IDatabase;
  /**
   * An account that may create databases and users, and turn off its own session's general log
   * (`SET SESSION sql_log_off`, which MariaDB allows only with SUPER): the Job does so before it
   * sends the user's password, and fails without it. @default "root"
   */
  readonly adminUser?: string;
  /**
   * Its password, by reference (Kubeflow keeps its MySQL root password in Secret `mysql-secret`,
   * key `password`, empty by default).
   */
  readonly adminPassword: SecretValue;
  /**
   * Run the Job inside the Istio mesh with a native sidecar (`sidecar.istio.io/nativeSidecar`,
   * Istio 1.22+ on Kubernetes 1.29+), so it can reach a server that accepts only mTLS and still
   * completes.
   * @default false (`sidecar.istio.io/inject: "false"`)
   */
  readonly mesh?: boolean;
  /** A MySQL client image. @default MysqlDatabaseSetup.DEFAULT_IMAGE */
  readonly image?: string;
}

/**
 * A Job that creates a MySQL database and its user with all privileges on it, on a server this
 * app does not run (Kubeflow's `mysql.kubeflow`), idempotently, so it runs on every sync:
 * `CREATE DATABASE IF NOT EXISTS`, `CREATE USER IF NOT EXISTS`, `ALTER USER` (the password follows
 * the secret) and `GRANT`. The admin password reaches the client as `MYSQL_PWD`, which the mysql
 * client reads itself; the user's password goes to MySQL on stdin. Neither is ever an argument.
 * The session that sends the password writes nothing to the server's general or slow log.
 * The script is `lib/storage/scripts/mysql-create-database.sh`.
 */
export class MysqlDatabaseSetup extends WorkloadComponent {
  /** The official MySQL image, for its `mysql` client (uid 999). */
  public static readonly DEFAULT_IMAGE = 'mysql:8.0.39';
  public readonly database: IDatabase;
  /** The Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: MysqlDatabaseSetupProps) {
    super(scope, id, props, 'pass { database, adminPassword } (see MysqlDatabaseSetupProps)');
    const db = props.database;
    const dbName = typeof db?.databaseName === 'string' ? db.databaseName : 'database';
    const w = this.createWorkload({ name: 'mysql', instance: setupJobName(props, dbName, 'db-setup'), component: 'database-setup', partOf: props.partOf });
    if (!db || typeof db.grantConnect !== 'function' || !(db.engine instanceof DatabaseEngine)) {
      invalid(this, 'database', 'must be a database (an IDatabase from lib/storage)', typeof db, 'pass database: Database.fromExisting(chart, "db", { engine: DatabaseEngine.MYSQL, ... })');
    }
    if (db.engine !== DatabaseEngine.MYSQL) {
      invalid(this, 'database engine', 'must be DatabaseEngine.MYSQL', db.engine.name, 'create the database with engine: DatabaseEngine.MYSQL (PostgreSQL has its own setup)');
    }
    checkSecretValue(this, 'adminPassword', props.adminPassword, SecretValue, 'pass SecretValue.fromSecret("mysql-secret", "password")');
    const adminUser = props.adminUser ?? 'root';
    if (typeof adminUser !== 'string' || !/^[A-Za-z0-9_.-]{1,32}$/.test(adminUser)) {
      invalid(this, 'adminUser', 'must be a MySQL account name (letters, digits, "_", "." or "-", at most 32 characters)', adminUser, 'leave it unset for "root"');
    }
    checkSqlIdentifier(this, 'database databaseName', db.databaseName);
    checkSqlIdentifier(this, 'database username', db.username);
    this.database = db;
    db.grantConnect(this, `create database ${db.databaseName} and user ${db.username}`);

    this.resource = renderScriptJob(this, w, {
      file: 'mysql-create-database.sh',
      text: readScript(__dirname, 'mysql-create-database.sh'),
      sources: setupScriptSources(),
      name: 'create-database',
      image: ContainerImage.fromReference(props.image ?? MysqlDatabaseSetup.DEFAULT_IMAGE, this, 'image'),
      runAs: { uid: 999, gid: 999 },
      env: [
          ...mysqlScriptEnv(db, 'DB_PASSWORD'),
          ['ADMIN_USER', EnvValue.literal(adminUser)],
          ['MYSQL_PWD', EnvValue.fromSecret(props.adminPassword)],
          ['HOME', EnvValue.literal('/tmp')],
      ],
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      backoffLimit: 2,
      activeDeadlineSeconds: 900,
      podAnnotations: jobSidecarAnnotations(props.mesh),
    });
  }
}
