/**
 * A simulator of the controllers that decide whether a connection goes through: Kubernetes
 * NetworkPolicy (as the CNI enforces it, with the platform's ipBlock semantics) and Istio's
 * AuthorizationPolicy and PeerAuthentication (as the sidecar enforces them). It reads plain
 * objects, the rendered ones of the app and the platform's own, and answers per hop which policy
 * decided.
 */

/** A pod in the simulation. */
export interface SimPod {
  /** For messages: `mlflow (kubeflow)`. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  /** Runs an Istio proxy: speaks mTLS with its identity, and enforces Istio policies on its ingress. */
  readonly sidecar: boolean;
}

/** One end of a hop: a pod, or an address outside the cluster's pods. */
export type Endpoint = { readonly kind: 'pod'; readonly pod: SimPod } | { readonly kind: 'address'; readonly ip: string; readonly name: string };

/** One connection: from, to, port. */
export interface Hop {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP';
}

/** A policy object as the simulator reads it. */
export interface PolicyObject {
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
}

/** What the simulator knows about the cluster besides the policies. */
export interface SimulatorOptions {
  /** Every NetworkPolicy, AuthorizationPolicy and PeerAuthentication, the app's and the platform's. */
  readonly policies: readonly PolicyObject[];
  /** The labels of a namespace (including `kubernetes.io/metadata.name`). */
  readonly namespaceLabels: (namespace: string) => Readonly<Record<string, string>>;
  /** Whether an ipBlock matches pod addresses (false under Cilium). @default true */
  readonly ipBlocksMatchPods?: boolean;
  /** Istio's root namespace. @default "istio-system" */
  readonly rootNamespace?: string;
  /** @default "cluster.local" */
  readonly trustDomain?: string;
}

/** The answer for one hop. */
export interface HopVerdict {
  readonly allowed: boolean;
  /** Each enforcement point's decision, in order: `egress: NetworkPolicy mlops/mlflow-egress`. */
  readonly reasons: readonly string[];
}

/** The answer for a flow of hops: allowed when every hop is. */
export interface FlowVerdict {
  readonly allowed: boolean;
  readonly hops: readonly HopVerdict[];
  /** The first reason a hop was refused. */
  readonly blockedBy?: string;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
type NpPeer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string; except?: string[] } };
type NpPort = { port?: number | string; endPort?: number; protocol?: string };
type NpRule = { from?: NpPeer[]; to?: NpPeer[]; ports?: NpPort[] };

/** True when `labels` satisfy a Kubernetes label selector (`{}` selects everything). */
export function selectorMatches(selector: Selector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const ok = e.operator === 'In' ? has && (e.values ?? []).includes(labels[e.key])
      : e.operator === 'NotIn' ? !has || !(e.values ?? []).includes(labels[e.key])
        : e.operator === 'Exists' ? has
          : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

function ipToInt(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  return m.slice(1).reduce((a, o) => a * 256 + Number(o), 0);
}

/** True when IPv4 `ip` is inside `cidr` (an IPv6 block matches no IPv4 address). */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const b = ipToInt(base);
  const a = ipToInt(ip);
  if (b === undefined || a === undefined) return false;
  const n = Number(bits ?? 32);
  if (n === 0) return true;
  const size = 2 ** (32 - n);
  return Math.floor(a / size) === Math.floor(b / size);
}

/** A stable, made-up pod address in 10.244.0.0/16 (ipBlocks can only be checked against an address). */
export function podAddress(pod: SimPod): string {
  let h = 0;
  for (const c of `${pod.namespace}/${pod.name}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `10.244.${(h >>> 8) % 256}.${(h % 254) + 1}`;
}

function endpointName(e: Endpoint): string {
  return e.kind === 'pod' ? e.pod.name : e.name;
}

/** The simulator: `new ReachabilitySimulator({ policies, namespaceLabels }).evaluate(hops)`. */
export class ReachabilitySimulator {
  private readonly ipBlocksMatchPods: boolean;
  private readonly rootNamespace: string;
  private readonly trustDomain: string;

  constructor(private readonly options: SimulatorOptions) {
    this.ipBlocksMatchPods = options.ipBlocksMatchPods ?? true;
    this.rootNamespace = options.rootNamespace ?? 'istio-system';
    this.trustDomain = options.trustDomain ?? 'cluster.local';
  }

  /** Evaluates every hop of a flow (all are evaluated, for the explanation). */
  public evaluate(hops: readonly Hop[]): FlowVerdict {
    const verdicts = hops.map((h) => this.evaluateHop(h));
    const refused = verdicts.find((v) => !v.allowed);
    return { allowed: !refused, hops: verdicts, ...(refused ? { blockedBy: refused.reasons.find((r) => r.startsWith('DENY')) } : {}) };
  }

  /** One hop: the source's egress NetworkPolicies, the destination's ingress NetworkPolicies, its Istio policies. */
  public evaluateHop(hop: Hop): HopVerdict {
    const reasons: string[] = [];
    let allowed = true;
    const record = (ok: boolean, text: string) => {
      reasons.push(`${ok ? 'ALLOW' : 'DENY'} ${text}`);
      allowed = allowed && ok;
    };
    if (hop.from.kind === 'pod') {
      const r = this.networkPolicies(hop.from.pod, hop.to, hop, 'egress');
      record(r.ok, `egress of ${hop.from.pod.name}: ${r.why}`);
    }
    if (hop.to.kind === 'pod') {
      const r = this.networkPolicies(hop.to.pod, hop.from, hop, 'ingress');
      record(r.ok, `ingress of ${hop.to.pod.name}: ${r.why}`);
      if (hop.to.pod.sidecar && (hop.protocol ?? 'TCP') === 'TCP') {
        const i = this.istio(hop.to.pod, hop.from, hop.port);
        record(i.ok, `Istio at ${hop.to.pod.name}: ${i.why}`);
      }
    }
    return { allowed, reasons };
  }

  private networkPolicies(pod: SimPod, other: Endpoint, hop: Hop, direction: 'ingress' | 'egress'): { ok: boolean; why: string } {
    const type = direction === 'ingress' ? 'Ingress' : 'Egress';
    const selecting = this.options.policies.filter((p) => {
      if (p.kind !== 'NetworkPolicy' || p.metadata.namespace !== pod.namespace) return false;
      const spec = p.spec ?? {};
      const types = (spec.policyTypes as string[] | undefined) ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
      return types.includes(type) && selectorMatches(spec.podSelector as Selector | undefined, pod.labels);
    });
    if (selecting.length === 0) return { ok: true, why: `no NetworkPolicy selects it for ${direction}` };
    for (const p of selecting) {
      for (const rule of ((p.spec ?? {})[direction] as NpRule[] | undefined) ?? []) {
        const peers = direction === 'ingress' ? rule.from : rule.to;
        const peerOk = !peers || peers.length === 0 || peers.some((peer) => this.peerMatches(peer, other, p.metadata.namespace!));
        if (peerOk && this.portMatches(rule.ports, hop)) return { ok: true, why: `NetworkPolicy ${p.metadata.namespace}/${p.metadata.name}` };
      }
    }
    return { ok: false, why: `no rule of NetworkPolicy ${selecting.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')} admits ${endpointName(other)} on ${hop.protocol ?? 'TCP'}/${hop.port}` };
  }

  private peerMatches(peer: NpPeer, other: Endpoint, policyNamespace: string): boolean {
    if (peer.ipBlock) {
      const ip = other.kind === 'address' ? other.ip : this.ipBlocksMatchPods ? podAddress(other.pod) : undefined;
      return ip !== undefined && cidrContains(peer.ipBlock.cidr, ip) && !(peer.ipBlock.except ?? []).some((c) => cidrContains(c, ip));
    }
    if (other.kind !== 'pod') return false;
    const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, this.options.namespaceLabels(other.pod.namespace)) : other.pod.namespace === policyNamespace;
    return nsOk && selectorMatches(peer.podSelector, other.pod.labels);
  }

  private portMatches(ports: NpPort[] | undefined, hop: Hop): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => (p.protocol ?? 'TCP') === (hop.protocol ?? 'TCP')
      && (p.port === undefined || (typeof p.port === 'number' && (p.endPort ? hop.port >= p.port && hop.port <= p.endPort : hop.port === p.port))));
  }

  private appliesTo(p: PolicyObject, pod: SimPod): boolean {
    const ns = p.metadata.namespace;
    if (ns !== pod.namespace && ns !== this.rootNamespace) return false;
    const selector = (p.spec ?? {}).selector as Selector | undefined;
    return selectorMatches(selector, pod.labels);
  }

  private istio(pod: SimPod, from: Endpoint, port: number): { ok: boolean; why: string } {
    const peer = from.kind === 'pod' && from.pod.sidecar ? from.pod : undefined;
    const principal = peer ? `${this.trustDomain}/ns/${peer.namespace}/sa/${peer.serviceAccount}` : '';
    const sourceNs = peer ? peer.namespace : '';
    const ip = from.kind === 'address' ? from.ip : podAddress(from.pod);
    const strict = this.options.policies.find((p) => p.kind === 'PeerAuthentication' && this.appliesTo(p, pod)
      && ((p.spec?.mtls as { mode?: string } | undefined)?.mode === 'STRICT'));
    if (strict && !peer) return { ok: false, why: `PeerAuthentication ${strict.metadata.namespace}/${strict.metadata.name} (STRICT) refuses plain text from ${endpointName(from)}` };
    const policies = this.options.policies.filter((p) => p.kind === 'AuthorizationPolicy' && this.appliesTo(p, pod));
    const action = (p: PolicyObject) => (p.spec?.action as string | undefined) ?? 'ALLOW';
    const matches = (p: PolicyObject) => ((p.spec?.rules as IstioRule[] | undefined) ?? []).some((r) => ruleMatches(r, { principal, sourceNs, ip, port }));
    const name = (p: PolicyObject) => `AuthorizationPolicy ${p.metadata.namespace}/${p.metadata.name}`;
    const deny = policies.find((p) => action(p) === 'DENY' && matches(p));
    if (deny) return { ok: false, why: `${name(deny)} (DENY) matches` };
    const allows = policies.filter((p) => action(p) === 'ALLOW');
    if (allows.length === 0) return { ok: true, why: 'no ALLOW AuthorizationPolicy applies' };
    const allow = allows.find(matches);
    if (allow) return { ok: true, why: name(allow) };
    const who = peer ? principal : `${endpointName(from)} without mTLS identity (plain text)`;
    return { ok: false, why: `no ALLOW AuthorizationPolicy matches ${who} on port ${port} (${allows.map(name).join(', ')})` };
  }
}

type IstioSource = { principals?: string[]; notPrincipals?: string[]; namespaces?: string[]; notNamespaces?: string[]; ipBlocks?: string[]; notIpBlocks?: string[]; requestPrincipals?: string[] };
type IstioRule = { from?: Array<{ source?: IstioSource }>; to?: Array<{ operation?: { ports?: string[]; notPorts?: string[] } }>; when?: unknown[] };

// Istio string match: exact, "*" (any non-empty value), prefix "abc*" or suffix "*abc".
function stringMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return value !== '';
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function ruleMatches(rule: IstioRule, req: { principal: string; sourceNs: string; ip: string; port: number }): boolean {
  if (rule.when && rule.when.length) return false; // conditions on request attributes are not simulated: never assumed to hold
  const fromOk = !rule.from || rule.from.length === 0 || rule.from.some(({ source: s = {} }) => {
    if (s.requestPrincipals) return false;
    // principals and namespaces come from the peer certificate: a plain-text peer has none.
    if (s.principals && !s.principals.some((p) => stringMatch(p, req.principal))) return false;
    if (s.notPrincipals && s.notPrincipals.some((p) => stringMatch(p, req.principal))) return false;
    if (s.namespaces && !s.namespaces.some((n) => stringMatch(n, req.sourceNs))) return false;
    if (s.notNamespaces && s.notNamespaces.some((n) => stringMatch(n, req.sourceNs))) return false;
    if (s.ipBlocks && !s.ipBlocks.some((c) => cidrContains(c.includes('/') ? c : `${c}/32`, req.ip))) return false;
    if (s.notIpBlocks && s.notIpBlocks.some((c) => cidrContains(c.includes('/') ? c : `${c}/32`, req.ip))) return false;
    return true;
  });
  const toOk = !rule.to || rule.to.length === 0 || rule.to.some(({ operation: o = {} }) =>
    (!o.ports || o.ports.includes(String(req.port))) && !(o.notPorts ?? []).includes(String(req.port)));
  return fromOk && toOk;
}
