import { DatabaseEngineDriver } from './database-engine';

/**
 * MySQL through PyMySQL, which reads no password variable: it reads the `[client]` section of
 * the option file its `read_default_file` argument names (PyMySQL/PyMySQL, pymysql/connections.py,
 * `Connection`), which SQLAlchemy passes on from the URI's query. Each database of a pod gets a
 * file of its own.
 */
export const MYSQL_DRIVER: DatabaseEngineDriver = {
  name: 'mysql',
  sqlalchemyScheme: 'mysql+pymysql',
  defaultPort: 3306,
  driverPasswordFile(_login, { dir, ownFile }) {
    const file = `${dir}/${ownFile}`;
    return { format: 'mysql', file, uriQuery: `?read_default_file=${file}`, env: [] };
  },
};
