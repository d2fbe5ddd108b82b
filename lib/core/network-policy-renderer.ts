import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IConnectionGraph, IConnectionRenderer } from './connection-renderer';
import { k8s } from './k8s';
import { MANAGED_BY } from './labels';
import { Connection, IWorkload, Peer, comparePeers, comparePorts, samePeer } from './peer';
import { Port } from './port';

type Direction = 'ingress' | 'egress';

/** The NetworkPolicy peer for `peer`, seen from a policy in `policyNamespace`. */
export function networkPolicyPeer(peer: Peer, policyNamespace: string): k8s.NetworkPolicyPeer {
  const d = peer.data;
  const inNamespace = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
  switch (d.kind) {
    case 'workload': {
      const podSelector = { matchLabels: { ...d.workload.podSelector } };
      return d.workload.namespace === policyNamespace ? { podSelector } : { ...inNamespace(d.workload.namespace), podSelector };
    }
    case 'external':
    case 'namespace': {
      const podSelector = d.podLabels ? { podSelector: { matchLabels: { ...d.podLabels } } } : {};
      if (d.kind === 'external' && d.namespace === policyNamespace && d.podLabels) return podSelector;
      return { ...inNamespace(d.namespace), ...podSelector };
    }
    case 'cidr':
      return { ipBlock: { cidr: d.cidr } };
  }
}

/** A NetworkPolicy port (L4: any HTTP description of the port is not visible here). */
export function networkPolicyPort(port: Port): k8s.NetworkPolicyPort {
  return { protocol: port.protocol, port: k8s.IntOrString.fromNumber(port.number) };
}

/**
 * Renders, per workload of the app, one ingress and one egress NetworkPolicy (`<name>-ingress`,
 * `<name>-egress`) holding exactly the declared allows: one rule per peer (sorted), its ports
 * merged and sorted. A workload without connections in a direction gets no policy for it.
 */
export class NetworkPolicyRenderer implements IConnectionRenderer {
  private readonly rendered = new Set<string>();

  public connectionAdded(connection: Connection, graph: IConnectionGraph): void {
    if (connection.from.workload) this.ensurePolicy(graph, connection.from.workload, 'egress');
    if (connection.to.workload) this.ensurePolicy(graph, connection.to.workload, 'ingress');
  }

  private ensurePolicy(graph: IConnectionGraph, workload: IWorkload, direction: Direction): void {
    const key = `${workload.namespace}/${workload.workloadName}/${direction}`;
    if (this.rendered.has(key)) return;
    this.rendered.add(key);
    new k8s.KubeNetworkPolicy(Chart.of(workload), `${workload.workloadName}-${direction}-policy`, {
      metadata: {
        name: `${workload.workloadName}-${direction}`,
        namespace: workload.namespace,
        labels: { ...workload.podSelector, 'app.kubernetes.io/managed-by': MANAGED_BY },
      },
      spec: {
        podSelector: { matchLabels: { ...workload.podSelector } },
        policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
        [direction]: Lazy.any({ produce: () => rules(graph, Peer.workload(workload), workload.namespace, direction) }),
      } as k8s.NetworkPolicySpec,
    });
  }
}

/**
 * Renders, per external workload with pod labels in `namespace` (pods another installation owns, such
 * as Kubeflow's MySQL), one ingress NetworkPolicy holding exactly the declared connections to it. Only
 * for a namespace whose owner already isolates those pods: there an allow only adds; elsewhere the
 * first NetworkPolicy selecting them would cut off their undeclared clients.
 */
export class ExternalWorkloadIngressRenderer implements IConnectionRenderer {
  private readonly rendered = new Set<string>();

  /** @param name the policy name for an external workload's name (`mysql` → `mysql-ingress-mlops-cdk8s`) */
  constructor(private readonly scope: Construct, private readonly namespace: string, private readonly name: (workloadName: string) => string) {}

  public connectionAdded(connection: Connection, graph: IConnectionGraph): void {
    const d = connection.to.data;
    if (d.kind !== 'external' || d.namespace !== this.namespace || !d.podLabels || this.rendered.has(d.name)) return;
    this.rendered.add(d.name);
    const target = connection.to;
    new k8s.KubeNetworkPolicy(this.scope, `${d.name}-external-ingress-policy`, {
      metadata: { name: this.name(`${d.name}-ingress`), namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec: {
        podSelector: { matchLabels: { ...d.podLabels } },
        policyTypes: ['Ingress'],
        ingress: Lazy.any({ produce: () => rules(graph, target, this.namespace, 'ingress') }),
      } as k8s.NetworkPolicySpec,
    });
  }
}

function rules(graph: IConnectionGraph, self: Peer, policyNamespace: string, direction: Direction): Array<Record<string, unknown>> {
  const edges = direction === 'ingress' ? graph.connectionsTo(self) : graph.connectionsFrom(self);
  const peers = edges.map((c) => (direction === 'ingress' ? c.from : c.to))
    .sort(comparePeers)
    .filter((p, i, all) => i === 0 || !samePeer(p, all[i - 1]));
  const peerField = direction === 'ingress' ? 'from' : 'to';
  // Peers that differ only where a NetworkPolicy cannot see it (a namespace's pods with and without
  // sidecar) become one rule.
  const byRendered = new Map<string, { peer: k8s.NetworkPolicyPeer; ports: Port[] }>();
  for (const peer of peers) {
    const rendered = networkPolicyPeer(peer, policyNamespace);
    const key = JSON.stringify(rendered);
    const entry = byRendered.get(key) ?? { peer: rendered, ports: [] };
    entry.ports.push(...edges.filter((c) => samePeer(direction === 'ingress' ? c.from : c.to, peer)).map((c) => c.port));
    byRendered.set(key, entry);
  }
  return [...byRendered.values()].map(({ peer, ports }) => {
    const sorted = [...ports].sort(comparePorts)
      .filter((p, i, all) => i === 0 || p.protocol !== all[i - 1].protocol || p.number !== all[i - 1].number);
    return { [peerField]: [peer], ports: sorted.map(networkPolicyPort) };
  });
}
