import { Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Workload } from '../../lib/core/workload';
import { SyncWave, syncWaveOf } from '../../lib/synth/sync-waves';
import { Postgres, PostgresProps } from '../../lib/storage/postgres';
import { allContainers, container, envOf, exactly, find, podSpec, secretRef, synthChart } from '../support/synth';

const base = (): PostgresProps => ({
  superuserPassword: secretRef('postgresql-credentials', 'superuser-password'),
  database: { password: secretRef('postgresql-credentials', 'mlflow-password') },
});

describe('Postgres', () => {
  let pg!: Postgres;
  const objs = synthChart((chart) => {
    pg = new Postgres(chart, 'db', { ...base(), storageSize: Size.gibibytes(20), storageClass: 'premium-rwo', partOf: 'mlops' });
    pg.grantConnect(new Workload(chart, 'client', { name: 'app', instance: 'app', component: 'client' }), 'app → db');
  });
  const sts = find(objs, 'StatefulSet', 'postgresql');
  const main = container(sts, 'postgresql');

  it('exposes what clients need', () => {
    expect([pg.host, pg.port, pg.databaseName, pg.username, pg.engine.sqlalchemyScheme]).toEqual([
      'postgresql.test.svc.cluster.local', 5432, 'mlflow', 'mlflow', 'postgresql+psycopg2',
    ]);
    expect(pg.image.reference).toBe('postgres:16.15-alpine');
  });

  it('renders a one-replica StatefulSet with a retained volumeClaimTemplate of the requested size and class', () => {
    expect(find(objs, 'Service', 'postgresql-hl').spec).toMatchObject({ clusterIP: 'None', selector: sts.spec.selector.matchLabels });
    expect(sts.spec).toMatchObject({ serviceName: 'postgresql-hl', replicas: 1, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' } });
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: sts.metadata.labels },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'premium-rwo', resources: { requests: { storage: '20Gi' } } },
    }]);
    expect(main.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(envOf(main).PGDATA).toBe('/var/lib/postgresql/data/pgdata');
  });

  it('serves 5432 through a Service targeting the named container port', () => {
    expect(find(objs, 'Service', 'postgresql').spec.ports).toEqual([{ name: 'postgresql', port: 5432, targetPort: 'postgresql', protocol: 'TCP' }]);
    expect(main.ports).toEqual([{ name: 'postgresql', containerPort: 5432, protocol: 'TCP' }]);
  });

  it('reads both passwords from secretKeyRefs', () => {
    const env = envOf(main);
    expect(env.POSTGRES_PASSWORD).toEqual({ secretKeyRef: { name: 'postgresql-credentials', key: 'superuser-password' } });
    expect(env.APP_PASSWORD).toEqual({ secretKeyRef: { name: 'postgresql-credentials', key: 'mlflow-password' } });
    expect([env.POSTGRES_USER, env.APP_USER, env.APP_DATABASE]).toEqual(['postgres', 'mlflow', 'mlflow']);
  });

  it('creates the application role and database with \\getenv, so the password is in no manifest', () => {
    const script = find(objs, 'ConfigMap', 'postgresql-initdb').data['10-app-database.sh'];
    expect(script).toContain('\\getenv app_password APP_PASSWORD');
    expect(script).toContain('CREATE ROLE :"app_user" LOGIN PASSWORD :\'app_password\';');
    expect(script).toContain('CREATE DATABASE :"app_db" OWNER :"app_user";');
    expect(podSpec(sts).volumes).toContainEqual({ name: 'initdb', configMap: { name: 'postgresql-initdb', defaultMode: 0o555 } });
  });

  it('probes with pg_isready and runs as the postgres user with the restricted profile', () => {
    expect(main.readinessProbe.exec.command[0]).toBe('pg_isready');
    expect(main.livenessProbe.exec.command[0]).toBe('pg_isready');
    expect(main.startupProbe).toMatchObject({ failureThreshold: 60, periodSeconds: 5 });
    for (const { container: c } of allContainers(objs)) {
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
    expect(podSpec(sts).securityContext).toMatchObject({ runAsUser: 70, fsGroup: 70 });
  });

  it('allows only declared clients in, on 5432: the app and the app-setup Job (declared by the Postgres itself)', () => {
    const from = (name: string, instance: string, component: string) => ({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': component } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    expect(find(objs, 'NetworkPolicy', 'postgresql-ingress').spec.ingress).toEqual([
      from('app', 'app', 'client'), from('postgresql', 'postgresql-app-setup', 'database-setup'),
    ]);
  });

  describe('the app-setup Job, which keeps the application role in step with its Secret', () => {
    const job = find(objs, 'Job', 'postgresql-app-setup');
    const c = container(job, 'app-setup');
    const initdb = find(objs, 'ConfigMap', 'postgresql-initdb').data['10-app-database.sh'];

    it('runs on every sync, after the StatefulSet is healthy and before the servers', () => {
      expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
      expect(syncWaveOf(job)).toBe(SyncWave.SETUP);
      expect(syncWaveOf(sts)).toBe(SyncWave.DATA);
      expect(SyncWave.DATA.value).toBeLessThan(SyncWave.SETUP.value);
      expect(SyncWave.SETUP.value).toBeLessThan(SyncWave.SERVERS.value);
    });

    it('runs the StatefulSet\'s own init script (the same text), with the server\'s pinned image', () => {
      expect(c.image).toBe('postgres:16.15-alpine');
      expect(c.command).toEqual(['/bin/sh', '/scripts/postgres-app-setup.sh']);
      const files = find(objs, 'ConfigMap', 'postgresql-app-setup-script').data;
      expect(Object.keys(files).sort()).toEqual(['initdb-app-database.sh', 'lib-wait.sh', 'postgres-app-setup.sh']);
      expect(files['initdb-app-database.sh']).toBe(initdb);
      expect(initdb).toContain('ALTER ROLE :"app_user" WITH LOGIN PASSWORD :\'app_password\';');
    });

    it('gets both passwords from secretKeyRefs in the variables psql reads; none is an argument', () => {
      const env = envOf(c);
      expect(env).toEqual({
        PGHOST: 'postgresql.test.svc.cluster.local', PGPORT: '5432', PGDATABASE: 'postgres', PGUSER: 'postgres',
        PGPASSWORD: { secretKeyRef: { name: 'postgresql-credentials', key: 'superuser-password' } },
        PGCONNECT_TIMEOUT: '10', APP_DATABASE: 'mlflow', APP_USER: 'mlflow',
        APP_PASSWORD: { secretKeyRef: { name: 'postgresql-credentials', key: 'mlflow-password' } },
      });
      expect(c.args).toBeUndefined();
      expect(JSON.stringify(c.command)).not.toMatch(/password/i);
    });

    it('is Pod Security restricted, with requests and a memory limit, and may reach only the server', () => {
      expect(podSpec(job).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 70, seccompProfile: { type: 'RuntimeDefault' } });
      expect(c.securityContext).toEqual({
        runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, privileged: false, allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
      expect(podSpec(job).automountServiceAccountToken).toBe(false);
      expect(find(objs, 'NetworkPolicy', 'postgresql-app-setup-egress').spec.egress).toContainEqual({
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': 'postgresql', 'app.kubernetes.io/component': 'database' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      });
    });
  });

  it('labels everything as part of the platform', () => {
    expect(sts.metadata.labels['app.kubernetes.io/part-of']).toBe('mlops');
  });

  it('takes a name, version, database, user and resources', () => {
    let custom!: Postgres;
    const objs2 = synthChart((chart) => {
      custom = new Postgres(chart, 'db', {
        name: 'registry-db', version: '17', superuserPassword: secretRef('s', 'su'),
        database: { name: 'registry', user: 'registry_app', password: secretRef('s', 'app') },
        resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } },
      });
    });
    const s = find(objs2, 'StatefulSet', 'registry-db');
    expect(container(s, 'postgresql').image).toBe('postgres:17-alpine');
    expect(container(s, 'postgresql').resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } });
    expect(s.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
    expect(find(objs2, 'ConfigMap', 'registry-db-initdb')).toBeDefined();
    expect([custom.host, custom.databaseName, custom.username]).toEqual(['registry-db.test.svc.cluster.local', 'registry', 'registry_app']);
    expect(container(find(synthChart((chart) => new Postgres(chart, 'db', { ...base(), image: 'mirror.example.com/postgres:16.10@sha256:' + 'b'.repeat(64) })), 'StatefulSet', 'postgresql'), 'postgresql').image)
      .toBe('mirror.example.com/postgres:16.10@sha256:' + 'b'.repeat(64));
  });

  it('matches the snapshot', () => {
    expect(objs).toMatchSnapshot();
  });
});

describe('Postgres validation', () => {
  const build = (props: Partial<PostgresProps> & Record<string, unknown>) => () => synthChart((chart) => new Postgres(chart, 'db', { ...base(), ...props } as PostgresProps));

  it('refuses database settings that are not an object', () => {
    expect(build({ database: 'mlflow' as any })).toThrowError(exactly(
      'test/db: database must be the application database\'s settings { name?, user?, password }, got "mlflow". Fix: pass database: { password: SecretValue.fromSecret("postgresql", "password") }'));
  });

  it('refuses version together with image', () => {
    expect(build({ version: '16.15', image: 'postgres:16.15-alpine' })).toThrowError(exactly(
      'test/db: version conflicts with image (the image already fixes the version), got "16.15". Fix: remove version, or remove image to use postgres:<version>-alpine'));
  });

  it('refuses a version that is not major[.minor]', () => {
    expect(build({ version: '16.x' })).toThrowError(exactly(
      'test/db: version must be a PostgreSQL version such as "16.15" or "17", got "16.x". Fix: pass version: "16.15"'));
  });

  it('refuses an unpinned or latest image', () => {
    expect(build({ image: 'postgres' })).toThrowError(exactly(
      'test/db: image must be pinned to a version tag or a digest, got "postgres". Fix: add a version, as in "postgres:1.2.3"'));
    expect(build({ image: 'postgres:latest' })).toThrowError(exactly(
      'test/db: image must not use the mutable tag "latest", got "postgres:latest". Fix: pin a version, as in "postgres:1.2.3", or add @sha256:<digest>'));
  });

  it('refuses a plain string as the application password, without echoing it', () => {
    expect(build({ database: { password: 'hunter2' as any } })).toThrowError(exactly(
      'test/db: database.password must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("postgresql", "password") or an ExternalSecret value'));
  });

  it('refuses a plain string as the superuser password', () => {
    expect(build({ superuserPassword: 'hunter2' as any })).toThrowError(exactly(
      'test/db: superuserPassword must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("postgresql", "superuser-password") or an ExternalSecret value'));
  });

  it('refuses database and user names that are not SQL identifiers', () => {
    expect(build({ database: { name: 'ML-Flow', password: secretRef('s', 'p') } })).toThrowError(exactly(
      'test/db: database.name must be a lower-case SQL identifier (letters, digits, "_", starting with a letter or "_", at most 63 characters), got "ML-Flow". Fix: use a name such as "ml_flow"'));
    expect(build({ database: { user: '1user', password: secretRef('s', 'p') } })).toThrowError(exactly(
      'test/db: database.user must be a lower-case SQL identifier (letters, digits, "_", starting with a letter or "_", at most 63 characters), got "1user". Fix: use a name such as "user"'));
  });

  it('checks storage size, storage class and name', () => {
    expect(build({ storageSize: '10GB' as never })).toThrowError(exactly(
      'test/db: storageSize must be a Size, not a string, got "10GB". Fix: write storageSize: Size.gibibytes(10)'));
    expect(build({ storageSize: Size.gibibytes(0) })).toThrowError(exactly(
      'test/db: storageSize must be a positive whole number of KiB, got "0 KiB". Fix: write storageSize: Size.kibibytes(1)'));
    expect(build({ storageClass: 'Fast SSD' })).toThrowError(exactly(
      'test/db: storageClass must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Fast SSD". Fix: use a name such as "fast-ssd"'));
    expect(build({ name: 'Postgres' })).toThrowError(exactly(
      'test/db: name must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 52 characters), got "Postgres". Fix: use a name such as "postgres"'));
  });

  it('refuses a floating tag that names no version', () => {
    expect(build({ image: 'postgres:alpine' })).toThrowError(exactly(
      'test/db: image must be pinned: the tag "alpine" names no version and moves, got "postgres:alpine". Fix: pin a version, as in "postgres:1.2.3", or add @sha256:<digest>'));
    expect(build({ image: 'postgres:alpine@sha256:' + 'a'.repeat(64) })).not.toThrow();
  });

  it('refuses an application role that is the superuser, and the superuser password reused', () => {
    expect(build({ database: { user: 'postgres', password: secretRef('pg', 'app') } })).toThrowError(exactly(
      'test/db: database.user must differ from the administrator "postgres" (the application gets a user of its own), got "postgres". Fix: use an application user such as "mlflow"'));
    expect(build({ database: { user: 'pg_monitor', password: secretRef('pg', 'app') } })).toThrowError(exactly(
      'test/db: database.user must not start with "pg_" (reserved for the server\'s own roles), got "pg_monitor". Fix: use an application role such as "mlflow"'));
    expect(build({ database: { name: 'template1', password: secretRef('pg', 'app') } })).toThrowError(exactly(
      'test/db: database.name must not be a database the server creates itself (postgres, template0, template1), got "template1". Fix: use an application database such as "mlflow"'));
    const same = secretRef('pg', 'password');
    expect(build({ superuserPassword: same, database: { password: secretRef('pg', 'password') } })).toThrowError(exactly(
      'test/db: database.password must not be the same Secret key as superuserPassword (the application user must not be able to log in as postgres), got <redacted>. Fix: give the application user its own key, such as SecretValue.fromSecret("postgresql", "password")'));
  });

  it('refuses a memory quantity with the milli suffix', () => {
    expect(build({ resources: { requests: { cpu: '100m', memory: '512m' }, limits: { memory: '1Gi' } } })).toThrowError(exactly(
      'test/db: containers[0].resources.requests.memory must be a whole number of bytes (the suffix "m" means thousandths, not mebibytes), got "512m". Fix: write "512Mi" for mebibytes'));
  });
});
