import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ConnectionGraph, Peer } from '../../lib/core/connections';
import { Namespace } from '../../lib/core/namespace';
import { Port } from '../../lib/core/port';
import { Workload } from '../../lib/core/workload';
import * as k8s from '../../imports/k8s';
import { synthObjects } from '../../lib/synth/synth';
import { exactly, find, ofKind, synthChart } from '../support/synth';

const workload = (chart: Chart, instance: string) => new Workload(chart, instance, { name: 'demo', instance, component: 'c' });
const sel = (instance: string) => ({ matchLabels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': 'c' } });
const tcp = (port: number) => ({ protocol: 'TCP', port });

describe('ConnectionGraph', () => {
  let graph!: ConnectionGraph;
  const objs = synthChart((chart) => {
    const api = workload(chart, 'api');
    const db = workload(chart, 'db');
    const web = workload(chart, 'web');
    // Declared out of order, with a duplicate, to show the rendering is stable.
    db.allowFrom(web, Port.tcp(5432), 'web → db');
    api.connectTo(Peer.workload(db), Port.tcp(6432), 'api → db (pooler)');
    db.allowFrom(api, Port.tcp(5432), 'api → db');
    api.connectTo(Peer.workload(db), Port.tcp(5432), 'api → db (again)');
    db.allowFrom(Peer.cidr('10.20.0.0/16'), Port.tcp(5432), 'vpn');
    db.allowFrom(Peer.namespace('monitoring', { app: 'prometheus' }), Port.tcp(9187), 'metrics');
    api.connectTo(Peer.anyAddress(), Port.tcp(443), 'cloud API');
    api.connectTo(Peer.namespace('kube-system'), Port.udp(123), 'ntp');
    graph = ConnectionGraph.of(chart);
  });

  it('renders one ingress policy per workload with exactly the declared allows, sorted, ports merged per peer', () => {
    const policy = find(objs, 'NetworkPolicy', 'db-ingress');
    expect(policy.metadata.namespace).toBe('test');
    expect(policy.metadata.labels).toEqual({ ...sel('db').matchLabels, 'app.kubernetes.io/managed-by': 'mlops-cdk8s' });
    expect(policy.spec).toEqual({
      podSelector: sel('db'),
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: sel('api') }], ports: [tcp(5432), tcp(6432)] },
        { from: [{ podSelector: sel('web') }], ports: [tcp(5432)] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [tcp(9187)] },
        { from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [tcp(5432)] },
      ],
    });
  });

  it('renders one egress policy per workload', () => {
    expect(find(objs, 'NetworkPolicy', 'api-egress').spec).toEqual({
      podSelector: sel('api'),
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: sel('db') }], ports: [tcp(5432), tcp(6432)] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 123 }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [tcp(443)] },
      ],
    });
    expect(find(objs, 'NetworkPolicy', 'web-egress').spec.egress).toEqual([{ to: [{ podSelector: sel('db') }], ports: [tcp(5432)] }]);
  });

  it('renders no policy for a direction without connections', () => {
    expect(ofKind(objs, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual([
      'allow-dns', 'api-egress', 'db-ingress', 'default-deny-all', 'web-egress',
    ]);
  });

  it('lists every connection once, in a stable order (from, to, port), with its first description', () => {
    expect(graph.connections.map((c) => `${c.from} → ${c.to} ${c.port.protocol} ${c.port.number}: ${c.description}`)).toEqual([
      'api (test) → db (test) TCP 5432: api → db',
      'api (test) → db (test) TCP 6432: api → db (pooler)',
      'api (test) → namespace kube-system UDP 123: ntp',
      'api (test) → 0.0.0.0/0 TCP 443: cloud API',
      'web (test) → db (test) TCP 5432: web → db',
      'namespace monitoring app=prometheus → db (test) TCP 9187: metrics',
      '10.20.0.0/16 → db (test) TCP 5432: vpn',
    ]);
  });

  it('matches the snapshot', () => {
    expect(ofKind(objs, 'NetworkPolicy')).toMatchSnapshot();
  });
});

describe('ConnectionGraph across namespaces', () => {
  const app = new App();
  const a = new Chart(app, 'a', { namespace: 'team-a', disableResourceNameHashes: true });
  const b = new Chart(app, 'b', { namespace: 'team-b', disableResourceNameHashes: true });
  new Namespace(a, 'ns');
  new Namespace(b, 'ns');
  const client = workload(a, 'client');
  const server = workload(b, 'server');
  server.allowFrom(client, Port.tcp(8080), 'client → server');
  const objs = synthObjects(app);

  it('selects a peer in another namespace by kubernetes.io/metadata.name', () => {
    expect(find(objs, 'NetworkPolicy', 'client-egress').spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-b' } }, podSelector: sel('server') }],
      ports: [tcp(8080)],
    }]);
    const ingress = find(objs, 'NetworkPolicy', 'server-ingress');
    expect(ingress.metadata.namespace).toBe('team-b');
    expect(ingress.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: sel('client') }],
      ports: [tcp(8080)],
    }]);
  });
});

describe('ConnectionGraph validation', () => {
  it('fails synthesis when a workload\'s namespace has no Namespace construct', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'unguarded' });
    workload(chart, 'w');
    expect(() => synthObjects(app)).toThrowError(exactly(
      'Validation failed:\n- mlops.ConnectionGraph: c/w: namespace "unguarded" has no default-deny NetworkPolicies. Fix: add new Namespace(chart, \'namespace\', { name: \'unguarded\' }) to the app (with create: false if the namespace is managed elsewhere).'));
  });

  it('needs a workload on at least one side of a connection', () => {
    const chart = new Chart(new App(), 'c', { namespace: 'x' });
    expect(() => ConnectionGraph.of(chart).allow(Peer.namespace('a'), Peer.cidr('10.0.0.0/8'), Port.tcp(80), 'nonsense')).toThrowError(exactly(
      'ConnectionGraph: a connection needs a workload on at least one side, got namespace a → 10.0.0.0/8. Fix: use Peer.workload(...) or Peer.externalWorkload(...) for one end.'));
  });

  it('checks peers and ports', () => {
    expect(() => Peer.namespace('Ingress_Nginx')).toThrowError(exactly(
      'Peer.namespace: namespace must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "Ingress_Nginx". Fix: use a name such as "ingress-nginx"'));
    expect(() => Peer.cidr('10.0.0.0')).toThrowError(exactly(
      'Peer.cidr: cidr must be an IPv4 network in CIDR notation (four octets from 0 to 255, a prefix length from 0 to 32, no host bits set) or an IPv6 block, got "10.0.0.0". Fix: add a prefix length, as in "10.0.0.0/32" for that one address'));
    expect(Peer.cidr('fd00::/8').data).toEqual({ kind: 'cidr', cidr: 'fd00::/8' });
    expect(Peer.host('10.1.2.3').data).toEqual({ kind: 'cidr', cidr: '10.1.2.3/32' });
    expect(Peer.host('db.example.com').data).toEqual({ kind: 'cidr', cidr: '0.0.0.0/0' });
    expect(() => Port.tcp(0)).toThrowError(exactly('Port: port must be an integer from 1 to 65535, got 0. Fix: use a port such as 5000'));
    expect(() => Port.udp(65536, 'Thing', 'dnsPort')).toThrowError(exactly('Thing: dnsPort must be an integer from 1 to 65535, got 65536. Fix: use a port such as 5000'));
  });
});

describe('ConnectionGraph as data', () => {
  const build = (reverse: boolean) => synthChart((chart) => {
    const api = workload(chart, 'api');
    const db = workload(chart, 'db');
    const decls = [
      () => db.allowFrom(api, Port.tcp(5432), 'api → db'),
      () => db.allowFrom(Peer.externalWorkload({ name: 'kfp', namespace: 'kubeflow', serviceAccount: 'ml-pipeline', podLabels: { app: 'ml-pipeline' } }), Port.tcp(5432), 'kfp'),
      () => {
        db.allowFrom(Peer.externalWorkload({ name: 'local', namespace: 'test', serviceAccount: 'local', podLabels: { app: 'local' } }), Port.tcp(5432), 'same namespace');
        // The library renders no policy for pods it does not run, and the Namespace denies all egress:
        // the app opens local's own egress (the reachability check refuses the flow without it).
        new k8s.KubeNetworkPolicy(chart, 'local-egress', { metadata: { name: 'local-egress' }, spec: {
          podSelector: { matchLabels: { app: 'local' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: sel('db') }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(5432) }] }],
        } });
      },
      () => api.connectTo(Peer.namespace('kube-system'), Port.udp(123), 'ntp'),
      () => api.connectTo(Peer.workload(db), Port.tcp(5432).withHttp({ methods: ['GET'] }), 'L7 on the same port'),
    ];
    for (const d of reverse ? [...decls].reverse() : decls) d();
  });

  it('selects an external workload by namespace and pod labels (by pod labels alone in its own namespace)', () => {
    expect(find(build(false), 'NetworkPolicy', 'db-ingress').spec.ingress).toEqual([
      { from: [{ podSelector: sel('api') }], ports: [tcp(5432)] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } }, podSelector: { matchLabels: { app: 'ml-pipeline' } } }], ports: [tcp(5432)] },
      { from: [{ podSelector: { matchLabels: { app: 'local' } } }], ports: [tcp(5432)] },
    ]);
  });

  it('renders the same objects whatever order connections are declared in', () => {
    expect(build(true)).toEqual(build(false));
  });

  it('replays earlier connections to a renderer added later, and tells it about later ones', () => {
    const chart = new Chart(new App(), 'c', { namespace: 'x', disableResourceNameHashes: true });
    new Namespace(chart, 'ns');
    const a = workload(chart, 'a');
    const b = workload(chart, 'b');
    b.allowFrom(a, Port.tcp(1), 'first');
    const seen: string[] = [];
    ConnectionGraph.of(chart).addRenderer({ connectionAdded: (c) => seen.push(c.description) });
    b.allowFrom(a, Port.tcp(2), 'second');
    b.allowFrom(a, Port.tcp(2), 'second, again');
    expect(seen).toEqual(['first', 'second']);
  });
});

describe('ConnectionGraph on cdk8s\' own synth path', () => {
  it('app.synthYaml() renders connections declared after the policy object was created', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'x', disableResourceNameHashes: true });
    new Namespace(chart, 'ns');
    const a = workload(chart, 'a');
    const b = workload(chart, 'b');
    b.allowFrom(a, Port.tcp(2), 'second port, declared first');
    b.allowFrom(Peer.namespace('late'), Port.tcp(1), 'declared last');
    const yaml = app.synthYaml();
    const ingress = yaml.slice(yaml.indexOf('name: b-ingress'));
    expect(ingress).toContain('kubernetes.io/metadata.name: late');
    expect(ingress.indexOf('app.kubernetes.io/instance: a')).toBeLessThan(ingress.indexOf('kubernetes.io/metadata.name: late'));
  });
});
