// The public API of lib/mlflow: named exports only; internal helpers are imported by deep path.
export { TrackingServer } from './tracking-server';
export type { TrackingServerHttpRoute, TrackingServerIngress, TrackingServerMetrics, TrackingServerProps, TrackingServerVolume, ITrackingServer } from './tracking-server';
export { ArtifactRoot } from './artifact-root';
export { MLFLOW_OIDC_AUTH_VERSION, MlflowAuth, MlflowOidcAuth, MlflowBasicAuth, MlflowOAuth2ProxyAuth, OidcAuthStore, OidcCache } from './oidc-auth';
export { OAUTH2_PROXY_DEFAULT_IMAGE, OAUTH2_PROXY_PORT } from './oauth2-proxy';
export type { OAuth2ProxyOptions } from './oauth2-proxy';
export type { RelyingPartyOptions } from './relying-party';
export { BasicAuthPermission } from './basic-auth';
export type { BasicAuthOptions } from './basic-auth';
export type { MlflowAuthConfig, MlflowAuthContext, MlflowAuthSidecar, OidcAuthOptions, OidcGroups, RedisCacheOptions } from './oidc-auth';
export type { DriverCredential } from './driver-credentials';
export { GarbageCollection } from './gc-job';
export type { GarbageCollectionProps } from './gc-job';
export type { TrackingServerAutoscaling } from './autoscaling';
export type { PodExtras } from './pod-extras';
export { SmokeTestApiCheck, TrackingServerSmokeTest } from './smoke-test';
export type { TrackingServerSmokeTestProps } from './smoke-test';
