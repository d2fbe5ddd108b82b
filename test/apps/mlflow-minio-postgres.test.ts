import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { mlflowMinioPostgres, MlflowMinioPostgresOptions } from '../../apps/mlflow-minio-postgres';
import { MinioTopology } from '../../lib';
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
    expect(env.DB_HOST).toBe('postgresql.mlops.svc.cluster.local');
    expect(env.DB_PASSWORD).toEqual({ secretKeyRef: { name: 'postgresql-credentials', key: 'mlflow-password' } });
    expect(env.MLFLOW_S3_ENDPOINT_URL).toBe('http://minio.mlops.svc.cluster.local:9000');
    // MLflow uses its scoped MinIO user, never the root credentials.
    expect(env.AWS_ACCESS_KEY_ID).toEqual({ secretKeyRef: { name: 'minio-credentials', key: 'mlflow-access-key' } });
    expect(env.AWS_SECRET_ACCESS_KEY).toEqual({ secretKeyRef: { name: 'minio-credentials', key: 'mlflow-secret-key' } });
    expect(mlflow.command.join(' ')).toContain('--artifacts-destination s3://mlflow');
    expect(podSpec(get(objs, 'Deployment', 'mlflow')).initContainers[0].command[2]).toBe('python /scripts/wait_for_db.py\npython /scripts/db_upgrade.py');
  });

  it('creates the mlflow bucket and takes both backups of the guide', () => {
    expect(container(get(objs, 'Job', 'minio-setup'), 'setup').command[2]).toContain('mc mb --ignore-existing src/mlflow');
    const pg = get(objs, 'CronJob', 'postgresql-backup');
    expect(podSpec(pg).initContainers[0].command[2]).toContain('pg_dump --format=custom');
    expect(container(pg, 'upload').command[2]).toContain("mc find dst/backups/postgresql/mlflow/ --name '*.dump' --older-than 7d --exec 'mc rm {}'");
    const mirror = get(objs, 'CronJob', 'minio-backup');
    expect(container(mirror, 'mirror').command[2]).toContain('mc mirror --overwrite src/mlflow /backup/mlflow');
    expect(container(mirror, 'mirror').command[2]).not.toContain('src/backups');
    expect(get(objs, 'PersistentVolumeClaim', 'minio-backup').spec.resources.requests.storage).toBe('50Gi');
  });

  it('opens exactly the connections the wiring implies', () => {
    const ingressFrom = (name: string) => get(objs, 'NetworkPolicy', `${name}-ingress`).spec.ingress
      .map((r: any) => `${r.from[0].podSelector.matchLabels['app.kubernetes.io/instance']}:${r.ports.map((p: any) => p.port).join(',')}`);
    expect(ingressFrom('postgresql')).toEqual(['mlflow:5432', 'postgresql-backup:5432']);
    expect(ingressFrom('minio')).toEqual(['minio-backup:9000', 'minio-setup:9000', 'mlflow:9000', 'postgresql-backup:9000']);
    expect(objs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'mlflow-ingress')).toBe(false);
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
