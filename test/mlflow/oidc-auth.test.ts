import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Workload } from '../../lib/core/workload';
import { IdentityProvider } from '../../lib/identity/identity-provider';
import { KeycloakRealm } from '../../lib/identity/keycloak-realm';
import { MlflowAuthConfig, MlflowAuthContext } from '../../lib/mlflow/auth';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { OidcAuthOptions, OidcAuthStore, OidcCache } from '../../lib/mlflow/oidc-auth';
import { Database, DatabaseEngine } from '../../lib/storage/database';
import { exactly, find, secretRef, synthChart } from '../support/synth';

const IMAGE = 'registry.example.com/mlflow-oidc-auth:3.14.0-7.18.0';
const SCRIPTS = path.resolve(__dirname, '../../lib/mlflow/scripts');

/** Binds the OIDC option to a workload in a fresh chart; returns the config and the synthesized objects. */
function bind(opts: (chart: Chart) => Partial<OidcAuthOptions> = () => ({}), ctx: Partial<MlflowAuthContext> = {}) {
  let config!: MlflowAuthConfig;
  const objs = synthChart((chart) => {
    const workload = new Workload(chart, 'mlflow', { name: 'mlflow', instance: 'mlflow', component: 'tracking-server' });
    const provider = IdentityProvider.fromExisting(chart, 'keycloak', {
      keycloakUrl: 'https://keycloak.example.com', realm: 'thinkube', clientId: 'mlflow', clientSecret: secretRef('mlflow-oidc', 'client-secret'),
    });
    config = MlflowAuth.oidc({ provider, image: IMAGE, ...opts(chart) }).bind(workload, { workload, replicas: 1, ingressHost: 'mlflow.example.com', ...ctx });
  }, 'mlflow');
  return { config, objs, env: Object.fromEntries(config.env.map(([k, v]) => [k, v.source])) };
}

const authDb = (chart: Chart, databaseName = 'mlflow_auth') => Database.fromExisting(chart, `db-${databaseName}`, {
  engine: DatabaseEngine.POSTGRESQL, host: 'postgresql-official.postgres.svc.cluster.local', databaseName, username: 'mlflow_auth',
  password: secretRef('mlflow-auth-db', 'password'),
});

describe('MlflowAuth.oidc', () => {
  it('runs the plugin app with the seed\'s OIDC settings derived from the provider and the ingress host', () => {
    const { config, env } = bind();
    expect(config.serverArgs).toEqual(['--app-name', 'oidc-auth']);
    expect(config.image!.toString()).toBe(IMAGE);
    expect(env).toMatchObject({
      OIDC_DISCOVERY_URL: { value: 'https://keycloak.example.com/realms/thinkube/.well-known/openid-configuration' },
      OIDC_ISSUER: { value: 'https://keycloak.example.com/realms/thinkube' },
      OIDC_CLIENT_ID: { value: 'mlflow' },
      OIDC_AUDIENCE: { value: 'mlflow' },
      OIDC_REDIRECT_URI: { value: 'https://mlflow.example.com/callback' },
      OIDC_SCOPE: { value: 'openid profile email' },
      OIDC_PROVIDER_DISPLAY_NAME: { value: 'Login with OIDC' },
      OIDC_GROUP_NAME: { value: 'mlflow-user' },
      OIDC_ADMIN_GROUP_NAME: { value: 'mlflow-admin' },
      OIDC_GROUPS_ATTRIBUTE: { value: 'realm_access.roles' },
      AUTOMATIC_LOGIN_REDIRECT: { value: 'true' },
      DEFAULT_LANDING_PAGE_IS_PERMISSIONS: { value: 'false' },
      SESSION_COOKIE_SECURE: { value: 'true' },
      OIDC_USERS_DB_URI: { value: 'sqlite:////tmp/mlflow-oidc-auth.db' },
    });
  });

  it('reads the client secret and SECRET_KEY from Secrets, never as values', () => {
    const { env } = bind(() => ({ secretKey: secretRef('mlflow-oidc', 'secret-key') }));
    expect(env.OIDC_CLIENT_SECRET).toEqual({ valueFrom: { secretKeyRef: { name: 'mlflow-oidc', key: 'client-secret' } } });
    expect(env.SECRET_KEY).toEqual({ valueFrom: { secretKeyRef: { name: 'mlflow-oidc', key: 'secret-key' } } });
    for (const [name, v] of Object.entries(env)) if (/SECRET|PASSWORD/.test(name)) expect(v.value, name).toBeUndefined();
  });

  it('takes the client secret from a KeycloakRealm, or an override in MLflow\'s namespace', () => {
    let config!: MlflowAuthConfig;
    synthChart((chart) => {
      const workload = new Workload(chart, 'mlflow', { name: 'mlflow', instance: 'mlflow', component: 'tracking-server' });
      const realm = KeycloakRealm.mlflow(chart, 'realm', { keycloakUrl: 'https://keycloak.example.com', realm: 'thinkube', host: 'mlflow.example.com', clientSecret: secretRef('kc-mlflow', 'secret') });
      config = MlflowAuth.oidc({ provider: realm, image: IMAGE, clientSecret: secretRef('mlflow-oidc', 'client-secret') }).bind(workload, { workload, replicas: 1, ingressHost: 'mlflow.example.com' });
      const fromRealm = MlflowAuth.oidc({ provider: realm, image: IMAGE }).bind(workload, { workload, replicas: 1, ingressHost: 'mlflow.example.com' });
      expect(fromRealm.env.find(([k]) => k === 'OIDC_CLIENT_SECRET')![1].source).toEqual({ valueFrom: realm.clientSecret.toEnvSource() });
    });
    expect(config.env.find(([k]) => k === 'OIDC_CLIENT_SECRET')![1].source).toEqual({ valueFrom: { secretKeyRef: { name: 'mlflow-oidc', key: 'client-secret' } } });
  });

  it('probes the plugin\'s unauthenticated health endpoints, not / (which redirects to the provider)', () => {
    expect(bind().config.probes).toEqual({ startup: '/health/startup', liveness: '/health/live', readiness: '/health/ready' });
  });

  it('maps Keycloak realm roles with our group-detection module (the plugin reads only top-level claims)', () => {
    const { config, env } = bind();
    expect(env.OIDC_GROUP_DETECTION_PLUGIN).toEqual({ value: 'mlflow_keycloak_groups' });
    expect(env.PYTHONPATH).toEqual({ value: config.mountPath });
    expect(config.files['mlflow_keycloak_groups.py']).toBe(fs.readFileSync(path.join(SCRIPTS, 'mlflow_keycloak_groups.py'), 'utf8'));
  });

  it('refuses userGroups/adminGroups of an earlier release instead of letting the default groups log in (JavaScript callers)', () => {
    expect(() => bind(() => ({ userGroups: ['ds-team'] } as any))).toThrowError(exactly(
      'test/mlflow: auth.userGroups is no longer a prop, got ["ds-team"]. Fix: write groups: { users: [...] }'));
    expect(() => bind(() => ({ adminGroups: ['ds-admins'] } as any))).toThrowError(exactly(
      'test/mlflow: auth.adminGroups is no longer a prop, got ["ds-admins"]. Fix: write groups: { admins: [...] }'));
  });

  it('refuses a provider without a discovery URL (mlflow-oidc-auth reads OIDC_DISCOVERY_URL)', () => {
    expect(() => bind(() => ({ provider: { issuerUrl: 'https://sso.example.com/realms/x', clientSecret: secretRef('kc', 'secret'), grantConnect: () => undefined } as any }))).toThrowError(
      /^test\/mlflow: auth\.provider must be an IIdentityProvider/);
  });

  it('uses the plugin\'s own lookup for a top-level groups claim', () => {
    const { config, env } = bind(() => ({ groupsClaim: 'groups', groups: { users: ['ml', 'data'], admins: ['ml-admins'] }, scopes: ['openid', 'groups'] }));
    expect(env.OIDC_GROUP_DETECTION_PLUGIN).toBeUndefined();
    expect(env.PYTHONPATH).toBeUndefined();
    expect(Object.keys(config.files)).toEqual([]);
    expect([env.OIDC_GROUP_NAME, env.OIDC_ADMIN_GROUP_NAME, env.OIDC_SCOPE]).toEqual([{ value: 'ml,data' }, { value: 'ml-admins' }, { value: 'openid groups' }]);
  });

  it('reaches the auth database and Redis with URIs that carry no password: the drivers read it from files', () => {
    const { config, env, objs } = bind((chart) => ({
      secretKey: secretRef('mlflow-oidc', 'secret-key'),
      store: OidcAuthStore.database(authDb(chart)),
      cache: OidcCache.redis({ host: 'redis.cache.svc.cluster.local', password: secretRef('redis', 'password') }),
    }), { replicas: 3 });
    expect(env).toMatchObject({
      OIDC_USERS_DB_URI: { value: 'postgresql+psycopg2://mlflow_auth@postgresql-official.postgres.svc.cluster.local:5432/mlflow_auth' },
      CACHE_BACKEND: { value: 'redis' },
      CACHE_REDIS_URL: { value: 'redis://redis.cache.svc.cluster.local:6379/0' },
      MLFLOW_OIDC_REDIS_AUTH_FILE: { value: '/db-credentials/redis-password' },
      PYTHONPATH: { value: '/mlflow/oidc' },
    });
    // Neither password is in the server's environment: the credentials init container writes them.
    const secretEnv = Object.entries(env).filter(([, v]) => (v as any).valueFrom).map(([k]) => k);
    expect(secretEnv).toEqual(['OIDC_CLIENT_SECRET', 'SECRET_KEY']);
    expect(config.credentials!.map((c) => [c.prefix, c.engine, c.file, c.password.secretName, c.password.key, c.match?.database])).toEqual([
      ['AUTH_DB', 'postgresql', '/db-credentials/pgpass', 'mlflow-auth-db', 'password', 'mlflow_auth'],
      ['REDIS', 'password', '/db-credentials/redis-password', 'redis', 'password', undefined],
    ]);
    expect(Object.keys(config.files)).toEqual(['mlflow_keycloak_groups.py', 'sitecustomize.py']);
    // egress: the issuer (443), the auth database (5432) and Redis (6379), nothing else
    expect(find(objs, 'NetworkPolicy', 'mlflow-egress').spec.egress.flatMap((r: any) => r.ports.map((x: any) => x.port)).sort()).toEqual([443, 5432, 6379]);
  });

  it('names a MySQL auth database\'s own option file in its URI, and a Redis without password needs no module', () => {
    const { config, env } = bind((chart) => ({
      store: OidcAuthStore.database(Database.fromExisting(chart, 'mysql-auth', {
        engine: DatabaseEngine.MYSQL, host: 'mysql.db.svc.cluster.local', databaseName: 'mlflow_auth', username: 'mlflow_auth', password: secretRef('mysql', 'auth'),
      })),
      cache: OidcCache.redis({ host: 'redis.cache.svc.cluster.local' }),
      groupsClaim: 'groups',
    }));
    expect(env.OIDC_USERS_DB_URI).toEqual({ value: 'mysql+pymysql://mlflow_auth@mysql.db.svc.cluster.local:3306/mlflow_auth?read_default_file=/db-credentials/auth-my.cnf' });
    expect(config.credentials!.map((c) => [c.prefix, c.engine, c.file])).toEqual([['AUTH_DB', 'mysql', '/db-credentials/auth-my.cnf']]);
    expect(env.CACHE_REDIS_URL).toEqual({ value: 'redis://redis.cache.svc.cluster.local:6379/0' });
    expect(env.MLFLOW_OIDC_REDIS_AUTH_FILE).toBeUndefined();
    expect(env.PYTHONPATH).toBeUndefined();
    expect(config.files).toEqual({});
  });

  it('fails synth with more than one replica unless SECRET_KEY and the session store are shared', () => {
    expect(() => bind(() => ({}), { replicas: 2 })).toThrowError(exactly(
      'test/mlflow: auth.secretKey is required with 2 replicas (each pod would sign session cookies with its own random key, so a session would work on one pod only), got undefined. Fix: pass secretKey: SecretValue.fromSecret("mlflow-oidc", "secret-key"), the same Secret for every replica'));
    expect(() => bind(() => ({ secretKey: secretRef('mlflow-oidc', 'secret-key') }), { replicas: 2 })).toThrowError(exactly(
      'test/mlflow: auth.store must be shared with 2 replicas (sessions are rows of the plugin\'s database, and SQLite lives in one pod), got "sqlite". Fix: pass store: OidcAuthStore.database(authDb), a database of its own that every replica reaches'));
    expect(() => bind((chart) => ({ secretKey: secretRef('mlflow-oidc', 'secret-key'), store: OidcAuthStore.database(authDb(chart)) }), { replicas: 2 })).not.toThrow();
  });

  it('keeps the auth database apart from the tracking database', () => {
    expect(() => bind((chart) => ({ store: OidcAuthStore.database(authDb(chart, 'mlflow')) }), {
      trackingDatabase: { host: 'postgresql-official.postgres.svc.cluster.local', port: 5432, databaseName: 'mlflow' } as any,
    })).toThrowError(exactly(
      'test/mlflow: auth.store must be a database of its own, not the tracking database (the plugin runs its own migrations), got "mlflow". Fix: create a second database such as "mlflow_auth" and pass OidcAuthStore.database(...) for it'));
  });

  it('rejects bad input with the exact message', () => {
    expect(() => bind(() => ({ image: 'burakince/mlflow:latest' }))).toThrowError(/test\/mlflow: auth\.image .*latest/);
    expect(() => bind(() => ({}), { ingressHost: undefined })).toThrowError(exactly(
      'test/mlflow: ingress is required with OIDC auth (the provider redirects the browser back to https://<host>/callback), got undefined. Fix: pass ingress: { host: "mlflow.example.com", tls: ... }'));
    expect(() => bind(() => ({ secretKey: 'changeme' as any }))).toThrowError(exactly(
      'test/mlflow: auth.secretKey must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("mlflow-oidc", "secret-key")'));
    expect(() => bind(() => ({ groupsClaim: 'realm_access roles' }))).toThrowError(exactly(
      'test/mlflow: auth.groupsClaim must be a claim name or a dotted path of claim names, got "realm_access roles". Fix: write it as "groups" or "realm_access.roles"'));
    expect(() => bind(() => ({ scopes: ['profile'] }))).toThrowError(exactly(
      'test/mlflow: auth.scopes must include "openid", got ["profile"]. Fix: add "openid" to scopes'));
    expect(() => bind(() => ({ groups: { users: [] } }))).toThrowError(exactly(
      'test/mlflow: auth.groups.users must list at least one group, got []. Fix: pass groups: { users: ["mlflow-user"] }'));
    expect(() => bind(() => ({ groups: { admins: ['ops,ml'] } }))).toThrowError(exactly(
      'test/mlflow: auth.groups.admins[0] must be a non-empty group name without ",", got "ops,ml". Fix: use a group such as "mlflow-user"'));
    expect(() => OidcCache.redis({ host: 'redis', password: 'pw' as any })).toThrowError(exactly(
      'OidcCache.redis: password must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("redis", "password")'));
  });
});

describe('IdentityProvider', () => {
  it('fromIssuer derives the discovery URL and lets the relying party out to an IPv4 issuer only', () => {
    const objs = synthChart((chart) => {
      const idp = IdentityProvider.fromIssuer(chart, 'dex', { issuerUrl: 'https://192.0.2.10:5556/dex/', clientId: 'mlflow', clientSecret: secretRef('dex', 'secret') });
      expect([idp.issuerUrl, idp.discoveryUrl, idp.tokenEndpoint]).toEqual(['https://192.0.2.10:5556/dex', 'https://192.0.2.10:5556/dex/.well-known/openid-configuration', undefined]);
      idp.grantConnect(new Workload(chart, 'app', { name: 'app', instance: 'app', component: 'server' }), 'oidc');
    });
    expect(find(objs, 'NetworkPolicy', 'app-egress').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '192.0.2.10/32' } }], ports: [{ protocol: 'TCP', port: 5556 }] }]);
  });

  it('rejects an http issuer, a string secret and a bad realm', () => {
    const build = (p: any) => () => synthChart((chart) => IdentityProvider.fromIssuer(chart, 'idp', { issuerUrl: 'https://sso.example.com', clientId: 'mlflow', clientSecret: secretRef('s', 'k'), ...p }));
    expect(build({ issuerUrl: 'http://sso.example.com' })).toThrowError(exactly(
      'test/idp: issuerUrl must be an https URL without credentials, query or fragment, got "http://sso.example.com". Fix: write it as "https://keycloak.example.com/realms/platform"'));
    expect(build({ clientSecret: 's3cret' })).toThrowError(exactly(
      'test/idp: clientSecret must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("mlflow-oidc", "client-secret") or an ExternalSecret value'));
    expect(() => synthChart((chart) => IdentityProvider.fromExisting(chart, 'kc', { keycloakUrl: 'https://kc.example.com', realm: 'my realm', clientId: 'x', clientSecret: secretRef('s', 'k') }))).toThrowError(exactly(
      'IdentityProvider.fromExisting "kc": realm must be letters, digits, ".", "_" or "-", starting with a letter or digit, got "my realm". Fix: use a realm name such as "platform"'));
  });
});

/** A compact JWS with `claims` as its payload (the signature is not checked by the module). */
function jwt(claims: object): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;
}

function python(code: string, env: Record<string, string> = {}): string {
  return execFileSync('python3', ['-c', code], { cwd: SCRIPTS, env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1', ...env }, encoding: 'utf8' }).trim();
}

describe('mlflow_keycloak_groups.py (run with python3)', () => {
  const token = jwt({
    iss: 'https://keycloak.example.com/realms/thinkube', preferred_username: 'tkadmin',
    realm_access: { roles: ['default-roles-thinkube', 'mlflow-admin', 'offline_access'] },
    resource_access: { mlflow: { roles: ['editor'] }, account: { roles: ['manage-account'] } },
  });
  const groups = (t: string, env: Record<string, string> = {}) =>
    JSON.parse(python(`import json, sys, mlflow_keycloak_groups as m; print(json.dumps(m.get_user_groups(${JSON.stringify(t)})))`, env));

  it('returns the realm roles of a Keycloak access token by default', () => {
    expect(groups(token)).toEqual(['default-roles-thinkube', 'mlflow-admin', 'offline_access']);
  });

  it('follows OIDC_GROUPS_ATTRIBUTE as dotted paths, merged without duplicates', () => {
    expect(groups(token, { OIDC_GROUPS_ATTRIBUTE: 'resource_access.mlflow.roles' })).toEqual(['editor']);
    expect(groups(token, { OIDC_GROUPS_ATTRIBUTE: 'realm_access.roles, resource_access.mlflow.roles,realm_access.roles' }))
      .toEqual(['default-roles-thinkube', 'mlflow-admin', 'offline_access', 'editor']);
    expect(groups(jwt({ groups: 'solo' }), { OIDC_GROUPS_ATTRIBUTE: 'groups' })).toEqual(['solo']);
    expect(groups(jwt({ 'realm_access.roles': ['flat'] }))).toEqual(['flat']);
  });

  it('yields no groups (so the plugin denies the login) for malformed tokens and claims', () => {
    const tokens = ['', 'not-a-jwt', 'a.!!!.c', `${jwt({}).split('.')[0]}.${Buffer.from('[1,2]').toString('base64url')}.x`, jwt({ realm_access: { roles: 'x-but-nested-wrong' } }).replace(/\..*\./, '.e30.'),
      jwt({ realm_access: { roles: [1, null, { a: 1 }] } }), jwt({ realm_access: 'mlflow-admin' })];
    const out = JSON.parse(python(`import json, mlflow_keycloak_groups as m; print(json.dumps([m.get_user_groups(t) for t in json.loads(${JSON.stringify(JSON.stringify(tokens))})] + [m.get_user_groups(None)]))`));
    expect(out).toEqual([...tokens.map(() => []), []]);
  });

  it('parses as Python (ast)', () => {
    for (const f of ['mlflow_keycloak_groups.py', 'sitecustomize.py']) {
      expect(python(`import ast; ast.parse(open(${JSON.stringify(f)}).read()); print("ok")`)).toBe('ok');
    }
  });
});

describe('sitecustomize.py (run with python3, redis-py stubbed)', () => {
  /** Runs `code` with a stub `redis` module that prints what from_url received. */
  function withStubRedis(code: string, env: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stub-redis-'));
    try {
      fs.writeFileSync(path.join(dir, 'redis.py'), [
        'import json',
        'class Redis:',
        '    @classmethod',
        '    def from_url(cls, url, **kwargs):',
        '        print(json.dumps([cls.__name__, url, kwargs], sort_keys=True))',
        'class StrictRedis(Redis): pass',
        'def from_url(url, **kwargs): return Redis.from_url(url, **kwargs)',
        '',
      ].join('\n'));
      return execFileSync('python3', ['-c', code], {
        cwd: dir, env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: `${SCRIPTS}:${dir}`, ...env }, encoding: 'utf8', stdio: 'pipe',
      }).trim();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('passes redis-py the password from the file, keeps an explicit one, and prints nothing itself', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-pw-'));
    const file = path.join(dir, 'redis-password');
    fs.writeFileSync(file, 'pa:ss@w/rd\n', { mode: 0o600 });
    const out = withStubRedis([
      'import redis',
      'redis.Redis.from_url("redis://redis:6379/0", decode_responses=False)',
      'redis.from_url("redis://redis:6379/1")',
      'redis.StrictRedis.from_url("redis://redis:6379/2", password="explicit")',
    ].join('\n'), { MLFLOW_OIDC_REDIS_AUTH_FILE: file });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(out.split('\n').map((l) => JSON.parse(l))).toEqual([
      ['Redis', 'redis://redis:6379/0', { decode_responses: false, password: 'pa:ss@w/rd' }],
      ['Redis', 'redis://redis:6379/1', { password: 'pa:ss@w/rd' }],
      ['StrictRedis', 'redis://redis:6379/2', { password: 'explicit' }],
    ]);
  });

  it('leaves redis-py alone without MLFLOW_OIDC_REDIS_AUTH_FILE, and fails loudly when the file is missing', () => {
    expect(withStubRedis('import redis; redis.Redis.from_url("redis://redis:6379/0")', {})).toBe('["Redis", "redis://redis:6379/0", {}]');
    expect(() => withStubRedis('import redis; redis.Redis.from_url("redis://redis:6379/0")', { MLFLOW_OIDC_REDIS_AUTH_FILE: '/nonexistent/redis-password' }))
      .toThrow(/No such file or directory: '\/nonexistent\/redis-password'/);
  });
});
