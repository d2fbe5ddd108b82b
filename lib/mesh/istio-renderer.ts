import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type * as istioTypes from '../../imports/security.istio.io';
import { Connection, IConnectionGraph, IConnectionRenderer, Peer, comparePeers, comparePorts, samePeer } from '../core/connections';
import { MANAGED_BY } from '../core/labels';
import { Port, Protocol } from '../core/port';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const istio = lazyModule<typeof istioTypes>(() => require('../../imports/security.istio.io'));

/** The Istio identity of a peer's pods: `cluster.local/ns/<namespace>/sa/<serviceAccount>`. */
export function istioPrincipal(namespace: string, serviceAccount: string, trustDomain = 'cluster.local'): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** An AuthorizationPolicy rule's source (`rules[].from[].source`): the fields {@link istioSource} sets. */
export interface IstioSource {
  readonly principals?: string[];
  readonly namespaces?: string[];
  readonly ipBlocks?: string[];
  readonly notPrincipals?: string[];
}

/** The AuthorizationPolicy source that admits `peer`. */
export function istioSource(peer: Peer, trustDomain = 'cluster.local'): IstioSource {
  const d = peer.data;
  switch (d.kind) {
    case 'workload': return { principals: [istioPrincipal(d.workload.namespace, d.workload.serviceAccountName, trustDomain)] };
    case 'external': return { principals: [istioPrincipal(d.namespace, d.serviceAccount, trustDomain)] };
    // Sidecar-less pods send plain text: `namespaces` and `principals` match only mTLS peers
    // (istio/api 1.24.6, security/v1beta1/authorization_policy.proto, Source: "This field requires
    // mTLS enabled"). `notPrincipals: ["*"]` matches exactly the requests without a peer identity;
    // the NetworkPolicy narrows them to the namespace and labels.
    case 'namespace': if (d.withoutSidecar) return { notPrincipals: ['*'] };
      // An AuthorizationPolicy cannot select source pods by label: the whole namespace is admitted
      // here, the NetworkPolicy still narrows it to the labelled pods.
      return { namespaces: [d.namespace] };
    case 'cidr': return { ipBlocks: [d.cidr] };
  }
}

/**
 * The Istio backend of the {@link ConnectionGraph} for one mesh namespace: per target in that
 * namespace (a workload of the app, or an external workload with pod labels) one ALLOW
 * AuthorizationPolicy `<name>-ingress` whose rules are exactly the declared connections to it:
 * one rule per source peer, its ports in `to.operation.ports`, methods and paths only where the
 * port declares them. UDP connections are left to the NetworkPolicy (Istio authorizes TCP only).
 */
export class IstioAuthorizationRenderer implements IConnectionRenderer {
  /** The Istio identity of a peer's pods: `cluster.local/ns/<namespace>/sa/<serviceAccount>`. */
  public static principal(namespace: string, serviceAccount: string, trustDomain = 'cluster.local'): string {
    return istioPrincipal(namespace, serviceAccount, trustDomain);
  }

  /** The AuthorizationPolicy source (`from[].source`) that admits `peer`. */
  public static source(peer: Peer, trustDomain = 'cluster.local'): IstioSource {
    return istioSource(peer, trustDomain);
  }

  private readonly rendered = new Set<string>();

  /** @param scope where the policies go (the mesh namespace construct) */
  constructor(private readonly scope: Construct, private readonly namespace: string, private readonly trustDomain: string) {}

  /** Whether `connection` is authorized by this renderer's namespace. */
  public governs(connection: Connection): boolean {
    const d = connection.to.data;
    return connection.port.protocol === Protocol.TCP && (d.kind === 'workload' || d.kind === 'external') && connection.to.namespace === this.namespace;
  }

  public connectionAdded(connection: Connection, graph: IConnectionGraph): void {
    if (!this.governs(connection)) return;
    const target = connection.to;
    const d = target.data;
    const name = d.kind === 'workload' ? d.workload.workloadName : d.kind === 'external' ? d.name : '';
    if (this.rendered.has(name)) return;
    this.rendered.add(name);
    const selector = d.kind === 'workload' ? d.workload.podSelector : d.kind === 'external' ? d.podLabels ?? {} : {};
    new istio.AuthorizationPolicy(this.scope, `${name}-authz`, {
      metadata: {
        name: `${name}-ingress`,
        namespace: this.namespace,
        labels: { ...(d.kind === 'workload' ? d.workload.podSelector : {}), 'app.kubernetes.io/managed-by': MANAGED_BY },
      },
      spec: {
        selector: { matchLabels: { ...selector } },
        action: istio.AuthorizationPolicySpecAction.ALLOW,
        rules: Lazy.any({ produce: () => this.rules(graph, target) }) as unknown as istioTypes.AuthorizationPolicySpecRules[],
      },
    });
  }

  private rules(graph: IConnectionGraph, target: Peer): istioTypes.AuthorizationPolicySpecRules[] {
    const edges = graph.connectionsTo(target).filter((c) => this.governs(c));
    const sources = edges.map((c) => c.from).sort(comparePeers).filter((p, i, all) => i === 0 || !samePeer(p, all[i - 1]));
    return sources.map((source) => ({
      from: [{ source: istioSource(source, this.trustDomain) }],
      to: operations(edges.filter((c) => samePeer(c.from, source)).map((c) => c.port)),
    }));
  }
}

/** One operation per distinct HTTP access (L4-only ports first), each with its ports. */
function operations(ports: Port[]): istioTypes.AuthorizationPolicySpecRulesTo[] {
  const groups = new Map<string, { http?: Port['http']; ports: Set<string> }>();
  for (const port of [...ports].sort(comparePorts).sort((a, b) => Number(!!a.http) - Number(!!b.http))) {
    const key = JSON.stringify(port.http ?? null);
    const group = groups.get(key) ?? { http: port.http, ports: new Set<string>() };
    group.ports.add(String(port.number));
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({
    operation: {
      ports: [...g.ports].sort((a, b) => Number(a) - Number(b)),
      ...(g.http?.methods ? { methods: [...g.http.methods] } : {}),
      ...(g.http?.paths ? { paths: [...g.http.paths] } : {}),
    },
  }));
}
