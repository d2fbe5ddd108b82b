import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { Namespace, PolicyScope } from '../../lib/core/namespace';
import { Port } from '../../lib/core/port';
import { Workload } from '../../lib/core/workload';
import { synthObjects } from '../../lib/synth/synth';
import { exactly, find } from '../support/synth';

/** `namespace: null` makes a Chart without a namespace. */
function synth(build: (chart: Chart) => void, namespace: string | null = 'team-a'): any[] {
  const app = new App();
  build(new Chart(app, 'chart', { namespace: namespace ?? undefined, disableResourceNameHashes: true }));
  return synthObjects(app);
}

describe('Namespace', () => {
  const objs = synth((chart) => new Namespace(chart, 'ns', { labels: { 'istio-injection': 'enabled' } }));

  it('renders a cluster-scoped Namespace enforcing the restricted Pod Security Standard', () => {
    const ns = find(objs, 'Namespace', 'team-a');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toEqual({
      'istio-injection': 'enabled',
      'app.kubernetes.io/managed-by': 'mlops-cdk8s',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  it('denies all ingress and egress by default', () => {
    const deny = find(objs, 'NetworkPolicy', 'default-deny-all');
    expect(deny.metadata.namespace).toBe('team-a');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('allows DNS to kube-dns on UDP and TCP 53', () => {
    expect(find(objs, 'NetworkPolicy', 'allow-dns').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
  });

  it('renders only the policies with create: false, and takes a custom DNS peer', () => {
    const objs2 = synth((chart) => new Namespace(chart, 'ns', { name: 'shared', create: false, dns: Peer.cidr('10.0.0.10/32') }), null);
    expect(objs2.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['NetworkPolicy/shared/default-deny-all', 'NetworkPolicy/shared/allow-dns']);
    expect(find(objs2, 'NetworkPolicy', 'allow-dns').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '10.0.0.10/32' } }]);
  });

  it('guards the workloads of its namespace (create: false counts too)', () => {
    expect(() => synth((chart) => {
      new Namespace(chart, 'ns', { create: false });
      new Workload(chart, 'w', { name: 'x', instance: 'x', component: 'y' });
    })).not.toThrow();
  });

  it('admitToExternalWorkloads: an ingress allow for another installation\'s pods with exactly the declared clients, only when asked', () => {
    const build = (admit: boolean) => (chart: Chart) => {
      new Namespace(chart, 'own');
      new Namespace(chart, 'ns', { name: 'vendor', create: false, policyScope: PolicyScope.APP_PODS, ...(admit ? { admitToExternalWorkloads: true } : {}) });
      const db = Peer.externalWorkload({ name: 'db', namespace: 'vendor', serviceAccount: 'db', podLabels: { app: 'db' } });
      const api = new Workload(chart, 'api', { name: 'api', instance: 'api', component: 'c' });
      api.connectTo(db, Port.tcp(3306), 'api → db');
      // No pod labels: nothing to select, so no policy.
      api.connectTo(Peer.externalWorkload({ name: 'other', namespace: 'vendor', serviceAccount: 'x' }), Port.tcp(80), 'api → other');
    };
    const off = synth(build(false));
    expect(off.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'vendor').map((o) => o.metadata.name)).toEqual(['default-deny-all-mlops-cdk8s', 'allow-dns-mlops-cdk8s']);
    const on = synth(build(true));
    const np = find(on, 'NetworkPolicy', 'db-ingress-mlops-cdk8s');
    expect(np.metadata.namespace).toBe('vendor');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/instance': 'api' }) } }], ports: [{ protocol: 'TCP', port: 3306 }] }],
    });
    expect(on.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('other-'))).toBe(false);
  });

  it('matches the snapshot', () => {
    expect(objs).toMatchSnapshot();
  });

  it('rejects a name that is not a DNS-1123 label', () => {
    expect(() => synth((chart) => new Namespace(chart, 'ns', { name: 'Team_A' }))).toThrowError(exactly(
      'chart/ns: name must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "Team_A". Fix: use a name such as "team-a"'));
  });

  it('needs a name when the Chart has no namespace', () => {
    expect(() => synth((chart) => new Namespace(chart, 'ns'), null)).toThrowError(exactly(
      'chart/ns: name is needed because its Chart has no namespace, got undefined. Fix: create the Chart with a namespace, new Chart(app, \'chart\', { namespace: \'mlops\' }), or pass name: \'mlops\''));
  });

  it('takes an explicit name when the Chart has no namespace', () => {
    const objs2 = synth((chart) => new Namespace(chart, 'ns', { name: 'team-b' }), null);
    expect(find(objs2, 'Namespace', 'team-b').metadata.namespace).toBeUndefined();
    expect(find(objs2, 'NetworkPolicy', 'default-deny-all').metadata.namespace).toBe('team-b');
  });

  it('checks its labels and its DNS peer', () => {
    expect(() => synth((chart) => new Namespace(chart, 'ns', { labels: { 'istio-injection': 'on please' } }))).toThrowError(exactly(
      'chart/ns: labels.istio-injection must be a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit), got "on please". Fix: use a value such as "on-please"'));
    expect(() => synth((chart) => new Namespace(chart, 'ns', { dns: 'kube-system' as never }))).toThrowError(exactly(
      "chart/ns: dns must be a Peer, got a string. Fix: pass Peer.namespace('kube-system', { 'k8s-app': 'kube-dns' })"));
  });
});

describe('Namespace shared with another installation (PolicyScope.APP_PODS)', () => {
  const objs = synth((chart) => new Namespace(chart, 'ns', { name: 'kubeflow', create: false, policyScope: PolicyScope.APP_PODS }), null);
  const appPods = { matchLabels: { 'app.kubernetes.io/managed-by': 'mlops-cdk8s' } };

  it('denies by default only the pods this library renders, under names the other installation does not use', () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['NetworkPolicy/default-deny-all-mlops-cdk8s', 'NetworkPolicy/allow-dns-mlops-cdk8s']);
    expect(find(objs, 'NetworkPolicy', 'default-deny-all-mlops-cdk8s').spec).toEqual({ podSelector: appPods, policyTypes: ['Ingress', 'Egress'] });
    expect(find(objs, 'NetworkPolicy', 'allow-dns-mlops-cdk8s').spec.podSelector).toEqual(appPods);
    // The default selects every pod.
    const owned = synth((chart) => new Namespace(chart, 'ns'));
    expect(find(owned, 'NetworkPolicy', 'default-deny-all').spec.podSelector).toEqual({});
  });

  it('scopes the mesh deny-all and the istiod allow the same way', async () => {
    const { MeshNamespace } = await import('../../lib/mesh/mesh-namespace');
    const mesh = synth((chart) => new MeshNamespace(chart, 'ns', { create: false, policyScope: PolicyScope.APP_PODS }), 'kubeflow');
    expect(find(mesh, 'AuthorizationPolicy', 'deny-all-mlops-cdk8s').spec).toEqual({ selector: appPods });
    expect(find(mesh, 'NetworkPolicy', 'allow-istiod-mlops-cdk8s').spec.podSelector).toEqual(appPods);
    expect(mesh.filter((o) => o.metadata.name === 'deny-all')).toEqual([]);
  });

  it('rejects a scope that is not a PolicyScope', () => {
    expect(() => synth((chart) => new Namespace(chart, 'ns', { policyScope: 'app' as any }))).toThrow(
      'chart/ns: policyScope must be PolicyScope.ALL_PODS or PolicyScope.APP_PODS, got "app". Fix: write policyScope: PolicyScope.APP_PODS');
  });
});
