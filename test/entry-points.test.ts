import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

/**
 * Runtime exports of the main entry that are neither a class nor a typed-value object, each with
 * the reason it stays. Everything else the main entry exports at runtime is a class (constructs,
 * typed values such as `SecretValue`, `Peer`, `Labels`), an enum, or an instance of one of those
 * classes (`INTERNET`, a `Peer`); constants are static members
 * of the class they belong to (`SharingHub.VERSION`), helpers static methods
 * (`ValidationError.invalid`), tooling is `@mlops-cdk8s/platform/synth`.
 */
const ALLOWED_OTHER_EXPORTS: Readonly<Record<string, string>> = {
  k8s: 'the generated Kubernetes bindings (a module namespace of classes): escape hatches add objects with them',
  ENVIRONMENT_NAMES: "the values of the EnvironmentName type, in promotion order: apps list a GCP Kubeflow app's environments without loading cdktf (/infra)",
};

type Kind = 'class' | 'enum' | 'typed value' | 'other';

const isClass = (value: unknown): value is abstract new (...args: never[]) => unknown =>
  typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));

/**
 * A class (ES `class` syntax, so not a plain function), an enum (an object of string or number
 * members), a typed value (an instance of one of `classes`, such as a `Peer`), or other.
 */
export function kindOf(value: unknown, classes: readonly unknown[] = []): Kind {
  if (typeof value === 'function') return isClass(value) ? 'class' : 'other';
  if (classes.some((c) => isClass(c) && value instanceof c)) return 'typed value';
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value);
    const member = ([k, v]: [string, unknown]) => typeof v === 'string' || (typeof v === 'number' && (value as Record<number, unknown>)[v] === k);
    if (entries.length > 0 && entries.every(member)) return 'enum';
  }
  return 'other';
}

describe('the main entry exports constructs, props, typed values and interfaces only', () => {
  it('every runtime export is a class, an enum or a typed value, but the listed exceptions', async () => {
    const main: Record<string, unknown> = await import('../lib');
    const classes = Object.values(main).filter(isClass);
    const others = Object.entries(main).filter(([, v]) => kindOf(v, classes) === 'other').map(([k]) => k).sort();
    expect(others).toEqual(Object.keys(ALLOWED_OTHER_EXPORTS).sort());
    // Sanity: the entry is not empty, and the typed values and enums are seen as such.
    expect(Object.keys(main).length).toBeGreaterThan(100);
    expect(kindOf(main.TrackingServer)).toBe('class');
    expect(kindOf(main.SecretValue)).toBe('class');
    expect(kindOf(main.Protocol)).toBe('enum');
    expect(kindOf(main.INTERNET, classes)).toBe('typed value');
  });

  it('the classifier refuses a function, a constant, a plain object and a list', () => {
    enum Numeric { A, B }
    expect(kindOf(Numeric)).toBe('enum');
    expect(kindOf(function standardLabels() { return {}; })).toBe('other');
    expect(kindOf(() => undefined)).toBe('other');
    expect(kindOf('mlops-cdk8s')).toBe('other');
    expect(kindOf(4180)).toBe('other');
    expect(kindOf({ image: { name: 'x' } })).toBe('other');
    expect(kindOf(['openid'])).toBe('other');
    expect(kindOf({})).toBe('other');
    class Exported {}
    expect(kindOf(new Exported(), [Exported])).toBe('typed value');
    expect(kindOf(new Exported(), [])).toBe('other');
    expect(kindOf(new Date(), [Exported])).toBe('other');
  });

  it('what left the main entry is a static member or on /synth', async () => {
    const main: Record<string, any> = await import('../lib');
    const synth: Record<string, unknown> = await import('../lib/synth');
    const moved: Record<string, unknown> = {
      invalid: main.ValidationError.invalid, describeConstruct: main.ValidationError.describeConstruct,
      checkHostname: main.ValidationError.checkHostname, checkDnsLabel: main.ValidationError.checkDnsLabel,
      standardLabels: main.Labels.standard, selectorLabels: main.Labels.selector, MANAGED_BY: main.Labels.MANAGED_BY,
      isEnumMember: main.EnumValue.isMember,
      istioPrincipal: main.IstioAuthorizationRenderer.principal, istioSource: main.IstioAuthorizationRenderer.source,
      istioIngressGateway: main.IstioGateway.ingressGatewayPeer, istioClusterLocalGateway: main.IstioGateway.clusterLocalGatewayPeer,
      expectFlow: main.Platform.expectFlow, expectRoute: main.Platform.expectRoute,
      expectedFlows: synth.expectedFlows, expectedRoutes: synth.expectedRoutes, ReachabilitySimulator: synth.ReachabilitySimulator,
      selectorMatches: synth.selectorMatches, cidrContains: synth.cidrContains, podAddress: synth.podAddress, selectIngressRoute: synth.selectIngressRoute,
      MLFLOW_OIDC_AUTH_VERSION: main.MlflowOidcAuth.VERSION, OAUTH2_PROXY_DEFAULT_IMAGE: main.MlflowOAuth2ProxyAuth.DEFAULT_IMAGE,
      OAUTH2_PROXY_PORT: main.MlflowOAuth2ProxyAuth.PORT, WORKLOAD_IDENTITY_ANNOTATION: main.KfpGcp.WORKLOAD_IDENTITY_ANNOTATION,
      KFP_MYSQL_SECRET: main.KfpGcp.MYSQL_SECRET, MLFLOW_ADMIN_ROLE: main.KeycloakRealm.MLFLOW_ADMIN_ROLE,
      MLFLOW_USER_ROLE: main.KeycloakRealm.MLFLOW_USER_ROLE, KEYCLOAK_CONFIG_CLI_IMAGE: main.KeycloakClientSetup.CONFIG_CLI_IMAGE,
      SHARINGHUB_GITLAB_SCOPES: main.SharingHub.GITLAB_SCOPES, SHARINGHUB_OAUTH_CALLBACK_PATH: main.SharingHub.OAUTH_CALLBACK_PATH,
      SHARINGHUB_VERSION: main.SharingHub.VERSION, MLFLOW_SHARINGHUB_PATH: main.MlflowSharingHub.PATH,
      MLFLOW_SHARINGHUB_VERSION: main.MlflowSharingHub.VERSION, GITLAB_CHART_VERSION: main.GitLabChart.VERSION,
      renderMermaid: synth.renderMermaid, enableAppChecks: synth.enableAppChecks, registerAppCheck: synth.registerAppCheck,
      withoutAppChecks: synth.withoutAppChecks, appChecksEnabled: synth.appChecksEnabled,
    };
    for (const [name, now] of Object.entries(moved)) {
      expect(main[name], name).toBeUndefined();
      expect(now, name).toBeDefined();
    }
    expect(main.Labels.standard({ name: 'mlflow', instance: 'mlflow', component: 'server' })['app.kubernetes.io/managed-by']).toBe('mlops-cdk8s');
    expect(main.MlflowOAuth2ProxyAuth.PORT).toBe(4180);
    expect(() => main.ValidationError.checkHostname('x', 'host', 'https://a.example.com')).toThrow(
      'x: host must be a fully qualified lower-case host name without scheme, port or path, got "https://a.example.com". Fix: write it as "mlflow.example.com"');
  });

  it('loading the built main entry alone registers the app checks (a plain app.synth() runs them)', () => {
    // A fresh Node process: nothing but the main entry is loaded, the /synth entry never is.
    const script = `
      const lib = require('./build/lib');
      const { App, Chart } = require('cdk8s');
      const chart = new Chart(new App(), 'c', { namespace: 'c' });
      new lib.Namespace(chart, 'ns');
      const { appChecksEnabled } = require('./build/lib/core/app-checks');
      const loaded = Object.keys(require.cache).some((f) => f.endsWith(require('path').join('lib', 'synth', 'index.js')));
      process.stdout.write(JSON.stringify({ enabled: appChecksEnabled(chart), synthEntryLoaded: loaded }));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ enabled: true, synthEntryLoaded: false });
  });
});
