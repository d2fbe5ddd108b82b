import { describe, expect, it } from 'vitest';
import { DatabaseEngine } from '../../lib/storage/database';
import { DatabaseLogin } from '../../lib/storage/database-engine';
import { secretRef } from '../support/synth';

const login = (databaseName: string): DatabaseLogin => ({ host: 'db.example.internal', port: 5433, databaseName, username: 'mlflow', password: secretRef('db', 'password') });
const options = { dir: '/db-credentials', ownFile: 'my.cnf', specific: false };

describe('DatabaseEngine (behaviour with the data)', () => {
  it('PostgreSQL: one pgpass file per pod that PGPASSFILE names, a line per database when specific; nothing in the URI', () => {
    const pg = DatabaseEngine.POSTGRESQL;
    expect(pg._driverPasswordFile(login('mlflow'), options)).toEqual({ format: 'postgresql', file: '/db-credentials/pgpass', uriQuery: '', env: [['PGPASSFILE', '/db-credentials/pgpass']] });
    expect(pg._driverPasswordFile(login('auth'), { ...options, ownFile: 'auth-my.cnf', specific: true }).match)
      .toEqual({ host: 'db.example.internal', port: 5433, database: 'auth', user: 'mlflow' });
    expect(pg._sqlalchemyUri(login('mlflow'))).toBe('postgresql+psycopg2://mlflow@db.example.internal:5433/mlflow');
    expect(pg._driverPasswordEnv).toBe('PGPASSWORD');
  });

  it('MySQL: an option file of its own per database, which the URI names; no variable, and no shared-file match', () => {
    const my = DatabaseEngine.MYSQL;
    const f = my._driverPasswordFile(login('mlflow'), { ...options, ownFile: 'auth-my.cnf', specific: true });
    expect(f).toEqual({ format: 'mysql', file: '/db-credentials/auth-my.cnf', uriQuery: '?read_default_file=/db-credentials/auth-my.cnf', env: [] });
    expect(my._sqlalchemyUri(login('mlflow'), f.uriQuery)).toBe('mysql+pymysql://mlflow@db.example.internal:5433/mlflow?read_default_file=/db-credentials/auth-my.cnf');
    expect(my._driverPasswordEnv).toBeUndefined();
  });

  it('every registered engine renders a password file in the credentials directory and a URI without the password', () => {
    const engines = Object.values(DatabaseEngine).filter((v): v is DatabaseEngine => v instanceof DatabaseEngine);
    expect(engines.map((e) => e.name)).toEqual(['postgresql', 'mysql']);
    for (const e of engines) {
      const f = e._driverPasswordFile(login('mlflow'), options);
      expect(f.file.startsWith('/db-credentials/'), e.name).toBe(true);
      expect(['postgresql', 'mysql']).toContain(f.format);
      expect(e._sqlalchemyUri(login('mlflow'), f.uriQuery)).not.toContain('password');
      expect(e._sqlalchemyUri(login('mlflow')).startsWith(`${e.sqlalchemyScheme}://mlflow@`)).toBe(true);
    }
  });
});
