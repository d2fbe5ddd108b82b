import { describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { Workload } from '../../lib/core/workload';
import { Database, DatabaseEngine, ExistingDatabaseProps, IDatabase } from '../../lib/storage/database';
import { exactly, find, secretRef, synthChart } from '../support/synth';

const props = (extra: Partial<ExistingDatabaseProps> = {}): ExistingDatabaseProps => ({
  engine: DatabaseEngine.POSTGRESQL,
  host: 'db.example.internal',
  databaseName: 'mlflow',
  username: 'mlflow',
  password: secretRef('cloudsql', 'password'),
  ...extra,
});
const client = (chart: any) => new Workload(chart, 'app', { name: 'app', instance: 'app', component: 'client' });

describe('Database.fromExisting', () => {
  let db!: IDatabase;
  const objs = synthChart((chart) => {
    db = Database.fromExisting(chart, 'db', props());
    db.grantConnect(client(chart), 'app → managed postgres');
  });

  it('exposes the connection details, with the engine\'s default port', () => {
    expect([db.engine, db.host, db.port, db.databaseName, db.username]).toEqual([DatabaseEngine.POSTGRESQL, 'db.example.internal', 5432, 'mlflow', 'mlflow']);
    expect(db.password.toEnvSource()).toEqual({ secretKeyRef: { name: 'cloudsql', key: 'password' } });
  });

  it('renders nothing itself, and lets clients out to any address on the database port only', () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/test', 'NetworkPolicy/default-deny-all', 'NetworkPolicy/allow-dns', 'ServiceAccount/app', 'NetworkPolicy/app-egress',
    ]);
    expect(find(objs, 'NetworkPolicy', 'app-egress').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
  });

  it('narrows egress to the given peer and port; MySQL defaults to 3306; IP hosts are accepted', () => {
    let mysql!: IDatabase;
    const objs2 = synthChart((chart) => {
      mysql = Database.fromExisting(chart, 'db', props({ engine: DatabaseEngine.MYSQL, host: '10.10.0.5', peer: Peer.cidr('10.10.0.0/24') }));
      mysql.grantConnect(client(chart), 'app → mysql');
    });
    expect([mysql.port, mysql.host, mysql.engine.sqlalchemyScheme]).toEqual([3306, '10.10.0.5', 'mysql+pymysql']);
    expect(find(objs2, 'NetworkPolicy', 'app-egress').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.10.0.0/24' } }], ports: [{ protocol: 'TCP', port: 3306 }] }]);
    const inCluster = Database.fromExisting(synthChartScope(), 'db', props({ port: 6432, peer: Peer.namespace('db', { app: 'pgbouncer' }) }));
    expect(inCluster.port).toBe(6432);
  });

  it('limits egress to the address itself when the host is an IP', () => {
    const objs2 = synthChart((chart) => {
      Database.fromExisting(chart, 'db', props({ host: '10.20.0.7' })).grantConnect(client(chart), 'app → cloud sql private ip');
    });
    expect(find(objs2, 'NetworkPolicy', 'app-egress').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.20.0.7/32' } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
  });

  it('matches the snapshot', () => {
    expect(objs).toMatchSnapshot();
  });
});

/** A bare chart to build constructs in without synthesizing. */
function synthChartScope(): any {
  let scope: any;
  synthChart((chart) => { scope = chart; });
  return scope;
}

describe('Database.fromExisting validation', () => {
  const build = (extra: Partial<ExistingDatabaseProps> & Record<string, unknown>) => () => Database.fromExisting(synthChartScope(), 'db', props(extra as any));

  it('refuses a host that is not a DNS name or IPv4 address', () => {
    expect(build({ host: 'postgres://db.example.internal:5432' })).toThrowError(exactly(
      'test/db: host must be a host name or IPv4 address only, without scheme, credentials, port or path, got "postgres://db.example.internal:5432". Fix: write "db.example.internal" (the port and credentials have their own props)'));
    // The password of a URL never reaches the message.
    expect(build({ host: 'postgres://mlflow:hunter2@db.example.internal' })).toThrowError(/got "postgres:\/\/<redacted>@db\.example\.internal"\. Fix: write "db\.example\.internal"/);
    expect(build({ host: '10.0.0.300' })).toThrowError(exactly(
      'test/db: host must be an IPv4 address with four octets from 0 to 255, or a DNS name, got "10.0.0.300". Fix: write an address such as "10.20.0.7" or a name such as "db.example.internal"'));
    expect(build({ host: 'DB_Host' })).toThrowError(/^test\/db: host must be a DNS-1123 subdomain .*, got "DB_Host"\. Fix: use a name such as "db-host"$/);
  });

  it('refuses a string password', () => {
    expect(build({ password: 's3cret' as any })).toThrowError(exactly(
      'test/db: password must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("mlflow-db", "password") or an ExternalSecret value'));
  });

  it('refuses an unknown engine', () => {
    expect(build({ engine: 'postgres' as any })).toThrowError(exactly(
      'test/db: engine must be DatabaseEngine.POSTGRESQL or DatabaseEngine.MYSQL, got a string. Fix: pass engine: DatabaseEngine.POSTGRESQL'));
  });

  it('checks port, database name and user name', () => {
    expect(build({ port: 0 })).toThrowError(exactly('test/db: port must be an integer from 1 to 65535, got 0. Fix: use a port such as 5000'));
    expect(build({ databaseName: 'ml flow' })).toThrowError(exactly(
      'test/db: databaseName must be a lower-case SQL identifier (letters, digits, "_", starting with a letter or "_", at most 63 characters), got "ml flow". Fix: use a name such as "ml_flow"'));
    expect(build({ username: 'Admin' })).toThrowError(/^test\/db: username must be a lower-case SQL identifier .*Fix: use a name such as "admin"$/);
  });
});
