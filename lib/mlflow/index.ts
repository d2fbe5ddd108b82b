// The public API of lib/mlflow: named exports only; internal helpers are imported by deep path.
export { IngressTls } from './tls';
export { TrackingServer } from './tracking-server';
export type { TrackingServerIngress, TrackingServerMetrics, TrackingServerProps, TrackingServerVolume, ITrackingServer } from './tracking-server';
export { ArtifactRoot } from './artifact-root';
export { MLFLOW_OIDC_AUTH_VERSION, MlflowAuth, MlflowOidcAuth, MlflowBasicAuth, MlflowOAuth2ProxyAuth, OidcAuthStore, OidcCache } from './oidc-auth';
export { OAUTH2_PROXY_DEFAULT_IMAGE, OAUTH2_PROXY_PORT } from './oauth2-proxy';
export type { OAuth2ProxyOptions } from './oauth2-proxy';
export { BasicAuthPermission } from './basic-auth';
export type { BasicAuthOptions } from './basic-auth';
export type { MlflowAuthConfig, MlflowAuthContext, MlflowAuthSidecar, OidcAuthOptions, RedisCacheOptions } from './oidc-auth';
export { GarbageCollection } from './gc-job';
export type { GarbageCollectionProps } from './gc-job';
export type { TrackingServerAutoscaling } from './autoscaling';
export type { PodExtras } from './pod-extras';
export { GatewayRef } from './http-route';
export type { TrackingServerHttpRoute } from './http-route';
export { SmokeTestApiCheck, TrackingServerSmokeTest } from './smoke-test';
export type { TrackingServerSmokeTestProps } from './smoke-test';
