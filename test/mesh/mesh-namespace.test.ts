import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ConnectionGraph, Peer } from '../../lib/core/connections';
import { Namespace } from '../../lib/core/namespace';
import { Port } from '../../lib/core/port';
import { Workload } from '../../lib/core/workload';
import { withoutAppChecks } from '../../lib/core/app-checks';
import { istioIngressGateway } from '../../lib/mesh/istio-peers';
import { MeshMode, MeshNamespace, MeshNamespaceProps } from '../../lib/mesh/mesh-namespace';
import { synthObjects } from '../../lib/synth/synth';
import { formatViolation, SchemaValidator } from '../../lib/synth/schema-validator';
import { exactly, find, ofKind } from '../support/synth';

const sel = (instance: string) => ({ 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': 'c' });
const kfpApi = Peer.externalWorkload({ name: 'ml-pipeline', namespace: 'kubeflow', serviceAccount: 'ml-pipeline', podLabels: { app: 'ml-pipeline' } });
const mysql = Peer.externalWorkload({ name: 'mysql', namespace: 'kubeflow', serviceAccount: 'mysql', podLabels: { app: 'mysql' } });

type Decl = 'gateway' | 'notebooks' | 'trainer' | 'mysql' | 'kfp-mysql' | 'metrics';
const ALL: Decl[] = ['gateway', 'notebooks', 'trainer', 'mysql', 'kfp-mysql', 'metrics'];

/**
 * MLflow in mesh namespace `kubeflow`, a trainer in a non-mesh namespace `team`, Kubeflow's
 * MySQL and KFP API server as external workloads. `decls` chooses (and orders) the connections.
 */
function build(decls: Decl[] = ALL, mesh: MeshNamespaceProps = {}, meshFirst = true): any[] {
  const app = new App();
  const kf = new Chart(app, 'kf', { namespace: 'kubeflow', disableResourceNameHashes: true });
  const team = new Chart(app, 'team', { namespace: 'team', disableResourceNameHashes: true });
  if (meshFirst) new MeshNamespace(kf, 'ns', { create: false, strictMtls: true, ...mesh });
  new Namespace(team, 'ns');
  const mlflow = new Workload(kf, 'mlflow', { name: 'demo', instance: 'mlflow', component: 'c' });
  const trainer = new Workload(team, 'trainer', { name: 'demo', instance: 'trainer', component: 'c' });
  const declare: Record<Decl, () => void> = {
    gateway: () => mlflow.allowFrom(istioIngressGateway(), Port.tcp(5000).withHttp({ methods: ['GET', 'POST'], paths: ['/api/*', '/'] }), 'gateway'),
    notebooks: () => mlflow.allowFrom(Peer.namespace('kubeflow-user-example-com', { 'notebook-name': 'nb' }), Port.tcp(5000), 'notebooks'),
    trainer: () => mlflow.allowFrom(trainer, Port.tcp(5000), 'trainer'),
    mysql: () => mlflow.connectTo(mysql, Port.tcp(3306), 'backend store'),
    'kfp-mysql': () => ConnectionGraph.of(kf).allow(kfpApi, mysql, Port.tcp(3306), 'kfp metadata'),
    metrics: () => mlflow.allowFrom(Peer.cidr('10.0.0.0/8'), Port.tcp(9090), 'node metrics'),
  };
  for (const d of decls) declare[d]();
  if (!meshFirst) new MeshNamespace(kf, 'ns', { create: false, strictMtls: true, ...mesh });
  // These connections exercise the renderers, not a deployable app: on any platform the reachability
  // check refuses some of them (a plain-text trainer into STRICT mTLS, Kubeflow's MySQL behind the
  // namespace's default deny), so the app checks are off here; the schema is checked below.
  return withoutAppChecks(app, () => synthObjects(app));
}

const principal = (ns: string, sa: string) => `cluster.local/ns/${ns}/sa/${sa}`;

describe('MeshNamespace: Istio policies from the connection graph', () => {
  const objs = build();

  it('renders objects the shipped schemas accept (build() turns the app checks off)', () => {
    const validator = SchemaValidator.shipped();
    expect(objs.flatMap((o: any) => validator.validate(o).map(formatViolation))).toEqual([]);
  });

  it('denies everything by default and requires mTLS', () => {
    expect(find(objs, 'AuthorizationPolicy', 'deny-all')).toMatchObject({ apiVersion: 'security.istio.io/v1', metadata: { namespace: 'kubeflow' }, spec: {} });
    expect(find(objs, 'AuthorizationPolicy', 'deny-all').spec).toEqual({});
    expect(find(objs, 'PeerAuthentication', 'default').spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  it('renders the NetworkPolicy and AuthorizationPolicy pair of each connection to a workload', () => {
    expect(find(objs, 'NetworkPolicy', 'mlflow-ingress').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team' } }, podSelector: { matchLabels: sel('trainer') } }], ports: [{ protocol: 'TCP', port: 5000 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } } }], ports: [{ protocol: 'TCP', port: 5000 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow-user-example-com' } }, podSelector: { matchLabels: { 'notebook-name': 'nb' } } }], ports: [{ protocol: 'TCP', port: 5000 }] },
      { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 9090 }] },
    ]);
    const ap = find(objs, 'AuthorizationPolicy', 'mlflow-ingress');
    expect(ap.metadata).toEqual({ name: 'mlflow-ingress', namespace: 'kubeflow', labels: { ...sel('mlflow'), 'app.kubernetes.io/managed-by': 'mlops-cdk8s' } });
    expect(ap.spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: sel('mlflow') },
      rules: [
        { from: [{ source: { principals: [principal('team', 'trainer')] } }], to: [{ operation: { ports: ['5000'] } }] },
        { from: [{ source: { principals: [principal('istio-system', 'istio-ingressgateway-service-account')] } }], to: [{ operation: { ports: ['5000'], methods: ['GET', 'POST'], paths: ['/api/*', '/'] } }] },
        { from: [{ source: { namespaces: ['kubeflow-user-example-com'] } }], to: [{ operation: { ports: ['5000'] } }] },
        { from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }], to: [{ operation: { ports: ['9090'] } }] },
      ],
    });
  });

  it('admits into an external workload exactly the principals that connect to it (MLflow appears because it connects)', () => {
    expect(find(objs, 'AuthorizationPolicy', 'mysql-ingress').spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'mysql' } },
      rules: [
        { from: [{ source: { principals: [principal('kubeflow', 'mlflow')] } }], to: [{ operation: { ports: ['3306'] } }] },
        { from: [{ source: { principals: [principal('kubeflow', 'ml-pipeline')] } }], to: [{ operation: { ports: ['3306'] } }] },
      ],
    });
    expect(find(objs, 'NetworkPolicy', 'mlflow-egress').spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { app: 'mysql' } } }], ports: [{ protocol: 'TCP', port: 3306 }] },
    ]);
    // The app renders no NetworkPolicy for pods it does not own.
    expect(ofKind(objs, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(['allow-dns', 'allow-dns', 'allow-istiod', 'default-deny-all', 'default-deny-all', 'mlflow-egress', 'mlflow-ingress', 'trainer-egress']);
  });

  it('lets sidecars reach istiod on 15012', () => {
    expect(find(objs, 'NetworkPolicy', 'allow-istiod').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }], ports: [{ protocol: 'TCP', port: 15012 }] }],
    });
  });

  it('removing a declared connection removes both the NetworkPolicy allow and the AuthorizationPolicy source', () => {
    const without = build(ALL.filter((d) => d !== 'trainer'));
    const trainerSource = { source: { principals: [principal('team', 'trainer')] } };
    expect(find(objs, 'AuthorizationPolicy', 'mlflow-ingress').spec.rules.flatMap((r: any) => r.from)).toContainEqual(trainerSource);
    expect(find(without, 'AuthorizationPolicy', 'mlflow-ingress').spec.rules.flatMap((r: any) => r.from)).not.toContainEqual(trainerSource);
    expect(find(without, 'AuthorizationPolicy', 'mlflow-ingress').spec.rules).toEqual(find(objs, 'AuthorizationPolicy', 'mlflow-ingress').spec.rules.slice(1));
    expect(find(without, 'NetworkPolicy', 'mlflow-ingress').spec.ingress).toEqual(find(objs, 'NetworkPolicy', 'mlflow-ingress').spec.ingress.slice(1));
    // The trainer's egress policy goes with its only connection.
    expect(without.filter((o) => o.metadata.name === 'trainer-egress')).toEqual([]);
  });

  it('renders the same objects whatever order connections and the mesh namespace are declared in', () => {
    const sorted = (xs: any[]) => [...xs].map((o) => JSON.stringify(o)).sort();
    expect(sorted(build([...ALL].reverse(), {}, false))).toEqual(sorted(objs));
  });

  it('renders ISTIO_MUTUAL DestinationRules for mesh hosts, and the namespace labels of each mode', () => {
    const withDr = build(ALL, { create: true, mutualTlsHosts: [{ name: 'ml-pipeline-mysql', host: 'mysql.kubeflow.svc.cluster.local' }] });
    expect(find(withDr, 'DestinationRule', 'ml-pipeline-mysql')).toMatchObject({
      apiVersion: 'networking.istio.io/v1',
      metadata: { namespace: 'kubeflow' },
      spec: { host: 'mysql.kubeflow.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
    });
    expect(find(withDr, 'Namespace', 'kubeflow').metadata.labels['istio-injection']).toBe('enabled');
    const ambient = build(ALL.filter((d) => d !== 'gateway'), { create: true, mode: MeshMode.AMBIENT });
    expect(find(ambient, 'Namespace', 'kubeflow').metadata.labels['istio.io/dataplane-mode']).toBe('ambient');
    expect(find(ambient, 'Namespace', 'kubeflow').metadata.labels['istio-injection']).toBeUndefined();
    expect(find(ambient, 'NetworkPolicy', 'allow-hbone').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 15008 }] }],
      egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 15008 }] }],
    });
  });

  it('validates strictly against the Istio CRDs', () => {
    const validator = SchemaValidator.shipped();
    const withDr = build(ALL, { create: true, mutualTlsHosts: [{ name: 'ml-pipeline-mysql', host: 'mysql.kubeflow.svc.cluster.local' }] });
    expect(withDr.flatMap((o: any) => validator.validate(o).map(formatViolation))).toEqual([]);
  });

  it('refuses HTTP rules in ambient mode and an external target without pod labels', () => {
    expect(() => build(['gateway'], { mode: MeshMode.AMBIENT })).toThrowError(exactly(
      'Validation failed:\n- kf/ns: the connection "gateway" to mlflow (kubeflow) limits HTTP methods or paths, which ztunnel cannot enforce in ambient mode, got {"methods":["GET","POST"],"paths":["/api/*","/"]}. Fix: use mode: MeshMode.SIDECAR, or declare the port without withHttp(...).'));
    const app = new App();
    const kf = new Chart(app, 'kf', { namespace: 'kubeflow', disableResourceNameHashes: true });
    new MeshNamespace(kf, 'ns', { create: false });
    const w = new Workload(kf, 'w', { name: 'demo', instance: 'w', component: 'c' });
    w.connectTo(Peer.externalWorkload({ name: 'db', namespace: 'kubeflow', serviceAccount: 'db' }), Port.tcp(3306), 'db');
    expect(() => withoutAppChecks(app, () => synthObjects(app))).toThrowError(exactly(
      'Validation failed:\n- kf/ns: the connection "db" ends at db (kubeflow, service account db), which has no podLabels, got undefined. Fix: give Peer.externalWorkload({ ..., podLabels: { app: \'db\' } }) so its AuthorizationPolicy can select its pods.'));
  });

  it('checks its props', () => {
    const chart = new Chart(new App(), 'c', { namespace: 'x' });
    expect(() => new MeshNamespace(chart, 'ns', { mode: 'ambient' as any })).toThrowError(exactly(
      'c/ns: mode must be MeshMode.SIDECAR or MeshMode.AMBIENT, got "ambient". Fix: write mode: MeshMode.SIDECAR'));
    expect(() => Port.tcp(5000).withHttp({ methods: ['get'] })).toThrowError(exactly(
      'Port.withHttp: methods must be a non-empty list of upper-case HTTP methods, got ["get"]. Fix: write [\'GET\', \'POST\']'));
    expect(() => Port.udp(53).withHttp({ methods: ['GET'] })).toThrowError(exactly('Port.withHttp: protocol must be TCP for HTTP access, got "UDP". Fix: use Port.tcp(...)'));
    expect(() => Peer.externalWorkload({ name: 'x', namespace: 'Bad', serviceAccount: 'x' })).toThrowError(/^Peer.externalWorkload: namespace must be a DNS-1123 label/);
  });
});
