import { EnvValue } from '../core/pod';
import { SecretValue } from '../core/secret-value';
import { IDatabase } from '../storage/database';
import { driverFileEnv } from '../storage/database-engine';

/**
 * @internal Where the credentials init container writes passwords for the client libraries: a
 * memory volume (`db-credentials`), writable by that container only, read-only in the others.
 */
export const CREDENTIALS_DIR = '/db-credentials';

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
  /**
   * Variables (name, literal value) the server process needs to find the file, such as
   * `PGPASSFILE`; the tracking server sets each once.
   * @default - none (the URI names the file, or a script of the mode reads it)
   */
  readonly driverEnv?: Array<[string, string]>;
}

/** @internal A database's credential and the SQLAlchemy URI that reaches it without a password. */
export interface DatabaseConnection {
  readonly uri: string;
  readonly credential: DriverCredential;
  /** Variables that point the driver at the credential's file (`PGPASSFILE`), in a stable order. */
  readonly env: Array<[string, EnvValue]>;
}

/**
 * @internal The SQLAlchemy URI of `db` with no password in it, and the credential the init
 * container writes, both as `db`'s engine has them (`lib/storage/<engine>-engine.ts`): a file the
 * pod's databases of the engine share (PostgreSQL's pgpass), or one of its own named `ownFile` in
 * `CREDENTIALS_DIR` (MySQL's option file, which the URI names). `specific`: a shared file's entry
 * names the host, port, database and user (needed when the pod reaches more than one database of
 * the engine), else it matches any.
 */
export function databaseConnection(db: IDatabase, prefix: string, ownFile: string, specific: boolean): DatabaseConnection {
  const f = db.engine._driverPasswordFile(db, { dir: CREDENTIALS_DIR, ownFile, specific });
  return {
    uri: db.engine._sqlalchemyUri(db, f.uriQuery),
    credential: { prefix, engine: f.format, password: db.password, file: f.file, ...(f.match ? { match: f.match } : {}), ...(f.env.length ? { driverEnv: f.env.map(([n, v]) => [n, v] as [string, string]) } : {}) },
    env: driverFileEnv(f),
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
