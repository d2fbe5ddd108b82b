// The public API of lib/platform: named exports only; internal helpers are imported by deep path.
export { Platform } from './platform';
export type { PlatformPods, PlatformGateway, IngressControllerFacts, ClusterOptions, KubeflowRelease, KubeflowPlatformOptions, KubeflowObjectStore, KubeflowFacts, PlatformObject } from './platform';
export { expectFlow, expectedFlows, expectRoute, expectedRoutes, INTERNET } from './flows';
export type { FlowHop, ExpectedFlow, ExpectedRoute } from './flows';
export { ReachabilitySimulator, selectorMatches, cidrContains, podAddress } from './reachability';
export type { SimPod, Endpoint, Hop, PolicyObject, SimulatorOptions, HopVerdict, FlowVerdict } from './reachability';
export { selectIngressRoute } from './ingress-nginx';
export type { IngressObject, RouteResult } from './ingress-nginx';
