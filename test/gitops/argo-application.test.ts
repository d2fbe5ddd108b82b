import { describe, expect, it } from 'vitest';
import { ArgoApplication, ArgoApplicationProps, ArgoDestination, SyncPolicy } from '../../lib/gitops/argo-application';
import { exactly, find, synthChart } from '../support/synth';

const props = (extra: Partial<ArgoApplicationProps> = {}): ArgoApplicationProps => ({
  name: 'mlflow-minio-postgres',
  source: { repoUrl: 'https://github.com/acme/mlops-platform.git' },
  path: 'dist/mlflow-minio-postgres',
  destinationNamespace: 'mlops',
  ...extra,
});
const synth = (extra: Partial<ArgoApplicationProps> = {}) => synthChart((chart) => new ArgoApplication(chart, 'app', props(extra)), 'argocd');

describe('ArgoApplication', () => {
  const objs = synth();
  const app = find(objs, 'Application', 'mlflow-minio-postgres');

  it('renders an argoproj.io Application in the chart namespace, with the cascade-delete finalizer', () => {
    expect(app.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(app.metadata).toEqual({
      name: 'mlflow-minio-postgres',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/name': 'mlflow-minio-postgres', 'app.kubernetes.io/managed-by': 'mlops-cdk8s' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
  });

  it('syncs the dist/ directory from main into the in-cluster destination, automated with prune and self-heal', () => {
    expect(app.spec).toEqual({
      project: 'default',
      source: { repoURL: 'https://github.com/acme/mlops-platform.git', targetRevision: 'main', path: 'dist/mlflow-minio-postgres' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'mlops' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true, allowEmpty: false },
        syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
      },
    });
  });

  it('takes a revision, project, server, and manual sync', () => {
    const spec = find(synth({
      source: { repoUrl: 'git@github.com:acme/mlops-platform.git', targetRevision: 'v1.2.0' },
      project: 'ml', destination: ArgoDestination.server('https://10.0.0.1'), syncPolicy: SyncPolicy.manual(),
    }), 'Application', 'mlflow-minio-postgres').spec;
    expect(spec.source).toEqual({ repoURL: 'git@github.com:acme/mlops-platform.git', targetRevision: 'v1.2.0', path: 'dist/mlflow-minio-postgres' });
    expect(spec.project).toBe('ml');
    expect(spec.destination).toEqual({ server: 'https://10.0.0.1', namespace: 'mlops' });
    expect(spec.syncPolicy.automated).toBeUndefined();
    expect(spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', 'PruneLast=true']);
  });

  it('matches the snapshot', () => {
    expect(app).toMatchSnapshot();
  });
});

describe('ArgoApplication validation', () => {
  it.each(['http://github.com/acme/mlops-platform.git', 'github.com/acme/mlops-platform', 'https://github.com/acme/mlops platform.git'])('refuses the repoUrl %j', (repoUrl) => {
    expect(() => synth({ source: { repoUrl } })).toThrowError(exactly(
      `test/app: source.repoUrl must be an https://, ssh:// or git@ repository URL, got ${JSON.stringify(repoUrl)}. Fix: pass the URL Argo CD clones, such as "https://github.com/acme/mlops-platform.git"`));
  });

  it.each(['/dist/mlflow', '../dist/mlflow', 'dist/../../etc', 'dist/ml flow', ''])('refuses the path %j', (path) => {
    expect(() => synth({ path })).toThrowError(exactly(
      `test/app: path must be a relative path inside the repository, got ${JSON.stringify(path)}. Fix: use "dist/<app>"`));
  });

  it('checks the name and the destination namespace', () => {
    expect(() => synth({ name: 'MLflow' })).toThrowError(exactly(
      'test/app: name must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "MLflow". Fix: use a name such as "mlflow"'));
    expect(() => synth({ destinationNamespace: 'ml_ops' })).toThrowError(exactly(
      'test/app: destinationNamespace must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "ml_ops". Fix: use a name such as "ml-ops"'));
  });
});

describe('ArgoApplication safety properties', () => {
  it('renders exactly one of server and name (Argo CD takes one), and refuses the removed destinationServer/destinationCluster', () => {
    const spec = find(synth({ destination: ArgoDestination.cluster('prod') }), 'Application', 'mlflow-minio-postgres').spec;
    expect(spec.destination).toEqual({ name: 'prod', namespace: 'mlops' });
    expect(find(synth({ destination: ArgoDestination.inCluster() }), 'Application', 'mlflow-minio-postgres').spec.destination)
      .toEqual({ server: 'https://kubernetes.default.svc', namespace: 'mlops' });
    expect(() => synth({ destinationServer: 'https://10.0.0.1', destinationCluster: 'prod' } as never)).toThrowError(exactly(
      'test/app: destinationServer is no longer a prop, got "https://10.0.0.1". Fix: write destination: ArgoDestination.server("https://10.0.0.1")'));
    expect(() => synth({ destinationCluster: 'prod' } as never)).toThrowError(exactly(
      'test/app: destinationCluster is no longer a prop, got "prod". Fix: write destination: ArgoDestination.cluster("prod")'));
    expect(() => synth({ destination: 'prod' as never })).toThrowError(exactly(
      'test/app: destination must be an ArgoDestination, not a string, got "prod". Fix: write destination: ArgoDestination.inCluster(), ArgoDestination.server("https://...") or ArgoDestination.cluster("name")'));
  });

  it('takes a SyncPolicy, and refuses the removed automated with the SyncPolicy to write', () => {
    const policy = (p: SyncPolicy) => find(synth({ syncPolicy: p }), 'Application', 'mlflow-minio-postgres').spec.syncPolicy.automated;
    expect(policy(SyncPolicy.automated({ prune: false }))).toEqual({ prune: false, selfHeal: true, allowEmpty: false });
    expect(policy(SyncPolicy.automated())).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(policy(SyncPolicy.manual())).toBeUndefined();
    expect(() => synth({ automated: false } as never)).toThrowError(exactly(
      'test/app: automated is no longer a prop, got false. Fix: write syncPolicy: SyncPolicy.manual()'));
    expect(() => synth({ automated: { prune: false } } as never)).toThrowError(exactly(
      'test/app: automated is no longer a prop, got {"prune":false}. Fix: write syncPolicy: SyncPolicy.automated({ prune: false })'));
    expect(() => synth({ syncPolicy: true as never })).toThrowError(exactly(
      'test/app: syncPolicy must be a SyncPolicy, not a boolean, got true. Fix: write syncPolicy: SyncPolicy.automated()'));
    expect(() => SyncPolicy.automated({ prune: 'yes' as never })).toThrowError(exactly(
      'SyncPolicy.automated: prune must be true or false, got "yes". Fix: write prune: true'));
  });

  it('never echoes a token embedded in the repository URL', () => {
    let message = '';
    try {
      synth({ source: { repoUrl: 'http://deploy:ghp_s3cr3t@github.com/acme/mlops-platform.git' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('got "http://<redacted>@github.com/acme/mlops-platform.git"');
    expect(message).not.toContain('ghp_s3cr3t');
  });
});

describe('ArgoApplication server, cluster, project and revision', () => {
  it('checks the server URL, the cluster name, the project and the revision', () => {
    expect(() => ArgoDestination.server('http://kubernetes.default.svc')).toThrowError(exactly(
      'ArgoDestination.server: url must be an https:// API server URL without credentials, query or fragment, got "http://kubernetes.default.svc". Fix: use "https://kubernetes.default.svc" or the URL `argocd cluster list` shows'));
    expect(() => ArgoDestination.server('https://admin:s3cret@k8s.example.com')).toThrowError(/url must be an https:\/\/ API server URL without credentials, query or fragment, got "https:\/\/<redacted>@k8s\.example\.com"\./);
    expect(() => ArgoDestination.server('https://admin:s3cret@k8s.example.com')).not.toThrow(/s3cret/);
    expect(() => synth({ destination: ArgoDestination.server('https://k8s.example.com:6443') })).not.toThrow();
    expect(() => synth({ project: 'ML Platform' })).toThrowError(exactly(
      'test/app: project must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "ML Platform". Fix: use a name such as "ml-platform"'));
    expect(() => ArgoDestination.cluster('Prod Cluster')).toThrowError(exactly(
      'ArgoDestination.cluster: name must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Prod Cluster". Fix: use a name such as "prod-cluster"'));
    expect(() => synth({ source: { repoUrl: 'https://github.com/acme/x.git', targetRevision: 'main branch' } })).toThrowError(exactly(
      'test/app: source.targetRevision must be a branch, tag or commit, got "main branch". Fix: use "main", a tag such as "v1.2.0", or a commit sha'));
  });
});
