import { IConstruct } from 'constructs';
import { Port } from './port';
import { checkCidr, checkDnsLabel, checkDnsSubdomain, checkLabels, hostCidr, invalid } from './validate';

/**
 * A set of pods that the library renders: it has a stable name, a namespace, a selector and a
 * service account, so connections to and from it become NetworkPolicy rules (and, in a mesh
 * namespace, AuthorizationPolicy principals `cluster.local/ns/<namespace>/sa/<serviceAccountName>`).
 */
export interface IWorkload extends IConstruct {
  readonly workloadName: string;
  readonly namespace: string;
  readonly podSelector: Record<string, string>;
  readonly serviceAccountName: string;
}

/** Pods of a workload of this app. */
export interface WorkloadPeerData {
  readonly kind: 'workload';
  readonly workload: IWorkload;
}

/**
 * Pods the app does not render but knows by identity: Kubeflow Pipelines' API server, Kubeflow's
 * MySQL, the Istio ingress gateway. A NetworkPolicy selects them by namespace and pod labels, an
 * AuthorizationPolicy by their service account.
 */
export interface ExternalWorkloadPeerData {
  readonly kind: 'external';
  /** A readable name (`ml-pipeline`), also the name of policies rendered for it. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Without labels, a NetworkPolicy can only select the whole namespace. */
  readonly podLabels?: Record<string, string>;
}

/** Pods in a namespace the app does not manage, optionally narrowed by labels. */
export interface NamespacePeerData {
  readonly kind: 'namespace';
  readonly namespace: string;
  readonly podLabels?: Record<string, string>;
  /**
   * The pods run without an Istio sidecar (Kubeflow Pipelines' run pods): they send plain text,
   * so they have no mesh identity an AuthorizationPolicy could name.
   */
  readonly withoutSidecar?: boolean;
}

/** Options of {@link Peer.namespace}. */
export interface NamespacePeerOptions {
  /**
   * The pods run without an Istio sidecar and connect in plain text (Kubeflow Pipelines' run pods):
   * an AuthorizationPolicy cannot name them by namespace or principal (both need mTLS), so it admits
   * them as "no peer identity" and the NetworkPolicy narrows them to this namespace and labels.
   * @default false
   */
  readonly withoutSidecar?: boolean;
}

/** Addresses outside the cluster. */
export interface CidrPeerData {
  readonly kind: 'cidr';
  readonly cidr: string;
}

/** What a peer is: renderers switch on `kind`. */
export type PeerData = WorkloadPeerData | ExternalWorkloadPeerData | NamespacePeerData | CidrPeerData;

/** Options of {@link Peer.externalWorkload}. */
export interface ExternalWorkloadOptions {
  /** A readable name (`ml-pipeline`); policies rendered for it carry this name. */
  readonly name: string;
  readonly namespace: string;
  /** Its ServiceAccount: its mesh identity. */
  readonly serviceAccount: string;
  /**
   * Labels of its pods, for NetworkPolicy selectors and AuthorizationPolicy selectors.
   * @default - none: a NetworkPolicy selects its whole namespace, and no AuthorizationPolicy can
   * be rendered for it as a target
   */
  readonly podLabels?: Record<string, string>;
}

/**
 * One end of a connection. A peer is plain data ({@link Peer.data}); each renderer (NetworkPolicy,
 * Istio, diagram) decides what it becomes, so a new backend never changes this class.
 */
export class Peer {
  /** Pods of a workload of this app. */
  public static workload(workload: IWorkload): Peer {
    return new Peer({ kind: 'workload', workload });
  }
  /**
   * Pods of a workload this app does not render, known by name, namespace and service account:
   * `Peer.externalWorkload({ name: 'ml-pipeline', namespace: 'kubeflow', serviceAccount: 'ml-pipeline', podLabels: { app: 'ml-pipeline' } })`.
   */
  public static externalWorkload(options: ExternalWorkloadOptions): Peer {
    const where = 'Peer.externalWorkload';
    if (typeof options !== 'object' || options === null) {
      invalid(where, 'options', 'must be an object', options, "write Peer.externalWorkload({ name: 'ml-pipeline', namespace: 'kubeflow', serviceAccount: 'ml-pipeline' })");
    }
    return new Peer({
      kind: 'external',
      name: checkDnsLabel(where, 'name', options.name),
      namespace: checkDnsLabel(where, 'namespace', options.namespace),
      serviceAccount: checkDnsSubdomain(where, 'serviceAccount', options.serviceAccount),
      ...(options.podLabels ? { podLabels: checkPodLabels(where, options.podLabels) } : {}),
    });
  }
  /**
   * Pods in a namespace this app does not manage, optionally narrowed by labels: an ingress
   * controller, Prometheus, a team's training jobs.
   */
  public static namespace(namespace: string, podLabels?: Record<string, string>, options: NamespacePeerOptions = {}): Peer {
    const ns = checkDnsLabel('Peer.namespace', 'namespace', namespace);
    return new Peer({
      kind: 'namespace',
      namespace: ns,
      ...(podLabels ? { podLabels: checkPodLabels('Peer.namespace', podLabels) } : {}),
      ...(options?.withoutSidecar ? { withoutSidecar: true } : {}),
    });
  }
  /** Addresses outside the cluster, as a CIDR block (`10.20.0.0/16`). */
  public static cidr(cidr: string): Peer {
    return new Peer({ kind: 'cidr', cidr: checkCidr('Peer.cidr', 'cidr', cidr, { ipv6: true }) });
  }
  /**
   * An endpoint outside the cluster by host: exactly that address for an IPv4 address, any address
   * for a host name (which can resolve anywhere); the rule is still limited to the connection's port.
   */
  public static host(host: string): Peer {
    const cidr = hostCidr(host);
    return cidr ? Peer.cidr(cidr) : Peer.anyAddress();
  }
  /**
   * Any address. Use only for endpoints whose addresses you cannot know (a cloud object store);
   * the rule is still limited to the connection's port.
   */
  public static anyAddress(): Peer {
    return new Peer({ kind: 'cidr', cidr: '0.0.0.0/0' });
  }

  private constructor(public readonly data: PeerData) {}

  /** The workload behind this peer, if the app renders it. */
  public get workload(): IWorkload | undefined {
    return this.data.kind === 'workload' ? this.data.workload : undefined;
  }

  /** The namespace of a workload, external workload or namespace peer; undefined for a CIDR. */
  public get namespace(): string | undefined {
    const d = this.data;
    return d.kind === 'workload' ? d.workload.namespace : d.kind === 'cidr' ? undefined : d.namespace;
  }

  /** `mlflow (mlops)`: for messages and diagrams. */
  public toString(): string {
    const d = this.data;
    switch (d.kind) {
      case 'workload': return `${d.workload.workloadName} (${d.workload.namespace})`;
      case 'external': return `${d.name} (${d.namespace}, service account ${d.serviceAccount})`;
      case 'namespace': return `namespace ${d.namespace}${d.podLabels ? ` ${labelText(d.podLabels)}` : ''}${d.withoutSidecar ? ' (no sidecar)' : ''}`;
      case 'cidr': return d.cidr;
    }
  }
}

/** One declared connection: `from` opens connections to `to` on `port`. */
export interface Connection {
  readonly from: Peer;
  readonly to: Peer;
  readonly port: Port;
  /** Why: shown in reviews and diagrams (`mlflow → postgres: backend store`). */
  readonly description: string;
  /**
   * The address clients use for `to`, when a construct knows it (`minio-service.kubeflow.svc.cluster.local:9000`
   * for an existing object store): the app README's Prerequisites name it. @default - only the peer is known
   */
  readonly service?: string;
}

/** `app=prometheus,tier=x`. */
export function labelText(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

function checkPodLabels(scope: string, labels: Record<string, string>): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels) || Object.values(labels).some((v) => typeof v !== 'string')) {
    invalid(scope, 'podLabels', 'must be an object of label keys to string values', labels, "write { app: 'prometheus' }");
  }
  checkLabels(scope, 'podLabels', labels);
  return { ...labels };
}

// Order: workloads of the app, external workloads, namespaces, CIDRs; within a kind by namespace
// and name. Internal: renderers compare with comparePeers; nothing outside depends on the form.
const KIND_ORDER: Record<PeerData['kind'], number> = { workload: 1, external: 2, namespace: 3, cidr: 4 };
// A peer's data never changes (a workload's name and namespace are fixed once it exists), and the
// renderers sort the same peers many times: each peer's key is computed once.
const peerOrders = new WeakMap<Peer, string>();
function peerOrder(peer: Peer): string {
  let order = peerOrders.get(peer);
  if (order === undefined) {
    order = peerOrderOf(peer.data);
    peerOrders.set(peer, order);
  }
  return order;
}
function peerOrderOf(d: PeerData): string {
  switch (d.kind) {
    case 'workload': return `${KIND_ORDER.workload}:${d.workload.namespace}/${d.workload.workloadName}`;
    case 'external': return `${KIND_ORDER.external}:${d.namespace}/${d.name}/${d.serviceAccount}/${JSON.stringify(d.podLabels ?? {})}`;
    case 'namespace': return `${KIND_ORDER.namespace}:${d.namespace}/${JSON.stringify(d.podLabels ?? {})}${d.withoutSidecar ? '/plain' : ''}`;
    case 'cidr': return `${KIND_ORDER.cidr}:${d.cidr}`;
  }
}
function portOrder(port: Port): string {
  return `${port.protocol}/${String(port.number).padStart(5, '0')}/${port.http ? JSON.stringify(port.http) : ''}`;
}
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A stable total order of peers (renderers sort with it so output never depends on declaration order). */
export function comparePeers(a: Peer, b: Peer): number {
  return cmp(peerOrder(a), peerOrder(b));
}
/** True when both peers are the same pods or addresses. */
export function samePeer(a: Peer, b: Peer): boolean {
  return comparePeers(a, b) === 0;
}
/** A stable total order of ports: protocol, number, then L7 description. */
export function comparePorts(a: Port, b: Port): number {
  return cmp(portOrder(a), portOrder(b));
}
/** A stable total order of connections: from, to, port. */
export function compareConnections(a: Connection, b: Connection): number {
  return comparePeers(a.from, b.from) || comparePeers(a.to, b.to) || comparePorts(a.port, b.port);
}
