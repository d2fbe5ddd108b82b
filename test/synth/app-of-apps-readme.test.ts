import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { argocdTarget } from '../../main';
import { appOfAppsEntries, renderAppOfAppsMermaid, renderAppOfAppsReadme } from '../../lib/synth/app-of-apps-readme';
import { renderAppReadme } from '../../lib/synth/app-readme';
import { withPreviousTree } from '../../lib/synth/output-files';
import { ManifestObject, readManifests, SynthTarget } from '../../lib/synth/synth';

const dist = path.resolve(__dirname, '..', '..', 'dist');

/** The objects of dist/argocd/ as committed. */
function committedApplications(): ManifestObject[] {
  return readManifests(path.join(dist, 'argocd')).map(([, o]) => o);
}

/** The lines of `after` that are not in `before`, and those of `before` not in `after`. */
function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { added: b.filter((l) => !a.includes(l)), removed: a.filter((l) => !b.includes(l)) };
}

/** A copy of `objects` with the Application `name` changed by `edit`. */
function editApplication(objects: ManifestObject[], name: string, edit: (spec: Record<string, Record<string, unknown>>) => void): ManifestObject[] {
  return objects.map((o) => {
    if (o.kind !== 'Application' || o.metadata.name !== name) return o;
    const copy = structuredClone(o) as ManifestObject & { spec: Record<string, Record<string, unknown>> };
    edit(copy.spec);
    return copy;
  });
}

describe('dist/argocd/README.md: the app of apps', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-readme-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('is rendered from the committed Applications: the root points at every one of them', () => {
    const text = fs.readFileSync(path.join(dist, 'argocd', 'README.md'), 'utf8');
    const objects = committedApplications();
    expect(renderAppOfAppsReadme('argocd', objects, 'dist/argocd')).toBe(text);
    expect(text).toContain('The root Application `root` syncs `dist/argocd` (this directory, itself included) from');
    expect(text).toContain('`kubectl apply -n argocd -f dist/argocd/application-root.yaml`');
    expect(text).toContain('  app_root("root<br/>dist/argocd<br/>namespace argocd")');
    const children = objects.filter((o) => o.kind === 'Application' && o.metadata.name !== 'root');
    expect(children.length).toBeGreaterThanOrEqual(9);
    for (const c of children) expect(text).toContain(`  app_root --> app_${c.metadata.name.replace(/-/g, '_')}\n`);
    expect(text).toContain('  subgraph cluster_kfp_staging["cluster kfp-staging"]\n    app_gcp_kfp_staging["gcp-kfp-staging<br/>dist/gcp-kfp/kfp/staging<br/>namespace default"]\n  end');
    expect(text).toContain('    app_mlflow_teams_nlp["mlflow-teams-nlp<br/>dist/mlflow-teams/nlp<br/>namespace default"]');
    expect(text).toContain('| gcp-kfp-staging | dist/gcp-kfp/kfp/staging | kfp-staging | default |  | automated (prune, self-heal) |');
    // Not the workload README's empty sections.
    expect(text).not.toContain('No workloads or Services');
    expect(text).not.toContain('declares no connections');
  });

  it('argocdTarget writes its README once, never through a file linked to the dist/ being replaced', () => {
    // The dist/ being replaced holds, as a dist/ from before the app-of-apps picture did, the
    // generic README: a writer that linked it and then overwrote the file would change dist/.
    const fake = (name: string): SynthTarget => ({ name, synth: () => [] });
    const previous = path.join(work, 'previous');
    const staging = path.join(work, 'staging');
    argocdTarget([fake('alpha')]).synth(path.join(previous, 'argocd'));
    const objects = readManifests(path.join(previous, 'argocd')).map(([, o]) => o);
    const generic = renderAppReadme('argocd', objects, []);
    fs.writeFileSync(path.join(previous, 'argocd', 'README.md'), generic);
    withPreviousTree(staging, previous, () => argocdTarget([fake('alpha')]).synth(path.join(staging, 'argocd')));
    expect(fs.readFileSync(path.join(previous, 'argocd', 'README.md'), 'utf8')).toBe(generic);
    expect(fs.readFileSync(path.join(staging, 'argocd', 'README.md'), 'utf8')).toBe(renderAppOfAppsReadme('argocd', objects, 'dist/argocd'));
    // The unchanged Applications were linked, so the test exercised the linking writer.
    expect(fs.statSync(path.join(staging, 'argocd', 'application-alpha.yaml')).nlink).toBe(2);
  });

  it('argocdTarget writes it for the targets it is given, in name order whatever their order', () => {
    const fake = (name: string, deployables?: SynthTarget['deployables']): SynthTarget => ({ name, synth: () => [], deployables });
    const render = (apps: SynthTarget[]) => {
      const out = fs.mkdtempSync(path.join(work, 'out-'));
      argocdTarget(apps).synth(out);
      return fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    };
    const text = render([fake('zeta'), fake('alpha', [{ name: 'alpha-eu', dir: 'eu', cluster: 'eu-1' }])]);
    expect(text).toContain([
      'flowchart LR',
      '  app_root("root<br/>dist/argocd<br/>namespace argocd")',
      '  subgraph cluster_eu_1["cluster eu-1"]',
      '    app_alpha_eu["alpha-eu<br/>dist/alpha/eu<br/>namespace default"]',
      '  end',
      '  subgraph cluster_in_cluster_https_kubernetes_default_svc["cluster in-cluster (https://kubernetes.default.svc)"]',
      '    app_zeta["zeta<br/>dist/zeta<br/>namespace default"]',
      '  end',
      '  app_root --> app_alpha_eu',
      '  app_root --> app_zeta',
    ].join('\n'));
    expect(text).toContain('prunes the 2 Applications below');
    // Deterministic: the same targets in another order render the same bytes.
    expect(render([fake('alpha', [{ name: 'alpha-eu', dir: 'eu', cluster: 'eu-1' }]), fake('zeta')])).toBe(text);
  });

  it('a changed source path or destination is a changed line of the diagram and of the table', () => {
    const objects = committedApplications();
    const before = renderAppOfAppsReadme('argocd', objects, 'dist/argocd');
    const moved = renderAppOfAppsReadme('argocd', editApplication(objects, 'thinkube-mlflow', (s) => { s.source.path = 'dist/thinkube'; }), 'dist/argocd');
    expect(changedLines(before, moved)).toEqual({
      added: [
        '    app_thinkube_mlflow["thinkube-mlflow<br/>dist/thinkube<br/>namespace default"]',
        '| thinkube-mlflow | dist/thinkube | in-cluster (https://kubernetes.default.svc) | default |  | automated (prune, self-heal) |',
      ],
      removed: [
        '    app_thinkube_mlflow["thinkube-mlflow<br/>dist/thinkube-mlflow<br/>namespace default"]',
        '| thinkube-mlflow | dist/thinkube-mlflow | in-cluster (https://kubernetes.default.svc) | default |  | automated (prune, self-heal) |',
      ],
    });
    const renamespaced = renderAppOfAppsReadme('argocd', editApplication(objects, 'eoepca-mlops', (s) => { s.destination.namespace = 'eoepca'; }), 'dist/argocd');
    expect(changedLines(before, renamespaced).added).toEqual([
      '    app_eoepca_mlops["eoepca-mlops<br/>dist/eoepca-mlops<br/>namespace eoepca"]',
      '| eoepca-mlops | dist/eoepca-mlops | in-cluster (https://kubernetes.default.svc) | eoepca |  | automated (prune, self-heal) |',
    ]);
    // Another cluster: the box moves into that cluster's group.
    const recluster = renderAppOfAppsReadme('argocd', editApplication(objects, 'gcp-kfp-staging', (s) => { s.destination.name = 'kfp-staging-2'; }), 'dist/argocd');
    const { added, removed } = changedLines(before, recluster);
    expect(added).toEqual([
      '  subgraph cluster_kfp_staging_2["cluster kfp-staging-2"]',
      '| gcp-kfp-staging | dist/gcp-kfp/kfp/staging | kfp-staging-2 | default |  | automated (prune, self-heal) |',
    ]);
    expect(removed).toEqual([
      '  subgraph cluster_kfp_staging["cluster kfp-staging"]',
      '| gcp-kfp-staging | dist/gcp-kfp/kfp/staging | kfp-staging | default |  | automated (prune, self-heal) |',
    ]);
  });

  it('labels the arrow with an Application\'s own sync wave, and says so when no root syncs the directory', () => {
    const objects = committedApplications().map((o) => (o.metadata.name === 'kubeflow-mlflow'
      ? { ...o, metadata: { ...o.metadata, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } } }
      : o));
    const { roots, children } = appOfAppsEntries(objects, 'dist/argocd');
    expect(roots.map((r) => r.name)).toEqual(['root']);
    expect(children.find((c) => c.name === 'kubeflow-mlflow')?.syncWave).toBe(-1);
    expect(children.find((c) => c.name === 'eoepca-mlops')?.syncWave).toBeUndefined();
    const mermaid = renderAppOfAppsMermaid(roots, children);
    expect(mermaid).toContain('  app_root -->|"wave -1"| app_kubeflow_mlflow\n');
    expect(mermaid).toContain('  app_root --> app_eoepca_mlops\n');
    expect(renderAppOfAppsReadme('argocd', objects, 'dist/argocd')).toContain('| kubeflow-mlflow | dist/kubeflow-mlflow | in-cluster (https://kubernetes.default.svc) | default | -1 | automated (prune, self-heal) |');
    const rootless = renderAppOfAppsReadme('argocd', objects, 'gitops/argocd');
    expect(rootless).toContain('No root Application syncs `gitops/argocd`: apply the Applications below by hand.');
    expect(rootless).not.toMatch(/^  app_\w+ -->/m);
  });
});
