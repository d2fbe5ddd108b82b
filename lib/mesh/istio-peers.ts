import { Peer } from '../core/connections';

/** Options of {@link istioIngressGateway}. */
export interface IstioIngressGatewayOptions {
  /** @default "istio-system" */
  readonly namespace?: string;
  /** @default "istio-ingressgateway-service-account" (istioctl / Kubeflow installs) */
  readonly serviceAccount?: string;
  /** @default { app: 'istio-ingressgateway', istio: 'ingressgateway' } */
  readonly podLabels?: Record<string, string>;
}

/**
 * The Istio ingress gateway as a typed external peer: `workload.allowFrom(istioIngressGateway(), ...)`
 * admits it in the NetworkPolicy (namespace + pod labels) and the AuthorizationPolicy (its principal).
 */
export function istioIngressGateway(options: IstioIngressGatewayOptions = {}): Peer {
  return Peer.externalWorkload({
    name: 'istio-ingressgateway',
    namespace: options.namespace ?? 'istio-system',
    serviceAccount: options.serviceAccount ?? 'istio-ingressgateway-service-account',
    podLabels: options.podLabels ?? { app: 'istio-ingressgateway', istio: 'ingressgateway' },
  });
}
