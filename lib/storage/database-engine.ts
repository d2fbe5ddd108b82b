import { EnvValue } from '../core/pod';
import { SecretValue } from '../core/secret-value';

/** Where a database is and whom to log in as: what an engine needs to render a client's part. */
export interface DatabaseLogin {
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly username: string;
  readonly password: SecretValue;
}

/**
 * The file a SQLAlchemy driver of the engine reads the password from, which a pod's credentials
 * init container writes (`lib/mlflow/scripts/write_db_credentials.py`), and how the driver finds it.
 */
export interface DriverPasswordFile {
  /** The file's format, as write_db_credentials.py names it: a pgpass line, a MySQL option file. */
  readonly format: 'postgresql' | 'mysql';
  /** Its absolute path. */
  readonly file: string;
  /** What the SQLAlchemy URI appends to name the file (`?read_default_file=...`), or "". */
  readonly uriQuery: string;
  /** Variables that point the driver at the file (`PGPASSFILE`), in a stable order. */
  readonly env: ReadonlyArray<readonly [string, string]>;
  /** The pgpass line matches this host:port:database:user. @default - any ("*") */
  readonly match?: { readonly host: string; readonly port: number; readonly database: string; readonly user: string };
}

/** Where a pod keeps its driver files: the directory, and the names the caller picked. */
export interface DriverFileOptions {
  /** The credentials memory volume's mount path (`/db-credentials`). */
  readonly dir: string;
  /** The file name when the engine gives each database a file of its own (`my.cnf`, `auth-my.cnf`). */
  readonly ownFile: string;
  /** A shared file names the database's host, port, name and user (more than one database of the engine in the pod). */
  readonly specific: boolean;
}

/**
 * One SQL engine's behaviour, in a file of its own (`postgresql-engine.ts`, `mysql-engine.ts`)
 * and registered as a member of `DatabaseEngine`: how clients reach it and hand its driver the
 * password, so no caller switches on the engine's name.
 */
export interface DatabaseEngineDriver {
  /** Also the workload, container, port and default Secret name of a server of the engine. */
  readonly name: string;
  /** The SQLAlchemy URI scheme with the driver the MLflow image ships. */
  readonly sqlalchemyScheme: string;
  readonly defaultPort: number;
  /** The password file of a SQLAlchemy driver for `login`. */
  driverPasswordFile(login: DatabaseLogin, options: DriverFileOptions): DriverPasswordFile;
  /**
   * The variable the engine's SQLAlchemy driver reads the password from when it is set in the
   * process environment.
   * @default - none: the driver reads no variable (a password file is the only way)
   */
  readonly driverPasswordEnv?: string;
}

/** The environment of a process that reads `file` (the file's `env` as literals). */
export function driverFileEnv(file: DriverPasswordFile): Array<[string, EnvValue]> {
  return file.env.map(([name, value]) => [name, EnvValue.literal(value)]);
}
