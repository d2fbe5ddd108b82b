export * from './artifact-root';
export * from './tls';
export * from './tracking-server';
export { MLFLOW_OIDC_AUTH_VERSION, MlflowAuth, MlflowOidcAuth, OidcAuthStore, OidcCache } from './oidc-auth';
export type { MlflowAuthConfig, MlflowAuthContext, OidcAuthOptions, RedisCacheOptions } from './oidc-auth';
