import { IConstruct } from 'constructs';
import { registerAppCheck } from '../core/app-checks';
import { ConnectionGraph, IWorkload, Peer } from '../core/connections';
import { expectedFlows, expectedRoutes, hopPeer } from '../platform/flows';
import { IngressObject, selectIngressRoute } from '../platform/ingress-nginx';
import { Platform } from '../platform/platform';
import { Endpoint, FlowVerdict, Hop, ReachabilitySimulator, selectorMatches, SimPod } from '../platform/reachability';
import { renderedObjects } from './app-validation';
import type { ManifestObject } from './manifest';

/** One evaluated flow of an app. */
export interface FlowReport {
  /** `mlflow → mlflow-postgres: backend store`, or the expected flow's description. */
  readonly description: string;
  /** `declared` (a connection of the graph), `implied` (a guide's flow, DNS) or `undeclared` (must be denied). */
  readonly origin: 'declared' | 'implied' | 'undeclared';
  /** Whether the flow must be allowed. */
  readonly expectAllowed: boolean;
  /** `notebook pod (kubeflow-user-example-com) → mlflow (kubeflow) TCP/5000`, one per hop. */
  readonly hops: readonly string[];
  readonly verdict: FlowVerdict;
  /** What to change when the flow is not as expected. @default - declare the connection or target the right platform */
  readonly fix?: string;
  /** The construct path of the app's workload the flow starts from (or leads to, when it starts outside the app). */
  readonly source: string;
}

/** Everything the reachability check found for one app. */
export interface ReachabilityReport {
  readonly platform: string;
  /** True when the app targets no platform and was checked against `Platform.generic()`. */
  readonly assumed: boolean;
  readonly flows: readonly FlowReport[];
}

const OUTSIDER_NAMESPACE = 'reachability-outsider';
/** The kinds whose construct path names a flow's source: the objects that run pods, and Ingresses for routes. */
const POD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'InferenceService', 'Ingress'];
const INTERNET_ADDRESS = '203.0.113.10';

type Obj = ManifestObject & { spec?: Record<string, unknown> };

/**
 * Evaluates every flow of the app of `root` on the platform it targets ({@link Platform.target}): each declared connection for every kind of pod the peers stand for
 * (a Kubeflow profile's notebooks and sidecar-less pipeline pods), each app pod's DNS lookups, the
 * flows recorded with `expectFlow`, and a sample of undeclared flows (from a pod of an unrelated
 * namespace, with and without sidecar, and between the app's own pods) that must be denied.
 * An app that declares connections but targets no platform is checked against `Platform.generic()`
 * (a plain cluster with no policies of its own), so it is never left unchecked without a word.
 * Undefined when the app declares no connection (and expects no flow or route).
 */
export function reachabilityReport(root: IConstruct): ReachabilityReport | undefined {
  const app = root.node.root;
  const graph = app.node.tryFindChild('mlops.ConnectionGraph') ? ConnectionGraph.of(app) : undefined;
  if (!graph || (!graph.connections.length && !expectedFlows(app).length && !expectedRoutes(app).length)) return undefined;
  const targeted = Platform.of(app);
  const platform = targeted ?? Platform.generic();
  const flows = new AppFlows(app, platform);
  flows.declared();
  flows.dnsLookups();
  flows.expected();
  flows.routes();
  flows.undeclaredSample();
  return { platform: targeted ? platform.name : `${platform.name} (assumed: the app targets no platform)`, assumed: !targeted, flows: flows.reports };
}

type SidecarOf = (ns: string, labels: Record<string, string>, annotations: Record<string, string>) => boolean;

/** The app's pods and policies on its platform, and the flows evaluated so far (one method per kind of flow). */
class AppFlows {
  public readonly reports: FlowReport[] = [];
  private readonly graph: ConnectionGraph;
  private readonly objects: Obj[];
  private readonly pods: SimPod[];
  private readonly sidecarOf: SidecarOf;
  private readonly nsLabels: (ns: string) => Record<string, string>;
  private readonly sim: ReachabilitySimulator;
  /** `<ns>/<pod>><ns>/<pod>:<port>` of every declared pod-to-pod flow. */
  private readonly covered = new Set<string>();
  /** The construct path of each pod name (`mlflow (team-a)`): rendered workloads, then the graph's. */
  private readonly podPaths = new Map<string, string>();

  constructor(private readonly app: IConstruct, private readonly platform: Platform) {
    this.graph = ConnectionGraph.of(app);
    const rendered = renderedObjects(app);
    this.objects = rendered.map((o) => o.object as Obj);
    // The library's workload constructs first (`kf/mlflow`), then the rendered objects that run pods.
    for (const w of ConnectionGraph.of(app).connections.flatMap((c) => [c.from.workload, c.to.workload])) {
      if (w && !this.podPaths.has(`${w.workloadName} (${w.namespace})`)) this.podPaths.set(`${w.workloadName} (${w.namespace})`, w.node.path);
    }
    for (const { object: o, constructPath } of rendered) {
      const key = `${o.metadata.name} (${o.metadata.namespace ?? 'default'})`;
      if (constructPath && POD_KINDS.includes(o.kind) && !this.podPaths.has(key)) this.podPaths.set(key, constructPath);
    }
    const renderedNs = new Map<string, Record<string, string>>();
    for (const o of this.objects) if (o.kind === 'Namespace') renderedNs.set(o.metadata.name, { ...(o.metadata.labels ?? {}) });
    const nsLabels = (ns: string) => ({ ...platform.namespaceLabels(ns), ...(renderedNs.get(ns) ?? {}) });
    this.nsLabels = nsLabels;
    this.sidecarOf = (ns, labels, annotations) => {
      if (!platform.istio) return false;
      const injection = nsLabels(ns)['istio-injection'];
      const inject = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
      if (injection === 'disabled') return false;
      if (injection === 'enabled') return inject !== 'false';
      return labels['sidecar.istio.io/inject'] === 'true';
    };
    this.pods = appPods(this.objects, this.sidecarOf);
    const policies = [...this.objects.filter((o) => ['NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication'].includes(o.kind)), ...platform.policies];
    this.sim = new ReachabilitySimulator({ policies, namespaceLabels: nsLabels, ipBlocksMatchPods: platform.ipBlocksMatchPods, rootNamespace: platform.istio?.rootNamespace });
  }

  /** Declared connections, for every kind of pod each end stands for. */
  public declared(): void {
    for (const c of this.graph.connections) {
      for (const from of this.podsOf(c.from)) {
        for (const to of this.podsOf(c.to)) {
          const port = c.port.number;
          if (to.kind === 'pod' && from.kind === 'pod') this.covered.add(`${from.pod.namespace}/${from.pod.name}>${to.pod.namespace}/${to.pod.name}:${port}`);
          this.add(c.description, 'declared', true, [{ from, to, port, protocol: c.port.protocol as 'TCP' | 'UDP' }]);
        }
      }
    }
  }

  /** Every pod of the app looks names up (a workload of the graph without a rendered pod template too). */
  public dnsLookups(): void {
    const d = this.platform.dns;
    const dns: Endpoint = { kind: 'pod', pod: { name: `${d.description} (${d.namespace})`, namespace: d.namespace, labels: { ...d.labels }, serviceAccount: d.serviceAccount, sidecar: false } };
    const unrendered = this.graph.connections.flatMap((c) => [c.from.workload, c.to.workload])
      .filter((w): w is IWorkload => !!w && !this.pods.some((p) => p.namespace === w.namespace && selectorMatches({ matchLabels: w.podSelector }, p.labels)))
      .filter((w, i, all) => all.findIndex((x) => x.namespace === w.namespace && x.workloadName === w.workloadName) === i)
      .map((w) => workloadPod(w, this.sidecarOf));
    const labels = Object.entries(d.labels).map(([k, v]) => `${k}=${v}`).join(',');
    for (const pod of [...this.pods, ...unrendered]) {
      this.add(`${pod.name}: DNS lookups`, 'implied', true, [{ from: { kind: 'pod', pod }, to: dns, port: 53, protocol: 'UDP' }],
        `give namespace ${pod.namespace} the platform's DNS pods (${d.description}: namespace ${d.namespace}, labels ${labels}): new Namespace(chart, 'namespace', { name: '${pod.namespace}', dns: platform.dnsPeer }), with platform the preset of your cluster`);
    }
  }

  /** The flows recorded with expectFlow: every chain of pods whose consecutive hops meet at the same pod. */
  public expected(): void {
    for (const f of expectedFlows(this.app)) {
      const expand = (i: number): Hop[][] => {
        if (i === f.hops.length) return [[]];
        const h = f.hops[i];
        const rest = expand(i + 1);
        return this.podsOf(hopPeer(h.from)).flatMap((from) => this.podsOf(hopPeer(h.to))
          .flatMap((to) => rest.map((r) => [{ from, to, port: h.port.number, protocol: h.port.protocol as 'TCP' | 'UDP' }, ...r])));
      };
      for (const chain of expand(0).filter((ch) => ch.every((h, i) => i === 0 || endpointText(ch[i - 1].to) === endpointText(h.from)))) {
        this.add(f.description, 'implied', true, chain);
      }
    }
  }

  /** Requests through ingress-nginx: the location it selects must lead where the guide says. */
  public routes(): void {
    const ingresses = this.objects.filter((o) => o.kind === 'Ingress') as unknown as IngressObject[];
    for (const r of expectedRoutes(this.app)) {
      const got = selectIngressRoute(ingresses, r.host, r.path, r.ingressClass);
      const ok = !!got && (r.redirect !== undefined ? got.redirect === r.redirect
        : got.service === r.service && (r.backendPath === undefined || got.backendPath === r.backendPath));
      const want = r.redirect !== undefined ? `a redirect to ${r.redirect}` : `Service ${r.service}${r.backendPath !== undefined ? ` at ${r.backendPath}` : ''}`;
      const saw = !got ? 'no location (the default backend)'
        : `location ${got.location} of Ingress ${got.ingress} → ${got.redirect ? `redirect to ${got.redirect}` : `Service ${got.service} at ${got.backendPath}`}`;
      this.reports.push({
        description: r.description,
        origin: 'implied',
        expectAllowed: true,
        hops: [`https://${r.host}${r.path} (want ${want})`],
        verdict: { allowed: ok, hops: [{ allowed: ok, reasons: [`${ok ? 'ALLOW' : 'DENY'} ingress-nginx: ${saw}`] }], ...(ok ? {} : { blockedBy: `DENY ingress-nginx: ${saw}` }) },
        fix: `change the Ingress paths of ${r.host}: once one Ingress of a host rewrites or uses regex, ingress-nginx makes every path of the host a case-insensitive regex and takes the first match, longest path first`,
        source: this.ingressPath(got?.ingress, r.service),
      });
    }
  }

  /** A sample of undeclared flows to each port the app's pods serve: from an unrelated namespace, and among the app's pods. */
  public undeclaredSample(): void {
    const istio = !!this.platform.istio;
    const outsiders: SimPod[] = [
      { name: `a pod with sidecar (${OUTSIDER_NAMESPACE})`, namespace: OUTSIDER_NAMESPACE, labels: {}, serviceAccount: 'default', sidecar: istio },
      ...(istio ? [{ name: `a pod without sidecar (${OUTSIDER_NAMESPACE})`, namespace: OUTSIDER_NAMESPACE, labels: {}, serviceAccount: 'default', sidecar: false }] : []),
    ];
    for (const { pod, ports } of this.servedPorts()) {
      const neighbours = this.plainTextNeighbours(pod);
      for (const port of ports) {
        for (const o of [...outsiders, ...neighbours]) this.add(`undeclared: ${o.name} → ${pod.name}`, 'undeclared', false, [{ from: { kind: 'pod', pod: o }, to: { kind: 'pod', pod }, port }]);
        for (const src of this.pods) {
          if (src === pod || this.covered.has(`${src.namespace}/${src.name}>${pod.namespace}/${pod.name}:${port}`)) continue;
          if (this.graph.connections.some((c) => c.port.number === port && peerContains(c.to, pod) && peerContains(c.from, src))) continue;
          this.add(`undeclared: ${src.name} → ${pod.name}`, 'undeclared', false, [{ from: { kind: 'pod', pod: src }, to: { kind: 'pod', pod }, port }]);
        }
      }
    }
  }

  /**
   * A pod without sidecar (plain text, no identity: an Istio rule for it cannot tell it apart) in the
   * target's own namespace and in every namespace a platform NetworkPolicy selecting the target admits
   * (Kubeflow's `default-allow-same-namespace` admits every pod of `kubeflow`, many without sidecar),
   * unless a declared connection covers that namespace.
   */
  private plainTextNeighbours(target: SimPod): SimPod[] {
    const istio = !!this.platform.istio;
    const admitted = new Set<string>([target.namespace]);
    const known = new Set<string>([target.namespace, ...this.pods.map((p) => p.namespace), ...this.platform.policies.map((p) => p.metadata.namespace)]);
    for (const c of this.graph.connections) for (const peer of [c.from, c.to]) if (peer.namespace) known.add(peer.namespace);
    for (const policy of this.platform.policies) {
      const spec = policy.spec as { podSelector?: Parameters<typeof selectorMatches>[0]; ingress?: Array<{ from?: Array<{ namespaceSelector?: Parameters<typeof selectorMatches>[0] }> }> };
      if (policy.kind !== 'NetworkPolicy' || policy.metadata.namespace !== target.namespace || !selectorMatches(spec.podSelector ?? {}, target.labels)) continue;
      for (const peer of (spec.ingress ?? []).flatMap((r) => r.from ?? [])) {
        if (!peer.namespaceSelector) admitted.add(target.namespace);
        else for (const ns of known) if (selectorMatches(peer.namespaceSelector, this.nsLabels(ns))) admitted.add(ns);
      }
    }
    return [...admitted].sort()
      .map((ns): SimPod => ({ name: `${istio ? 'a pod without sidecar' : 'another pod'} (${ns})`, namespace: ns, labels: {}, serviceAccount: 'default', sidecar: false }))
      .filter((p) => !this.graph.connections.some((c) => peerContains(c.from, p) && peerContains(c.to, target)));
  }

  /** The app's pods that receive declared TCP connections, with their ports, in a stable order. */
  private servedPorts(): Array<{ pod: SimPod; ports: number[] }> {
    const targets = new Map<string, { pod: SimPod; ports: Set<number> }>();
    for (const c of this.graph.connections.filter((x) => x.port.protocol === 'TCP')) {
      for (const to of this.podsOf(c.to)) {
        if (to.kind !== 'pod' || !this.pods.includes(to.pod)) continue;
        const key = `${to.pod.namespace}/${to.pod.name}`;
        const t = targets.get(key) ?? { pod: to.pod, ports: new Set<number>() };
        t.ports.add(c.port.number);
        targets.set(key, t);
      }
    }
    return [...targets.values()].sort((a, b) => (a.pod.name < b.pod.name ? -1 : 1)).map((t) => ({ pod: t.pod, ports: [...t.ports].sort((a, b) => a - b) }));
  }

  private add(description: string, origin: FlowReport['origin'], expectAllowed: boolean, hops: Hop[], fix?: string): void {
    const hopText = (h: Hop) => `${endpointText(h.from)} → ${endpointText(h.to)} ${h.protocol ?? 'TCP'}/${h.port}`;
    this.reports.push({ description, origin, expectAllowed, hops: hops.map(hopText), verdict: this.sim.evaluate(hops), ...(fix ? { fix } : {}), source: this.sourceOf(hops) });
  }

  /** The construct path of the first of the app's workloads along the flow (its source when it has one). */
  private sourceOf(hops: readonly Hop[]): string {
    for (const e of hops.flatMap((h) => [h.from, h.to])) {
      const found = e.kind === 'pod' ? this.podPaths.get(e.pod.name) : undefined;
      if (found) return found;
    }
    return ConnectionGraph.of(this.app).node.path;
  }

  /** The construct path of the Ingress a route selected (or of the Service it should reach). */
  private ingressPath(ingress: string | undefined, service: string | undefined): string {
    // selectIngressRoute names it `<namespace>/<name>`.
    const ing = this.objects.find((o) => o.kind === 'Ingress' && `${o.metadata.namespace ?? 'default'}/${o.metadata.name}` === ingress);
    const path = ing && this.podPaths.get(`${ing.metadata.name} (${ing.metadata.namespace ?? 'default'})`);
    return path ?? (service && [...this.podPaths].find(([k]) => k.startsWith(`${service} (`))?.[1]) ?? ConnectionGraph.of(this.app).node.path;
  }

  /** The pods (or addresses) a peer stands for: a Kubeflow profile's notebooks and pipeline pods, a gateway's proxies. */
  private podsOf(peer: Peer): Endpoint[] {
    const d = peer.data;
    const pod = (p: SimPod): Endpoint => ({ kind: 'pod', pod: p });
    switch (d.kind) {
      case 'workload': {
        const w = d.workload;
        const found = this.pods.filter((p) => p.namespace === w.namespace && selectorMatches({ matchLabels: w.podSelector }, p.labels));
        return (found.length ? found : [workloadPod(w, this.sidecarOf)]).map(pod);
      }
      case 'external': {
        const labels = { ...(d.podLabels ?? {}) };
        const istio = this.platform.istio;
        const gateway = istio && [istio.ingressGateway, istio.clusterLocalGateway].some((g) => g.namespace === d.namespace && sameLabels(g.labels, labels));
        return [pod({ name: `${d.name} (${d.namespace})`, namespace: d.namespace, labels, serviceAccount: d.serviceAccount, sidecar: gateway || this.sidecarOf(d.namespace, labels, {}) })];
      }
      case 'namespace': {
        const labels = { ...(d.podLabels ?? {}) };
        if (d.withoutSidecar) return [pod({ name: `pod without sidecar (${d.namespace})`, namespace: d.namespace, labels, serviceAccount: 'default', sidecar: false })];
        const reps = d.podLabels ? [] : this.platform.representativePods(d.namespace);
        if (reps.length) return reps.map((r) => pod({ name: `${r.description} (${r.namespace})`, namespace: r.namespace, labels: { ...r.labels }, serviceAccount: r.serviceAccount, sidecar: r.sidecar }));
        const name = d.podLabels ? `pod ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}` : 'a pod';
        return [pod({ name: `${name} (${d.namespace})`, namespace: d.namespace, labels, serviceAccount: 'default', sidecar: this.sidecarOf(d.namespace, labels, {}) })];
      }
      case 'cidr':
        return [{ kind: 'address', ip: d.cidr === '0.0.0.0/0' || d.cidr === '::/0' ? INTERNET_ADDRESS : d.cidr.split('/')[0], name: d.cidr }];
    }
  }
}

/** The synth-time check: a message per implied flow that is denied and per undeclared flow that is allowed. */
export function checkReachability(root: IConstruct): string[] {
  const report = reachabilityReport(root);
  if (!report) return [];
  const target = report.assumed ? ', or target the platform the app runs on (Platform.kubeflow(\'1.11\').target(chart) or the preset of your cluster)' : '';
  return report.flows.filter((f) => f.verdict.allowed !== f.expectAllowed).map((f) => f.expectAllowed
    ? `${f.source || 'App'}: flow "${f.description}" is denied on ${report.platform} (${f.hops.join(', then ')}), got ${f.verdict.blockedBy ?? 'DENY'}. Fix: ${f.fix ?? 'declare the connection (grantConnect/allowFrom/clients) with peers from the app\'s Platform'}${target}.`
    : `${f.source || 'App'}: undeclared flow "${f.description}" is allowed on ${report.platform} (${f.hops.join(', then ')}), got ${f.verdict.hops.flatMap((h) => h.reasons).join('; ')}. Fix: narrow the policy that admits it (its peer or port), or declare the connection if it is wanted.`);
}

registerAppCheck(checkReachability);

/** `ALLOW`/`DENY` lines for `npm run explain`: each flow with the policies that decided it. */
export function formatReachabilityReport(name: string, report: ReachabilityReport): string {
  const lines = [`${name} on ${report.platform}`];
  for (const f of report.flows) {
    const ok = f.verdict.allowed === f.expectAllowed;
    lines.push(`${f.verdict.allowed ? 'ALLOW' : 'DENY '} ${ok ? '' : '(UNEXPECTED) '}[${f.origin}] ${f.description}`);
    f.hops.forEach((h, i) => {
      lines.push(`    ${h}`);
      for (const r of f.verdict.hops[i].reasons) lines.push(`      ${r}`);
    });
  }
  return lines.join('\n');
}

/** Whether a declared peer stands for `pod` (a namespace peer covers every pod of its namespace it selects). */
function peerContains(peer: Peer, pod: SimPod): boolean {
  const d = peer.data;
  switch (d.kind) {
    case 'workload': return d.workload.namespace === pod.namespace && selectorMatches({ matchLabels: d.workload.podSelector }, pod.labels);
    case 'external':
    case 'namespace': return d.namespace === pod.namespace && (!d.podLabels || selectorMatches({ matchLabels: d.podLabels }, pod.labels));
    case 'cidr': return false;
  }
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function endpointText(e: Endpoint): string {
  return e.kind === 'pod' ? e.pod.name : e.kind === 'address' ? `${e.name}${e.name.includes(e.ip) ? '' : ` (${e.ip})`}` : '';
}

function workloadPod(w: IWorkload, sidecarOf: SidecarOf): SimPod {
  return { name: `${w.workloadName} (${w.namespace})`, namespace: w.namespace, labels: { ...w.podSelector }, serviceAccount: w.serviceAccountName, sidecar: sidecarOf(w.namespace, { ...w.podSelector }, {}) };
}

type PodTemplate = { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: { serviceAccountName?: string } };

/** The pods the app's objects run: workload templates and KServe predictors. */
function appPods(objects: readonly Obj[], sidecarOf: SidecarOf): SimPod[] {
  const out: SimPod[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace ?? 'default';
    let t: PodTemplate | undefined;
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) t = (o.spec as { template?: PodTemplate } | undefined)?.template;
    else if (o.kind === 'CronJob') t = (o.spec as { jobTemplate?: { spec?: { template?: PodTemplate } } } | undefined)?.jobTemplate?.spec?.template;
    else if (o.kind === 'InferenceService') {
      // KServe copies the InferenceService's labels and annotations to the predictor pods and adds
      // serving.kserve.io/inferenceservice: <name> and component: predictor.
      const predictor = (o.spec as { predictor?: { serviceAccountName?: string } } | undefined)?.predictor;
      t = {
        metadata: {
          labels: { ...(o.metadata.labels ?? {}), 'serving.kserve.io/inferenceservice': o.metadata.name, 'component': 'predictor' },
          annotations: { ...(o.metadata.annotations ?? {}) },
        },
        spec: { serviceAccountName: predictor?.serviceAccountName },
      };
    }
    if (!t) continue;
    const labels = { ...(t.metadata?.labels ?? {}) };
    out.push({
      name: `${o.metadata.name} (${ns})`,
      namespace: ns,
      labels,
      serviceAccount: t.spec?.serviceAccountName ?? 'default',
      sidecar: sidecarOf(ns, labels, { ...(t.metadata?.annotations ?? {}) }),
    });
  }
  return out;
}

/**
 * What `npm run explain -- <app>` prints for a built app, and its exit status: 0 when every flow is
 * as expected, 1 when one is not (a declared or implied flow denied, an undeclared one allowed).
 */
export function explainApp(name: string, app: IConstruct): { readonly text: string; readonly exitCode: number } {
  const report = reachabilityReport(app);
  if (!report) return { text: `${name}: declares no connection: nothing to simulate`, exitCode: 0 };
  const wrong = report.flows.filter((f) => f.verdict.allowed !== f.expectAllowed).length;
  return { text: `${formatReachabilityReport(name, report)}\n${report.flows.length} flows, ${wrong} not as expected`, exitCode: wrong ? 1 : 0 };
}
