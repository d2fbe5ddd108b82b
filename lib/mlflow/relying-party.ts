import { IConstruct } from 'constructs';
import { SecretValue } from '../core/secret-value';
import { checkHostname, checkSecretValue, invalid } from '../core/validate';
import { IIdentityProvider } from '../identity/identity-provider';

/**
 * What a login mode that is an OpenID Connect relying party in front of MLflow
 * ({@link MlflowAuth.oidc}, {@link MlflowAuth.oauth2Proxy}) takes from its identity provider.
 */
export interface RelyingPartyOptions {
  /** Who logs users in: a `KeycloakRealm`, or `IdentityProvider.fromIssuer(...)` / `fromExisting(...)`. */
  readonly provider: IIdentityProvider;
  /**
   * The client secret as a Secret in MLflow's namespace, when the provider's reference lives in
   * another namespace (a `KeycloakRealm` in the Keycloak namespace).
   * @default - the provider's clientSecret
   */
  readonly clientSecret?: SecretValue;
  /** The scopes requested at login (`OIDC_SCOPE`, `OAUTH2_PROXY_SCOPE`), space-separated when rendered; `openid` among them. @default ["openid", "profile", "email"] */
  readonly scopes?: string[];
  /**
   * The claim holding the groups (`OIDC_GROUPS_ATTRIBUTE`, `OAUTH2_PROXY_OIDC_GROUPS_CLAIM`): a
   * top-level claim (`groups`) or a dotted path (Keycloak's `realm_access.roles`). oauth2-proxy
   * reads dotted paths itself; with mlflow-oidc-auth a dotted path adds our group-detection module
   * (`mlflow_keycloak_groups`), which the plugin's own lookup cannot replace.
   * @default "realm_access.roles" (Keycloak realm roles)
   */
  readonly groupsClaim?: string;
}

/** {@link RelyingPartyOptions}, checked, with the defaults resolved. @internal */
export interface RelyingParty {
  readonly provider: IIdentityProvider;
  /** The public host the provider redirects the browser back to. */
  readonly host: string;
  readonly clientSecret: SecretValue;
  readonly scopes: string[];
  readonly groupsClaim: string;
}

const CLAIM = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Checks the options every relying-party mode shares and the public host it needs: `mode` and
 * `callbackPath` name the mode in the error when the tracking server has no ingress host.
 * @internal
 */
export function resolveRelyingParty(scope: IConstruct, ingressHost: string | undefined, o: RelyingPartyOptions, mode: string, callbackPath: string): RelyingParty {
  const provider = o.provider;
  if (!provider || typeof provider.issuerUrl !== 'string' || typeof provider.discoveryUrl !== 'string' || typeof provider.grantConnect !== 'function') {
    invalid(scope, 'auth.provider', 'must be an IIdentityProvider', typeof provider, 'pass a KeycloakRealm or IdentityProvider.fromIssuer(...)');
  }
  if (!ingressHost) {
    invalid(scope, 'ingress', `is required with ${mode} (the provider redirects the browser back to https://<host>${callbackPath})`, undefined,
      'pass ingress: { host: "mlflow.example.com", tls: ... }');
  }
  const host = checkHostname(scope, 'ingress.host', ingressHost);
  const clientSecret = checkSecretValue(scope, 'auth.clientSecret', o.clientSecret ?? provider.clientSecret, SecretValue,
    'pass SecretValue.fromSecret("mlflow-oidc", "client-secret")');
  const scopes = o.scopes ?? ['openid', 'profile', 'email'];
  if (!Array.isArray(scopes) || scopes.length === 0) invalid(scope, 'auth.scopes', 'must list at least one OAuth scope token', scopes, 'pass scopes: ["openid", "email"]');
  scopes.forEach((s, i) => {
    if (typeof s !== 'string' || !SCOPE_TOKEN.test(s) || s.includes(',')) invalid(scope, `auth.scopes[${i}]`, 'must be one OAuth scope token without ","', s, 'use a scope such as "openid"');
  });
  if (!scopes.includes('openid')) invalid(scope, 'auth.scopes', 'must include "openid"', scopes, 'add "openid" to scopes');
  const groupsClaim = o.groupsClaim ?? 'realm_access.roles';
  if (!CLAIM.test(groupsClaim ?? '')) {
    invalid(scope, 'auth.groupsClaim', 'must be a claim name or a dotted path of claim names', groupsClaim, 'write it as "groups" or "realm_access.roles"');
  }
  return { provider, host, clientSecret, scopes, groupsClaim };
}
