import { MlflowAuthMode } from './auth';
import { BasicAuthOptions, MlflowBasicAuth } from './basic-auth';
import { MlflowOAuth2ProxyAuth, OAuth2ProxyOptions } from './oauth2-proxy';
import { MlflowOidcAuth, OidcAuthOptions } from './oidc-auth';

/**
 * How MLflow authenticates users: the registry of auth modes. Each factory creates the mode of
 * its own file; a new mode is that file (a class extending {@link MlflowAuthMode}) plus its
 * factory here. `x instanceof MlflowAuth` holds for every mode.
 */
export abstract class MlflowAuth extends MlflowAuthMode {
  /**
   * Single sign-on with the mlflow-oidc-auth plugin (`mlflow server --app-name oidc-auth`): OIDC
   * login for the UI, bearer tokens for the API, group-based permissions.
   */
  public static oidc(options: OidcAuthOptions): MlflowOidcAuth {
    return new MlflowOidcAuth(options);
  }
  /**
   * MLflow's built-in basic authentication (`--app-name basic-auth`): users and permissions in a
   * database of its own, the admin's password and Flask's secret key by reference.
   */
  public static basic(options: BasicAuthOptions): MlflowBasicAuth {
    return new MlflowBasicAuth(options);
  }
  /**
   * oauth2-proxy as a sidecar in front of MLflow (the community-charts chart's `oauth2Proxy`):
   * OIDC login with cookie sessions, group gate, bearer JWTs for programs; MLflow listens on
   * 127.0.0.1 and runs without its own permissions (everyone admitted has every right).
   */
  public static oauth2Proxy(options: OAuth2ProxyOptions): MlflowOAuth2ProxyAuth {
    return new MlflowOAuth2ProxyAuth(options);
  }
  /** The modes extend {@link MlflowAuthMode} (their files cannot import this one): each is an MlflowAuth. */
  public static [Symbol.hasInstance](value: unknown): boolean {
    return this === MlflowAuth ? value instanceof MlflowAuthMode : Function.prototype[Symbol.hasInstance].call(this, value);
  }
}
