import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { mlflowMinioPostgres, MlflowMinioPostgresOptions } from '../../apps/mlflow-minio-postgres';
import { IngressTls, MinioTopology, Peer } from '../../lib';
import { exactly } from '../support/synth';
import { checkApp } from '../../lib/synth/manifest-checks';
import { synthObjects, toYaml } from '../../lib/synth/synth';

function synth(options: MlflowMinioPostgresOptions = {}): any[] {
  const app = new App();
  mlflowMinioPostgres(app, 'seed', options);
  return synthObjects(app);
}
const get = (objs: any[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};
const podSpec = (o: any) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
const container = (o: any, name: string) => podSpec(o).containers.find((c: any) => c.name === name);

/** Every allow of every NetworkPolicy as `from -> to:ports`, named by app.kubernetes.io/instance. */
function edges(objs: any[]): string[] {
  const who = (p: any) => p.podSelector?.matchLabels?.['app.kubernetes.io/instance']
    ?? (p.namespaceSelector ? `ns:${p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']}${p.podSelector ? `/${JSON.stringify(p.podSelector.matchLabels)}` : ''}` : p.ipBlock?.cidr ?? '*');
  const out: string[] = [];
  for (const np of objs.filter((o) => o.kind === 'NetworkPolicy')) {
    const self = np.spec.podSelector.matchLabels?.['app.kubernetes.io/instance'] ?? 'all';
    for (const r of np.spec.ingress ?? []) for (const p of r.from ?? []) out.push(`${who(p)} -> ${self}:${r.ports.map((x: any) => x.port).join(',')} (${np.metadata.name})`);
    for (const r of np.spec.egress ?? []) for (const p of r.to ?? []) out.push(`${self} -> ${who(p)}:${r.ports.map((x: any) => x.port).join(',')} (${np.metadata.name})`);
    if (!np.spec.ingress && !np.spec.egress) out.push(`deny ${np.spec.policyTypes.join('+')} for ${self} (${np.metadata.name})`);
  }
  return out.sort();
}

/** The pod labels of every pod template of the app. */
function podLabelsOf(objs: any[]): Array<Record<string, string>> {
  return objs.filter((o) => ['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(o.kind))
    .map((o) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template).metadata.labels);
}
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/**
 * Who outside the app's own workloads the NetworkPolicies admit to `service` on `port`: peers in
 * other namespaces, address blocks, or pods of its namespace that no workload of the app renders.
 */
function admittedFromOutside(objs: any[], service: string, port: number): string[] {
  const svc = get(objs, 'Service', service);
  const namespace = svc.metadata.namespace;
  const servicePort = svc.spec.ports.find((p: any) => p.port === port);
  if (!servicePort) throw new Error(`Service ${service} has no port ${port}`);
  const templates = objs.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && selects(svc.spec.selector, o.spec.template.metadata.labels));
  const pods = templates.map((o) => o.spec.template.metadata.labels);
  const target = typeof servicePort.targetPort === 'number' ? servicePort.targetPort
    : templates.flatMap((o) => o.spec.template.spec.containers.flatMap((c: any) => c.ports ?? [])).find((p: any) => p.name === servicePort.targetPort)?.containerPort;
  if (!target || pods.length === 0) throw new Error(`Service ${service}:${port} selects no pod port`);
  const own = podLabelsOf(objs);
  const outside = (peer: any) => {
    if (peer.ipBlock) return true;
    const ns = peer.namespaceSelector ? peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] : namespace;
    if (ns !== namespace) return true;
    return !own.some((l) => selects(peer.podSelector?.matchLabels, l));
  };
  return objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === namespace && pods.some((l) => selects(o.spec.podSelector.matchLabels, l)))
    .flatMap((np) => (np.spec.ingress ?? [])
      .filter((r: any) => !r.ports || r.ports.some((p: any) => p.port === target))
      .flatMap((r: any) => (r.from ?? [{}]).filter(outside).map((p: any) => `${JSON.stringify(p)} (${np.metadata.name})`)));
}

/** The servers the seed's users reach (MLflow always, the MinIO console when opened). */
function exposedServers(options: MlflowMinioPostgresOptions): Array<[string, number]> {
  return [['mlflow', 5000], ...(options.minioConsoleClients?.length ? [['minio', 9001] as [string, number]] : [])];
}

describe('seed 002: every server the app exposes admits someone', () => {
  const variants: Record<string, MlflowMinioPostgresOptions> = {
    defaults: {},
    'notebook namespaces': { mlflowClients: [Peer.namespace('kubeflow-user-example-com'), Peer.namespace('notebooks', { app: 'jupyter' })] },
    'ingress only': {
      mlflowClients: [], ingress: { host: 'mlflow.example.com', tls: IngressTls.existingSecret('mlflow-tls') },
      unauthenticatedExposure: { reason: 'test: an authenticating proxy in front' },
    },
    'console opened': { minioConsoleClients: [Peer.namespace('ingress-nginx')] },
  };
  for (const [name, options] of Object.entries(variants)) {
    it(`${name}: ${exposedServers(options).map(([s, p]) => `${s}:${p}`).join(', ')}`, () => {
      const objs = synth(options);
      for (const [service, port] of exposedServers(options)) {
        expect(admittedFromOutside(objs, service, port), `${service}:${port} admits nobody`).not.toEqual([]);
      }
    });
  }

  it('admits the default client namespace, the ingress controller and the console clients the props name', () => {
    expect(admittedFromOutside(synth(), 'mlflow', 5000)).toEqual(['{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ml-training"}}} (mlflow-ingress)']);
    expect(admittedFromOutside(synth(variants['ingress only']), 'mlflow', 5000)).toEqual(['{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}} (mlflow-ingress)']);
    expect(admittedFromOutside(synth(variants['console opened']), 'minio', 9001)).toEqual(['{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}} (minio-ingress)']);
  });

  it('the check sees a server that admits only the app itself (MinIO API, console by default)', () => {
    const objs = synth();
    expect(admittedFromOutside(objs, 'minio', 9000)).toEqual([]);
    expect(admittedFromOutside(objs, 'minio', 9001)).toEqual([]);
    expect(admittedFromOutside(objs, 'postgresql', 5432)).toEqual([]);
  });

  it('refuses an MLflow nobody may reach', () => {
    expect(() => synth({ mlflowClients: [] })).toThrowError(exactly(
      'seed: mlflowClients must admit at least one client of MLflow when there is no ingress, got []. Fix: list the namespaces of your notebooks and training jobs, such as [Peer.namespace(\'ml-training\')], or set ingress'));
  });
});

describe('seed 002: MLflow + MinIO + PostgreSQL', () => {
  const objs = synth();

  it('puts everything in namespace mlops, guarded by restricted PSS and default deny', () => {
    expect(get(objs, 'Namespace', 'mlops').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(objs.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'mlops')).toBe(true);
    expect(get(objs, 'NetworkPolicy', 'default-deny-all').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('exposes the ports of the guide', () => {
    expect(get(objs, 'Service', 'mlflow').spec.ports).toEqual([{ name: 'http', port: 5000, targetPort: 'http', protocol: 'TCP' }]);
    expect(get(objs, 'Service', 'postgresql').spec.ports.map((p: any) => p.port)).toEqual([5432]);
    expect(get(objs, 'Service', 'minio').spec.ports.map((p: any) => [p.name, p.port])).toEqual([['api', 9000], ['console', 9001]]);
  });

  it('uses the per-component requests and limits of the guide', () => {
    const res = (kind: string, name: string, c: string) => container(get(objs, kind, name), c).resources;
    expect(res('Deployment', 'mlflow', 'mlflow')).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '1Gi' } });
    expect(res('StatefulSet', 'postgresql', 'postgresql')).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
    expect(res('StatefulSet', 'minio', 'minio')).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '2Gi' } });
  });

  it('stores PostgreSQL on 10Gi and MinIO on 50Gi', () => {
    expect(get(objs, 'StatefulSet', 'postgresql').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(get(objs, 'StatefulSet', 'minio').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('50Gi');
  });

  it('wires MLflow to PostgreSQL and MinIO through references only', () => {
    const mlflow = container(get(objs, 'Deployment', 'mlflow'), 'mlflow');
    const env = Object.fromEntries(mlflow.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.MLFLOW_BACKEND_STORE_URI).toBe('postgresql+psycopg2://mlflow@postgresql.mlops.svc.cluster.local:5432/mlflow');
    expect(env.DB_PASSWORD).toBeUndefined();
    const writer = podSpec(get(objs, 'Deployment', 'mlflow')).initContainers.find((c: any) => c.name === 'db-credentials');
    expect(writer.env.find((e: any) => e.name === 'DB_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: 'postgresql-credentials', key: 'mlflow-password' } });
    expect(env.MLFLOW_S3_ENDPOINT_URL).toBe('http://minio.mlops.svc.cluster.local:9000');
    // MLflow uses its scoped MinIO user, never the root credentials.
    expect(env.AWS_ACCESS_KEY_ID).toEqual({ secretKeyRef: { name: 'minio-credentials', key: 'mlflow-access-key' } });
    expect(env.AWS_SECRET_ACCESS_KEY).toEqual({ secretKeyRef: { name: 'minio-credentials', key: 'mlflow-secret-key' } });
    expect(mlflow.command.join(' ')).toContain('--artifacts-destination s3://mlflow');
    expect(podSpec(get(objs, 'Deployment', 'mlflow')).initContainers.map((c: any) => c.name)).toEqual(['db-credentials', 'wait-for-db', 'db-upgrade']);
  });

  it('creates the mlflow bucket and takes both backups of the guide', () => {
    const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(envOf(container(get(objs, 'Job', 'minio-setup'), 'setup')).BUCKETS).toBe('backups mlflow');
    const pg = get(objs, 'CronJob', 'postgresql-backup');
    expect(podSpec(pg).initContainers[0].command[2]).toContain('pg_dump --format=custom');
    expect(envOf(container(pg, 'upload'))).toMatchObject({ DEST: 'dst/backups/postgresql/mlflow', RETENTION_DAYS: '7' });
    const mirror = get(objs, 'CronJob', 'minio-backup');
    // The dumps have their own retention: only the artifacts are mirrored.
    expect(envOf(container(mirror, 'mirror'))).toMatchObject({ BUCKETS: 'mlflow', DEST_ROOT: '/backup' });
    expect(get(objs, 'PersistentVolumeClaim', 'minio-backup').spec.resources.requests.storage).toBe('50Gi');
  });

  it('opens exactly the connections the wiring implies', () => {
    const ingressFrom = (name: string) => get(objs, 'NetworkPolicy', `${name}-ingress`).spec.ingress
      .map((r: any) => `${r.from[0].podSelector.matchLabels['app.kubernetes.io/instance']}:${r.ports.map((p: any) => p.port).join(',')}`);
    expect(ingressFrom('postgresql')).toEqual(['mlflow:5432', 'postgresql-app-setup:5432', 'postgresql-backup:5432']);
    expect(ingressFrom('minio')).toEqual(['minio-backup:9000', 'minio-setup:9000', 'mlflow:9000', 'postgresql-backup:9000']);
    expect(get(objs, 'NetworkPolicy', 'mlflow-ingress').spec.ingress).toEqual([
      // The PostSync smoke test (seed "Verify Installation"), from its own pods only.
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'smoke-test', 'app.kubernetes.io/instance': 'mlflow-smoke-test', 'app.kubernetes.io/name': 'mlflow' } } }], ports: [{ protocol: 'TCP', port: 5000 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ml-training' } } }], ports: [{ protocol: 'TCP', port: 5000 }] },
    ]);
  });

  it('renders exactly these NetworkPolicy allows, and nothing else', () => {
    expect(edges(objs)).toEqual([
      'all -> ns:kube-system/{"k8s-app":"kube-dns"}:53,53 (allow-dns)',
      'deny Ingress+Egress for all (default-deny-all)',
      'minio-backup -> minio:9000 (minio-backup-egress)',
      'minio-backup -> minio:9000 (minio-ingress)',
      'minio-setup -> minio:9000 (minio-ingress)',
      'minio-setup -> minio:9000 (minio-setup-egress)',
      'mlflow -> minio:9000 (minio-ingress)',
      'mlflow -> minio:9000 (mlflow-egress)',
      'mlflow -> postgresql:5432 (mlflow-egress)',
      'mlflow -> postgresql:5432 (postgresql-ingress)',
      'mlflow-smoke-test -> mlflow:5000 (mlflow-ingress)',
      'mlflow-smoke-test -> mlflow:5000 (mlflow-smoke-test-egress)',
      'ns:ml-training -> mlflow:5000 (mlflow-ingress)',
      'postgresql-app-setup -> postgresql:5432 (postgresql-app-setup-egress)',
      'postgresql-app-setup -> postgresql:5432 (postgresql-ingress)',
      'postgresql-backup -> minio:9000 (minio-ingress)',
      'postgresql-backup -> minio:9000 (postgresql-backup-egress)',
      'postgresql-backup -> postgresql:5432 (postgresql-backup-egress)',
      'postgresql-backup -> postgresql:5432 (postgresql-ingress)',
    ]);
  });

  it('meets every cross-object invariant (PSS, pins, limits, probes, references, services)', () => {
    expect(checkApp(objs)).toEqual([]);
  });

  it('holds no credential value anywhere', () => {
    const text = objs.map((o) => toYaml(o)).join('---\n');
    expect(text).not.toMatch(/kind: Secret\n/);
    expect(text).not.toMatch(/password:\s*\S/i);
    expect(text).not.toMatch(/:\/\/[^/\s:@$%]+:[^@\s$%]+@/);
  });

  it('scales as the guide suggests: MLflow x3 with a PDB, MinIO distributed on 4 nodes', () => {
    const ha = synth({ mlflowReplicas: 3, minioTopology: MinioTopology.distributed(4) });
    expect(get(ha, 'Deployment', 'mlflow').spec.replicas).toBe(3);
    expect(get(ha, 'PodDisruptionBudget', 'mlflow').spec.minAvailable).toBe(2);
    expect(podSpec(get(ha, 'Deployment', 'mlflow')).topologySpreadConstraints).toHaveLength(2);
    const minio = get(ha, 'StatefulSet', 'minio');
    expect(minio.spec.replicas).toBe(4);
    expect(container(minio, 'minio').args[1]).toBe('http://minio-{0...3}.minio-hl.mlops.svc.cluster.local/data');
    expect(minio.spec.podManagementPolicy).toBe('Parallel');
    expect(get(ha, 'PodDisruptionBudget', 'minio').spec.maxUnavailable).toBe(1);
    // Distributed nodes talk to each other: both directions of minio -> minio, on top of the standalone edges.
    const added = edges(ha).filter((e) => !edges(objs).includes(e));
    expect(added).toEqual(['minio -> minio:9000 (minio-egress)', 'minio -> minio:9000 (minio-ingress)']);
    expect(checkApp(ha)).toEqual([]);
  });

  it('matches the reviewed snapshot', () => {
    expect(objs.map((o) => toYaml(o)).join('---\n')).toMatchSnapshot();
  });
});
