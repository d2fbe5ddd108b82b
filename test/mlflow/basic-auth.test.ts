import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { Workload } from '../../lib/core/workload';
import { BasicAuthOptions, BasicAuthPermission, MlflowBasicAuth } from '../../lib/mlflow/basic-auth';
import { MlflowAuthConfig, MlflowAuthContext } from '../../lib/mlflow/auth';
import { MLFLOW_DEFAULT_IMAGE } from '../../lib/mlflow/default-image';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { TrackingServer } from '../../lib/mlflow/tracking-server';
import { Database, DatabaseEngine, IDatabase } from '../../lib/storage/database';
import { ObjectStore } from '../../lib/storage/object-store';
import { loadValidator } from '../support/schema';
import { container, exactly, find, secretRef, synthChart } from '../support/synth';

const SCRIPT = path.resolve(__dirname, '../../lib/mlflow/scripts/write_basic_auth_ini.py');
let n = 0;
const db = (chart: Chart, databaseName: string): IDatabase => Database.fromExisting(chart, `db-${databaseName}-${n++}`, {
  engine: DatabaseEngine.POSTGRESQL, host: 'pg.db.svc.cluster.local', databaseName, username: databaseName, password: secretRef(`${databaseName.replace(/_/g, '-')}-db`, 'password'),
});

function bind(opts: (chart: Chart) => Partial<BasicAuthOptions> = () => ({}), ctx: (chart: Chart) => Partial<MlflowAuthContext> = () => ({})) {
  let config!: MlflowAuthConfig;
  const objs = synthChart((chart) => {
    const workload = new Workload(chart, 'mlflow', { name: 'mlflow', instance: 'mlflow', component: 'tracking-server' });
    const auth = MlflowAuth.basic({ adminPassword: secretRef('mlflow-auth', 'admin-password'), secretKey: secretRef('mlflow-auth', 'secret-key'), ...opts(chart) });
    config = auth.bind(workload, { workload, replicas: 1, ...ctx(chart) });
  }, 'mlflow');
  return { config, objs, env: Object.fromEntries(config.env.map(([k, v]) => [k, v.source])) };
}

describe('MlflowAuth.basic', () => {
  it('runs --app-name basic-auth with the config path, the Flask key and the admin by reference', () => {
    const { config, env } = bind();
    expect(MlflowAuth.basic({ adminPassword: secretRef('a', 'b'), secretKey: secretRef('a', 'c') })).toBeInstanceOf(MlflowBasicAuth);
    expect(config.serverArgs).toEqual(['--app-name', 'basic-auth']);
    expect(config.image!.reference).toBe(TrackingServer.DEFAULT_IMAGE);
    expect(MLFLOW_DEFAULT_IMAGE).toBe(TrackingServer.DEFAULT_IMAGE);
    // The server reads the ini (on the credentials memory volume) and signs with the Flask key; the
    // admin's password reaches only the init container that writes the ini.
    expect(env).toEqual({
      MLFLOW_AUTH_CONFIG_PATH: { value: '/db-credentials/basic_auth.ini' },
      MLFLOW_FLASK_SERVER_SECRET_KEY: { valueFrom: { secretKeyRef: { name: 'mlflow-auth', key: 'secret-key' } } },
    });
    expect(config.setup!.command).toEqual(['python', '/mlflow/auth/write_basic_auth_ini.py']);
    expect(Object.fromEntries(config.setup!.env.map(([k, v]) => [k, v.source]))).toEqual({
      MLFLOW_AUTH_CONFIG_PATH: { value: '/db-credentials/basic_auth.ini' },
      DEFAULT_PERMISSION: { value: 'READ' },
      ADMIN_USERNAME: { value: 'admin' },
      ADMIN_PASSWORD: { valueFrom: { secretKeyRef: { name: 'mlflow-auth', key: 'admin-password' } } },
    });
    expect(config.credentials).toBeUndefined();
    expect(config.files['write_basic_auth_ini.py']).toBe(fs.readFileSync(SCRIPT, 'utf8'));
    // the writer imports private_file.py from beside it
    expect(config.files['private_file.py']).toBe(fs.readFileSync(path.resolve(SCRIPT, '..', 'private_file.py'), 'utf8'));
    expect(config.probes).toEqual({ startup: '/health', liveness: '/health', readiness: '/health' });
  });

  it('holds with several replicas on an auth database of its own, reachable from the server', () => {
    const { config, objs } = bind((chart) => ({ database: db(chart, 'mlflow_auth'), defaultPermission: BasicAuthPermission.NO_PERMISSIONS }),
      (chart) => ({ replicas: 3, trackingDatabase: db(chart, 'mlflow') }));
    expect(Object.fromEntries(config.setup!.env.map(([k, v]) => [k, v.source]))).toMatchObject({
      DEFAULT_PERMISSION: { value: 'NO_PERMISSIONS' },
      AUTH_DB_URI: { value: 'postgresql+psycopg2://mlflow_auth@pg.db.svc.cluster.local:5432/mlflow_auth' },
    });
    expect(config.credentials).toEqual([{
      prefix: 'AUTH_DB', engine: 'postgresql', password: secretRef('mlflow-auth-db', 'password'), file: '/db-credentials/pgpass',
      match: { host: 'pg.db.svc.cluster.local', port: 5432, database: 'mlflow_auth', user: 'mlflow_auth' },
      driverEnv: [['PGPASSFILE', '/db-credentials/pgpass']],
    }]);
    expect(find(objs, 'NetworkPolicy', 'mlflow-egress').spec.egress.flatMap((e: any) => e.ports)).toContainEqual({ protocol: 'TCP', port: 5432 });
  });

  it('refuses bad combinations with exact messages', () => {
    expect(() => bind(() => ({}), () => ({ replicas: 2 })))
      .toThrowError(exactly('test/mlflow: auth.database is required with 2 replicas (users and permissions would live in one pod\'s SQLite file), got undefined. Fix: pass database: a Postgres or Database.fromExisting(...) of its own, reached by every replica'));
    expect(() => bind((chart) => ({ database: db(chart, 'mlflow') }), (chart) => ({ trackingDatabase: db(chart, 'mlflow') })))
      .toThrowError(/^test\/mlflow: auth\.database must be a database of its own/);
    expect(() => bind(() => ({ adminPassword: 'hunter2' as any })))
      .toThrowError(exactly('test/mlflow: auth.adminPassword must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("mlflow-auth", "admin-password")'));
    expect(() => bind(() => ({ secretKey: undefined as any })))
      .toThrowError(exactly('test/mlflow: auth.secretKey must be a SecretValue, never a string, got undefined. Fix: pass SecretValue.fromSecret("mlflow-auth", "secret-key")'));
    expect(() => bind(() => ({ adminUsername: 'ad min' })))
      .toThrowError(exactly('test/mlflow: auth.adminUsername must be 1 to 64 letters, digits, ".", "_", "@" or "-", got "ad min". Fix: pass adminUsername: "admin"'));
  });
});

describe('write_basic_auth_ini.py', () => {
  const temps: string[] = [];
  afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const run = (env: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'basic-auth-'));
    temps.push(dir);
    const file = path.join(dir, 'basic_auth.ini');
    const r = spawnSync('python3', [SCRIPT], { env: { PATH: process.env.PATH!, PYTHONDONTWRITEBYTECODE: '1', MLFLOW_AUTH_CONFIG_PATH: file, ...env }, encoding: 'utf8' });
    return { r, file };
  };

  it('writes a 0600 ini that configparser reads back exactly (percent signs doubled)', () => {
    const { r, file } = run({
      ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: '100%sure', DEFAULT_PERMISSION: 'EDIT',
      AUTH_DB_URI: 'mysql+pymysql://auth@pg:3306/mlflow_auth?read_default_file=/db-credentials/auth-my.cnf',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`wrote the basic-auth configuration ${file}\n`);
    expect(r.status).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const read = spawnSync('python3', ['-c', 'import configparser,json,sys;c=configparser.ConfigParser();c.read(sys.argv[1]);print(json.dumps(dict(c["mlflow"])))', file], { encoding: 'utf8' });
    expect(JSON.parse(read.stdout)).toEqual({
      default_permission: 'EDIT',
      database_uri: 'mysql+pymysql://auth@pg:3306/mlflow_auth?read_default_file=/db-credentials/auth-my.cnf',
      admin_username: 'admin',
      admin_password: '100%sure',
      authorization_function: 'mlflow.server.auth:authenticate_request_basic_auth',
    });
  });

  /** What MLflow's read_auth_config sees: a plain configparser.ConfigParser() (mlflow/server/auth/config.py). */
  const readBack = (file: string) => JSON.parse(spawnSync('python3', ['-c', 'import configparser,json,sys;c=configparser.ConfigParser();c.read(sys.argv[1]);print(json.dumps(dict(c["mlflow"])))', file], { encoding: 'utf8' }).stdout);

  it.each([
    'p w', '100%%sure%', 'a;b #c', '#start', ';start', 'x = y: z', '"quoted"', "'single'", 'back\\slash\\', '[mlflow]', '%(admin_username)s', 'ünïcødé pässwörd',
  ])('the admin password %j reaches MLflow exactly as the Secret holds it', (password) => {
    const { r, file } = run({ ADMIN_PASSWORD: password });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readBack(file).admin_password).toBe(password);
  });

  it.each([' leading', 'trailing ', '\ttab', 'nbsp\u00a0'])('refuses a password configparser would trim (%j), naming the variable, never the value', (password) => {
    const { r, file } = run({ ADMIN_PASSWORD: password });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("basic auth: ADMIN_PASSWORD begins or ends with whitespace, which MLflow's basic_auth.ini cannot carry (configparser strips it, so the login would fail). Fix: set a value without leading or trailing whitespace in its Secret\n");
    expect(r.stdout).toBe('');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('falls back to SQLite on scratch space, and fails on a bad permission, an empty password or a URI with a password', () => {
    const ok = run({ ADMIN_PASSWORD: 'x' });
    expect(fs.readFileSync(ok.file, 'utf8')).toContain('database_uri = sqlite:////tmp/basic_auth.db');
    const leaky = run({ ADMIN_PASSWORD: 'x', AUTH_DB_URI: 'postgresql://auth:hunter2@pg:5432/mlflow_auth' });
    expect(leaky.r.status).toBe(1);
    expect(leaky.r.stderr).toBe('basic auth: AUTH_DB_URI must not carry a password (the driver reads it from its file)\n');
    expect(fs.existsSync(leaky.file)).toBe(false);
    const bad = run({ ADMIN_PASSWORD: 'x', DEFAULT_PERMISSION: 'ALL' });
    expect(bad.r.status).toBe(1);
    expect(bad.r.stderr).toContain("DEFAULT_PERMISSION must be one of READ, EDIT, MANAGE, NO_PERMISSIONS, got 'ALL'");
    expect(run({ ADMIN_PASSWORD: '' }).r.status).toBe(1);
  });
});

describe('basic auth on the TrackingServer', () => {
  const build = (extra: Record<string, unknown>, withDb = true) => synthChart((chart) => {
    const tracking = db(chart, 'mlflow');
    const auth = MlflowAuth.basic({ adminPassword: secretRef('mlflow-auth', 'admin-password'), secretKey: secretRef('mlflow-auth', 'secret-key'), ...(withDb ? { database: db(chart, 'mlflow_auth') } : {}) });
    const minio = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.example.com', credentials: { accessKeyId: secretRef('s3', 'id'), secretAccessKey: secretRef('s3', 'key') } });
    new TrackingServer(chart, 'mlflow', { database: tracking, artifacts: minio.bucket('mlflow'), auth, ...extra });
  }, 'mlflow');

  it('renders --app-name basic-auth in exec form, the ini and both pgpass lines written by init containers, with an autoscaler', () => {
    const objs = build({ autoscaling: { maxReplicas: 4 } });
    const deploy = find(objs, 'Deployment', 'mlflow');
    const c = container(deploy, 'mlflow');
    expect(c.command).toEqual(expect.arrayContaining(['mlflow', 'server', '--app-name', 'basic-auth']));
    expect(c.command[0]).toBe('mlflow');
    expect(deploy.spec.template.spec.initContainers.map((i: any) => i.name)).toEqual(['db-credentials', 'auth-config', 'wait-for-db', 'db-upgrade']);
    const setup = container(deploy, 'auth-config');
    expect(setup.command).toEqual(['python', '/mlflow/auth/write_basic_auth_ini.py']);
    expect(setup.volumeMounts).toEqual([{ name: 'auth', mountPath: '/mlflow/auth', readOnly: true }, { name: 'db-credentials', mountPath: '/db-credentials' }]);
    // Only the two init containers see a database or admin password, and only as references.
    const secretNames = (x: any) => (x.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => `${e.name}=${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
    expect(secretNames(c)).toEqual(['AWS_ACCESS_KEY_ID=s3/id', 'AWS_SECRET_ACCESS_KEY=s3/key', 'MLFLOW_FLASK_SERVER_SECRET_KEY=mlflow-auth/secret-key']);
    expect(secretNames(setup)).toEqual(['ADMIN_PASSWORD=mlflow-auth/admin-password']);
    const writer = container(deploy, 'db-credentials');
    expect(secretNames(writer)).toEqual(['DB_PASSWORD=mlflow-db/password', 'AUTH_DB_PASSWORD=mlflow-auth-db/password']);
    // Run the writer on its rendered environment: the auth database's line comes before the wildcard.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpass-'));
    const env = Object.fromEntries(writer.env.map((e: any) => [e.name, e.value ?? `pw-${e.valueFrom.secretKeyRef.name}`]));
    const r = spawnSync('python3', [path.resolve(SCRIPT, '..', 'write_db_credentials.py')], { env: { PATH: process.env.PATH!, PYTHONDONTWRITEBYTECODE: '1', ...env, DB_DRIVER_FILE: `${dir}/pgpass`, AUTH_DB_DRIVER_FILE: `${dir}/pgpass` }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(`${dir}/pgpass`, 'utf8')).toBe('pg.db.svc.cluster.local:5432:mlflow_auth:mlflow_auth:pw-mlflow-auth-db\n*:*:*:*:pw-mlflow-db\n');
    expect(r.stdout + r.stderr).not.toContain('pw-');
    fs.rmSync(dir, { recursive: true, force: true });
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('an autoscaler that can run several pods needs the shared auth database', () => {
    expect(() => build({ autoscaling: { minReplicas: 1, maxReplicas: 3 } }, false))
      .toThrowError(/^test\/mlflow: auth\.database is required with 3 replicas/);
  });
});
