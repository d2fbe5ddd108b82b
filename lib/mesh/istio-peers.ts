import { Peer } from '../core/connections';

/** Options of `IstioGateway.ingressGatewayPeer`. */
export interface IstioIngressGatewayOptions {
  /** @default "istio-system" */
  readonly namespace?: string;
  /** @default "istio-ingressgateway-service-account" (istioctl / Kubeflow installs) */
  readonly serviceAccount?: string;
  /** @default { app: 'istio-ingressgateway', istio: 'ingressgateway' } */
  readonly podLabels?: Record<string, string>;
}

/**
 * The Istio ingress gateway as a typed external peer: `workload.allowFrom(IstioGateway.ingressGatewayPeer(), ...)`
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

/**
 * The pods behind Knative's `knative-local-gateway` Service in a Kubeflow install: the Istio
 * cluster-local gateway (`app`/`istio: cluster-local-gateway`, service account
 * `cluster-local-gateway-service-account`). kubeflow/manifests v1.9.0-v1.11.0,
 * common/knative/knative-serving/overlays/gateways/patches/gateway-selector-in-istio-system.yaml
 * points knative-local-gateway there, and common/istio/cluster-local-gateway/base/cluster-local-gateway.yaml
 * defines the pods: KServe's in-cluster requests pass through them, not the ingress gateway.
 */
export function istioClusterLocalGateway(options: IstioIngressGatewayOptions = {}): Peer {
  return Peer.externalWorkload({
    name: 'cluster-local-gateway',
    namespace: options.namespace ?? 'istio-system',
    serviceAccount: options.serviceAccount ?? 'cluster-local-gateway-service-account',
    podLabels: options.podLabels ?? { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' },
  });
}
