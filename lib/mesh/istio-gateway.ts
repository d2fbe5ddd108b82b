import { Peer } from '../core/connections';
import { checkDnsLabel, checkDnsSubdomain, invalid } from '../core/validate';
import { istioClusterLocalGateway, istioIngressGateway, IstioIngressGatewayOptions } from './istio-peers';

/** Options of {@link IstioGateway.fromExisting}. */
export interface ExistingIstioGatewayOptions {
  /**
   * The pods that serve the Gateway (its `spec.selector`): routes through it are connections from
   * them, so they are admitted by NetworkPolicy (namespace and labels) and AuthorizationPolicy
   * (service-account principal).
   * @default IstioGateway.ingressGatewayPeer()
   */
  readonly pods?: Peer;
}

/**
 * An Istio `Gateway` this app does not render (Kubeflow's `kubeflow/kubeflow-gateway`), known by
 * namespace, name and the pods that serve it. A {@link VirtualService} binds to it by reference.
 */
export class IstioGateway {
  /**
   * The Istio ingress gateway's pods as a typed external peer:
   * `workload.allowFrom(IstioGateway.ingressGatewayPeer(), ...)` admits them in the NetworkPolicy
   * (namespace + pod labels) and the AuthorizationPolicy (their principal).
   */
  public static ingressGatewayPeer(options: IstioIngressGatewayOptions = {}): Peer {
    return istioIngressGateway(options);
  }

  /**
   * The Istio cluster-local gateway's pods (behind Knative's `knative-local-gateway` in a Kubeflow
   * install) as a typed external peer: KServe's in-cluster requests pass through them.
   */
  public static clusterLocalGatewayPeer(options: IstioIngressGatewayOptions = {}): Peer {
    return istioClusterLocalGateway(options);
  }

  /** `IstioGateway.fromExisting('kubeflow', 'kubeflow-gateway')`. */
  public static fromExisting(namespace: string, name: string, options: ExistingIstioGatewayOptions = {}): IstioGateway {
    const where = 'IstioGateway.fromExisting';
    const pods = options.pods ?? istioIngressGateway();
    if (!(pods instanceof Peer) || (pods.data.kind !== 'external' && pods.data.kind !== 'namespace')) {
      invalid(where, 'pods', 'must be an external workload or namespace Peer (the gateway pods)', pods instanceof Peer ? pods.toString() : typeof pods,
        'pass pods: IstioGateway.ingressGatewayPeer({ namespace: "istio-system" })');
    }
    return new IstioGateway(checkDnsLabel(where, 'namespace', namespace), checkDnsSubdomain(where, 'name', name), pods);
  }

  private constructor(
    public readonly namespace: string,
    public readonly name: string,
    /** The pods that serve the Gateway. */
    public readonly pods: Peer,
  ) {}

  /** `<namespace>/<name>`, as a VirtualService's `gateways` lists it. */
  public get reference(): string {
    return `${this.namespace}/${this.name}`;
  }
}
