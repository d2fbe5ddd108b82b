import { Construct } from 'constructs';
import { EnvValue } from '../core/pod';
import { SecretValue } from '../core/secret-value';
import { DatabaseEngine } from './database';
import { AppDatabaseProps, DatabaseServer, DatabaseServerEngine, DatabaseServerProps } from './database-server';
import { MYSQL_RUN_AS, MysqlBackup } from './mysql-backup';
import { MysqlDatabaseSetup } from './mysql-database-setup';

/** The database and user the application uses (created on first start). */
export type MysqlDatabaseProps = AppDatabaseProps;

export interface MysqlProps extends DatabaseServerProps {
  /** The `root` password, used for bootstrap and administration only. */
  readonly rootPassword: SecretValue;
}

/** The PVC is mounted here; the data directory is a subdirectory (a fresh volume's lost+found would stop `--initialize`). */
const VOLUME_DIR = '/var/lib/mysql';
const DATA_DIR = `${VOLUME_DIR}/data`;

/** MySQL from the official (Oracle Linux based, uid 999) image. */
const MYSQL: DatabaseServerEngine<MysqlBackup> = {
  engine: DatabaseEngine.MYSQL,
  image: {
    defaultVersion: '8.4.6',
    pattern: /^8\.(0|4)\.\d+$|^9\.\d+\.\d+$/,
    describe: 'a full MySQL 8.0, 8.4 or 9.x version such as "8.4.6"',
    imageOf: (v) => `mysql:${v}`,
  },
  backup: MysqlBackup,
  // The image runs /docker-entrypoint-initdb.d only when $DATADIR/mysql is missing, and creates
  // root@'%' (MYSQL_ROOT_HOST defaults to "%") with MYSQL_ROOT_PASSWORD (docker-library/mysql,
  // 8.4/docker-entrypoint.sh at 6ea5fc5, docker_setup_env, docker_setup_db and _main): the
  // MysqlDatabaseSetup Job (CREATE ... IF NOT EXISTS, ALTER USER, GRANT) runs on every sync as that root.
  appSetup: (server, id, o) => new MysqlDatabaseSetup(server, id, {
    database: server, adminUser: o.admin.user, adminPassword: o.admin.password, name: o.name, partOf: o.partOf,
  }),
};

/**
 * A single-instance MySQL (the official image, 8.4 LTS by default) for Kubeflow Pipelines-style
 * deployments that standardise on MySQL: a StatefulSet with a volumeClaimTemplate, a Service on
 * 3306, and a database and a user with rights on it alone, both from secret references: created on
 * first start (an init script the image's entrypoint sources) and kept in step on every sync by a
 * {@link MysqlDatabaseSetup} Job `<name>-app-setup` as root, so rotating the user's password is:
 * change the Secret, sync, restart the clients. The root password, too, is set on first start only:
 * change it with `ALTER USER` before its Secret, or the Job fails and the sync stops before the
 * servers. Pod Security "restricted", read-only
 * root filesystem (socket, tmp and secure-file-priv directories are sized emptyDirs), and
 * `mysqladmin ping` probes that carry no password. For high availability use an operator (MySQL
 * Operator, Percona) or a managed service and `Database.fromExisting`.
 *
 * Data: the PVC outlives the StatefulSet (`whenDeleted: Retain`).
 */
export class Mysql extends DatabaseServer<MysqlBackup> {
  public static readonly DEFAULT_VERSION = MYSQL.image.defaultVersion;

  constructor(scope: Construct, id: string, props: MysqlProps) {
    super(scope, id, props, MYSQL, { prop: 'rootPassword', user: 'root', password: props?.rootPassword });
    this.attachServer({
      runAs: MYSQL_RUN_AS,
      env: [['MYSQL_ROOT_PASSWORD', EnvValue.fromSecret(this.adminPassword)]],
      args: ['mysqld', `--datadir=${DATA_DIR}`],
      defaultResources: {
        requests: { cpu: '100m', memory: '512Mi' },
        limits: { cpu: '500m', memory: '1Gi' },
      },
      // mysqladmin ping exits 0 whenever the server answers, even "Access denied": no credential is
      // needed, so none is in the probe's argv. TCP, so the entrypoint's socket-only bootstrap server
      // does not count as ready.
      probeCommand: ['mysqladmin', 'ping', '--protocol=TCP', '--host=127.0.0.1', '--port=3306', '--connect-timeout=3', '--silent'],
      startupFailures: 120,
      dataMountPath: VOLUME_DIR,
      writableDirs: [
        { path: '/var/run/mysqld', sizeLimit: '16Mi' },
        { path: '/var/lib/mysql-files', sizeLimit: '1Gi' },
        { path: '/tmp', sizeLimit: '2Gi' },
      ],
      // Not executable: the entrypoint sources it, so it can use docker_process_sql.
      initScript: 'mysql-initdb-app.sh',
      initScriptMode: 0o444,
    });
  }

  /** The `root` password. */
  public get rootPassword(): SecretValue {
    return this.adminPassword;
  }
}
