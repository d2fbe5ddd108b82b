import { IConstruct } from 'constructs';
import { ContainerImage } from '../core/image';
import { EnumValue } from '../core/enum-value';
import { EnvValue } from '../core/pod';
import { SecretValue } from '../core/secret-value';
import { checkInstance, checkSecretValue, invalid } from '../core/validate';
import { IDatabase, checkSqlIdentifier } from '../storage/database';
import { MlflowAuthConfig, MlflowAuthContext, MlflowAuthMode } from './auth';
import { MLFLOW_DEFAULT_IMAGE } from './default-image';
import { readScript } from '../core/script-file';
import { CREDENTIALS_DIR, databaseConnection } from './driver-credentials';

/** What users get on experiments and models they were given no explicit permission on. */
export class BasicAuthPermission extends EnumValue {
  public static readonly READ = new BasicAuthPermission('READ');
  public static readonly EDIT = new BasicAuthPermission('EDIT');
  public static readonly MANAGE = new BasicAuthPermission('MANAGE');
  public static readonly NO_PERMISSIONS = new BasicAuthPermission('NO_PERMISSIONS');
}

/** Options of {@link MlflowAuth.basic}. */
export interface BasicAuthOptions {
  /**
   * Where users and permissions live: a database of its own (PostgreSQL or MySQL), shared by every
   * replica, never the tracking database.
   * @default - SQLite in the pod's scratch directory (one replica only; lost on restart)
   */
  readonly database?: IDatabase;
  /** The admin MLflow creates on first start (later changes go through the users API). @default "admin" */
  readonly adminUsername?: string;
  /**
   * The admin's initial password. It must not begin or end with whitespace: MLflow reads it from
   * an ini file whose values configparser trims, so the init container refuses such a password
   * (naming the variable, never the value) rather than create an admin who cannot log in.
   */
  readonly adminPassword: SecretValue;
  /**
   * Flask's `SECRET_KEY` (`MLFLOW_FLASK_SERVER_SECRET_KEY`), which signs CSRF tokens: the same for
   * every gunicorn worker and every replica, or forms fail on the other ones.
   */
  readonly secretKey: SecretValue;
  /** @default BasicAuthPermission.READ */
  readonly defaultPermission?: BasicAuthPermission;
  /** An image with `mlflow[auth]`. @default - the tracking server's default image (burakince/mlflow ships it) */
  readonly image?: string;
}

const MOUNT = '/mlflow/auth';
/** On the pod's credentials memory volume: the file holds the admin's initial password. */
const CONFIG_PATH = `${CREDENTIALS_DIR}/basic_auth.ini`;

/**
 * Renders MLflow's built-in authentication (`mlflow server --app-name basic-auth`): HTTP
 * basic auth for the UI and the API, users and per-experiment / per-model permissions in a SQL
 * database. An init container writes the configuration file (`MLFLOW_AUTH_CONFIG_PATH`, 0600 on
 * the credentials memory volume) from secret references: MLflow reads the admin's initial
 * password from that file only (mlflow/server/auth/config.py has no other source), while the
 * database URI in it carries no password (libpq's pgpass file, PyMySQL's option file). The
 * server's environment holds neither password.
 */
function bindBasicAuth(scope: IConstruct, context: MlflowAuthContext, options: BasicAuthOptions): MlflowAuthConfig {
  const o = options ?? ({} as BasicAuthOptions);
  for (const [prop, v] of [['auth.adminPassword', o.adminPassword], ['auth.secretKey', o.secretKey]] as const) {
    checkSecretValue(scope, prop, v, SecretValue, `pass SecretValue.fromSecret("mlflow-auth", "${prop === 'auth.secretKey' ? 'secret-key' : 'admin-password'}")`);
  }
  const adminUsername = o.adminUsername ?? 'admin';
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(adminUsername)) {
    invalid(scope, 'auth.adminUsername', 'must be 1 to 64 letters, digits, ".", "_", "@" or "-"', adminUsername, 'pass adminUsername: "admin"');
  }
  const permission = o.defaultPermission ?? BasicAuthPermission.READ;
  checkInstance(scope, 'auth.defaultPermission', permission, BasicAuthPermission, 'a BasicAuthPermission', 'pass BasicAuthPermission.READ');
  const db = o.database;
  if (!db && context.replicas > 1) {
    invalid(scope, 'auth.database', `is required with ${context.replicas} replicas (users and permissions would live in one pod's SQLite file)`, undefined,
      'pass database: a Postgres or Database.fromExisting(...) of its own, reached by every replica');
  }
  const tracking = context.trackingDatabase;
  if (db && tracking && db.host === tracking.host && db.port === tracking.port && db.databaseName === tracking.databaseName) {
    invalid(scope, 'auth.database', 'must be a database of its own, not the tracking database (basic auth runs its own migrations)', db.databaseName,
      `create a second database such as "${checkSqlIdentifier(scope, 'database', `${tracking.databaseName}_auth`.slice(0, 63))}" and pass it`);
  }
  const image = ContainerImage.fromReference(o.image ?? MLFLOW_DEFAULT_IMAGE, scope, 'auth.image');
  db?.grantConnect(context.workload, 'mlflow basic-auth database');

  const connection = db ? databaseConnection(db, 'AUTH_DB', 'auth-my.cnf', true) : undefined;
  const configPath: [string, EnvValue] = ['MLFLOW_AUTH_CONFIG_PATH', EnvValue.literal(CONFIG_PATH)];
  return {
    image,
    serverArgs: ['--app-name', 'basic-auth'],
    env: [configPath, ['MLFLOW_FLASK_SERVER_SECRET_KEY', EnvValue.fromSecret(o.secretKey)]],
    ...(connection ? { credentials: [connection.credential] } : {}),
    setup: {
      command: ['python', `${MOUNT}/write_basic_auth_ini.py`],
      env: [
        configPath,
        ['DEFAULT_PERMISSION', EnvValue.literal(permission.value)],
        ['ADMIN_USERNAME', EnvValue.literal(adminUsername)],
        ['ADMIN_PASSWORD', EnvValue.fromSecret(o.adminPassword)],
        ...(connection ? [['AUTH_DB_URI', EnvValue.literal(connection.uri)]] as Array<[string, EnvValue]> : []),
      ],
    },
    files: Object.fromEntries(['private_file.py', 'write_basic_auth_ini.py'].map((f) => [f, readScript(__dirname, f)])),
    mountPath: MOUNT,
    // MLflow's basic auth leaves /health unauthenticated.
    probes: { startup: '/health', liveness: '/health', readiness: '/health' },
  };
}

/** The basic-auth mode; create it with {@link MlflowAuth.basic}. */
export class MlflowBasicAuth extends MlflowAuthMode {
  constructor(private readonly options: BasicAuthOptions) {
    super();
  }

  public bind(scope: IConstruct, context: MlflowAuthContext): MlflowAuthConfig {
    return bindBasicAuth(scope, context, this.options);
  }
}
