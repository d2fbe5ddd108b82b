import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { referenceApps } from '../../apps';
import { AppOfApps } from '../../lib/gitops/app-of-apps';
import { ArgoDestination, SyncPolicy } from '../../lib/gitops/argo-application';
import { DirectoryApplicationSet } from '../../lib/gitops/directory-application-set';
import { loadValidator } from '../support/schema';
import { exactly, find, synthChart } from '../support/synth';

const source = { repoUrl: 'https://github.com/acme/mlops-platform.git', targetRevision: 'v2' };
const dist = path.resolve(__dirname, '..', '..', 'dist');

describe('AppOfApps', () => {
  const objs = synthChart((chart) => {
    const apps = new AppOfApps(chart, 'apps', { source, path: 'dist/argocd', syncPolicy: SyncPolicy.automated({ prune: false }) });
    apps.addApplication({ name: 'one', path: 'dist/one', destinationNamespace: 'default' });
    apps.addApplication({ name: 'two', path: 'dist/two', destinationNamespace: 'default', destination: ArgoDestination.cluster('kfp-dev'), syncPolicy: SyncPolicy.manual() });
  }, 'argocd');

  it('renders a root that syncs the directory of Applications and survives its own deletion without deleting the apps', () => {
    const root = find(objs, 'Application', 'root');
    expect(root.spec.source).toEqual({ repoURL: source.repoUrl, targetRevision: 'v2', path: 'dist/argocd' });
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(root.metadata.finalizers).toBeUndefined();
    expect(root.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true, allowEmpty: false });
  });

  it('gives every child the same source and the sync policy of the app of apps unless it sets its own', () => {
    const one = find(objs, 'Application', 'one');
    expect(one.spec.source).toEqual({ repoURL: source.repoUrl, targetRevision: 'v2', path: 'dist/one' });
    expect(one.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true, allowEmpty: false });
    expect(one.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    const two = find(objs, 'Application', 'two');
    expect(two.spec.destination).toEqual({ name: 'kfp-dev', namespace: 'default' });
    expect(two.spec.syncPolicy.automated).toBeUndefined();
  });

  it('validates against the Argo CD CRD', () => {
    const v = loadValidator();
    expect(objs.filter((o) => o.kind === 'Application').flatMap((o) => v.validate(o))).toEqual([]);
  });

  it('refuses the removed automated and a bad repository URL', () => {
    expect(() => synthChart((chart) => new AppOfApps(chart, 'apps', { source, path: 'dist/argocd', automated: { selfHeal: false } } as never), 'argocd'))
      .toThrowError(exactly('test/apps: automated is no longer a prop, got {"selfHeal":false}. Fix: write syncPolicy: SyncPolicy.automated({ selfHeal: false })'));
    expect(() => synthChart((chart) => new AppOfApps(chart, 'apps', { source: { repoUrl: 'github.com/acme' }, path: 'dist/argocd' }), 'argocd'))
      .toThrowError(exactly('test/apps: source.repoUrl must be an https://, ssh:// or git@ repository URL, got "github.com/acme". Fix: pass the URL Argo CD clones, such as "https://github.com/acme/mlops-platform.git"'));
  });
});

describe('dist/argocd (the app of apps)', () => {
  const read = (f: string) => YAML.parse(fs.readFileSync(path.join(dist, 'argocd', f), 'utf8'));
  const listed: string[] = read('kustomization.yaml').resources;
  const apps = listed.map(read);

  it('has a root Application pointing at dist/argocd itself', () => {
    const root = apps.find((a) => a.metadata.name === 'root');
    expect(root.spec.source.path).toBe('dist/argocd');
  });

  it('has one Application per deployable directory of every reference app, each an existing kustomize directory', () => {
    const expected = referenceApps.flatMap((t) => (t.deployables ?? [{ name: t.name, dir: '.' }]).map((d) => [d.name, path.posix.join('dist', t.name, d.dir)]));
    const children = apps.filter((a) => a.metadata.name !== 'root').map((a) => [a.metadata.name, a.spec.source.path]);
    expect(children.sort()).toEqual(expected.sort());
    for (const [, p] of children) expect(fs.existsSync(path.join(dist, '..', p, 'kustomization.yaml')), p).toBe(true);
  });
});

describe('DirectoryApplicationSet', () => {
  const objs = synthChart((chart) => new DirectoryApplicationSet(chart, 'teams', {
    name: 'mlflow-teams', source, directories: ['dist/mlflow-teams/*'], applicationName: 'mlflow-teams-{{ .path.basenameNormalized }}',
  }), 'argocd');
  const set = find(objs, 'ApplicationSet', 'mlflow-teams');

  it('renders one Application per directory the git generator finds, with the sync policy of the reference apps', () => {
    expect(set.spec.generators).toEqual([{ git: { repoURL: source.repoUrl, revision: 'v2', directories: [{ path: 'dist/mlflow-teams/*' }] } }]);
    expect(set.spec.template.metadata.name).toBe('mlflow-teams-{{ .path.basenameNormalized }}');
    expect(set.spec.template.spec.source.path).toBe('{{ .path.path }}');
    expect(set.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(set.spec.goTemplate).toBe(true);
  });

  it('validates against the Argo CD CRD', () => {
    expect(loadValidator().validate(set)).toEqual([]);
  });

  it('takes a destination and a sync policy, and refuses the removed automated', () => {
    const spec = find(synthChart((chart) => new DirectoryApplicationSet(chart, 'teams', {
      name: 'x', source, directories: ['dist/x/*'], destination: ArgoDestination.cluster('prod'), syncPolicy: SyncPolicy.manual(),
    }), 'argocd'), 'ApplicationSet', 'x').spec.template.spec;
    expect(spec.destination).toEqual({ name: 'prod', namespace: 'default' });
    expect(spec.syncPolicy.automated).toBeUndefined();
    expect(() => synthChart((chart) => new DirectoryApplicationSet(chart, 'teams', { name: 'x', source, directories: ['dist/x/*'], automated: true } as never), 'argocd'))
      .toThrowError(exactly('test/teams: automated is no longer a prop, got true. Fix: write syncPolicy: SyncPolicy.automated()'));
  });

  it('refuses a path leaving the repository', () => {
    expect(() => synthChart((chart) => new DirectoryApplicationSet(chart, 'teams', { name: 'x', source, directories: ['../etc'] }), 'argocd'))
      .toThrowError(exactly('test/teams: directories[0] must be a relative path inside the repository, got "../etc". Fix: use "dist/<app>"'));
  });
});
