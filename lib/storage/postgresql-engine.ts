import { DatabaseEngineDriver } from './database-engine';

/**
 * PostgreSQL through psycopg2, which is libpq: libpq reads the password from the pgpass file
 * that PGPASSFILE names, or from PGPASSWORD (postgres/postgres, doc/src/sgml/libpq.sgml,
 * "Environment Variables" and "The Password File"). Every PostgreSQL database of a pod shares the
 * one pgpass file, a line each.
 */
export const POSTGRESQL_DRIVER: DatabaseEngineDriver = {
  name: 'postgresql',
  sqlalchemyScheme: 'postgresql+psycopg2',
  defaultPort: 5432,
  driverPasswordEnv: 'PGPASSWORD',
  driverPasswordFile(login, { dir, specific }) {
    const file = `${dir}/pgpass`;
    return {
      format: 'postgresql',
      file,
      uriQuery: '',
      env: [['PGPASSFILE', file]],
      ...(specific ? { match: { host: login.host, port: login.port, database: login.databaseName, user: login.username } } : {}),
    };
  },
};
