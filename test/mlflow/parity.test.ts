import { Chart, Duration } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { k8s } from '../../lib/core/k8s';
import { ContainerImage } from '../../lib/core/image';
import { EnvValue } from '../../lib/core/pod';
import { Probe } from '../../lib/core/probe';
import { DayOfWeek, Schedule } from '../../lib/core/schedule';
import { GarbageCollection } from '../../lib/mlflow/gc-job';
import { GatewayRef } from '../../lib/core/http-route';
import { TrackingServer, TrackingServerProps } from '../../lib/mlflow/tracking-server';
import { CloudObjectStore, WorkloadIdentity } from '../../lib/storage/cloud-object-store';
import { Minio } from '../../lib/storage/minio';
import { Mysql } from '../../lib/storage/mysql';
import { IBucket } from '../../lib/storage/object-store';
import { Postgres } from '../../lib/storage/postgres';
import { loadValidator } from '../support/schema';
import { container, envOf, exactly, find, ofKind, podSpec, secretRef, synthChart } from '../support/synth';

function stack(props: Partial<TrackingServerProps> = {}, artifacts?: (chart: Chart) => IBucket, extra?: (chart: Chart, s: TrackingServer) => void): any[] {
  return synthChart((chart: Chart) => {
    const db = new Postgres(chart, 'db', { superuserPassword: secretRef('pg', 'superuser'), database: { password: secretRef('pg', 'mlflow') } });
    const bucket = artifacts ? artifacts(chart) : new Minio(chart, 'minio', { rootCredentials: { accessKeyId: secretRef('minio', 'user'), secretAccessKey: secretRef('minio', 'password') }, buckets: ['mlflow'] }).bucket('mlflow');
    const s = new TrackingServer(chart, 'mlflow', { database: db, artifacts: bucket, ...props });
    extra?.(chart, s);
  }, 'mlops');
}

describe('autoscaling', () => {
  const objs = stack({ autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 } });
  const hpa = find(objs, 'HorizontalPodAutoscaler', 'mlflow');

  it('renders an autoscaling/v2 HPA on CPU and memory for the Deployment', () => {
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'mlflow' },
      minReplicas: 2, maxReplicas: 6,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    });
  });

  it('leaves the replica count to the HPA, keeps minAvailable below minReplicas, spreads pods', () => {
    const deploy = find(objs, 'Deployment', 'mlflow');
    expect(deploy.spec.replicas).toBeUndefined();
    expect(find(objs, 'PodDisruptionBudget', 'mlflow').spec.minAvailable).toBe(1);
    expect(podSpec(deploy).topologySpreadConstraints).toHaveLength(2);
  });

  it('validates strictly', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('with minReplicas 1 renders no PDB (it could never allow a disruption)', () => {
    const o = stack({ autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    expect(ofKind(o, 'PodDisruptionBudget')).toEqual([]);
    expect(podSpec(find(o, 'Deployment', 'mlflow')).topologySpreadConstraints).toHaveLength(2);
  });

  it('refuses bad combinations with exact messages', () => {
    expect(() => stack({ replicas: 3, autoscaling: { maxReplicas: 5 } }))
      .toThrowError(exactly('test/mlflow: replicas conflicts with autoscaling (the autoscaler owns the replica count), got 3. Fix: remove replicas and set autoscaling.minReplicas: 3'));
    expect(() => stack({ autoscaling: { minReplicas: 3, maxReplicas: 3 } }))
      .toThrowError(exactly('test/mlflow: autoscaling.maxReplicas must be greater than minReplicas (3), got 3. Fix: pass maxReplicas: 4 or more, or drop autoscaling and set replicas: 3'));
    expect(() => stack({ autoscaling: { maxReplicas: 5, memoryUtilization: 150 } }))
      .toThrowError(/^test\/mlflow: autoscaling.memoryUtilization /);
  });

  it('exposes the most pods that can run, for the auth replica rules', () => {
    let s!: TrackingServer;
    stack({ autoscaling: { maxReplicas: 4 } }, undefined, (_c, server) => { s = server; });
    expect(s.maxReplicas).toBe(4);
  });
});

describe('cloud object stores without keys', () => {
  it('GCS through GKE Workload Identity: gs:// destination, annotated ServiceAccount, no key, metadata server egress', () => {
    const objs = stack({}, (chart) => CloudObjectStore.gcs(chart, 'gcs', { identity: WorkloadIdentity.gke('mlflow@my-project.iam.gserviceaccount.com') }).bucket('mlflow-artifacts'));
    const c = container(find(objs, 'Deployment', 'mlflow'), 'mlflow');
    expect(c.command.join(' ')).toContain('--artifacts-destination gs://mlflow-artifacts');
    expect(Object.keys(envOf(c)).filter((k) => /^AWS_|MLFLOW_S3|GOOGLE_APPLICATION_CREDENTIALS/.test(k))).toEqual([]);
    expect(find(objs, 'ServiceAccount', 'mlflow').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'mlflow@my-project.iam.gserviceaccount.com' });
    const egress = find(objs, 'NetworkPolicy', 'mlflow-egress').spec.egress;
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ protocol: 'TCP', port: 80 }] });
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('S3 through IRSA: s3:// destination, role annotation, regional endpoint, no keys', () => {
    const objs = stack({}, (chart) => CloudObjectStore.s3(chart, 's3', { region: 'eu-west-1', identity: WorkloadIdentity.irsa('arn:aws:iam::123456789012:role/mlflow') }).bucket('mlflow-artifacts'));
    const c = container(find(objs, 'Deployment', 'mlflow'), 'mlflow');
    expect(c.command.join(' ')).toContain('--artifacts-destination s3://mlflow-artifacts');
    expect(envOf(c)).toMatchObject({ MLFLOW_S3_ENDPOINT_URL: 'https://s3.eu-west-1.amazonaws.com', AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(envOf(c).AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(find(objs, 'ServiceAccount', 'mlflow').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/mlflow' });
  });

  it('S3 through EKS Pod Identity: no annotation, the agent reachable', () => {
    const objs = stack({}, (chart) => CloudObjectStore.s3(chart, 's3', { region: 'us-east-1', identity: WorkloadIdentity.eksPodIdentity() }).bucket('mlflow-artifacts'));
    expect(find(objs, 'ServiceAccount', 'mlflow').metadata.annotations).toBeUndefined();
    expect(find(objs, 'NetworkPolicy', 'mlflow-egress').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] });
  });

  it('Azure Blob through Workload ID: wasbs:// destination, client-id annotation and the use label on the pod', () => {
    const objs = stack({}, (chart) => CloudObjectStore.azureBlob(chart, 'az', { storageAccount: 'mlflowartifacts', identity: WorkloadIdentity.azure('0b3c1d2e-1111-2222-3333-444455556666') }).bucket('mlflow'));
    const deploy = find(objs, 'Deployment', 'mlflow');
    expect(container(deploy, 'mlflow').command.join(' ')).toContain('--artifacts-destination wasbs://mlflow@mlflowartifacts.blob.core.windows.net/');
    expect(deploy.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(deploy.spec.selector.matchLabels['azure.workload.identity/use']).toBeUndefined();
    expect(find(objs, 'ServiceAccount', 'mlflow').metadata.annotations).toEqual({ 'azure.workload.identity/client-id': '0b3c1d2e-1111-2222-3333-444455556666' });
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('refuses malformed identities and a mismatched cloud', () => {
    expect(() => WorkloadIdentity.irsa('mlflow-role')).toThrowError(exactly('WorkloadIdentity.irsa: roleArn must be an IAM role ARN, got "mlflow-role". Fix: pass "arn:aws:iam::123456789012:role/mlflow"'));
    expect(() => WorkloadIdentity.gke('mlflow')).toThrowError(exactly('WorkloadIdentity.gke: gcpServiceAccount must be an IAM service account e-mail, got "mlflow". Fix: pass "mlflow@my-project.iam.gserviceaccount.com"'));
    expect(() => stack({}, (chart) => CloudObjectStore.gcs(chart, 'gcs', { identity: WorkloadIdentity.eksPodIdentity() }).bucket('m-a')))
      .toThrowError(exactly('test/gcs: identity must be a GCP workload identity, got "aws". Fix: pass identity: WorkloadIdentity.gke("mlflow@my-project.iam.gserviceaccount.com")'));
  });
});

describe('pod escape hatches', () => {
  const sidecar = {
    name: 'proxy', image: ContainerImage.fromReference('quay.io/oauth2-proxy/oauth2-proxy:v7.6.0'),
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    ports: { proxy: 4180 }, liveness: Probe.tcpSocket('proxy'), readiness: Probe.tcpSocket('proxy'),
  };
  const objs = stack({
    pod: {
      env: { MLFLOW_GCS_DEFAULT_TIMEOUT: EnvValue.literal('120'), EXTRA_TOKEN: EnvValue.fromSecret(secretRef('x', 'token')) },
      volumes: [{ name: 'ca', configMap: { name: 'corp-ca' } }],
      volumeMounts: [{ name: 'ca', mountPath: '/etc/ssl/corp', readOnly: true }],
      sidecars: [sidecar],
      initContainers: [{ name: 'warm', image: ContainerImage.fromReference('busybox:1.36.1'), command: ['true'], resources: sidecar.resources }],
      labels: { team: 'ml' },
      annotations: { 'prometheus.io/scrape': 'false' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['ml'] }] }] } } },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      priorityClassName: 'high',
    },
  });
  const deploy = find(objs, 'Deployment', 'mlflow');
  const spec = podSpec(deploy);

  it('adds env, volumes, mounts, sidecars and init containers, all restricted', () => {
    const c = container(deploy, 'mlflow');
    expect(envOf(c)).toMatchObject({ MLFLOW_GCS_DEFAULT_TIMEOUT: '120', EXTRA_TOKEN: { secretKeyRef: { name: 'x', key: 'token' } } });
    expect(c.volumeMounts).toContainEqual({ name: 'ca', mountPath: '/etc/ssl/corp', readOnly: true });
    expect(spec.volumes).toContainEqual({ name: 'ca', configMap: { name: 'corp-ca' } });
    expect(spec.containers.map((x: any) => x.name)).toEqual(['mlflow', 'proxy']);
    expect(spec.initContainers.map((x: any) => x.name)).toEqual(['warm', 'db-credentials', 'wait-for-db', 'db-upgrade']);
    for (const x of [...spec.containers, ...spec.initContainers]) expect(x.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('sets pod labels and annotations (selectors unchanged) and scheduling', () => {
    expect(deploy.spec.template.metadata.labels.team).toBe('ml');
    expect(deploy.spec.selector.matchLabels.team).toBeUndefined();
    expect(deploy.spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'false' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoSchedule' }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key).toBe('pool');
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.priorityClassName).toBe('high');
  });

  it('validates strictly', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('refuses what would break the checks, with exact messages', () => {
    expect(() => stack({ pod: { env: { DB_PASSWORD: EnvValue.literal('hunter2') } } }))
      .toThrowError(exactly('test/mlflow: containers[0].env.DB_PASSWORD is named like a credential and must not be a literal value, got "<redacted>". Fix: pass EnvValue.fromSecret(SecretValue.fromSecret("<secret>", "<key>")) or an ExternalSecret value; if it is not a secret, EnvValue.notSecret(value, "<why>")'));
    expect(() => stack({ pod: { volumes: [{ name: 'host', hostPath: { path: '/var/run' } }] } }))
      .toThrowError(exactly('test/mlflow: pod.volumes[0] must be exactly one of configMap, secret, emptyDir, persistentVolumeClaim, projected, downwardAPI, csi, ephemeral (Pod Security "restricted"), got "hostPath". Fix: use a persistentVolumeClaim instead of a hostPath or node-local volume'));
    expect(() => stack({ pod: { volumes: [{ name: 'big', emptyDir: {} }] } }))
      .toThrowError(exactly('test/mlflow: pod.volumes[0].emptyDir.sizeLimit is required (an unbounded emptyDir can fill the node), got undefined. Fix: pass emptyDir: { sizeLimit: k8s.Quantity.fromString("1Gi") }'));
    expect(() => stack({ pod: { labels: { 'app.kubernetes.io/instance': 'x' } } }))
      .toThrowError(exactly('test/mlflow: pod.labels.app.kubernetes.io/instance is set by this library (selectors and identity depend on it), got "x". Fix: use a key outside app.kubernetes.io/ and azure.workload.identity/'));
    expect(() => stack({ pod: { sidecars: [{ ...sidecar, liveness: undefined }] } }))
      .toThrowError(/^test\/mlflow: containers\[1\]\.liveness\/readiness must both be set for a long-running container/);
    expect(() => stack({ pod: { volumeMounts: [{ name: 'nope', mountPath: '/x' }] } }))
      .toThrowError(exactly('test/mlflow: pod.volumeMounts[0].name must name one of pod.volumes, got "nope". Fix: add the volume to pod.volumes'));
    void k8s;
  });
});

describe('GarbageCollection', () => {
  const objs = stack({}, undefined, (chart, server) => new GarbageCollection(chart, 'gc', { server, olderThan: Duration.days(14) }));
  const cron = find(objs, 'CronJob', 'mlflow-gc');
  const c = container(cron, 'gc');

  it('runs mlflow gc daily with the server image, the password in the driver\'s file (never the URI), and the tracking URI', () => {
    expect(cron.spec.schedule).toBe('0 3 * * *');
    expect(c.image).toBe(TrackingServer.DEFAULT_IMAGE);
    expect(c.command).toEqual(['python', '/scripts/gc.py']);
    const scripts = find(objs, 'ConfigMap', 'mlflow-gc-scripts');
    expect(Object.keys(scripts.data).sort()).toEqual(['gc.py', 'private_file.py', 'write_db_credentials.py']);
    const writer = container(cron, 'db-credentials');
    expect(envOf(writer)).toMatchObject({ DB_PASSWORD: { secretKeyRef: { name: 'pg', key: 'mlflow' } }, DB_DRIVER_FILE: '/db-credentials/pgpass' });
    expect(envOf(c).DB_PASSWORD).toBeUndefined();
    expect(envOf(c)).toMatchObject({
      MLFLOW_BACKEND_STORE_URI: 'postgresql+psycopg2://mlflow@postgresql.mlops.svc.cluster.local:5432/mlflow',
      PGPASSFILE: '/db-credentials/pgpass',
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'minio', key: 'password' } },
      MLFLOW_TRACKING_URI: 'http://mlflow.mlops.svc.cluster.local:5000',
      GC_OLDER_THAN: '14d',
    });
    expect(JSON.stringify(c)).not.toMatch(/postgresql\+psycopg2:\/\/[^@"]*:[^@"]*@/);
  });

  it('may reach the database, the store and the server', () => {
    const ports = find(objs, 'NetworkPolicy', 'mlflow-gc-egress').spec.egress.flatMap((e: any) => e.ports.map((p: any) => p.port));
    expect(ports).toEqual(expect.arrayContaining([5432, 9000, 5000]));
  });

  it('validates strictly', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('refuses a retention out of range and a missing server', () => {
    expect(() => stack({}, undefined, (chart, server) => new GarbageCollection(chart, 'gc', { server, olderThan: Duration.minutes(90) })))
      .toThrowError(exactly('test/gc: olderThan must be a whole number of hours from 1 to 87600, got "1 hour 30 minutes". Fix: pass Duration.hours(n) with n from 1 to 87600'));
    expect(() => stack({}, undefined, (chart, server) => new GarbageCollection(chart, 'gc', { server, olderThan: '30d' as any })))
      .toThrowError(exactly('test/gc: olderThan must be a Duration, got a string. Fix: pass Duration.hours(1)'));
    expect(() => synthChart((chart) => new GarbageCollection(chart, 'gc', { server: 'mlflow' as any })))
      .toThrowError(exactly('test/gc: server must be a TrackingServer, got "string". Fix: pass server: the TrackingServer whose runs to clean'));
  });

  it('runs on a typed Schedule in its time zone, and refuses a cron string and the removed timeZone', () => {
    const weekly = find(stack({}, undefined, (chart, server) => new GarbageCollection(chart, 'gc', {
      server, schedule: Schedule.weekly({ day: DayOfWeek.SATURDAY, hour: 4, timeZone: 'Europe/Paris' }),
    })), 'CronJob', 'mlflow-gc');
    expect(weekly.spec).toMatchObject({ schedule: '0 4 * * 6', timeZone: 'Europe/Paris' });
    expect(cron.spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Etc/UTC' });
    expect(() => stack({}, undefined, (chart, server) => new GarbageCollection(chart, 'gc', { server, schedule: '0 3 * * *' as any })))
      .toThrowError(exactly('test/gc: schedule must be a Schedule, not a string, got "0 3 * * *". Fix: write schedule: Schedule.cron("0 3 * * *")'));
    expect(() => stack({}, undefined, (chart, server) => new GarbageCollection(chart, 'gc', { server, timeZone: 'Europe/Paris' } as any)))
      .toThrowError(exactly('test/gc: timeZone is no longer a prop, got "Europe/Paris". Fix: set the time zone in the schedule, as in schedule: Schedule.daily({ hour: 3, timeZone: "Europe/Paris" })'));
  });

  const temps: string[] = [];
  afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  it('gc.py hands click the URI in-process and checks its inputs (against a stub mlflow)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-stub-'));
    temps.push(dir);
    fs.mkdirSync(path.join(dir, 'mlflow'));
    fs.writeFileSync(path.join(dir, 'mlflow', '__init__.py'), '');
    fs.writeFileSync(path.join(dir, 'mlflow', 'cli.py'), 'import json, sys\nclass _C:\n    def main(self, args, prog_name):\n        print(json.dumps({"args": args, "argv": sys.argv}))\ncli = _C()\n');
    const script = path.resolve(__dirname, '../../lib/mlflow/scripts/gc.py');
    const env = { PATH: process.env.PATH!, PYTHONPATH: dir, MLFLOW_BACKEND_STORE_URI: 'postgresql+psycopg2://mlflow@db:5432/mlflow', PGPASSFILE: '/db-credentials/pgpass', GC_OLDER_THAN: '30d', MLFLOW_TRACKING_URI: 'http://mlflow:5000' };
    const ok = spawnSync('python3', [script], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const out = JSON.parse(ok.stdout);
    // --artifacts-destination is the store's default artifact root in `mlflow gc`: without it MLflow
    // creates ./mlruns, which the read-only root filesystem refuses. The server's own root is not local.
    expect(out.args).toEqual(['gc', '--backend-store-uri', 'postgresql+psycopg2://mlflow@db:5432/mlflow', '--artifacts-destination', 'mlflow-artifacts:/', '--older-than', '30d']);
    expect(out.argv.join(' ')).not.toContain('postgresql');
    const bad = spawnSync('python3', [script], { env: { ...env, GC_OLDER_THAN: '30 days' }, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("GC_OLDER_THAN must look like 30d or 12h, got '30 days'");
    const noUri = spawnSync('python3', [script], { env: { ...env, MLFLOW_TRACKING_URI: '' }, encoding: 'utf8' });
    expect(noUri.status).toBe(1);
  });
});

describe('MySQL as the backend store', () => {
  it('the tracking server uses mysql+pymysql against the Mysql construct', () => {
    const objs = synthChart((chart) => {
      const db = new Mysql(chart, 'db', { rootPassword: secretRef('mysql', 'root'), database: { password: secretRef('mysql', 'app') } });
      const minio = new Minio(chart, 'minio', { rootCredentials: { accessKeyId: secretRef('minio', 'user'), secretAccessKey: secretRef('minio', 'password') }, buckets: ['mlflow'] });
      new TrackingServer(chart, 'mlflow', { database: db, artifacts: minio.bucket('mlflow') });
    }, 'mlops');
    const c = container(find(objs, 'Deployment', 'mlflow'), 'mlflow');
    expect(envOf(c)).toMatchObject({ MLFLOW_BACKEND_STORE_URI: 'mysql+pymysql://mlflow@mysql.mlops.svc.cluster.local:3306/mlflow?read_default_file=/db-credentials/my.cnf' });
    expect(envOf(container(find(objs, 'Deployment', 'mlflow'), 'db-credentials'))).toMatchObject({ DB_ENGINE: 'mysql', DB_PASSWORD: { secretKeyRef: { name: 'mysql', key: 'app' } } });
    expect(find(objs, 'NetworkPolicy', 'mysql-ingress').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 3306 }]);
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });
});

describe('Gateway API HTTPRoute', () => {
  const objs = stack({
    httpRoute: { hostnames: ['mlflow.example.com'], gateway: GatewayRef.of({ name: 'public', namespace: 'gateway', sectionName: 'https' }) },
    unauthenticatedExposure: { reason: 'test: the gateway authenticates callers' },
  });
  const route = find(objs, 'HTTPRoute', 'mlflow');

  it('routes the host to the Service through the referenced Gateway listener, the opt-out of auth annotated for review', () => {
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata.annotations).toEqual({ 'mlops-cdk8s.io/unauthenticated-exposure': 'test: the gateway authenticates callers' });
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway', sectionName: 'https' }],
      hostnames: ['mlflow.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ kind: 'Service', name: 'mlflow', port: 5000 }] }],
    });
  });

  it('lets the gateway namespace in on 5000 and accepts the host header', () => {
    const ingress = find(objs, 'NetworkPolicy', 'mlflow-ingress').spec.ingress;
    expect(ingress).toContainEqual({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } } }], ports: [{ protocol: 'TCP', port: 5000 }] });
    expect(envOf(container(find(objs, 'Deployment', 'mlflow'), 'mlflow')).MLFLOW_SERVER_ALLOWED_HOSTS).toContain('mlflow.example.com:*');
  });

  it('validates strictly against the Gateway API CRD', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('refuses a missing gateway, no hostnames and a bad namespace', () => {
    expect(() => stack({ httpRoute: { hostnames: ['mlflow.example.com'], gateway: 'public' as any } }))
      .toThrowError(exactly('test/mlflow: httpRoute.gateway must be a GatewayRef, got "string". Fix: pass gateway: GatewayRef.of({ name: "public", namespace: "gateway", sectionName: "https" })'));
    expect(() => stack({ httpRoute: { hostnames: [], gateway: GatewayRef.of({ name: 'public', namespace: 'gateway' }) } }))
      .toThrowError(exactly('test/mlflow: httpRoute.hostnames must list at least one host name, got []. Fix: pass hostnames: ["mlflow.example.com"]'));
    expect(() => GatewayRef.of({ name: 'public', namespace: 'Gateway' })).toThrowError(/^GatewayRef\.of: namespace /);
  });
});
