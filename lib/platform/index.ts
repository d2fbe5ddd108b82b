// The public API of lib/platform: named exports only; internal helpers are imported by deep path.
export { Platform } from './platform';
export type { PlatformPods, PlatformGateway, IngressControllerFacts, ClusterOptions, KubeflowRelease, KubeflowPlatformOptions, KubeflowObjectStore, KubeflowFacts, PlatformObject } from './platform';
export { INTERNET } from './flows';
export type { FlowHop, ExpectedFlow, ExpectedRoute } from './flows';
