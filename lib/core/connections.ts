import { Construct, IConstruct } from 'constructs';
import { IConnectionGraph, IConnectionRenderer } from './connection-renderer';
import { NetworkPolicyRenderer } from './network-policy-renderer';
import { Connection, IWorkload, Peer, compareConnections, samePeer } from './peer';
import { Port } from './port';
import { ValidationError, describeConstruct } from './validate';

export * from './peer';
export type { IConnectionGraph, IConnectionRenderer } from './connection-renderer';

const GRAPH_ID = 'mlops.ConnectionGraph';

/**
 * The app-wide graph of who talks to whom: a plain list of typed edges. Constructs declare
 * connections; renderers read them. The {@link NetworkPolicyRenderer} is always on: per workload,
 * one ingress and one egress NetworkPolicy holding exactly those allows; each {@link Namespace}
 * adds the default deny they open holes in. Nobody writes an allow by hand.
 */
export class ConnectionGraph extends Construct implements IConnectionGraph {
  /** The graph of the app `scope` belongs to (created on first use). */
  public static of(scope: IConstruct): ConnectionGraph {
    const root = scope.node.root;
    return (root.node.tryFindChild(GRAPH_ID) as ConnectionGraph | undefined) ?? new ConnectionGraph(root as Construct, GRAPH_ID);
  }

  private readonly edges: Connection[] = [];
  private sorted: Connection[] | undefined;
  private readonly renderers: IConnectionRenderer[] = [];
  private readonly workloads = new Map<string, IWorkload>();
  private readonly guardedNamespaces = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({ validate: () => this.check() });
    this.addRenderer(new NetworkPolicyRenderer());
  }

  /** Registers a workload so the graph can check its namespace is guarded by a default deny. */
  public register(workload: IWorkload): void {
    const key = `${workload.namespace}/${workload.workloadName}`;
    const existing = this.workloads.get(key);
    if (existing && existing !== workload) {
      throw new ValidationError(`${describeConstruct(workload)}: name "${workload.workloadName}" is already used in namespace "${workload.namespace}" by ${describeConstruct(existing)}. Fix: give one of them another name prop.`, 'MLOPS_CONFLICT');
    }
    this.workloads.set(key, workload);
  }

  /** Records that a {@link Namespace} renders default-deny policies for `namespace`. */
  public guardNamespace(namespace: string): void {
    this.guardedNamespaces.add(namespace);
  }

  /** Whether a {@link Namespace} of this app renders default-deny policies for `namespace`. */
  public isGuarded(namespace: string): boolean {
    return this.guardedNamespaces.has(namespace);
  }

  /** Adds a backend; it sees every connection, those declared before included. */
  public addRenderer(renderer: IConnectionRenderer): void {
    this.renderers.push(renderer);
    for (const c of this.edges) renderer.connectionAdded(c, this);
  }

  /**
   * Declares that `from` connects to `to` on `port`. At least one side must be a workload of this
   * app or an external workload (something a policy can select). Declaring it twice is harmless.
   */
  public allow(from: Peer, to: Peer, port: Port, description: string, service?: string): void {
    const selectable = (p: Peer) => p.data.kind === 'workload' || p.data.kind === 'external';
    if (!selectable(from) && !selectable(to)) {
      throw new ValidationError(`ConnectionGraph: a connection needs a workload on at least one side, got ${from} → ${to}. Fix: use Peer.workload(...) or Peer.externalWorkload(...) for one end.`, 'MLOPS_CONFLICT');
    }
    const connection: Connection = { from, to, port, description, ...(service ? { service } : {}) };
    if (this.edges.some((c) => compareConnections(c, connection) === 0)) return;
    if (from.workload) this.register(from.workload);
    if (to.workload) this.register(to.workload);
    this.edges.push(connection);
    this.sorted = undefined;
    for (const r of this.renderers) r.connectionAdded(connection, this);
  }

  /** Every declared connection, once each, in a stable order (from, to, port). */
  public get connections(): Connection[] {
    // Sorted once per change: every policy and diagram reads the list.
    return [...this.sortedConnections()];
  }

  /** The connections that end at `peer`, in a stable order. */
  public connectionsTo(peer: Peer): Connection[] {
    return this.sortedConnections().filter((c) => samePeer(c.to, peer));
  }

  /** The connections that start at `peer`, in a stable order. */
  public connectionsFrom(peer: Peer): Connection[] {
    return this.sortedConnections().filter((c) => samePeer(c.from, peer));
  }

  private sortedConnections(): readonly Connection[] {
    if (!this.sorted) this.sorted = [...this.edges].sort(compareConnections);
    return this.sorted;
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
