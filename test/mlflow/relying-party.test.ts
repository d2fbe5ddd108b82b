import { describe, expect, it } from 'vitest';
import { Workload } from '../../lib/core/workload';
import { IdentityProvider } from '../../lib/identity/identity-provider';
import { MlflowAuthContext } from '../../lib/mlflow/auth';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { RelyingPartyOptions } from '../../lib/mlflow/relying-party';
import { exactly, secretRef, synthChart } from '../support/synth';

type Mode = 'oidc' | 'oauth2-proxy';

/** Binds the relying-party modes with the same shared options; returns their env maps (or throws the first error). */
function bindBoth(shared: Partial<RelyingPartyOptions>, ctx: Partial<MlflowAuthContext> = {}, modes: Mode[] = ['oidc', 'oauth2-proxy']) {
  const envs: Array<Record<string, unknown>> = [];
  synthChart((chart) => {
    const workload = new Workload(chart, 'mlflow', { name: 'mlflow', instance: 'mlflow', component: 'tracking-server' });
    const provider = IdentityProvider.fromExisting(chart, 'keycloak', {
      keycloakUrl: 'https://keycloak.example.com', realm: 'thinkube', clientId: 'mlflow', clientSecret: secretRef('mlflow-oidc', 'client-secret'),
    });
    const context = { workload, replicas: 1, ingressHost: 'mlflow.example.com', ...ctx };
    for (const mode of modes) {
      const auth = mode === 'oidc'
        ? MlflowAuth.oidc({ provider, image: 'registry.example.com/mlflow-oidc-auth:3.14.0-7.18.0', ...shared })
        : MlflowAuth.oauth2Proxy({ provider, cookieSecret: secretRef('mlflow-oauth2-proxy', 'cookie-secret'), ...shared });
      const config = auth.bind(workload, context);
      // oauth2-proxy's settings are its sidecar's environment.
      envs.push(Object.fromEntries((config.sidecar?.container.env ?? config.env).map(([k, v]) => [k, (v.source as { value?: string }).value ?? v.source])));
    }
  }, 'mlflow');
  return envs;
}

describe('RelyingPartyOptions (shared by MlflowAuth.oidc and MlflowAuth.oauth2Proxy)', () => {
  it('resolves the client secret, scopes and groups claim the same way for both modes', () => {
    const [oidc, proxy] = bindBoth({ clientSecret: secretRef('mlflow-client', 'secret'), scopes: ['openid', 'groups'], groupsClaim: 'groups' });
    expect([oidc.OIDC_SCOPE, oidc.OIDC_GROUPS_ATTRIBUTE]).toEqual(['openid groups', 'groups']);
    expect([proxy.OAUTH2_PROXY_SCOPE, proxy.OAUTH2_PROXY_OIDC_GROUPS_CLAIM]).toEqual(['openid groups', 'groups']);
    expect(oidc.OIDC_CLIENT_SECRET).toEqual({ valueFrom: { secretKeyRef: { name: 'mlflow-client', key: 'secret' } } });
    expect(proxy.OAUTH2_PROXY_CLIENT_SECRET).toEqual(oidc.OIDC_CLIENT_SECRET);
  });

  it('refuses the same bad values with the same errors in both modes', () => {
    for (const mode of ['oidc', 'oauth2-proxy'] as const) {
      const only = (shared: Partial<RelyingPartyOptions>) => () => bindBoth(shared, {}, [mode]);
      expect(only({ scopes: ['openid', 'a,b'] }), mode).toThrowError(exactly(
        'test/mlflow: auth.scopes[1] must be one OAuth scope token without ",", got "a,b". Fix: use a scope such as "openid"'));
      expect(only({ scopes: [] }), mode).toThrowError(exactly(
        'test/mlflow: auth.scopes must list at least one OAuth scope token, got []. Fix: pass scopes: ["openid", "email"]'));
      expect(only({ clientSecret: 'hunter2' as any }), mode).toThrowError(/^test\/mlflow: auth\.clientSecret must be a SecretValue, never a string/);
    }
  });

  it('names the mode and its callback path when the tracking server has no ingress host', () => {
    expect(() => bindBoth({}, { ingressHost: undefined }, ['oidc'])).toThrowError(/^test\/mlflow: ingress is required with OIDC auth \(the provider redirects the browser back to https:\/\/<host>\/callback\)/);
    expect(() => bindBoth({}, { ingressHost: undefined }, ['oauth2-proxy'])).toThrowError(/^test\/mlflow: ingress is required with oauth2-proxy \(the provider redirects the browser back to https:\/\/<host>\/oauth2\/callback\)/);
  });
});
