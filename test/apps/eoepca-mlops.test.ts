import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { eoepcaMlops, EoepcaMlopsOptions, SHARINGHUB_OAUTH_SECRET } from '../../apps/eoepca-mlops';
import { AppNotes, ConnectionGraph, SharingHub } from '../../lib';
import { checkApp } from '../../lib/synth/manifest-checks';
import { synthObjects } from '../../lib/synth/synth';
import { loadValidator } from '../support/schema';
import { envOf, container, exactly, find } from '../support/synth';

function build(options: EoepcaMlopsOptions = {}) {
  const app = new App();
  eoepcaMlops(app, 'eoepca-mlops', options);
  return { app, objs: synthObjects(app) as any[] };
}
const seed = build({ deployGitLab: true });
const objs = seed.objs;

describe('apps/eoepca-mlops (seed 000)', () => {
  it('validates strictly and passes the security and wiring checks (only the OAuth Secret is a prerequisite)', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
    expect(checkApp(objs, { secrets: [SHARINGHUB_OAUTH_SECRET] })).toEqual([]);
  });

  it('holds no secret value: no Secret objects, ExternalSecrets only, templates only placeholders', () => {
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    const externals = objs.filter((o) => o.kind === 'ExternalSecret').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
    expect(externals).toEqual(['gitlab/gitlab-initial-root-password', 'gitlab/gitlab-storage-config', 'gitlab/object-storage', 'gitlab/openid-connect',
      'sharinghub/mlflow-sharinghub', 'sharinghub/mlflow-sharinghub-postgres', 'sharinghub/sharinghub', 'sharinghub/sharinghub-s3']);
    const oidc = find(objs, 'ExternalSecret', 'openid-connect');
    const provider = YAML.parse(oidc.spec.target.template.data.provider.replace('{{ .clientSecret | toJson }}', '"X"'));
    expect(provider).toMatchObject({ name: 'openid_connect', label: 'EOEPCA', args: { issuer: 'https://auth.example.com/realms/eoepca', discovery: true, pkce: true, uid_field: 'preferred_username',
      client_options: { identifier: 'gitlab', secret: 'X', redirect_uri: 'https://gitlab.example.com/users/auth/openid_connect/callback' } } });
    expect(find(objs, 'ExternalSecret', 'object-storage').spec.target.template.data.connection).toContain('aws_secret_access_key: {{ .secretKey | toJson }}');
    expect(find(objs, 'ExternalSecret', 'gitlab-storage-config').spec.target.template.data.config).toContain('secret_key = {{ .secretKey }}');
    // Every sensitive variable is a reference.
    for (const o of objs.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
      for (const c of [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers]) {
        for (const e of c.env ?? []) if (/KEY|SECRET|PASSWORD/.test(e.name)) expect(e.value, `${o.metadata.name}/${e.name}`).toBeUndefined();
      }
    }
  });

  it('is configured like the seed: hosts, cluster issuer, S3 endpoint, buckets and region', () => {
    expect(find(objs, 'Ingress', 'sharinghub').metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '10g', 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    const config = YAML.parse(find(objs, 'ConfigMap', 'sharinghub-config').data['config.yaml']);
    expect(config.s3).toEqual({ enable: true, bucket: 'mlopbb-sharinghub', region: 'us-east-1', endpoint: 'https://minio.example.com' });
    expect(config.stac.categories.map((c: any) => Object.keys(c)[0])).toEqual(['ai-model', 'dataset']);
    expect(config.tags.sections.map((s: any) => s.name)).toEqual(['Computer Vision', 'Multimodal', 'Tabular']);
    expect(config.mlflow.url).toBe('https://sharinghub.example.com/mlflow');
    expect(envOf(container(find(objs, 'Deployment', 'mlflow-sharinghub'), 'mlflow')).SHARINGHUB_URL).toBe('https://sharinghub.example.com');
    const gitlab = find(objs, 'Application', 'gitlab');
    expect(gitlab.metadata.namespace).toBe('argocd');
    expect(gitlab.spec.source).toMatchObject({ repoURL: 'https://charts.gitlab.io', chart: 'gitlab', targetRevision: '8.7.0' });
    expect(gitlab.spec.source.helm.valuesObject.global.appConfig.omniauth.providers).toEqual([{ secret: 'openid-connect', key: 'provider' }]);
    expect(gitlab.spec.source.helm.valuesObject.global.initialRootPassword).toEqual({ secret: 'gitlab-initial-root-password', key: 'password' });
  });

  it('declares exactly the seed\'s connections', () => {
    const edges = ConnectionGraph.of(seed.app).connections.map((c) => `${c.from} -> ${c.to}:${c.port.number}`);
    expect(edges.sort()).toEqual([
      'mlflow-postgres-app-setup (sharinghub) -> mlflow-postgres (sharinghub):5432',
      // SharingHub's API at SHARINGHUB_URL and the S3 endpoint minio.<domain>, both behind the ingress
      // controller, which runs behind an external load balancer (EOEPCA's ingress guide): public names
      // do not hairpin, so egress goes to the load balancer's addresses (any, unless the platform names them).
      'mlflow-sharinghub (sharinghub) -> 0.0.0.0/0:443',
      'mlflow-sharinghub (sharinghub) -> mlflow-postgres (sharinghub):5432',
      'namespace ingress-nginx app.kubernetes.io/component=controller,app.kubernetes.io/name=ingress-nginx -> mlflow-sharinghub (sharinghub):5000',
      'namespace ingress-nginx app.kubernetes.io/component=controller,app.kubernetes.io/name=ingress-nginx -> sharinghub (sharinghub):8000',
      // GitLab (gitlab.<domain>) and S3 (minio.<domain>), both behind the ingress.
      'sharinghub (sharinghub) -> 0.0.0.0/0:443',
      'sharinghub-smoke-test (sharinghub) -> 0.0.0.0/0:443',
    ]);
  });

  it('keeps the database volume when the app is deleted', () => {
    const sts = find(objs, 'StatefulSet', 'mlflow-postgres');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('by default uses an existing GitLab at gitlab.<domain>', () => {
    const { objs: o } = build({ domain: 'eoepca.org' });
    expect(o.find((x) => x.kind === 'Application')).toBeUndefined();
    expect(YAML.parse(find(o, 'ConfigMap', 'sharinghub-config').data['config.yaml']).gitlab.url).toBe('https://gitlab.eoepca.org');
  });

  it.each<[EoepcaMlopsOptions, string]>([
    [{ domain: 'Example.com' }, 'eoepca-mlops/sharinghub: ingress.host must be a fully qualified lower-case host name without scheme, port or path, got "sharinghub.Example.com". Fix: write it as "mlflow.example.com"'],
    [{ ingressClassName: 'nginx_public' }, 'eoepca-mlops/sharinghub: ingress.className must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "nginx_public". Fix: use a name such as "nginx-public"'],
    [{ clusterIssuer: 'Letsencrypt Prod' }, 'IngressTls.certManagerClusterIssuer: issuer must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Letsencrypt Prod". Fix: use a name such as "letsencrypt-prod"'],
    [{ clusterIssuer: 'letsencrypt-prod', tlsSecret: 'sharinghub-tls' }, 'eoepca-mlops: tlsSecret conflicts with clusterIssuer (the certificate comes from one of them), got "<redacted>". Fix: remove clusterIssuer to use the existing secret, or remove tlsSecret to let cert-manager issue it'],
    [{ s3Endpoint: 'minio.example.com' }, 'eoepca-mlops/s3: endpointUrl must be an http(s) URL with no path and no credentials, got "minio.example.com". Fix: write it as "https://s3.eu-west-1.amazonaws.com" and pass keys through credentials'],
    [{ s3Region: '' }, 'eoepca-mlops: s3Region must be an S3 region name, got "". Fix: use the region of your S3 endpoint, such as "us-east-1"'],
    [{ mlflowBucket: 'MLflow_Artifacts' }, 'eoepca-mlops/s3: bucket name must be an S3 bucket name (3 to 63 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit, not an IP address), got "MLflow_Artifacts". Fix: use a name such as "mlflow-artifacts"'],
    [{ deployGitLab: true, oidcIssuerUrl: 'http://keycloak.example.com/realms/eoepca' }, 'eoepca-mlops-gitlab/oidc: issuerUrl must be an https URL without credentials, query or fragment, got "http://keycloak.example.com/realms/eoepca". Fix: write it as "https://keycloak.example.com/realms/platform"'],
    [{ deployGitLab: true, gitlabUrl: 'https://gitlab.example.com' }, 'eoepca-mlops: gitlabUrl conflicts with deployGitLab (the deployed GitLab is https://gitlab.<domain>), got "https://gitlab.example.com". Fix: remove gitlabUrl or deployGitLab'],
  ])('refuses a bad prerequisite %j', (options, message) => {
    expect(() => build(options)).toThrowError(exactly(message));
  });
});

describe('apps/eoepca-mlops README: what differs from the guide', () => {
  it('asks for every scope SharingHub 0.3.0 requests from GitLab, not only the guide\'s three', () => {
    expect([...SharingHub.GITLAB_SCOPES].sort()).toEqual(['api', 'email', 'openid', 'profile', 'read_repository', 'read_user', 'write_repository']);
    const app = new App();
    eoepcaMlops(app, 'eoepca-mlops');
    const [note] = AppNotes.of(app).differences.filter((d) => d.startsWith('GitLab OAuth application'));
    for (const scope of SharingHub.GITLAB_SCOPES) expect(note).toContain(`\`${scope}\``);
    expect(note).toContain('`https://sharinghub.example.com/api/auth/login/callback`');
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'eoepca-mlops', 'README.md'), 'utf8');
    expect(readme).toContain(note);
  });
});
