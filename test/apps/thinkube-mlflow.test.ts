import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Size } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { thinkubeMlflow, ThinkubeMlflowOptions } from '../../apps/thinkube-mlflow';
import {
  AccessMode, ArtifactRoot, Database, DatabaseEngine, IdentityProvider, IngressTls, MlflowAuth, ObjectStore, Peer, SecretValue, StorageClass, TrackingServer, VolumeClaim,
} from '../../lib';
import { checkApp } from '../../lib/synth/manifest-checks';
import { synthObjects, toYaml } from '../../lib/synth/synth';
import { loadValidator } from '../support/schema';
import { find, synthChart } from '../support/synth';
import { needs } from '../support/tools';

function synth(options: ThinkubeMlflowOptions = {}): any[] {
  const app = new App();
  thinkubeMlflow(app, 'thinkube-mlflow', options);
  return synthObjects(app);
}
const objs = synth();
const deployment = find(objs, 'Deployment', 'mlflow');
const server = deployment.spec.template.spec.containers.find((c: any) => c.name === 'mlflow');
const env = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('thinkube-mlflow (seed 003)', () => {
  it('every object validates strictly against Kubernetes 1.28 or its CRD, and the app checks pass', () => {
    const validator = loadValidator();
    for (const o of objs) expect(validator.validate(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
    expect(checkApp(objs, { secrets: ['harbor-registry-secret'] })).toEqual([]);
    expect(objs.every((o) => o.metadata.namespace === 'mlflow' || o.kind === 'Namespace')).toBe(true);
  });

  it('holds no secret value: no Secret object, no password in any URI or argument, no human password anywhere', () => {
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    const text = objs.map((o) => toYaml(o)).join('\n---\n');
    expect(text).not.toMatch(/:\/\/[^/\s:@$%]+:[^@\s$%]+@/);
    expect(text).not.toMatch(/MLFLOW_AUTH_PASSWORD|MLFLOW_AUTH_USERNAME/);
    for (const cm of objs.filter((o) => o.kind === 'ConfigMap')) expect(Object.keys(cm.data).filter((k) => /SECRET|PASSWORD|TOKEN$/.test(k)), cm.metadata.name).toEqual([]);
    // Every credential-like env var of every pod is a secretKeyRef.
    for (const o of objs.filter((x) => ['Deployment', 'Job'].includes(x.kind))) {
      for (const c of [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers]) {
        for (const e of c.env ?? []) if (/PASSWORD|SECRET/.test(e.name) && !/_FILE$/.test(e.name)) expect(e.valueFrom?.secretKeyRef, `${o.metadata.name}/${e.name}`).toBeDefined();
      }
    }
  });

  it('renders the OIDC environment on the Deployment, with the client secret and session key as secretKeyRefs', () => {
    const e = env(server);
    expect(e).toMatchObject({
      OIDC_DISCOVERY_URL: 'https://keycloak.example.com/realms/thinkube/.well-known/openid-configuration',
      OIDC_CLIENT_ID: 'mlflow',
      OIDC_CLIENT_SECRET: { secretKeyRef: { name: 'mlflow-oidc', key: 'client-secret' } },
      OIDC_REDIRECT_URI: 'https://mlflow.example.com/callback',
      OIDC_SCOPE: 'openid profile email',
      OIDC_PROVIDER_DISPLAY_NAME: 'Login with Keycloak',
      OIDC_GROUP_NAME: 'mlflow-user',
      OIDC_ADMIN_GROUP_NAME: 'mlflow-admin',
      OIDC_GROUPS_ATTRIBUTE: 'realm_access.roles',
      OIDC_GROUP_DETECTION_PLUGIN: 'mlflow_keycloak_groups',
      AUTOMATIC_LOGIN_REDIRECT: 'true',
      DEFAULT_LANDING_PAGE_IS_PERMISSIONS: 'false',
      OIDC_PROVISION_ON_BEARER_AUTH: 'true',
      SECRET_KEY: { secretKeyRef: { name: 'mlflow-oidc', key: 'session-secret-key' } },
      OIDC_USERS_DB_URI: 'postgresql+psycopg2://admin@postgresql-official.postgres.svc.cluster.local:5432/mlflow_auth',
      PGPASSFILE: '/db-credentials/pgpass',
      MLFLOW_S3_ENDPOINT_URL: 'http://seaweedfs-filer.seaweedfs:8333',
    });
    expect(e.MLFLOW_S3_IGNORE_TLS).toBeUndefined();
    // Exec form: no shell assembles a URI with a password; the auth database's line is in the pgpass file.
    expect(server.command.join(' ')).toMatch(/^mlflow server .*--artifacts-destination file:\/\/\/models\/mlflow-artifacts --app-name oidc-auth$/);
    const writer = find(objs, 'Deployment', 'mlflow').spec.template.spec.initContainers.find((c: any) => c.name === 'db-credentials');
    expect(env(writer)).toMatchObject({
      DRIVER_FILES: 'DB AUTH_DB', AUTH_DB_ENGINE: 'postgresql', AUTH_DB_DRIVER_FILE: '/db-credentials/pgpass',
      AUTH_DB_HOST: 'postgresql-official.postgres.svc.cluster.local', AUTH_DB_PORT: '5432', AUTH_DB_NAME: 'mlflow_auth', AUTH_DB_USER: 'admin',
    });
    expect(env(writer).AUTH_DB_PASSWORD.secretKeyRef).toBeDefined();
    expect(Object.keys(env(server)).filter((k) => /PASSWORD/.test(k))).toEqual([]);
    expect([server.startupProbe, server.livenessProbe, server.readinessProbe].map((p) => p.httpGet.path)).toEqual(['/health/startup', '/health/live', '/health/ready']);
    expect(server.image).toBe('harbor.example.com/library/mlflow-oidc:3.14.0-7.18.0');
    expect(find(objs, 'ConfigMap', 'mlflow-oidc').data['mlflow_keycloak_groups.py']).toContain('def get_user_groups');
  });

  it('has the seed\'s volumes, pull secret, resources and ingress', () => {
    const spec = deployment.spec.template.spec;
    expect(spec.imagePullSecrets).toEqual([{ name: 'harbor-registry-secret' }]);
    expect(server.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
    expect(server.volumeMounts.filter((m: any) => m.name.startsWith('v-'))).toEqual([
      { name: 'v-mlflow-storage', mountPath: '/mlflow/local-artifacts' },
      { name: 'v-thinkube-models', mountPath: '/models' },
    ]);
    const local = find(objs, 'PersistentVolumeClaim', 'mlflow-storage');
    expect(local.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'k8s-hostpath', resources: { requests: { storage: '1Gi' } } });
    const models = find(objs, 'PersistentVolumeClaim', 'thinkube-models');
    expect(models.spec).toEqual({ accessModes: ['ReadWriteMany'], storageClassName: 'juicefs-rwx', resources: { requests: { storage: '500Gi' } } });
    expect(models.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'ml-models', 'app.kubernetes.io/managed-by': 'thinkube' });
    expect(models.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' });
    const ing = find(objs, 'Ingress', 'mlflow');
    expect(ing.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '0', 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ hosts: ['mlflow.example.com'], secretName: 'mlflow-tls' }]);
  });

  it('offers S3 artifacts and MLFLOW_S3_IGNORE_TLS only when asked', () => {
    const s3 = synth({ artifactsOnS3: true, s3IgnoreTls: true });
    const c = find(s3, 'Deployment', 'mlflow').spec.template.spec.containers[0];
    expect(c.command.join(' ')).toContain('--artifacts-destination s3://mlflow');
    expect(env(c).MLFLOW_S3_IGNORE_TLS).toBe('true');
    expect(env(find(s3, 'Job', 'mlflow-bucket-setup').spec.template.spec.containers[0]).S3_INSECURE).toBe('true');
  });

  it('admits the ingress controller to MLflow, and lets MLflow reach PostgreSQL, SeaweedFS and the issuer, nothing else', () => {
    const np = (name: string) => find(objs, 'NetworkPolicy', name).spec;
    expect(np('mlflow-ingress').ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'smoke-test', 'app.kubernetes.io/instance': 'mlflow-smoke-test', 'app.kubernetes.io/name': 'mlflow' } } }], ports: [{ port: 5000, protocol: 'TCP' }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } }, podSelector: { matchLabels: { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': 'ingress-nginx' } } }], ports: [{ port: 5000, protocol: 'TCP' }] },
    ]);
    expect(np('mlflow-smoke-test-egress').egress).toEqual([{ ports: [{ port: 5000, protocol: 'TCP' }], to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'tracking-server', 'app.kubernetes.io/instance': 'mlflow', 'app.kubernetes.io/name': 'mlflow' } } }] }]);
    // keycloak.<domain> hairpins to the cluster's own ingress controller, which a 0.0.0.0/0 ipBlock
    // does not match under Cilium (Canonical Kubernetes): the egress names the controller pods.
    expect(np('mlflow-egress').egress).toEqual([
      { ports: [{ port: 443, protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } }, podSelector: { matchLabels: { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': 'ingress-nginx' } } }] },
      { ports: [{ port: 5432, protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'postgres' } } }] },
      { ports: [{ port: 8333, protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'seaweedfs' } } }] },
    ]);
    expect(np('mlflow-db-setup-egress').egress).toEqual([{ ports: [{ port: 5432, protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'postgres' } } }] }]);
    expect(np('mlflow-bucket-setup-egress').egress).toEqual([{ ports: [{ port: 8333, protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'seaweedfs' } } }] }]);
    expect(objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual([
      'allow-dns', 'default-deny-all', 'mlflow-bucket-setup-egress', 'mlflow-db-setup-egress', 'mlflow-egress', 'mlflow-ingress', 'mlflow-keycloak-setup-egress',
      'mlflow-smoke-test-egress',
    ]);
  });

  it('creates both databases with the admin password from PGPASSWORD, never an argument', () => {
    const job = find(objs, 'Job', 'mlflow-db-setup');
    const c = job.spec.template.spec.containers[0];
    expect(env(c)).toMatchObject({ PGHOST: 'postgresql-official.postgres.svc.cluster.local', PGUSER: 'admin', PGDATABASE: 'postgres',
      PGPASSWORD: { secretKeyRef: { name: 'mlflow-db', key: 'admin-password' } }, DATABASES: 'mlflow:admin mlflow_auth:admin' });
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('Sync');
  });

  it('registers the mlflow client in the existing realm with keycloak-config-cli: roles, mappers, admin, machine client, secrets by substitution', () => {
    const job = find(objs, 'Job', 'mlflow-keycloak-setup');
    const e = env(job.spec.template.spec.containers[0]);
    expect(e).toMatchObject({
      KEYCLOAK_URL: 'https://keycloak.example.com', KEYCLOAK_USER: 'admin', KEYCLOAK_PASSWORD: { secretKeyRef: { name: 'keycloak-admin', key: 'password' } },
      IMPORT_VARSUBSTITUTION_ENABLED: 'true', IMPORT_MANAGED_CLIENT: 'no-delete', IMPORT_MANAGED_ROLE: 'no-delete', IMPORT_MANAGED_GROUP: 'no-delete',
      MLFLOW_CLIENT_SECRET: { secretKeyRef: { name: 'mlflow-oidc', key: 'client-secret' } },
      MLFLOW_AUTOMATION_CLIENT_SECRET: { secretKeyRef: { name: 'mlflow-oidc', key: 'automation-client-secret' } },
    });
    const realm = JSON.parse(find(objs, 'ConfigMap', 'mlflow-keycloak-setup').data['thinkube.json']);
    expect(realm.realm).toBe('thinkube');
    expect(realm.enabled).toBeUndefined(); // an existing realm's settings are left alone
    expect(realm.roles.realm.map((r: any) => r.name)).toEqual(['mlflow-admin', 'mlflow-user']);
    const [mlflow, automation] = realm.clients;
    expect(mlflow).toMatchObject({
      clientId: 'mlflow', publicClient: false, secret: '$(env:MLFLOW_CLIENT_SECRET)', standardFlowEnabled: true, implicitFlowEnabled: false, directAccessGrantsEnabled: true,
      redirectUris: ['https://mlflow.example.com/oauth2/callback', 'https://mlflow.example.com/callback'],
      webOrigins: ['https://mlflow.example.com', '+'], attributes: { 'access.token.lifespan': '3600', 'post.logout.redirect.uris': '+' },
      defaultClientScopes: ['basic', 'acr', 'web-origins', 'profile', 'email', 'roles', 'offline_access'], optionalClientScopes: ['address', 'phone'],
    });
    expect(mlflow.protocolMappers.map((m: any) => [m.name, m.protocolMapper, m.config['claim.name'] ?? m.config['included.client.audience']])).toEqual([
      ['mlflow-realm-role-mapper', 'oidc-usermodel-realm-role-mapper', 'realm_access.roles'],
      ['mlflow-audience-mapper', 'oidc-audience-mapper', 'mlflow'],
      ['mlflow-client-role-mapper', 'oidc-usermodel-client-role-mapper', 'resource_access.${client_id}.roles'],
    ]);
    expect(automation).toMatchObject({ clientId: 'mlflow-automation', secret: '$(env:MLFLOW_AUTOMATION_CLIENT_SECRET)', serviceAccountsEnabled: true, standardFlowEnabled: false, directAccessGrantsEnabled: false });
    expect(automation.protocolMappers.find((m: any) => m.protocolMapper === 'oidc-audience-mapper').config['included.client.audience']).toBe('mlflow');
    // No person is listed (keycloak-config-cli would make their roles and groups exactly the
    // file's): the roles reach people through groups; only the machine client's own user is listed.
    expect(realm.users).toEqual([
      { username: 'service-account-mlflow-automation', enabled: true, serviceAccountClientId: 'mlflow-automation', realmRoles: ['mlflow-user'] },
    ]);
    expect(realm.groups).toEqual([{ name: 'mlflow-admins', realmRoles: ['mlflow-admin'] }, { name: 'mlflow-users', realmRoles: ['mlflow-user'] }]);
    // Keycloak has no client scope "openid" (the second sync failed on it); without "basic" tokens lack "sub".
    expect(mlflow.defaultClientScopes).not.toContain('openid');
    expect(mlflow.defaultClientScopes).toContain('basic');
    expect(mlflow.redirectUris.some((u: string) => u.includes('*') || u.startsWith('http:'))).toBe(false);
    expect(JSON.stringify(realm)).not.toMatch(/"(password|credentials)"/i);
  });

  it('renders the service-discovery and client-environment ConfigMaps without secrets', () => {
    const svc = find(objs, 'ConfigMap', 'thinkube-service-config');
    expect(svc.metadata.labels).toMatchObject({ 'thinkube.io/managed': 'true', 'thinkube.io/service-type': 'core', 'thinkube.io/service-name': 'mlflow' });
    expect(svc.data['service.yaml']).toContain('url: https://mlflow.example.com/health');
    const client = find(objs, 'ConfigMap', 'mlflow-client-env');
    expect(Object.keys(client.data).sort()).toEqual(['MLFLOW_KEYCLOAK_CLIENT_ID', 'MLFLOW_KEYCLOAK_TOKEN_URL', 'MLFLOW_TRACKING_URI', 'mlflow-token.sh']);
    expect(client.data.MLFLOW_KEYCLOAK_TOKEN_URL).toBe('https://keycloak.example.com/realms/thinkube/protocol/openid-connect/token');
    expect(synth({ serviceDiscovery: false }).some((o) => o.metadata.name === 'thinkube-service-config')).toBe(false);
  });

  it('refuses the earlier admins option instead of listing the user', () => {
    expect(() => synth({ admins: ['tkadmin'] } as any)).toThrow(
      'thinkube-mlflow: admins is no longer an option (listing users would strip their other Keycloak roles and groups on every sync), got ["tkadmin"]. '
      + 'Fix: remove it and add those users to the Keycloak group "mlflow-admins" once (see dist/thinkube-mlflow/README.md)');
  });

  it('says in its README where it differs from the seed (groups, client scopes, redirect URIs)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'thinkube-mlflow', 'README.md'), 'utf8');
    const differences = readme.slice(readme.indexOf('## Differences from the guide'));
    expect(differences).toContain('the groups `mlflow-admins` and `mlflow-users`');
    expect(differences).toContain('leave out the guide\'s `openid`');
    expect(differences).toContain('wildcard `https://<host>/*`');
  });

  it('matches the snapshot (for review)', () => {
    expect(objs.map((o) => toYaml(o)).join('---\n')).toMatchSnapshot();
  });

  it('refuses a shared-models class that cannot bind ReadWriteMany', () => {
    expect(() => synth({ sharedModelsStorageClass: StorageClass.hostPath('k8s-hostpath') })).toThrow(
      'thinkube-mlflow/shared-models: storageClass does not support ReadWriteMany (it supports ReadWriteOnce, ReadWriteOncePod), so the claim would stay Pending, got "k8s-hostpath". '
      + 'Fix: pass a shared file-system class such as StorageClass.juicefs("juicefs-rwx"), or accessMode: AccessMode.READ_WRITE_ONCE');
  });
});

describe('TrackingServer additions', () => {
  const base = (chart: any, extra: Record<string, unknown> = {}) => {
    const db = Database.fromExisting(chart, 'db', { engine: DatabaseEngine.POSTGRESQL, host: 'pg.db.svc', databaseName: 'mlflow', username: 'mlflow', password: SecretValue.fromSecret('db', 'password') });
    const store = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'http://s3.storage:8333' });
    return new TrackingServer(chart, 'mlflow', { database: db, artifacts: store.bucket('mlflow'), clients: [Peer.namespace('ml')], ...extra });
  };
  const provider = (chart: any) => IdentityProvider.fromIssuer(chart, 'idp', { issuerUrl: 'https://sso.example.com/realms/x', clientId: 'mlflow', clientSecret: SecretValue.fromSecret('oidc', 'client-secret') });
  const ingress = { host: 'mlflow.example.com', tls: IngressTls.existingSecret('tls') };

  it('the replica rule: OIDC with several replicas needs a shared SECRET_KEY', () => {
    expect(() => synthChart((c) => base(c, { replicas: 2, ingress, auth: MlflowAuth.oidc({ provider: provider(c), image: 'reg.example.com/mlflow-oidc:1.0.0' }) }))).toThrow(
      'test/mlflow: auth.secretKey is required with 2 replicas (each pod would sign session cookies with its own random key, so a session would work on one pod only), got undefined. '
      + 'Fix: pass secretKey: SecretValue.fromSecret("mlflow-oidc", "secret-key"), the same Secret for every replica');
  });

  it('refuses a ReadWriteOnce volume with several replicas', () => {
    expect(() => synthChart((c) => {
      const claim = new VolumeClaim(c, 'local', { name: 'local', size: Size.gibibytes(1) });
      base(c, { replicas: 2, volumes: [{ claim, mountPath: '/data' }] });
    })).toThrow('test/mlflow: volumes[0].claim is ReadWriteOnce and cannot be mounted by 2 replicas on different nodes, got "local". '
      + 'Fix: use a ReadWriteMany claim (AccessMode.READ_WRITE_MANY on a shared class such as StorageClass.juicefs()), or replicas: 1');
  });

  it('accepts RWX on a class whose modes are unknown, and refuses an artifact root outside the volumes', () => {
    expect(() => synthChart((c) => new VolumeClaim(c, 'x', { name: 'x', size: Size.gibibytes(1), accessMode: AccessMode.READ_WRITE_MANY, storageClass: StorageClass.named('nfs') }))).not.toThrow();
    expect(() => synthChart((c) => base(c, { artifacts: ArtifactRoot.onVolume('/models/a') }))).toThrow(
      'test/mlflow: artifacts must be a directory under one of volumes[].mountPath, got "/models/a". Fix: mount a claim there, as in volumes: [{ claim: models, mountPath: "/models" }]');
  });

  it('refuses image together with auth', () => {
    expect(() => synthChart((c) => base(c, { image: 'x/mlflow:1.0.0', ingress, auth: MlflowAuth.oidc({ provider: provider(c), image: 'reg.example.com/mlflow-oidc:1.0.0' }) }))).toThrow(
      'test/mlflow: image must not be set with auth');
  });
});

const stubs = fs.mkdtempSync(path.join(os.tmpdir(), 'thinkube-stubs-'));
afterAll(() => fs.rmSync(stubs, { recursive: true, force: true }));
/** Runs a script: inline text (`sh -ec`), or a Job's script file as the Job does (`sh <file>`, its sourced files beside it). */
function run(script: string | { file: string }, commands: Record<string, string>, env: Record<string, string>, input?: string) {
  const dir = fs.mkdtempSync(path.join(stubs, 'bin-'));
  for (const [name, body] of Object.entries(commands)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  const log = path.join(dir, 'calls.log');
  const args = typeof script === 'string' ? ['-ec', script] : [script.file];
  const r = spawnSync('/bin/sh', args, { encoding: 'utf8', input, env: { PATH: `${dir}:/usr/bin:/bin`, CALLS: log, WAIT_INTERVAL: '0', ...env } });
  return { ...r, calls: fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '' };
}
/** The Job's script, written with the rest of its ConfigMap (what it sources) into a directory of its own. */
function scriptOf(name: string): { file: string } {
  const job = find(objs, 'Job', name);
  const c = job.spec.template.spec.containers[0];
  expect(c.command[0]).toBe('/bin/sh');
  const configMap = job.spec.template.spec.volumes.find((v: any) => v.name === c.volumeMounts.find((m: any) => m.mountPath === '/scripts').name).configMap.name;
  const dir = fs.mkdtempSync(path.join(stubs, 'scripts-'));
  for (const [file, text] of Object.entries(find(objs, 'ConfigMap', configMap).data as Record<string, string>)) fs.writeFileSync(path.join(dir, file), text);
  return { file: path.join(dir, path.basename(c.command[1])) };
}

describe('job scripts against stubs', () => {
  const pgEnv = { PGHOST: 'pg', PGPORT: '5432', PGPASSWORD: 's3cret', DATABASES: 'mlflow:admin mlflow_auth:admin' };

  it('create-databases creates only the missing database and never passes the password as an argument', () => {
    const r = run(scriptOf('mlflow-db-setup'), {
      pg_isready: 'exit 0',
      psql: 'echo "psql $* pw=$PGPASSWORD" >> "$CALLS"; case "$*" in *"datname = \'mlflow\'"*) echo 1;; esac',
    }, pgEnv);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('database mlflow exists');
    expect(r.calls).toContain('CREATE DATABASE "mlflow_auth" OWNER "admin"');
    expect(r.calls).toContain('REVOKE ALL ON DATABASE "mlflow_auth" FROM PUBLIC');
    expect(r.calls).not.toContain('CREATE DATABASE "mlflow"');
    expect(r.calls.split('\n').filter(Boolean).every((l) => l.endsWith('pw=s3cret') && !l.replace(/ pw=s3cret$/, '').includes('s3cret'))).toBe(true);
  });

  it('create-databases gives up, non-zero, when the server never becomes ready', () => {
    const r = run(scriptOf('mlflow-db-setup'), { pg_isready: 'exit 2', psql: 'echo psql >> "$CALLS"' }, { ...pgEnv, WAIT_ATTEMPTS: '3' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not ready after 3 attempts');
    expect(r.calls).toBe('');
  });

  it('create-databases fails when a database can be neither found nor created', () => {
    const r = run(scriptOf('mlflow-db-setup'), { pg_isready: 'exit 0', psql: 'case "$*" in *CREATE*) exit 1;; esac' }, pgEnv);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('could not create database mlflow');
  });

  const s3Env = { S3_ENDPOINT: 'http://s3:8333', S3_ACCESS_KEY_ID: 'weed-access-id', S3_SECRET_ACCESS_KEY: 'weed-secret-key', BUCKETS: 'mlflow', S3_INSECURE: 'false' };
  it('create-buckets creates the bucket idempotently, --insecure only when asked, the keys in MC_HOST_s3 only', () => {
    const ok = run(scriptOf('mlflow-bucket-setup'), { mc: 'echo "mc $* host=$MC_HOST_s3" >> "$CALLS"' }, s3Env);
    expect(ok.status).toBe(0);
    expect(ok.calls).toContain('mc mb --ignore-existing s3/mlflow host=http://weed-access-id:weed-secret-key@s3:8333');
    expect(ok.calls.split('\n').filter(Boolean).every((l) => !l.replace(/ host=\S+$/, '').includes('weed-'))).toBe(true);
    expect(ok.calls).not.toContain('--insecure');
    expect(run(scriptOf('mlflow-bucket-setup'), { mc: 'echo "mc $*" >> "$CALLS"' }, { ...s3Env, S3_INSECURE: 'true' }).calls).toContain('mc --insecure mb --ignore-existing s3/mlflow');
  });

  it('create-buckets refuses a key with ":" (mc would split it wrongly) without echoing it', () => {
    const r = run(scriptOf('mlflow-bucket-setup'), { mc: 'echo "mc $*" >> "$CALLS"' }, { ...s3Env, S3_SECRET_ACCESS_KEY: 'weed:secret' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('the S3 keys must not contain ":" (mc\'s MC_HOST_s3 cannot carry it)\n');
    expect(r.calls).toBe('');
  });

  it('create-buckets gives up, non-zero, when the store is unreachable', () => {
    const r = run(scriptOf('mlflow-bucket-setup'), { mc: 'case "$*" in *" mb "*) echo mb >> "$CALLS";; esac; exit 1' }, { ...s3Env, WAIT_ATTEMPTS: '2' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('object store http://s3:8333 not ready after 2 attempts\n');
    expect(r.calls).toBe('');
  });

  const tokenScript = find(objs, 'ConfigMap', 'mlflow-client-env').data['mlflow-token.sh'];
  const tokenEnv = { MLFLOW_KEYCLOAK_TOKEN_URL: 'https://kc/token', MLFLOW_KEYCLOAK_CLIENT_ID: 'mlflow-automation', MLFLOW_CLIENT_SECRET: 'top-secret' };
  it('mlflow-token.sh prints the access token; the client secret reaches curl on stdin only', () => {
    const r = run(tokenScript, { curl: 'echo "args=$*" >> "$CALLS"; echo "stdin=$(cat)" >> "$CALLS"; echo \'{"access_token":"eyJabc","expires_in":3600}\'' }, tokenEnv);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('eyJabc\n');
    expect(r.calls).toContain('stdin=top-secret');
    expect(r.calls.split('\n').find((l) => l.startsWith('args='))).not.toContain('top-secret');
    expect(r.calls).toContain('grant_type=client_credentials');
  });

  it('mlflow-token.sh exits non-zero without a token or a secret', () => {
    expect(run(tokenScript, { curl: 'echo \'{"error":"unauthorized_client"}\'' }, tokenEnv).status).toBe(1);
    expect(run(tokenScript, { curl: 'exit 22' }, tokenEnv).status).toBe(1);
    const noSecret = run(tokenScript, { curl: 'exit 0' }, { MLFLOW_KEYCLOAK_TOKEN_URL: 'x', MLFLOW_KEYCLOAK_CLIENT_ID: 'y' });
    expect(noSecret.status).toBe(2);
  });

  const thinkubeScripts = ['lib/storage/scripts/create-databases.sh', 'lib/storage/scripts/create-buckets.sh', 'lib/identity/scripts/client-credentials-token.sh'];
  it('the scripts parse with sh -n', () => {
    for (const f of thinkubeScripts) expect(spawnSync('/bin/sh', ['-n', f], { cwd: path.resolve(__dirname, '../..') }).status, f).toBe(0);
  });

  it.skipIf(!needs('shellcheck'))('the scripts pass shellcheck', () => {
    const r = spawnSync('shellcheck', ['-x', ...thinkubeScripts], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('thinkube-mlflow with service-account tokens', () => {
  it('adds the k8s provider for the listed namespaces; the app checks and strict validation still pass', () => {
    const with8s = synth({ serviceAccountNamespaces: ['ml-team'] });
    const mlflow = find(with8s, 'Deployment', 'mlflow').spec.template.spec.containers.find((c: any) => c.name === 'mlflow');
    expect(env(mlflow).AUTH_PROVIDERS_FILE).toBe('/mlflow/oidc/auth_providers.json');
    const providers = JSON.parse(find(with8s, 'ConfigMap', 'mlflow-oidc').data['auth_providers.json']);
    expect(providers.map((p: any) => [p.id, p.type])).toEqual([['default', 'oidc'], ['kubernetes', 'k8s']]);
    expect(providers[0]).toMatchObject({ display_name: 'Login with Keycloak', client_id: 'mlflow', audience: 'mlflow' });
    expect(providers[1].namespace_allowlist).toEqual(['ml-team']);
    expect(find(with8s, 'ClusterRoleBinding', 'mlflow-mlflow-issuer-discovery').metadata.namespace).toBeUndefined();
    const validator = loadValidator();
    for (const o of with8s) expect(validator.validate(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
    expect(checkApp(with8s, { secrets: ['harbor-registry-secret'] })).toEqual([]);
  });
});
