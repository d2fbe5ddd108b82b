// The reachability simulation (the controllers' view of the rendered policies and ingress routes),
// on the tooling entry point: it lives in lib/platform next to the platform facts it reads.
export { ReachabilitySimulator, selectorMatches, cidrContains, podAddress } from '../platform/reachability';
export type { SimPod, Endpoint, Hop, PolicyObject, SimulatorOptions, HopVerdict, FlowVerdict } from '../platform/reachability';
export { selectIngressRoute } from '../platform/ingress-nginx';
export type { IngressObject, RouteResult } from '../platform/ingress-nginx';
export { expectedFlows, expectedRoutes } from '../platform/flows';
