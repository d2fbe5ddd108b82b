import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { k8s } from './k8s';
import { MANAGED_BY } from './labels';
import { Port } from './port';
import { ValidationError, checkDnsLabel, describeConstruct, invalid } from './validate';

/**
 * A set of pods that the library renders: it has a stable name, a namespace, a selector and a
 * service account, so connections to and from it become NetworkPolicy rules (and, with Istio,
 * AuthorizationPolicy principals `cluster.local/ns/<namespace>/sa/<serviceAccountName>`).
 */
export interface IWorkload extends IConstruct {
  readonly workloadName: string;
  readonly namespace: string;
  readonly podSelector: Record<string, string>;
  readonly serviceAccountName: string;
}

/** One end of a connection. */
export abstract class Peer {
  /** Pods of a workload of this app. */
  public static workload(workload: IWorkload): Peer {
    return new WorkloadPeer(workload);
  }
  /**
   * Pods in a namespace this app does not manage, optionally narrowed by labels: an ingress
   * controller, Prometheus, a team's training jobs.
   */
  public static namespace(namespace: string, podLabels?: Record<string, string>): Peer {
    return new NamespacePeer(checkDnsLabel('Peer.namespace', 'namespace', namespace), podLabels);
  }
  /** Addresses outside the cluster, as a CIDR block (`10.20.0.0/16`). */
  public static cidr(cidr: string): Peer {
    if (!/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/.test(cidr ?? '')) {
      invalid('Peer.cidr', 'cidr', 'must be an IPv4 or IPv6 CIDR block', cidr, 'write it as "10.0.0.0/8"');
    }
    return new CidrPeer(cidr);
  }
  /**
   * Any address. Use only for endpoints whose addresses you cannot know (a cloud object store);
   * the rule is still limited to the connection's port.
   */
  public static anyAddress(): Peer {
    return new CidrPeer('0.0.0.0/0');
  }

  /** A stable key for ordering and de-duplication. */
  public abstract readonly key: string;
  /** The workload behind this peer, if the app renders it. */
  public get workload(): IWorkload | undefined {
    return undefined;
  }
  /** The NetworkPolicy peer, seen from a policy in `policyNamespace`. */
  public abstract render(policyNamespace: string): k8s.NetworkPolicyPeer;
}

class WorkloadPeer extends Peer {
  constructor(private readonly w: IWorkload) {
    super();
  }
  public get key() {
    return `1:${this.w.namespace}/${this.w.workloadName}`;
  }
  public get workload() {
    return this.w;
  }
  public render(policyNamespace: string): k8s.NetworkPolicyPeer {
    const podSelector = { matchLabels: { ...this.w.podSelector } };
    if (this.w.namespace === policyNamespace) return { podSelector };
    return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.w.namespace } }, podSelector };
  }
}

class NamespacePeer extends Peer {
  constructor(private readonly ns: string, private readonly podLabels?: Record<string, string>) {
    super();
  }
  public get key() {
    return `2:${this.ns}/${JSON.stringify(this.podLabels ?? {})}`;
  }
  public render(): k8s.NetworkPolicyPeer {
    return {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.ns } },
      ...(this.podLabels ? { podSelector: { matchLabels: { ...this.podLabels } } } : {}),
    };
  }
}

class CidrPeer extends Peer {
  constructor(private readonly cidr: string) {
    super();
  }
  public get key() {
    return `3:${this.cidr}`;
  }
  public render(): k8s.NetworkPolicyPeer {
    return { ipBlock: { cidr: this.cidr } };
  }
}

/** One declared connection: `from` opens connections to `to` on `port`. */
export interface Connection {
  readonly from: Peer;
  readonly to: Peer;
  readonly port: Port;
  /** Why: shown in reviews (`mlflow → postgres: backend store`). */
  readonly description: string;
}

type Direction = 'ingress' | 'egress';

interface RenderedPolicy {
  /** The array the NetworkPolicy object renders; rebuilt in place on every new rule. */
  readonly rules: Array<Record<string, unknown>>;
  readonly peers: Map<string, { peer: k8s.NetworkPolicyPeer; ports: Map<string, k8s.NetworkPolicyPort> }>;
}

const GRAPH_ID = 'mlops.ConnectionGraph';

/**
 * The app-wide graph of who talks to whom. Constructs declare connections; the graph renders,
 * per workload, one ingress and one egress NetworkPolicy holding exactly those allows. Each
 * {@link Namespace} adds the default deny they open holes in. Nobody writes an allow by hand.
 */
export class ConnectionGraph extends Construct {
  /** The graph of the app `scope` belongs to (created on first use). */
  public static of(scope: IConstruct): ConnectionGraph {
    const root = scope.node.root;
    return (root.node.tryFindChild(GRAPH_ID) as ConnectionGraph | undefined) ?? new ConnectionGraph(root as Construct, GRAPH_ID);
  }

  private readonly edges = new Map<string, Connection>();
  private readonly policies = new Map<string, RenderedPolicy>();
  private readonly workloads = new Map<string, IWorkload>();
  private readonly guardedNamespaces = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({ validate: () => this.check() });
  }

  /** Registers a workload so the graph can check its namespace is guarded by a default deny. */
  public register(workload: IWorkload): void {
    const key = `${workload.namespace}/${workload.workloadName}`;
    const existing = this.workloads.get(key);
    if (existing && existing !== workload) {
      throw new ValidationError(`${describeConstruct(workload)}: name "${workload.workloadName}" is already used in namespace "${workload.namespace}" by ${describeConstruct(existing)}. Fix: give one of them another name prop.`);
    }
    this.workloads.set(key, workload);
  }

  /** Records that a {@link Namespace} renders default-deny policies for `namespace`. */
  public guardNamespace(namespace: string): void {
    this.guardedNamespaces.add(namespace);
  }

  /** Declares that `from` connects to `to` on `port`. At least one side must be a workload. */
  public allow(from: Peer, to: Peer, port: Port, description: string): void {
    if (!from.workload && !to.workload) {
      throw new ValidationError(`ConnectionGraph: a connection needs a workload of this app on at least one side, got ${from.key} → ${to.key}. Fix: use Peer.workload(...) for one end.`);
    }
    const key = `${from.key}|${to.key}|${port.key}`;
    if (this.edges.has(key)) return;
    this.edges.set(key, { from, to, port, description });
    if (from.workload) this.addRule(from.workload, 'egress', to, port);
    if (to.workload) this.addRule(to.workload, 'ingress', from, port);
  }

  /** Every declared connection, in a stable order. */
  public get connections(): Connection[] {
    return [...this.edges.keys()].sort().map((k) => this.edges.get(k)!);
  }

  private addRule(workload: IWorkload, direction: Direction, peer: Peer, port: Port): void {
    this.register(workload);
    const policy = this.policyFor(workload, direction);
    const group = policy.peers.get(peer.key) ?? { peer: peer.render(workload.namespace), ports: new Map() };
    group.ports.set(port.key, { protocol: port.protocol, port: k8s.IntOrString.fromNumber(port.number) });
    policy.peers.set(peer.key, group);
    // The rendered array is rebuilt in place, so the policy object (created once) always holds the
    // rules in a stable order (peer, then port) whatever order the constructs declared them in.
    const peerField = direction === 'ingress' ? 'from' : 'to';
    policy.rules.splice(0, policy.rules.length, ...[...policy.peers.keys()].sort().map((k) => {
      const g = policy.peers.get(k)!;
      return { [peerField]: [g.peer], ports: [...g.ports.keys()].sort().map((pk) => g.ports.get(pk)!) };
    }));
  }

  private policyFor(workload: IWorkload, direction: Direction): RenderedPolicy {
    const key = `${workload.namespace}/${workload.workloadName}/${direction}`;
    let policy = this.policies.get(key);
    if (!policy) {
      const rules: Array<Record<string, unknown>> = [];
      new k8s.KubeNetworkPolicy(Chart.of(workload), `${workload.workloadName}-${direction}-policy`, {
        metadata: {
          name: `${workload.workloadName}-${direction}`,
          namespace: workload.namespace,
          labels: { ...workload.podSelector, 'app.kubernetes.io/managed-by': MANAGED_BY },
        },
        spec: {
          podSelector: { matchLabels: { ...workload.podSelector } },
          policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
          [direction]: rules,
        } as k8s.NetworkPolicySpec,
      });
      policy = { rules, peers: new Map() };
      this.policies.set(key, policy);
    }
    return policy;
  }

  private check(): string[] {
    const errors: string[] = [];
    for (const w of [...this.workloads.values()]) {
      if (!this.guardedNamespaces.has(w.namespace)) {
        errors.push(`${describeConstruct(w)}: namespace "${w.namespace}" has no default-deny NetworkPolicies. Fix: add new Namespace(chart, 'namespace', { name: '${w.namespace}' }) to the app (with create: false if the namespace is managed elsewhere).`);
      }
    }
    return errors;
  }
}
