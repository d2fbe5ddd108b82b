export * from './istio-renderer';
export * from './istio-peers';
export * from './mesh-namespace';
