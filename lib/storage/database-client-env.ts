import { EnvValue } from '../core/pod';
import { IDatabase } from './database';

/** The names of the variables that tell a database client where to connect and as whom. */
interface ClientEnvNames {
  readonly host: string;
  readonly port: string;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

function clientEnv(db: IDatabase, n: ClientEnvNames): Array<[string, EnvValue]> {
  return [
    [n.host, EnvValue.literal(db.host)],
    [n.port, EnvValue.literal(String(db.port))],
    [n.database, EnvValue.literal(db.databaseName)],
    [n.user, EnvValue.literal(db.username)],
    [n.password, EnvValue.fromSecret(db.password)],
  ];
}

/** libpq's variables (`PGHOST` … `PGPASSWORD`), which psql, pg_dump and pg_isready read. @internal */
export function libpqEnv(db: IDatabase): Array<[string, EnvValue]> {
  return clientEnv(db, { host: 'PGHOST', port: 'PGPORT', database: 'PGDATABASE', user: 'PGUSER', password: 'PGPASSWORD' });
}

/**
 * The `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER` variables the MySQL scripts here read, and the
 * password in `passwordVar` (each script names its own, as it hands it on differently).
 * @internal
 */
export function mysqlScriptEnv(db: IDatabase, passwordVar: string): Array<[string, EnvValue]> {
  return clientEnv(db, { host: 'DB_HOST', port: 'DB_PORT', database: 'DB_NAME', user: 'DB_USER', password: passwordVar });
}
