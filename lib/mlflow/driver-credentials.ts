import { EnvValue } from '../core/pod';
import { SecretValue } from '../core/secret-value';
import { IDatabase } from '../storage/database';

/**
 * @internal Where the credentials init container writes passwords for the client libraries: a
 * memory volume (`db-credentials`), writable by that container only, read-only in the others.
 */
export const CREDENTIALS_DIR = '/db-credentials';

/** @internal The pgpass file every PostgreSQL connection of the pod shares (libpq's PGPASSFILE). */
export const PGPASS_FILE = `${CREDENTIALS_DIR}/pgpass`;

/**
 * A password that the tracking server's credentials init container (`write_db_credentials.py`)
 * writes into the file its client reads, for an auth mode (`MlflowAuthConfig.credentials`):
 * a pgpass line (libpq), a MySQL option file (PyMySQL) or the bare password (redis-py, through
 * `lib/mlflow/scripts/sitecustomize.py`). Never part of a URI, an argument or a log line.
 */
export interface DriverCredential {
  /** The environment prefix in the init container (upper case): `DB`, `AUTH_DB`, `REDIS`. */
  readonly prefix: string;
  readonly engine: 'postgresql' | 'mysql' | 'password';
  readonly password: SecretValue;
  /** The absolute path of the file, under `/db-credentials` (the pod's credentials memory volume). */
  readonly file: string;
  /** PostgreSQL: the pgpass line matches this host:port:database:user. @default - any ("*") */
  readonly match?: { readonly host: string; readonly port: number; readonly database: string; readonly user: string };
}

/** @internal A database's credential and the SQLAlchemy URI that reaches it without a password. */
export interface DatabaseConnection {
  readonly uri: string;
  readonly credential: DriverCredential;
}

/**
 * @internal The SQLAlchemy URI of `db` with no password in it, and the credential the init
 * container writes: PostgreSQL reads the shared pgpass file (PGPASSFILE), MySQL its own option
 * file `<CREDENTIALS_DIR>/<mysqlFile>` named in the URI (`read_default_file`).
 * `specific`: the pgpass line names the host, port, database and user (needed when the pod
 * reaches more than one PostgreSQL database), else it matches any.
 */
export function databaseConnection(db: IDatabase, prefix: string, mysqlFile: string, specific: boolean): DatabaseConnection {
  const postgres = db.engine.name === 'postgresql';
  const file = postgres ? PGPASS_FILE : `${CREDENTIALS_DIR}/${mysqlFile}`;
  const uri = `${db.engine.sqlalchemyScheme}://${encodeURIComponent(db.username)}@${db.host}:${db.port}/${db.databaseName}`
    + (postgres ? '' : `?read_default_file=${file}`);
  return {
    uri,
    credential: {
      prefix,
      engine: postgres ? 'postgresql' : 'mysql',
      password: db.password,
      file,
      ...(postgres && specific ? { match: { host: db.host, port: db.port, database: db.databaseName, user: db.username } } : {}),
    },
  };
}

/** @internal The environment of `write_db_credentials.py` for these credentials, in their order. */
export function credentialsWriterEnv(credentials: DriverCredential[]): Array<[string, EnvValue]> {
  const env: Array<[string, EnvValue]> = [];
  // One prefix keeps the script's default (DRIVER_FILES="DB"), so the simple case stays short.
  if (credentials.length !== 1 || credentials[0].prefix !== 'DB') {
    env.push(['DRIVER_FILES', EnvValue.literal(credentials.map((c) => c.prefix).join(' '))]);
  }
  for (const c of credentials) {
    env.push([`${c.prefix}_ENGINE`, EnvValue.literal(c.engine)]);
    env.push([`${c.prefix}_PASSWORD`, EnvValue.fromSecret(c.password)]);
    env.push([`${c.prefix}_DRIVER_FILE`, EnvValue.literal(c.file)]);
    if (c.match) {
      env.push([`${c.prefix}_HOST`, EnvValue.literal(c.match.host)]);
      env.push([`${c.prefix}_PORT`, EnvValue.literal(String(c.match.port))]);
      env.push([`${c.prefix}_NAME`, EnvValue.literal(c.match.database)]);
      env.push([`${c.prefix}_USER`, EnvValue.literal(c.match.user)]);
    }
  }
  return env;
}
