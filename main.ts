/**
 * `npm run synth`: every reference deployment into dist/<app>/ (a kustomize directory each), plus
 * dist/argocd/ with one Argo CD Application per app. dist/ is replaced only when everything
 * synthesized and passed its checks.
 *
 * Usage: node build/main.js [distDir]. Under `cdk8s synth` (which empties its own output directory
 * first), dist/ is still written safely and then copied to $CDK8S_OUTDIR for cdk8s' listing and
 * validation plugins.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { referenceApps } from './apps';
import { ArgoApplication, cdk8sTarget, safeSynth } from './lib';

/**
 * Where Argo CD reads dist/ from. A placeholder (the project has no public repository URL): set it
 * to your fork or mirror before deploying dist/argocd/.
 */
const GITOPS_SOURCE = { repoUrl: 'https://github.com/example-org/mlops-platform.git', targetRevision: 'main' };

function argocdApps(app: App) {
  const chart = new Chart(app, 'argocd', { namespace: 'argocd', disableResourceNameHashes: true });
  for (const t of referenceApps) {
    for (const d of t.deployables ?? [{ name: t.name, dir: '.' }]) {
      new ArgoApplication(chart, d.name, {
        name: d.name,
        source: GITOPS_SOURCE,
        path: path.posix.join('dist', t.name, d.dir),
        destinationNamespace: 'default',
        ...(d.cluster ? { destinationCluster: d.cluster } : {}),
      });
    }
  }
}

const distDir = path.resolve(process.argv[2] ?? 'dist');
const { warnings } = safeSynth(distDir, [...referenceApps, cdk8sTarget('argocd', argocdApps)], {
  onLockWait: (holder) => console.error(`synth: waiting for another synth writing ${path.relative(process.cwd(), distDir) || '.'}/ (${holder})`),
});
for (const w of warnings) console.error(`synth: warning: ${w}`);
const cdk8sOut = process.env.CDK8S_OUTDIR ? path.resolve(process.env.CDK8S_OUTDIR) : undefined;
if (cdk8sOut && cdk8sOut !== distDir) fs.cpSync(distDir, cdk8sOut, { recursive: true });
console.log(`synthesized ${referenceApps.length} reference apps into ${path.relative(process.cwd(), distDir) || '.'}/`);
