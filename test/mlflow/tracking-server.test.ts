import { App, Chart, Duration, Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { Workload } from '../../lib/core/workload';
import { ArtifactRoot } from '../../lib/mlflow/artifact-root';
import { GarbageCollection } from '../../lib/mlflow/gc-job';
import { GatewayRef } from '../../lib/core/http-route';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { IngressTls } from '../../lib/core/ingress';
import { TrackingServer, TrackingServerProps } from '../../lib/mlflow/tracking-server';
import { Database, DatabaseEngine } from '../../lib/storage/database';
import { Minio } from '../../lib/storage/minio';
import { ObjectStore } from '../../lib/storage/object-store';
import { Postgres } from '../../lib/storage/postgres';
import { VolumeClaim } from '../../lib/storage/volume-claim';
import { allContainers, container, envOf, exactly, find, ofKind, podSpec, secretRef, synthChart } from '../support/synth';

const selector = { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': 'mlflow', 'app.kubernetes.io/component': 'tracking-server' };
const nsPeer = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
/** The explicit opt-out these tests use where they expose MLflow without auth (auth has its own tests). */
const UNAUTHENTICATED = { unauthenticatedExposure: { reason: 'test: an authenticating gateway in front' } };
const basicAuth = () => MlflowAuth.basic({ adminPassword: secretRef('mlflow-auth', 'admin'), secretKey: secretRef('mlflow-auth', 'key') });
const CREDENTIAL = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY)/i;

/** Postgres + MinIO + a TrackingServer with `props`. */
function stack(props: Partial<TrackingServerProps> = {}, namespace = 'mlops'): { objs: any[]; server: () => TrackingServer } {
  let server!: TrackingServer;
  const objs = synthChart((chart: Chart) => {
    const db = new Postgres(chart, 'db', { superuserPassword: secretRef('pg', 'superuser'), database: { password: secretRef('pg', 'mlflow') } });
    const minio = new Minio(chart, 'minio', { rootCredentials: { accessKeyId: secretRef('minio', 'user'), secretAccessKey: secretRef('minio', 'password') }, buckets: ['mlflow'] });
    server = new TrackingServer(chart, 'mlflow', { database: db, artifacts: minio.bucket('mlflow'), ...props });
  }, namespace);
  return { objs, server: () => server };
}

describe('TrackingServer with defaults', () => {
  const { objs, server } = stack();
  const deploy = find(objs, 'Deployment', 'mlflow');
  const main = container(deploy, 'mlflow');

  it('serves artifacts proxied from the bucket', () => {
    expect(main.command).toEqual(['mlflow', 'server', '--host', '0.0.0.0', '--port', '5000', '--workers', '2', '--serve-artifacts', '--artifacts-destination', 's3://mlflow']);
    expect(envOf(main)).toMatchObject({
      MLFLOW_S3_ENDPOINT_URL: 'http://minio.mlops.svc.cluster.local:9000',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 'minio', key: 'user' } },
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'minio', key: 'password' } },
    });
  });

  it('keeps the password out of the backend store URI and out of the MLflow processes', () => {
    // MLflow logs the backend store URI at start-up: it holds no password, and libpq reads it from PGPASSFILE.
    expect(envOf(main)).toMatchObject({
      MLFLOW_BACKEND_STORE_URI: 'postgresql+psycopg2://mlflow@postgresql.mlops.svc.cluster.local:5432/mlflow',
      PGPASSFILE: '/db-credentials/pgpass',
    });
    const init = podSpec(deploy).initContainers;
    for (const c of [main, ...init.filter((i: any) => i.name !== 'db-credentials')]) {
      expect(JSON.stringify(c.env), c.name).not.toContain('secretKeyRef":{"name":"pg"');
    }
    // Only the init container that writes the driver's file sees the password, as a secretKeyRef.
    const writer = init.find((c: any) => c.name === 'db-credentials');
    expect(envOf(writer)).toEqual({ DB_ENGINE: 'postgresql', DB_PASSWORD: { secretKeyRef: { name: 'pg', key: 'mlflow' } }, DB_DRIVER_FILE: '/db-credentials/pgpass' });
    expect(writer.command).toEqual(['python', '/scripts/write_db_credentials.py']);
    expect(podSpec(deploy).volumes).toContainEqual({ name: 'db-credentials', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    expect(main.volumeMounts).toContainEqual({ name: 'db-credentials', mountPath: '/db-credentials', readOnly: true });
  });

  it('puts no password in any argument, command or literal env value', () => {
    for (const { owner, container: c } of allContainers(objs)) {
      const words = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
      expect(words, owner).not.toMatch(/\$\{?(DB_PASSWORD|PGPASSWORD|APP_PASSWORD|POSTGRES_PASSWORD)\b/);
      expect(words, owner).not.toContain('--backend-store-uri');
      for (const e of c.env ?? []) {
        if (CREDENTIAL.test(e.name)) expect(e, `${owner} ${e.name}`).toEqual({ name: e.name, valueFrom: { secretKeyRef: expect.any(Object) } });
      }
    }
    expect(JSON.stringify(objs)).not.toMatch(/postgresql\+psycopg2:\/\/[^@"]*:[^@"]*@/);
  });

  it('writes the driver file, waits for the database, then migrates an existing schema', () => {
    const init = podSpec(deploy).initContainers;
    expect(init.map((c: any) => [c.name, c.command])).toEqual([
      ['db-credentials', ['python', '/scripts/write_db_credentials.py']],
      ['wait-for-db', ['python', '/scripts/wait_for_db.py']],
      ['db-upgrade', ['python', '/scripts/db_upgrade.py']],
    ]);
    expect(envOf(init[1])).toEqual({ DB_HOST: 'postgresql.mlops.svc.cluster.local', DB_PORT: '5432' });
    expect(envOf(init[2])).toMatchObject({ MLFLOW_BACKEND_STORE_URI: envOf(main).MLFLOW_BACKEND_STORE_URI, PGPASSFILE: '/db-credentials/pgpass' });
    const upgrade: string = find(objs, 'ConfigMap', 'mlflow-scripts').data['db_upgrade.py'];
    // An empty database is left to `mlflow server`, which creates the schema; `db upgrade` alone fails there.
    expect(upgrade).toContain('if "experiments" not in tables:');
    expect(upgrade).toContain('cli.main(args=["db", "upgrade", uri], prog_name="mlflow")');
  });

  it('probes /health on the named http port', () => {
    for (const probe of [main.startupProbe, main.livenessProbe, main.readinessProbe]) expect(probe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(main.ports).toEqual([{ name: 'http', containerPort: 5000, protocol: 'TCP' }]);
    expect(find(objs, 'Service', 'mlflow').spec.ports).toEqual([{ name: 'http', port: 5000, targetPort: 'http', protocol: 'TCP' }]);
    expect(server().trackingUri).toBe('http://mlflow.mlops.svc.cluster.local:5000');
  });

  it('buffers proxied uploads on a 10Gi /tmp by default, sized by scratchSize', () => {
    expect(podSpec(deploy).volumes.find((v: any) => v.name === 'w-tmp').emptyDir.sizeLimit).toBe('10Gi');
    const big = find(stack({ scratchSize: Size.gibibytes(50) }).objs, 'Deployment', 'mlflow');
    expect(podSpec(big).volumes.find((v: any) => v.name === 'w-tmp').emptyDir.sizeLimit).toBe('50Gi');
  });

  it('answers only to its own host names and pod IP (MLflow 3.5+ allowed hosts)', () => {
    expect(main.command).not.toContain('--allowed-hosts');
    expect(envOf(main).MLFLOW_SERVER_ALLOWED_HOSTS).toBe('mlflow,mlflow:*,mlflow.mlops,mlflow.mlops:*,mlflow.mlops.svc,mlflow.mlops.svc:*,'
      + 'mlflow.mlops.svc.cluster.local,mlflow.mlops.svc.cluster.local:*,localhost,localhost:*,127.0.0.1,127.0.0.1:*,$(POD_IP),$(POD_IP):*');
    // $(POD_IP) is expanded by the kubelet only from a variable defined earlier in the list.
    const names = main.env.map((e: any) => e.name);
    expect(names.indexOf('POD_IP')).toBeLessThan(names.indexOf('MLFLOW_SERVER_ALLOWED_HOSTS'));
    expect(main.env.find((e: any) => e.name === 'POD_IP').valueFrom).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
  });

  it('runs one replica without PDB, spread, Ingress or ServiceMonitor, rolling with no unavailability', () => {
    expect(deploy.spec).toMatchObject({ replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } });
    expect(podSpec(deploy).topologySpreadConstraints).toBeUndefined();
    expect([...ofKind(objs, 'PodDisruptionBudget'), ...ofKind(objs, 'Ingress'), ...ofKind(objs, 'ServiceMonitor')]).toEqual([]);
    expect(objs.some((o) => o.metadata.name === 'mlflow-ingress')).toBe(false);
  });

  it('may reach PostgreSQL and MinIO, and they let it in', () => {
    expect(find(objs, 'NetworkPolicy', 'mlflow-egress').spec.egress.map((r: any) => [r.to[0].podSelector.matchLabels['app.kubernetes.io/instance'], r.ports[0].port])).toEqual([['minio', 9000], ['postgresql', 5432]]);
    // The server and the Postgres's own app-setup Job (test/storage/postgres.test.ts).
    expect(find(objs, 'NetworkPolicy', 'postgresql-ingress').spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels['app.kubernetes.io/instance'])).toEqual(['mlflow', 'postgresql-app-setup']);
    expect(find(objs, 'NetworkPolicy', 'postgresql-ingress').spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(find(objs, 'NetworkPolicy', 'minio-ingress').spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: 9000 }] });
  });

  it('runs every container with the restricted security context', () => {
    for (const { container: c } of allContainers(objs)) {
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    }
    expect(podSpec(deploy)).toMatchObject({ automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 1001 } });
  });

  it('matches the snapshot', () => {
    expect(objs.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'mlflow')).toMatchSnapshot();
  });
});

describe('TrackingServer, highly available, exposed and scraped', () => {
  const { objs } = stack({
    replicas: 3,
    workers: 4,
    ingress: { host: 'mlflow.example.com', tls: IngressTls.certManagerClusterIssuer('letsencrypt'), annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' } },
    ...UNAUTHENTICATED,
    metrics: { interval: Duration.minutes(1) },
    clients: [Peer.namespace('training')],
    partOf: 'mlops',
  });
  const deploy = find(objs, 'Deployment', 'mlflow');

  it('spreads replicas over nodes and zones and keeps all but one available', () => {
    expect(deploy.spec.replicas).toBe(3);
    expect(podSpec(deploy).topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable, t.labelSelector.matchLabels])).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway', selector],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', selector],
    ]);
    expect(find(objs, 'PodDisruptionBudget', 'mlflow').spec).toEqual({ minAvailable: 2, selector: { matchLabels: selector } });
    expect(container(deploy, 'mlflow').command.join(' ')).toContain('--workers 4');
  });

  it('renders an Ingress with a cert-manager certificate', () => {
    const ing = find(objs, 'Ingress', 'mlflow');
    expect(ing.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/proxy-body-size': '0', 'cert-manager.io/cluster-issuer': 'letsencrypt',
      'mlops-cdk8s.io/unauthenticated-exposure': 'test: an authenticating gateway in front',
    });
    expect(ing.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['mlflow.example.com'], secretName: 'mlflow-tls' }],
      rules: [{ host: 'mlflow.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'mlflow', port: { name: 'http' } } } }] } }],
    });
    expect(envOf(container(deploy, 'mlflow')).MLFLOW_SERVER_ALLOWED_HOSTS).toContain(',mlflow.example.com,mlflow.example.com:*,$(POD_IP),$(POD_IP):*');
  });

  it('exposes Prometheus metrics through a ServiceMonitor', () => {
    expect(container(deploy, 'mlflow').command.join(' ')).toContain(' --expose-prometheus /tmp/prometheus');
    const sm = find(objs, 'ServiceMonitor', 'mlflow');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.spec).toEqual({ selector: { matchLabels: selector }, endpoints: [{ port: 'http', path: '/metrics', interval: '1m' }] });
  });

  it('labels the ServiceMonitor for the Prometheus serviceMonitorSelector', () => {
    const sm = find(stack({ metrics: { labels: { release: 'kube-prometheus-stack' } } }).objs, 'ServiceMonitor', 'mlflow');
    expect(sm.metadata.labels).toMatchObject({ 'release': 'kube-prometheus-stack', 'app.kubernetes.io/name': 'mlflow' });
  });

  it('lets in the ingress controller, Prometheus and the declared clients on 5000 only', () => {
    expect(find(objs, 'NetworkPolicy', 'mlflow-ingress').spec).toEqual({
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [nsPeer('ingress-nginx')], ports: [{ protocol: 'TCP', port: 5000 }] },
        { from: [{ ...nsPeer('monitoring'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: 5000 }] },
        { from: [nsPeer('training')], ports: [{ protocol: 'TCP', port: 5000 }] },
      ],
    });
  });

  it('matches the snapshot', () => {
    expect(objs.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'mlflow')).toMatchSnapshot();
  });
});

describe('TrackingServer options', () => {
  it('uses an existing TLS Secret, a custom class and controller, without cert-manager', () => {
    const { objs } = stack({ ingress: { host: 'mlflow.example.com', tls: IngressTls.existingSecret('wildcard-example-com'), className: 'traefik', controller: Peer.namespace('traefik', { app: 'traefik' }) }, auth: basicAuth() });
    const ing = find(objs, 'Ingress', 'mlflow');
    expect(ing.metadata.annotations).toBeUndefined();
    expect(ing.spec.ingressClassName).toBe('traefik');
    expect(ing.spec.tls).toEqual([{ hosts: ['mlflow.example.com'], secretName: 'wildcard-example-com' }]);
    expect(find(objs, 'NetworkPolicy', 'mlflow-ingress').spec.ingress).toEqual([
      { from: [{ ...nsPeer('traefik'), podSelector: { matchLabels: { app: 'traefik' } } }], ports: [{ protocol: 'TCP', port: 5000 }] },
    ]);
  });

  it('takes a namespaced cert-manager Issuer and explicit allowed hosts', () => {
    const { objs } = stack({ ingress: { host: 'ml.example.com', tls: IngressTls.certManagerIssuer('internal-ca') }, allowedHosts: ['ml.example.com'], ...UNAUTHENTICATED });
    expect(find(objs, 'Ingress', 'mlflow').metadata.annotations).toEqual({
      'cert-manager.io/issuer': 'internal-ca', 'mlops-cdk8s.io/unauthenticated-exposure': 'test: an authenticating gateway in front',
    });
    expect(envOf(container(find(objs, 'Deployment', 'mlflow'), 'mlflow')).MLFLOW_SERVER_ALLOWED_HOSTS).toBe('ml.example.com,ml.example.com:*');
  });

  it('gives a PostgreSQL auth store beside a MySQL backend store its pgpass line, and the garbage collector only the tracking password', () => {
    const objs = synthChart((chart) => {
      const db = Database.fromExisting(chart, 'db', { engine: DatabaseEngine.MYSQL, host: 'mysql.example.com', databaseName: 'mlflow', username: 'mlflow', password: secretRef('mysql', 'password') });
      const authDb = Database.fromExisting(chart, 'auth-db', { engine: DatabaseEngine.POSTGRESQL, host: 'pg.example.com', databaseName: 'mlflow_auth', username: 'auth', password: secretRef('pg', 'auth') });
      const s3 = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1' });
      const server = new TrackingServer(chart, 'mlflow', {
        database: db, artifacts: s3.bucket('acme-mlflow'),
        auth: MlflowAuth.basic({ database: authDb, adminPassword: secretRef('mlflow-auth', 'admin'), secretKey: secretRef('mlflow-auth', 'key') }),
      });
      new GarbageCollection(chart, 'gc', { server });
    });
    const deploy = find(objs, 'Deployment', 'mlflow');
    expect(envOf(container(deploy, 'mlflow'))).toMatchObject({ PGPASSFILE: '/db-credentials/pgpass' });
    expect(envOf(container(deploy, 'db-credentials'))).toEqual({
      DRIVER_FILES: 'DB AUTH_DB',
      DB_ENGINE: 'mysql', DB_PASSWORD: { secretKeyRef: { name: 'mysql', key: 'password' } }, DB_DRIVER_FILE: '/db-credentials/my.cnf',
      AUTH_DB_ENGINE: 'postgresql', AUTH_DB_PASSWORD: { secretKeyRef: { name: 'pg', key: 'auth' } }, AUTH_DB_DRIVER_FILE: '/db-credentials/pgpass',
      AUTH_DB_HOST: 'pg.example.com', AUTH_DB_PORT: '5432', AUTH_DB_NAME: 'mlflow_auth', AUTH_DB_USER: 'auth',
    });
    const gc = find(objs, 'CronJob', 'mlflow-gc').spec.jobTemplate.spec.template.spec;
    expect(envOf(gc.initContainers.find((c: any) => c.name === 'db-credentials'))).toEqual({
      DB_ENGINE: 'mysql', DB_PASSWORD: { secretKeyRef: { name: 'mysql', key: 'password' } }, DB_DRIVER_FILE: '/db-credentials/my.cnf',
    });
  });

  it('reserves the credentials directory', () => {
    expect(() => synthChart((chart) => {
      const db = Database.fromExisting(chart, 'db', { engine: DatabaseEngine.POSTGRESQL, host: 'pg.example.com', databaseName: 'mlflow', username: 'mlflow', password: secretRef('pg', 'pw') });
      new TrackingServer(chart, 'mlflow', {
        database: db, artifacts: ArtifactRoot.onVolume('/db-credentials/artifacts'),
        volumes: [{ claim: new VolumeClaim(chart, 'v', { name: 'models', size: Size.gibibytes(1) }), mountPath: '/db-credentials' }],
      });
    })).toThrowError(/volumes\[0\]\.mountPath must be an absolute path that does not overlap \/tmp, \/scripts, \/db-credentials, got "\/db-credentials"/);
  });

  it("reserves the auth mode's own mount (as the mode declares it, so a new mode needs no entry here)", () => {
    const build = (withAuth: boolean) => synthChart((chart) => {
      const db = Database.fromExisting(chart, 'db', { engine: DatabaseEngine.POSTGRESQL, host: 'pg.example.com', databaseName: 'mlflow', username: 'mlflow', password: secretRef('pg', 'pw') });
      new TrackingServer(chart, 'mlflow', {
        database: db, artifacts: ArtifactRoot.onVolume('/mlflow/auth/artifacts'),
        volumes: [{ claim: new VolumeClaim(chart, 'v', { name: 'models', size: Size.gibibytes(1) }), mountPath: '/mlflow/auth' }],
        ...(withAuth ? { auth: MlflowAuth.basic({ adminPassword: secretRef('mlflow-auth', 'admin'), secretKey: secretRef('mlflow-auth', 'key') }) } : {}),
      });
    });
    expect(() => build(true)).toThrowError(/volumes\[0\]\.mountPath must not overlap \/mlflow\/auth, which the auth mode mounts, got "\/mlflow\/auth"\. Fix: mount the claim elsewhere/);
    expect(() => build(false)).not.toThrow();
  });

  it('lets workloads of the app in with grantConnect', () => {
    const objs = synthChart((chart) => {
      const db = Database.fromExisting(chart, 'db', { engine: DatabaseEngine.MYSQL, host: 'mysql.example.com', databaseName: 'mlflow', username: 'mlflow', password: secretRef('mysql', 'password') });
      const s3 = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1' });
      const server = new TrackingServer(chart, 'mlflow', { name: 'tracking', database: db, artifacts: s3.bucket('acme-mlflow') });
      server.grantConnect(new Workload(chart, 'train', { name: 'trainer', instance: 'trainer', component: 'job' }), 'training → mlflow');
    });
    const main = container(find(objs, 'Deployment', 'tracking'), 'mlflow');
    // PyMySQL reads no password variable: the URI names the option file the init container writes.
    expect(envOf(main)).toMatchObject({
      MLFLOW_BACKEND_STORE_URI: 'mysql+pymysql://mlflow@mysql.example.com:3306/mlflow?read_default_file=/db-credentials/my.cnf',
      MLFLOW_S3_ENDPOINT_URL: 'https://s3.eu-west-1.amazonaws.com', AWS_DEFAULT_REGION: 'eu-west-1',
    });
    expect(envOf(main).PGPASSFILE).toBeUndefined();
    expect(envOf(container(find(objs, 'Deployment', 'tracking'), 'db-credentials'))).toMatchObject({ DB_ENGINE: 'mysql', DB_DRIVER_FILE: '/db-credentials/my.cnf' });
    expect(envOf(main).AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(main.command.slice(-2)).toEqual(['--artifacts-destination', 's3://acme-mlflow']);
    expect(find(objs, 'NetworkPolicy', 'tracking-ingress').spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'trainer', 'app.kubernetes.io/instance': 'trainer', 'app.kubernetes.io/component': 'job' } } }],
      ports: [{ protocol: 'TCP', port: 5000 }],
    }]);
    // Both stores are "any address": one rule, ports merged.
    expect(find(objs, 'NetworkPolicy', 'tracking-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 3306 }] },
    ]);
  });
});

describe('TrackingServer validation', () => {
  const build = (props: Partial<TrackingServerProps> & Record<string, unknown>) => () => stack(props as Partial<TrackingServerProps>);

  it('needs at least one replica', () => {
    expect(build({ replicas: 0 })).toThrowError(exactly(
      'test/mlflow: replicas must be an integer from 1 to 50, got 0. Fix: use a whole number from 1 to 50'));
  });

  it('checks the number of workers', () => {
    expect(build({ workers: 2.5 })).toThrowError(exactly(
      'test/mlflow: workers must be an integer from 1 to 32, got 2.5. Fix: use a whole number from 1 to 32'));
  });

  it('refuses an unpinned image', () => {
    expect(build({ image: 'burakince/mlflow:latest' })).toThrowError(exactly(
      'test/mlflow: image must not use the mutable tag "latest", got "burakince/mlflow:latest". Fix: pin a version, as in "burakince/mlflow:1.2.3", or add @sha256:<digest>'));
  });

  it('checks the Ingress host', () => {
    expect(build({ ingress: { host: 'https://mlflow.example.com', tls: IngressTls.existingSecret('tls') }, ...UNAUTHENTICATED })).toThrowError(exactly(
      'test/mlflow: ingress.host must be a fully qualified lower-case host name without scheme, port or path, got "https://mlflow.example.com". Fix: write it as "mlflow.example.com"'));
  });

  it('refuses to expose MLflow without auth through an Ingress or an HTTPRoute, unless the opt-out gives a reason', () => {
    const ingress = { host: 'mlflow.example.com', tls: IngressTls.existingSecret('tls') };
    const fix = 'Fix: set auth: MlflowAuth.basic({ adminPassword, secretKey }) (or MlflowAuth.oidc / MlflowAuth.oauth2Proxy), '
      + 'or, when something in front already authenticates callers, opt out with unauthenticatedExposure: { reason: "<what authenticates them>" }';
    expect(build({ ingress })).toThrowError(exactly(
      `test/mlflow: ingress exposes MLflow without auth (whoever reaches the host can read, change and delete every experiment, run and model), got "mlflow.example.com". ${fix}`));
    expect(build({ httpRoute: { hostnames: ['ml.example.com'], gateway: GatewayRef.of({ name: 'public', namespace: 'gateway' }) } })).toThrowError(exactly(
      `test/mlflow: httpRoute exposes MLflow without auth (whoever reaches the host can read, change and delete every experiment, run and model), got "ml.example.com". ${fix}`));
    expect(build({ ingress, auth: basicAuth() })).not.toThrow();
    expect(build({ ingress, unauthenticatedExposure: { reason: 'sso' } })).toThrowError(exactly(
      'test/mlflow: unauthenticatedExposure.reason must say in one line of at least 10 characters what authenticates callers instead, got "sso". Fix: pass unauthenticatedExposure: { reason: "oauth2-proxy on the corporate gateway" }'));
    expect(build({ ingress, unauthenticatedExposure: 'corporate SSO gateway' as never })).toThrowError(/unauthenticatedExposure\.reason must say in one line .*, got undefined\./);
    expect(build({ ingress, unauthenticatedExposure: { reason: 'corporate SSO\ngateway' } })).toThrowError(/unauthenticatedExposure\.reason must say in one line/);
    expect(build({ ingress, auth: basicAuth(), ...UNAUTHENTICATED })).toThrowError(exactly(
      'test/mlflow: unauthenticatedExposure conflicts with auth (the server requires a login), got "test: an authenticating gateway in front". Fix: remove unauthenticatedExposure'));
    expect(build({ ...UNAUTHENTICATED })).toThrowError(exactly(
      'test/mlflow: unauthenticatedExposure is set but nothing exposes MLflow (no ingress, no httpRoute), got "test: an authenticating gateway in front". Fix: remove unauthenticatedExposure'));
  });

  it('checks allowed hosts', () => {
    expect(build({ allowedHosts: ['mlflow', '*.example.com', 'mlflow:*', '10.*'] })).not.toThrow();
    expect(build({ allowedHosts: ['mlflow', 'https://ml.example.com'] })).toThrowError(exactly(
      'test/mlflow: allowedHosts[1] must be a host name or pattern, optionally with :port or :*, got "https://ml.example.com". Fix: write it as "mlflow.example.com", "*.example.com" or "mlflow:*"'));
  });

  it('checks TLS secret and issuer names', () => {
    expect(() => IngressTls.existingSecret('TLS Cert')).toThrowError(exactly(
      'IngressTls.existingSecret: secretName must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "TLS Cert". Fix: use a name such as "tls-cert"'));
    expect(() => IngressTls.certManagerClusterIssuer('')).toThrowError(/^IngressTls\.certManagerClusterIssuer: issuer must be a DNS-1123 subdomain/);
    expect(() => IngressTls.certManagerIssuer('Issuer')).toThrowError(/^IngressTls\.certManagerIssuer: issuer must be a DNS-1123 subdomain/);
  });

  it('requires a database and an artifact bucket', () => {
    expect(build({ database: undefined })).toThrowError(exactly(
      'test/mlflow: database must be a construct, got undefined. Fix: pass database: a Postgres or Database.fromExisting(...)'));
    expect(build({ database: 'postgresql://db' as never })).toThrowError(exactly(
      'test/mlflow: database must be a construct, got a string. Fix: pass database: a Postgres or Database.fromExisting(...)'));
    expect(build({ artifacts: undefined })).toThrowError(exactly(
      'test/mlflow: artifacts must be a bucket or an ArtifactRoot, got undefined. Fix: pass artifacts: minio.addBucket("mlflow"), store.bucket("mlflow") or ArtifactRoot.onVolume("/models/artifacts")'));
    expect(build({ artifacts: 's3://mlflow' as never })).toThrowError(exactly(
      'test/mlflow: artifacts must be a bucket or an ArtifactRoot, got "s3://mlflow". Fix: pass artifacts: minio.addBucket("mlflow"), store.bucket("mlflow") or ArtifactRoot.onVolume("/models/artifacts")'));
  });

  it('refuses a database of another App', () => {
    const other = new Chart(new App(), 'other', { namespace: 'mlops' });
    const foreign = Database.fromExisting(other, 'db', { engine: DatabaseEngine.POSTGRESQL, host: 'db.example.com', databaseName: 'mlflow', username: 'mlflow', password: secretRef('pg', 'mlflow') });
    expect(build({ database: foreign })).toThrowError(exactly(
      'test/mlflow: database must belong to the same App, got the construct other/db of another App. Fix: create it in this App (one App per synth), or use a fromExisting(...) reference to it'));
  });

  it('checks the ingress TLS option, class and annotations, and the metrics interval and labels', () => {
    const ingress = { host: 'mlflow.example.com', tls: IngressTls.existingSecret('tls') };
    expect(build({ ingress: { ...ingress, tls: 'letsencrypt' as never }, ...UNAUTHENTICATED })).toThrowError(exactly(
      'test/mlflow: ingress.tls must be an IngressTls, got a string. Fix: pass IngressTls.certManagerClusterIssuer("letsencrypt") or IngressTls.existingSecret("mlflow-tls")'));
    expect(build({ ingress: { ...ingress, tls: { secretName: () => 'x', annotations: {} } as never }, ...UNAUTHENTICATED })).toThrowError(/ingress\.tls must be an IngressTls, got a plain object\./);
    expect(build({ ingress: { ...ingress, className: 'Nginx Public' }, ...UNAUTHENTICATED })).toThrowError(exactly(
      'test/mlflow: ingress.className must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Nginx Public". Fix: use a name such as "nginx-public"'));
    expect(build({ ingress: { ...ingress, annotations: { 'nginx.ingress.kubernetes.io/proxy body size': '0' } }, ...UNAUTHENTICATED })).toThrowError(exactly(
      'test/mlflow: ingress.annotations key must be an annotation key ([prefix/]name) but has a name that is not 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit, got "nginx.ingress.kubernetes.io/proxy body size". Fix: use a key such as "example.com/note"'));
    expect(build({ metrics: { interval: '1.5m' as never } })).toThrowError(exactly(
      'test/mlflow: metrics.interval must be a Duration, not a string, got "1.5m". Fix: write interval: Duration.seconds(30)'));
    expect(build({ metrics: { interval: '90s' as never } })).toThrowError(exactly(
      'test/mlflow: metrics.interval must be a Duration, not a string, got "90s". Fix: write interval: Duration.seconds(90)'));
    expect(build({ metrics: { interval: Duration.millis(500) } })).toThrowError(exactly(
      'test/mlflow: metrics.interval must be a whole number of milliseconds, at least 1s, got "500ms". Fix: write interval: Duration.seconds(1)'));
    expect(build({ scratchSize: '50Gi' as never })).toThrowError(exactly(
      'test/mlflow: scratchSize must be a Size, not a string, got "50Gi". Fix: write scratchSize: Size.gibibytes(50)'));
    expect(build({ scratchSize: Size.kibibytes(0.5) })).toThrowError(exactly(
      'test/mlflow: scratchSize must be a positive whole number of KiB, got "0.5 KiB". Fix: write scratchSize: Size.kibibytes(1)'));
    expect(build({ metrics: { labels: { release: 'kube prometheus' } } })).toThrowError(exactly(
      'test/mlflow: metrics.labels.release must be a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit), got "kube prometheus". Fix: use a value such as "kube-prometheus"'));
    expect(build({ clients: ['training' as never] })).toThrowError(exactly(
      "test/mlflow: clients[0] must be a Peer, got a string. Fix: pass Peer.namespace('ml-team')"));
  });

  it('blames the Chart, not allowedHosts, for an invalid chart namespace', () => {
    expect(() => stack({}, 'ML_Ops')).toThrowError(exactly(
      'test: namespace must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "ML_Ops". Fix: use a name such as "ml-ops"'));
  });
});
