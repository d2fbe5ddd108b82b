import { Peer } from '../core/connections';
import { checkDnsLabel, checkDnsSubdomain, invalid } from '../core/validate';
import { istioIngressGateway } from './istio-peers';

/** Options of {@link IstioGateway.fromExisting}. */
export interface ExistingIstioGatewayOptions {
  /**
   * The pods that serve the Gateway (its `spec.selector`): routes through it are connections from
   * them, so they are admitted by NetworkPolicy (namespace and labels) and AuthorizationPolicy
   * (service-account principal).
   * @default istioIngressGateway()
   */
  readonly pods?: Peer;
}

/**
 * An Istio `Gateway` this app does not render (Kubeflow's `kubeflow/kubeflow-gateway`), known by
 * namespace, name and the pods that serve it. A {@link VirtualService} binds to it by reference.
 */
export class IstioGateway {
  /** `IstioGateway.fromExisting('kubeflow', 'kubeflow-gateway')`. */
  public static fromExisting(namespace: string, name: string, options: ExistingIstioGatewayOptions = {}): IstioGateway {
    const where = 'IstioGateway.fromExisting';
    const pods = options.pods ?? istioIngressGateway();
    if (!(pods instanceof Peer) || (pods.data.kind !== 'external' && pods.data.kind !== 'namespace')) {
      invalid(where, 'pods', 'must be an external workload or namespace Peer (the gateway pods)', pods instanceof Peer ? pods.toString() : typeof pods,
        'pass pods: istioIngressGateway({ namespace: "istio-system" })');
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
