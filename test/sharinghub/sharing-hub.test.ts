import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { Database, DatabaseEngine, GitLab, IngressTls, MlflowSharingHubAuth, Peer, SharingHub, SharingHubSmokeTest } from '../../lib';
import { readScript } from '../../lib/core/script-file';
import { checkApp } from '../../lib/synth/manifest-checks';
import { loadValidator } from '../support/schema';
import { container, envOf, exactly, find, secretRef, synthChart } from '../support/synth';
import { CONFIG, hub } from './fixtures';

const objs = synthChart((chart) => {
  const { sharinghub, mlflow } = hub(chart);
  new SharingHubSmokeTest(chart, 'smoke', { sharingHub: sharinghub, mlflow: mlflow! });
}, 'sharinghub');
const config = YAML.parse(find(objs, 'ConfigMap', 'sharinghub-config').data['config.yaml']);
const deploy = find(objs, 'Deployment', 'sharinghub');
const mlflowDeploy = find(objs, 'Deployment', 'mlflow-sharinghub');

describe('SharingHub config file', () => {
  it('renders the keys sharinghub-server 0.3.0 reads, wired to GitLab, S3 and MLflow', () => {
    expect(config.gitlab).toEqual({ 'url': 'https://gitlab.example.com', 'allow-public': true });
    expect(config.s3).toEqual({ enable: true, bucket: 'mlopbb-sharinghub', region: 'eu', endpoint: 'https://minio.example.com' });
    expect(config.mlflow).toEqual({ type: 'mlflow-sharinghub', url: 'https://sharinghub.example.com/mlflow' });
    expect(config.server).toEqual({ 'log-level': 'INFO', 'allowed-origins': ['https://eoepca.readthedocs.io'] });
    expect(config.stac.projects).toEqual({ 'cache-timeout': 30 });
    expect(config.stac.root).toEqual({ id: 'gitlab', title: 'Catalog', description: 'Projects', locales: { fr: { title: 'Catalogue' } } });
    expect(config.stac.categories).toEqual([
      { 'ai-model': { title: 'AI Models', description: 'Models', gitlab_topic: 'sharinghub:aimodel', features: { 'store-s3': 'enable', 'mlflow': 'enable' } } },
      { dataset: { title: 'Datasets', description: 'Data', gitlab_topic: 'sharinghub:dataset', features: { mlflow: 'disable' } } },
    ]);
    expect(config.tags).toEqual({ gitlab: { minimum_count: 1 }, sections: [{ name: 'Tabular', enabled_for: ['ai-model'], keywords: ['Tabular Regression'] }] });
    // services.store is a 0.4.0 key: 0.3.0 does not read it.
    expect(config.services).toBeUndefined();
  });

  it('holds no secret: the session key, OAuth client and S3 keys are secretKeyRefs', () => {
    const text = find(objs, 'ConfigMap', 'sharinghub-config').data['config.yaml'];
    expect(text).not.toMatch(/secret|password|access-key/i);
    const env = envOf(container(deploy, 'sharinghub'));
    expect(env.CONFIG_PATH).toBe('/etc/sharinghub/config.yaml');
    expect(env.SESSION_SECRET_KEY).toEqual({ secretKeyRef: { name: 'sharinghub', key: 'session-secret-key' } });
    expect(env.GITLAB_OAUTH_CLIENT_ID).toEqual({ secretKeyRef: { name: 'sharinghub-oidc', key: 'client-id' } });
    expect(env.GITLAB_OAUTH_CLIENT_SECRET).toEqual({ secretKeyRef: { name: 'sharinghub-oidc', key: 'client-secret' } });
    expect(env.S3_ACCESS_KEY).toEqual({ secretKeyRef: { name: 's3', key: 'access-key' } });
    expect(env.S3_SECRET_KEY).toEqual({ secretKeyRef: { name: 's3', key: 'secret-key' } });
  });

  it('mounts the ConfigMap where CONFIG_PATH points, runs as the image user, probes /status, rolls on config change', () => {
    const c = container(deploy, 'sharinghub');
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/sharinghub', readOnly: true });
    expect(deploy.spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'sharinghub-config' } });
    expect(c.securityContext).toMatchObject({ runAsUser: 999, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/status', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/status', port: 'http' });
    expect(c.image).toBe('eoepca/sharinghub:0.3.0');
    expect(deploy.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('Ingress sharinghub.<domain> with the ClusterIssuer and the sharinghub-tls secret', () => {
    const ing = find(objs, 'Ingress', 'sharinghub');
    expect(ing.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(ing.spec.tls).toEqual([{ hosts: ['sharinghub.example.com'], secretName: 'sharinghub-tls' }]);
    expect(ing.spec.rules[0].http.paths).toEqual([{ path: '/', pathType: 'Prefix', backend: { service: { name: 'sharinghub', port: { name: 'http' } } } }]);
    expect(find(objs, 'Service', 'sharinghub').spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('validates strictly and passes the app checks', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
    expect(checkApp(objs, { secrets: ['sharinghub', 'sharinghub-oidc', 's3', 'pg', 'mlflow-sharinghub'] })).toEqual([]);
  });

  it.each([
    [{ config: { ...CONFIG, stac: { ...CONFIG.stac, categories: [] } } }, 'test/sharinghub: config.stac.categories must list at least one category, got []. Fix: pass categories such as [{ id: "ai-model", title: "AI Models", description: "...", gitlabTopic: "sharinghub:aimodel" }]'],
    [{ config: { ...CONFIG, tags: { sections: [{ name: 'X', enabledFor: ['processor'], keywords: [] }] } } }, 'test/sharinghub: config.tags.sections[0].enabledFor must name categories of config.stac.categories (ai-model, dataset), got "processor". Fix: remove it or add that category'],
    [{ config: { ...CONFIG, stac: { ...CONFIG.stac, categories: [{ ...CONFIG.stac.categories[0], features: { mlflow: 'enable' } }] } } }, 'test/sharinghub: config.stac.categories[0].features.mlflow must be true or false, got "enable". Fix: write mlflow: true (enable) or mlflow: false (disable)'],
    [{ ingress: { host: 'https://sharinghub.example.com', tls: IngressTls.existingSecret('sharinghub-tls') } }, 'test/sharinghub: ingress.host must be a fully qualified lower-case host name without scheme, port or path, got "https://sharinghub.example.com". Fix: write it as "mlflow.example.com"'],
    [{ ingress: { host: 'sharinghub.example.com', tls: IngressTls.existingSecret('sharinghub-tls'), className: 'Nginx' } }, 'test/sharinghub: ingress.className must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "Nginx". Fix: use a name such as "nginx"'],
  ])('refuses bad props (%#)', (over, message) => {
    expect(() => synthChart((chart) => { hub(chart, over as any, false); })).toThrowError(exactly(message));
  });

  it('an existing TLS secret is used as is, without cert-manager', () => {
    const o = synthChart((chart) => { hub(chart, { ingress: { host: 'sharinghub.example.com', tls: IngressTls.existingSecret('my-tls') } }); });
    expect(find(o, 'Ingress', 'sharinghub').metadata.annotations['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(find(o, 'Ingress', 'mlflow-sharinghub').spec.tls[0].secretName).toBe('my-tls');
  });

  it('GitLab URL must be https without a path', () => {
    expect(() => synthChart((chart) => { GitLab.fromExisting(chart, 'gitlab', { url: 'http://gitlab.example.com' }); }))
      .toThrowError(exactly('test/gitlab: url must be an https URL with no path, query or credentials, got "http://gitlab.example.com". Fix: write it as "https://gitlab.example.com"'));
    expect(() => synthChart((chart) => { GitLab.fromExisting(chart, 'gitlab', { url: 'https://root:pw@gitlab.example.com' }); }))
      .toThrowError(/got "<redacted>"/);
  });
});

describe('MlflowSharingHub', () => {
  const c = container(mlflowDeploy, 'mlflow');
  const env = envOf(c);

  it('takes the password from PGPASSWORD: never in the URI, an argument or a literal', () => {
    expect(env.MLFLOW_BACKEND_STORE_URI).toBe('postgresql+psycopg2://mlflow@mlflow-postgres.sharinghub.svc.cluster.local:5432/mlflow');
    expect(env.PGPASSWORD).toEqual({ secretKeyRef: { name: 'pg', key: 'password' } });
    const migrate = container(mlflowDeploy, 'db-upgrade');
    expect(envOf(migrate).PGPASSWORD).toEqual({ secretKeyRef: { name: 'pg', key: 'password' } });
    expect(JSON.stringify(mlflowDeploy)).not.toMatch(/:\/\/[^/@"]+:[^@"]+@/);
  });

  it('migrates with db_upgrade.py, not `mlflow db upgrade` (which fails on the empty database of a first install)', () => {
    const migrate = container(mlflowDeploy, 'db-upgrade');
    expect(migrate.command).toEqual(['python', '/scripts/db_upgrade.py']);
    expect(migrate.volumeMounts).toContainEqual({ name: 'scripts', mountPath: '/scripts', readOnly: true });
    expect(envOf(migrate).MLFLOW_BACKEND_STORE_URI).toBe(env.MLFLOW_BACKEND_STORE_URI);
    expect(mlflowDeploy.spec.template.spec.volumes).toContainEqual({ name: 'scripts', configMap: { name: 'mlflow-sharinghub-scripts' } });
    // The TrackingServer's script, verbatim: an empty database is left to `mlflow server`.
    const script = find(objs, 'ConfigMap', 'mlflow-sharinghub-scripts').data['db_upgrade.py'];
    expect(script).toBe(readScript(path.resolve(__dirname, '..', '..', 'lib', 'mlflow'), 'db_upgrade.py'));
    expect(script).toContain('if "experiments" not in tables:');
  });

  it('sets what the image reads: SharingHub integration, S3 artifacts, SECRET_KEY; GITLAB_URL only in GitLab mode', () => {
    expect(env.SHARINGHUB_URL).toBe('https://sharinghub.example.com');
    expect(env.SHARINGHUB_STAC_COLLECTION).toBe('ai-model');
    expect(env.SHARINGHUB_AUTH_DEFAULT_TOKEN).toEqual({ configMapKeyRef: { name: 'mlflow-sharinghub-settings', key: 'auth-default-token' } });
    expect(find(objs, 'ConfigMap', 'mlflow-sharinghub-settings').data).toEqual({ 'auth-default-token': 'false' });
    expect(env.SECRET_KEY).toEqual({ secretKeyRef: { name: 'mlflow-sharinghub', key: 'secret-key' } });
    expect(env.MLFLOW_S3_ENDPOINT_URL).toBe('https://minio.example.com');
    expect(env.AWS_SECRET_ACCESS_KEY).toEqual({ secretKeyRef: { name: 's3', key: 'secret-key' } });
    expect(c.command).toEqual(expect.arrayContaining(['--app-name', 'sharinghub', '--artifacts-destination', 's3://mlopbb-mlflow']));
    expect(env.GITLAB_URL).toBeUndefined();
    const gl = synthChart((chart) => {
      hub(chart, {}, { auth: MlflowSharingHubAuth.gitlab({ gitlab: GitLab.fromExisting(chart, 'gl', { url: 'https://gitlab.example.com' }), clientId: secretRef('mlflow-gitlab', 'client-id'), clientSecret: secretRef('mlflow-gitlab', 'client-secret') }) });
    });
    const glEnv = envOf(container(find(gl, 'Deployment', 'mlflow-sharinghub'), 'mlflow'));
    expect(glEnv.GITLAB_URL).toBe('https://gitlab.example.com');
    expect(glEnv.GITLAB_OAUTH_CLIENT_SECRET).toEqual({ secretKeyRef: { name: 'mlflow-gitlab', key: 'client-secret' } });
  });

  it('has writable session and scratch directories on a read-only root, and /health probes', () => {
    expect(c.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/home/mlflow/_sessions', '/tmp']);
    expect(c.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, readOnlyRootFilesystem: true });
    expect(c.livenessProbe.httpGet.path).toBe('/health');
    expect(mlflowDeploy.spec.replicas).toBe(1);
  });

  it('is served at https://sharinghub.<domain>/mlflow/: rewritten to /, same host and TLS secret, no second certificate', () => {
    const ing = find(objs, 'Ingress', 'mlflow-sharinghub');
    expect(ing.spec.rules).toEqual([{ host: 'sharinghub.example.com', http: { paths: [{ path: '/mlflow/(.*)', pathType: 'ImplementationSpecific', backend: { service: { name: 'mlflow-sharinghub', port: { name: 'http' } } } }] } }]);
    expect(ing.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/use-regex': 'true', 'nginx.ingress.kubernetes.io/rewrite-target': '/$1', 'nginx.ingress.kubernetes.io/proxy-body-size': '0' });
    expect(ing.spec.tls).toEqual([{ hosts: ['sharinghub.example.com'], secretName: 'sharinghub-tls' }]);
    // What the rewrite does to the paths the UI and the clients use.
    const rewrite = (p: string) => { const m = new RegExp(`^${ing.spec.rules[0].http.paths[0].path}`).exec(p); return m ? p.replace(m[0], `/${m[1]}`) : undefined; };
    expect(rewrite('/mlflow/')).toBe('/');
    expect(rewrite('/mlflow/health')).toBe('/health');
    expect(rewrite('/mlflow/ajax-api/2.0/mlflow/experiments/search')).toBe('/ajax-api/2.0/mlflow/experiments/search');
    expect(rewrite('/mlflow/group/project/tracking/')).toBe('/group/project/tracking/');
    expect(rewrite('/api/stac/collections')).toBeUndefined();
    const redirect = find(objs, 'Ingress', 'mlflow-sharinghub-redirect');
    expect(redirect.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/use-regex': 'true', 'nginx.ingress.kubernetes.io/permanent-redirect': 'https://sharinghub.example.com/mlflow/' });
    expect(redirect.spec.rules[0].http.paths[0]).toMatchObject({ path: '/mlflow$', pathType: 'ImplementationSpecific' });
  });

  it('sends each path to the right Ingress the way ingress-nginx selects locations (kubernetes/ingress-nginx#10618): /mlflow reaches the redirect', () => {
    // ingress-nginx controller-v1.12.8 (the same in v1.15.1): once any Ingress of a host uses rewrite-target or use-regex,
    // every path of the host becomes `~* "^<path>"` (template.go buildLocation, enforceRegexModifier);
    // locations are sorted longest path first (controller.go), and nginx takes the first regex that matches.
    const ingresses = objs.filter((o: any) => o.kind === 'Ingress' && o.spec.rules.some((r: any) => r.host === 'sharinghub.example.com'));
    const locations = ingresses.flatMap((o: any) => o.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => ({ ingress: o.metadata.name, path: p.path as string, annotations: o.metadata.annotations ?? {} }))));
    const enforceRegex = locations.some((l: any) => l.annotations['nginx.ingress.kubernetes.io/use-regex'] === 'true' || l.annotations['nginx.ingress.kubernetes.io/rewrite-target']);
    expect(enforceRegex).toBe(true);
    const ordered = [...locations].sort((a, b) => (a.path > b.path ? -1 : a.path < b.path ? 1 : 0)).sort((a, b) => b.path.length - a.path.length);
    const served = (uri: string) => ordered.find((l) => new RegExp(`^${l.path}`, 'i').test(uri))?.ingress;
    expect(served('/mlflow')).toBe('mlflow-sharinghub-redirect');
    expect(served('/mlflow/')).toBe('mlflow-sharinghub');
    expect(served('/mlflow/ajax-api/2.0/mlflow/experiments/search')).toBe('mlflow-sharinghub');
    expect(served('/')).toBe('sharinghub');
    expect(served('/api/stac/collections')).toBe('sharinghub');
    expect(served('/mlflowx')).toBe('sharinghub');
    // The earlier rendering, for the record: `/mlflow(/|$)(.*)` next to an Exact `/mlflow` sent
    // `/mlflow` to the proxy (the longer regex matched first), never to the redirect.
    const before = [{ ingress: 'mlflow-sharinghub', path: '/mlflow(/|$)(.*)' }, { ingress: 'mlflow-sharinghub-redirect', path: '/mlflow' }, { ingress: 'sharinghub', path: '/' }];
    expect(before.find((l) => new RegExp(`^${l.path}`, 'i').test('/mlflow'))?.ingress).toBe('mlflow-sharinghub');
  });

  it('forwardScriptName adds the X-Script-Name header the plugin prefixes its redirects with', () => {
    const o = synthChart((chart) => { hub(chart, {}, { forwardScriptName: true }); });
    expect(find(o, 'Ingress', 'mlflow-sharinghub').metadata.annotations['nginx.ingress.kubernetes.io/configuration-snippet']).toBe('proxy_set_header X-Script-Name /mlflow;');
  });

  it.each([
    [{ replicas: 2 }, 'test/mlflow: replicas must be 1: mlflow-sharinghub 0.2.0 keeps sessions in files of the pod (/home/mlflow/_sessions), so a second replica would not know them, got 2. Fix: remove replicas (scale the gunicorn workers with workers instead)'],
    [{ stacCollection: 'AI Models' }, 'test/mlflow: stacCollection must be a SharingHub category id, got "AI Models". Fix: use a category id such as "ai-model"'],
  ])('refuses bad props (%#)', (over, message) => {
    expect(() => synthChart((chart) => { hub(chart, {}, over as any); })).toThrowError(exactly(message));
  });

  it('refuses a MySQL backend store (PGPASSWORD is PostgreSQL only)', () => {
    expect(() => synthChart((chart) => {
      const db = Database.fromExisting(chart, 'db', { engine: DatabaseEngine.MYSQL, host: 'mysql.example.com', databaseName: 'mlflow', username: 'mlflow', password: secretRef('db', 'password'), peer: Peer.cidr('10.0.0.5/32') });
      hub(chart, {}, { database: db });
    })).toThrowError(exactly('test/mlflow: database must be PostgreSQL (the password reaches libpq as PGPASSWORD, which only PostgreSQL reads), got "mysql+pymysql". Fix: pass a Postgres or Database.fromExisting(..., { engine: DatabaseEngine.POSTGRESQL, ... })'));
  });

  it('SharingHub without MLflow has no mlflow section', () => {
    const o = synthChart((chart) => { hub(chart, {}, false); });
    expect(YAML.parse(find(o, 'ConfigMap', 'sharinghub-config').data['config.yaml']).mlflow).toBeUndefined();
    expect(SharingHub.DEFAULT_IMAGE).toBe('eoepca/sharinghub:0.3.0');
  });
});

describe('SharingHubSmokeTest', () => {
  const job = find(objs, 'Job', 'sharinghub-smoke-test');
  it('is a PostSync hook running the script file against the public URL', () => {
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(job.spec.backoffLimit).toBe(0);
    const c = container(job, 'smoke-test');
    expect(c.command).toEqual(['/bin/sh', '/scripts/smoke-test.sh']);
    expect(envOf(c)).toMatchObject({ BASE_URL: 'https://sharinghub.example.com', MLFLOW_PATH: '/mlflow' });
    expect(find(objs, 'ConfigMap', 'sharinghub-smoke-test').data['smoke-test.sh']).toContain('/api/stac/collections');
  });
  it('retries as every smoke test does: two checks, each ATTEMPTS tries within the deadline, curl bounded by TIMEOUT_SECONDS, no sidecar', () => {
    expect(envOf(container(job, 'smoke-test'))).toMatchObject({ ATTEMPTS: '30', RETRY_SECONDS: '10', TIMEOUT_SECONDS: '10' });
    expect(job.spec.activeDeadlineSeconds).toBe(2 * 30 * (10 + 10) + 120);
    expect(job.spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
    expect(find(objs, 'ConfigMap', 'sharinghub-smoke-test').data['smoke-test.sh']).toContain('--max-time "$TIMEOUT_SECONDS"');
  });
  it('its traffic is a declared connection: egress to the ingress controller on 443 only', () => {
    expect(find(objs, 'NetworkPolicy', 'sharinghub-smoke-test-egress').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });
});
