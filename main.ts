/**
 * `npm run synth`: every reference deployment into dist/<app>/ (a kustomize directory each), plus
 * dist/argocd/ with one Argo CD Application per app. dist/ is replaced only when everything
 * synthesized and passed its checks.
 */
import { App, Chart } from 'cdk8s';
import { referenceApps } from './apps';
import { ArgoApplication, cdk8sTarget, safeSynth } from './lib';

/** Where Argo CD reads dist/ from: change to your repository. */
const GITOPS_SOURCE = { repoUrl: 'https://github.com/example-org/mlops-platform.git', targetRevision: 'main' };

function argocdApps(app: App) {
  const chart = new Chart(app, 'argocd', { namespace: 'argocd', disableResourceNameHashes: true });
  for (const t of referenceApps) {
    new ArgoApplication(chart, t.name, { name: t.name, source: GITOPS_SOURCE, path: `dist/${t.name}`, destinationNamespace: 'default' });
  }
}

const distDir = process.argv[2] ?? process.env.CDK8S_OUTDIR ?? 'dist';
safeSynth(distDir, [...referenceApps, cdk8sTarget('argocd', argocdApps)]);
console.log(`synthesized ${referenceApps.length} apps into ${distDir}/`);
