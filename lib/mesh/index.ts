// The public API of lib/mesh: named exports only; internal helpers are imported by deep path.
export { IstioAuthorizationRenderer } from './istio-renderer';
export type { IstioSource } from './istio-renderer';
export type { IstioIngressGatewayOptions } from './istio-peers';
export { MeshMode, MeshNamespace } from './mesh-namespace';
export type { MutualTlsHost, MeshNamespaceProps } from './mesh-namespace';
export { IstioGateway } from './istio-gateway';
export type { ExistingIstioGatewayOptions } from './istio-gateway';
export { VirtualService } from './virtual-service';
export type { IRoutableService, VirtualServiceProps } from './virtual-service';
