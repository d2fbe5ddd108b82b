import { Construct } from 'constructs';
import { LibraryConstruct } from '../core/library-construct';
import type * as netTypes from '../../imports/networking.istio.io';
import type * as istioTypes from '../../imports/security.istio.io';
import { ConnectionGraph, Peer } from '../core/connections';
import { k8s } from '../core/k8s';
import { MANAGED_BY } from '../core/labels';
import { Namespace, NamespaceProps } from '../core/namespace';
import { networkPolicyPeer, networkPolicyPort } from '../core/network-policy-renderer';
import { Port } from '../core/port';
import { checkDnsLabel, checkDnsSubdomain, checkHostname, invalid } from '../core/validate';
import { IstioAuthorizationRenderer } from './istio-renderer';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = lazyModule<typeof netTypes>(() => require('../../imports/networking.istio.io'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const istio = lazyModule<typeof istioTypes>(() => require('../../imports/security.istio.io'));

/** How the pods of a namespace join the Istio mesh. */
export class MeshMode {
  /** An Envoy sidecar in every pod (`istio-injection: enabled`). L7 rules are enforced by the sidecar. */
  public static readonly SIDECAR = new MeshMode('sidecar', { 'istio-injection': 'enabled' });
  /**
   * Ambient: ztunnel on each node (`istio.io/dataplane-mode: ambient`). Only L4 rules: a connection
   * with HTTP methods or paths into an ambient namespace is refused (it would need a waypoint).
   */
  public static readonly AMBIENT = new MeshMode('ambient', { 'istio.io/dataplane-mode': 'ambient' });
  private constructor(public readonly name: string, public readonly namespaceLabels: Readonly<Record<string, string>>) {}
}

/** A host whose clients in this namespace use Istio mutual TLS (a database in the mesh). */
export interface MutualTlsHost {
  /** The DestinationRule name (`ml-pipeline-mysql`). */
  readonly name: string;
  /** The service host (`mysql.kubeflow.svc.cluster.local`). */
  readonly host: string;
}

export interface MeshNamespaceProps extends NamespaceProps {
  /** @default MeshMode.SIDECAR */
  readonly mode?: MeshMode;
  /** Adds a PeerAuthentication `default` with mTLS STRICT: plain-text connections are refused. @default false */
  readonly strictMtls?: boolean;
  /** Hosts that get a DestinationRule with `tls.mode: ISTIO_MUTUAL`. @default - none */
  readonly mutualTlsHosts?: MutualTlsHost[];
  /** The mesh trust domain, for principals. @default "cluster.local" */
  readonly trustDomain?: string;
  /**
   * Where istiod runs, for the sidecars' egress allow on 15012 (configuration and certificates).
   * @default Peer.namespace('istio-system', { app: 'istiod' })
   */
  readonly istiod?: Peer;
}

/**
 * A {@link Namespace} (restricted Pod Security, default-deny NetworkPolicies) that joins the Istio
 * mesh. Besides the Namespace it renders:
 * - an AuthorizationPolicy `deny-all` with `spec: {}` (nothing is admitted unless allowed);
 * - per workload that receives connections, an ALLOW AuthorizationPolicy whose sources are exactly
 *   the declared peers ({@link IstioAuthorizationRenderer});
 * - optionally PeerAuthentication STRICT and ISTIO_MUTUAL DestinationRules;
 * - the NetworkPolicy allows the data plane needs: sidecars reach istiod on 15012; ambient pods
 *   exchange HBONE on 15008 (authorized by the AuthorizationPolicies, enforced by ztunnel).
 */
export class MeshNamespace extends LibraryConstruct {
  public readonly name: string;
  public readonly mode: MeshMode;
  /** The namespace with its default-deny policies. */
  public readonly namespace: Namespace;
  private readonly renderer: IstioAuthorizationRenderer;

  constructor(scope: Construct, id: string, props: MeshNamespaceProps = {}) {
    super(scope, id, props);
    const mode = props.mode ?? MeshMode.SIDECAR;
    if (!(mode instanceof MeshMode)) invalid(this, 'mode', 'must be MeshMode.SIDECAR or MeshMode.AMBIENT', mode, 'write mode: MeshMode.SIDECAR');
    this.mode = mode;
    this.namespace = new Namespace(this, 'Namespace', { name: props.name, create: props.create, dns: props.dns, policyScope: props.policyScope, admitToExternalWorkloads: props.admitToExternalWorkloads, labels: { ...props.labels, ...mode.namespaceLabels } });
    this.name = this.namespace.name;
    const trustDomain = checkDnsSubdomain(this, 'trustDomain', props.trustDomain ?? 'cluster.local');
    const managed = { 'app.kubernetes.io/managed-by': MANAGED_BY };
    const metadata = (name: string) => ({ name, namespace: this.name, labels: managed });
    const policyScope = this.namespace.policyScope;
    const scoped = (name: string) => metadata(policyScope.policyName(name));
    const podSelector = policyScope.podSelector;

    // In a shared namespace (PolicyScope.APP_PODS) the deny covers only the app's pods.
    new istio.AuthorizationPolicy(this, 'DenyAll', {
      metadata: scoped('deny-all'),
      spec: Object.keys(policyScope.podLabels).length ? { selector: { matchLabels: { ...policyScope.podLabels } } } : {},
    });
    if (props.strictMtls) {
      new istio.PeerAuthentication(this, 'StrictMtls', {
        metadata: metadata('default'),
        spec: { mtls: { mode: istio.PeerAuthenticationSpecMtlsMode.STRICT } },
      });
    }
    for (const [i, h] of (props.mutualTlsHosts ?? []).entries()) {
      new net.DestinationRule(this, `MutualTls${i}`, {
        metadata: metadata(checkDnsLabel(this, `mutualTlsHosts[${i}].name`, h?.name)),
        spec: {
          host: checkHostname(this, `mutualTlsHosts[${i}].host`, h?.host),
          trafficPolicy: { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.ISTIO_UNDERSCORE_MUTUAL } },
        },
      });
    }

    if (mode === MeshMode.SIDECAR) {
      const istiod = networkPolicyPeer(props.istiod ?? Peer.namespace('istio-system', { app: 'istiod' }), this.name);
      new k8s.KubeNetworkPolicy(this, 'AllowIstiod', {
        metadata: scoped('allow-istiod'),
        spec: { podSelector, policyTypes: ['Egress'], egress: [{ to: [istiod], ports: [networkPolicyPort(Port.tcp(15012))] }] },
      });
    } else {
      const hbone = [networkPolicyPort(Port.tcp(15008))];
      new k8s.KubeNetworkPolicy(this, 'AllowHbone', {
        metadata: scoped('allow-hbone'),
        spec: {
          podSelector,
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ namespaceSelector: {} }], ports: hbone }],
          egress: [{ to: [{ namespaceSelector: {} }], ports: hbone }],
        },
      });
    }

    this.renderer = new IstioAuthorizationRenderer(this, this.name, trustDomain);
    const graph = ConnectionGraph.of(this);
    graph.addRenderer(this.renderer);
    this.node.addValidation({ validate: () => this.check(graph) });
  }

  private check(graph: ConnectionGraph): string[] {
    const errors: string[] = [];
    for (const c of graph.connections.filter((x) => this.renderer.governs(x))) {
      const d = c.to.data;
      if (d.kind === 'external' && !d.podLabels) {
        errors.push(`the connection "${c.description}" ends at ${c.to}, which has no podLabels, got undefined. Fix: give Peer.externalWorkload({ ..., podLabels: { app: '${d.name}' } }) so its AuthorizationPolicy can select its pods.`);
      }
      if (this.mode === MeshMode.AMBIENT && c.port.http) {
        errors.push(`the connection "${c.description}" to ${c.to} limits HTTP methods or paths, which ztunnel cannot enforce in ambient mode, got ${JSON.stringify(c.port.http)}. Fix: use mode: MeshMode.SIDECAR, or declare the port without withHttp(...).`);
      }
    }
    return errors;
  }
}
