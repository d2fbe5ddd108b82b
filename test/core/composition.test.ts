import { JsonPatch, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { IWorkload } from '../../lib/core/connections';
import { HttpService } from '../../lib/core/http-service';
import { ContainerImage } from '../../lib/core/image';
import { Port } from '../../lib/core/port';
import { Probe } from '../../lib/core/probe';
import { StatefulComponent } from '../../lib/core/stateful-workload';
import { DisruptionBudget, Workload } from '../../lib/core/workload';
import { TrackingServer } from '../../lib/mlflow/tracking-server';
import { Minio } from '../../lib/storage/minio';
import { Postgres } from '../../lib/storage/postgres';
import { PostgresBackup } from '../../lib/storage/postgres-backup';
import { BackupDestination } from '../../lib/storage/backup';
import { BucketSetup } from '../../lib/storage/bucket-setup';
import { Database, DatabaseEngine } from '../../lib/storage/database';
import { DatabaseSetup } from '../../lib/storage/database-setup';
import { MysqlDatabaseSetup } from '../../lib/storage/mysql-database-setup';
import { exactly, find, ofKind, secretRef, synthChart } from '../support/synth';

/** The next stateful component, as short as the core construct makes it. */
class Redis extends StatefulComponent {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.attachStateful({
      name: 'redis', instance: 'redis', component: 'cache',
      ports: [{ name: 'redis', port: 6379, targetPort: 'redis' }],
      claims: [{ name: 'data', size: '1Gi' }],
      pod: () => ({
        runAs: { uid: 999, gid: 999 },
        containers: [{
          name: 'redis', image: ContainerImage.fromReference('redis:7.4.1-alpine'), ports: { redis: 6379 },
          resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          liveness: Probe.tcpSocket('redis'), readiness: Probe.tcpSocket('redis'),
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }],
      }),
    });
  }
  public grantConnect(client: IWorkload): void {
    this.workload.allowFrom(client, Port.tcp(6379), 'cache');
  }
}

const pg = (chart: Construct, backup = false) => new Postgres(chart, 'db', {
  superuserPassword: secretRef('pg', 'superuser'), database: { password: secretRef('pg', 'mlflow') },
  ...(backup ? { backup: { destination: BackupDestination.volume({ size: Size.gibibytes(5) }) } } : {}),
});
const minio = (chart: Construct) => new Minio(chart, 'minio', { rootCredentials: { accessKeyId: secretRef('m', 'u'), secretAccessKey: secretRef('m', 'p') }, buckets: ['mlflow'] });

describe('StatefulWorkload', () => {
  const objs = synthChart((chart) => {
    const redis = new Redis(chart, 'redis');
    redis.grantConnect(new Workload(chart, 'app', { name: 'app', instance: 'app', component: 'client' }));
  });

  it('a StatefulComponent exposes its Service and StatefulSet, the StatefulSet as node.defaultChild', () => {
    synthChart((chart) => {
      const redis = new Redis(chart, 'redis');
      expect(redis.node.defaultChild).toBe(redis.resource);
      expect(redis.resource.kind).toBe('StatefulSet');
      expect(redis.service.name).toBe('redis');
    });
  });

  it('renders the StatefulSet, both Services and retained claims for a new component', () => {
    const sts = find(objs, 'StatefulSet', 'redis');
    expect(sts.spec).toMatchObject({
      serviceName: 'redis-hl', replicas: 1,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    });
    expect(sts.spec.podManagementPolicy).toBeUndefined();
    expect(find(objs, 'Service', 'redis').spec.clusterIP).toBeUndefined();
    expect(find(objs, 'Service', 'redis-hl').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(find(objs, 'ServiceAccount', 'redis').automountServiceAccountToken).toBe(false);
  });

  it('connects the component (not its inner workload) in the graph', () => {
    const ingress = find(objs, 'NetworkPolicy', 'redis-ingress');
    expect(ingress.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/instance': 'app', 'app.kubernetes.io/component': 'client' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }]);
  });
});

describe('components hold their workload', () => {
  it('keep the workload building blocks off their public API', () => {
    synthChart((chart) => {
      const db = pg(chart);
      const store = minio(chart);
      const server = new TrackingServer(chart, 'mlflow', { database: db, artifacts: store.bucket('mlflow'), replicas: 3 });
      for (const c of [db, store, server] as object[]) {
        for (const m of ['podTemplate', 'claimTemplate', 'spreadAcross', 'connectTo', 'addDisruptionBudget', 'allowFrom']) {
          expect(m in c, `${c.constructor.name}.${m}`).toBe(false);
        }
      }
      // @ts-expect-error not on the public API any more
      expect(() => server.addDisruptionBudget).not.toThrow();
      expect(server.disruptionBudget?.node.path).toBe('test/mlflow/Workload/Pdb');
    });
  });

  it('a workload refuses a second disruption budget with a clear error', () => {
    expect(() => synthChart((chart) => {
      const w = new Workload(chart, 'w', { name: 'x', instance: 'x', component: 'y' });
      w.addDisruptionBudget(DisruptionBudget.minAvailable(1));
      w.addDisruptionBudget(DisruptionBudget.maxUnavailable(1));
    })).toThrowError(exactly('test/w: already has a PodDisruptionBudget, got a second one. Fix: patch the existing one (disruptionBudget) instead of adding another.'));
  });

  it('are IWorkloads by delegation', () => {
    synthChart((chart) => {
      const db = pg(chart, true);
      expect([db.workloadName, db.namespace, db.serviceAccountName]).toEqual(['postgresql', 'test', 'postgresql']);
      expect(db.backup!.workloadName).toBe('postgresql-backup');
      expect(db.podSelector).toEqual({ 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': 'postgresql', 'app.kubernetes.io/component': 'database' });
    });
  });
});

describe('escape hatches', () => {
  it('each construct exposes its main API object as node.defaultChild', () => {
    synthChart((chart) => {
      const db = pg(chart, true);
      const store = minio(chart);
      const server = new TrackingServer(chart, 'mlflow', { database: db, artifacts: store.bucket('mlflow') });
      expect(db.node.defaultChild).toBe(db.resource);
      expect(store.node.defaultChild).toBe(store.resource);
      expect(server.node.defaultChild).toBe(server.resource);
      expect((db.backup as PostgresBackup).node.defaultChild).toBe(db.backup!.resource);
      expect([db.resource.kind, store.resource.kind, server.resource.kind, db.backup!.resource.kind]).toEqual(['StatefulSet', 'StatefulSet', 'Deployment', 'CronJob']);
    });
  });

  it('setup Jobs are components too: the Job is node.defaultChild, the workload blocks stay private', () => {
    synthChart((chart) => {
      const pgAdmin = Database.fromExisting(chart, 'pg-admin', { engine: DatabaseEngine.POSTGRESQL, host: 'pg.example.com', databaseName: 'postgres', username: 'admin', password: secretRef('pg', 'admin') });
      const pgApp = Database.fromExisting(chart, 'pg-app', { engine: DatabaseEngine.POSTGRESQL, host: 'pg.example.com', databaseName: 'mlflow', username: 'mlflow', password: secretRef('pg', 'mlflow') });
      const my = Database.fromExisting(chart, 'my', { engine: DatabaseEngine.MYSQL, host: 'mysql.example.com', databaseName: 'mlflow', username: 'mlflow', password: secretRef('my', 'p') });
      const store = minio(chart);
      const setups = [
        new DatabaseSetup(chart, 'dbs', { admin: pgAdmin, databases: [pgApp] }),
        new MysqlDatabaseSetup(chart, 'mys', { database: my, adminPassword: secretRef('my', 'root'), name: 'mlflow-mysql-setup' }),
        new BucketSetup(chart, 'buckets', { buckets: [store.bucket('mlflow')] }),
      ];
      for (const c of setups) {
        expect(c.node.defaultChild, c.node.path).toBe(c.resource);
        expect(c.resource.kind).toBe('Job');
        for (const m of ['podTemplate', 'claimTemplate', 'connectTo', 'addDisruptionBudget', 'labels']) expect(m in c, `${c.node.path}.${m}`).toBe(false);
      }
      expect(setups.map((c) => c.workloadName)).toEqual(['mlflow-db-setup', 'mlflow-mysql-setup', 'mlflow-bucket-setup']);
    });
  });

  it('a JSON patch on the main object reaches the output', () => {
    const objs = synthChart((chart) => {
      const db = pg(chart);
      const store = minio(chart);
      const server = new TrackingServer(chart, 'mlflow', { database: db, artifacts: store.bucket('mlflow') });
      server.resource.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'platform-critical'));
      db.resource.addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 10));
    });
    expect(find(objs, 'Deployment', 'mlflow').spec.template.spec.priorityClassName).toBe('platform-critical');
    expect(find(objs, 'StatefulSet', 'postgresql').spec.minReadySeconds).toBe(10);
  });
});

describe('existing HTTP services', () => {
  it('TrackingServer.fromExisting and HttpService.fromExisting open egress to them', () => {
    let uri = '';
    const objs = synthChart((chart) => {
      const client = new Workload(chart, 'trainer', { name: 'trainer', instance: 'trainer', component: 'job' });
      const mlflow = TrackingServer.fromExisting(chart, 'mlflow', { url: 'http://10.0.0.5:5000/' });
      uri = mlflow.trackingUri;
      mlflow.grantConnect(client, 'log runs');
      HttpService.fromExisting(chart, 'api', { url: 'https://api.example.com' }).grantConnect(client, 'api');
    });
    expect(uri).toBe('http://10.0.0.5:5000');
    expect(find(objs, 'NetworkPolicy', 'trainer-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '10.0.0.5/32' } }], ports: [{ protocol: 'TCP', port: 5000 }] },
    ]);
    expect(ofKind(objs, 'Deployment')).toEqual([]);
  });

  it('refuses a URL with credentials, without echoing them', () => {
    expect(() => synthChart((chart) => HttpService.fromExisting(chart, 'api', { url: 'https://bob:hunter2@api.example.com' }))).toThrowError(exactly(
      'test/api: url must be an http(s) URL with no path, query or credentials, got "https://<redacted>@api.example.com". Fix: write it as "https://mlflow.example.com"'));
  });

  it('every external endpoint checks the client of grantConnect the same way', () => {
    expect(() => synthChart((chart) => {
      const api = HttpService.fromExisting(chart, 'api', { url: 'https://api.example.com' });
      api.grantConnect('trainer' as unknown as IWorkload, 'api');
    })).toThrowError(exactly('test/api: grantConnect(client) must be a construct, got a string. Fix: pass a workload of this app, such as a TrackingServer'));
  });
});
