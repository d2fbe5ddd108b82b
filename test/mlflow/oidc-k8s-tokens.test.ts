import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { OidcAuthOptions } from '../../lib/mlflow/oidc-auth';
import { synthAuthServer } from '../support/mlflow-fixture';
import { loadValidator } from '../support/schema';
import { container, envOf, exactly, find, ofKind, podSpec } from '../support/synth';

function build(tokens: OidcAuthOptions['serviceAccountTokens'], extra: (chart: Chart) => Partial<OidcAuthOptions> = () => ({})) {
  return synthAuthServer((provider, chart) => MlflowAuth.oidc({
    provider, image: 'registry.example.com/mlflow-oidc:3.14.0-7.18.0', displayName: 'Login with Keycloak', serviceAccountTokens: tokens, ...extra(chart),
  }));
}

describe('MlflowAuth.oidc serviceAccountTokens (the plugin\'s k8s provider)', () => {
  it('writes AUTH_PROVIDERS_FILE with the OIDC login provider and the k8s provider, in the plugin\'s 7.18.0 format', () => {
    const objs = build({ namespaces: ['team-a', 'team-b'] });
    const mlflow = container(find(objs, 'Deployment', 'mlflow'), 'mlflow');
    expect(envOf(mlflow).AUTH_PROVIDERS_FILE).toBe('/mlflow/oidc/auth_providers.json');
    expect(JSON.parse(find(objs, 'ConfigMap', 'mlflow-oidc').data['auth_providers.json'])).toEqual([
      {
        id: 'default', type: 'oidc', display_name: 'Login with Keycloak',
        discovery_url: 'https://keycloak.example.com/realms/thinkube/.well-known/openid-configuration',
        issuer: 'https://keycloak.example.com/realms/thinkube', audience: 'mlflow', client_id: 'mlflow',
      },
      {
        id: 'kubernetes', type: 'k8s', display_name: 'Kubernetes', audience: 'mlflow-api', issuer: 'https://kubernetes.default.svc.cluster.local',
        namespace_allowlist: ['team-a', 'team-b'], jwks_uri: 'https://kubernetes.default.svc/openid/v1/jwks', in_cluster: true,
      },
    ]);
  });

  it('gives MLflow alone its token and the cluster CA where the plugin reads them, and the issuer-discovery role', () => {
    const objs = build({ namespaces: ['team-a'] });
    const dep = find(objs, 'Deployment', 'mlflow');
    expect(podSpec(dep).automountServiceAccountToken).toBe(false);
    expect(podSpec(dep).volumes).toContainEqual({
      name: 'kube-api-access',
      projected: { defaultMode: 0o444, sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      ] },
    });
    expect(container(dep, 'mlflow').volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    expect(container(dep, 'db-upgrade').volumeMounts.map((m: any) => m.name)).not.toContain('kube-api-access');
    const crb = find(objs, 'ClusterRoleBinding', 'mlflow-mlflow-issuer-discovery');
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:service-account-issuer-discovery' });
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: dep.spec.template.spec.serviceAccountName, namespace: 'mlflow' }]);
    expect(crb.metadata.labels['app.kubernetes.io/name']).toBe('mlflow');
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('lets MLflow out to the API server and the allowed namespaces in to 5000', () => {
    const objs = build({ namespaces: ['team-a'], apiServer: Peer.cidr('10.0.0.10/32'), apiServerPort: 443, audience: 'mlflow', issuer: 'https://oidc.example.com/id/X' });
    const egress = find(objs, 'NetworkPolicy', 'mlflow-egress').spec.egress;
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    const ingress = ofKind(objs, 'NetworkPolicy').flatMap((np: any) => np.spec.ingress ?? []);
    expect(ingress).toContainEqual({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } } }], ports: [{ protocol: 'TCP', port: 5000 }] });
    const k8sEntry = JSON.parse(find(objs, 'ConfigMap', 'mlflow-oidc').data['auth_providers.json'])[1];
    expect([k8sEntry.audience, k8sEntry.issuer]).toEqual(['mlflow', 'https://oidc.example.com/id/X']);
  });

  it('renders nothing of it without the option', () => {
    const objs = build(undefined);
    expect(envOf(container(find(objs, 'Deployment', 'mlflow'), 'mlflow')).AUTH_PROVIDERS_FILE).toBeUndefined();
    expect(ofKind(objs, 'ClusterRoleBinding')).toEqual([]);
  });

  it('rejects bad input with the exact message', () => {
    expect(() => build({ namespaces: [] })).toThrowError(exactly(
      'test/mlflow: auth.serviceAccountTokens.namespaces must list at least one namespace (the plugin admits nobody with an empty list), got []. Fix: pass namespaces: ["team-a"]'));
    expect(() => build({ namespaces: ['Team_A'] })).toThrowError(/^test\/mlflow: auth\.serviceAccountTokens\.namespaces\[0\] /);
    expect(() => build({ namespaces: ['a', 'a'] })).toThrowError(exactly(
      'test/mlflow: auth.serviceAccountTokens.namespaces must not repeat a namespace, got ["a","a"]. Fix: list each namespace once'));
    expect(() => build({ namespaces: ['a'], issuer: 'http://kubernetes.default.svc' })).toThrowError(/^test\/mlflow: auth\.serviceAccountTokens\.issuer must be an https URL/);
    expect(() => build({ namespaces: ['a'], audience: 'a b' })).toThrowError(/^test\/mlflow: auth\.serviceAccountTokens\.audience must be letters/);
    expect(() => build({ namespaces: ['a'], apiServer: '10.0.0.1' as any })).toThrowError(/^test\/mlflow: auth\.serviceAccountTokens\.apiServer must be a Peer/);
  });
});
