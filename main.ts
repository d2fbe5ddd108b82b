/**
 * `npm run synth`: every reference deployment into dist/<app>/ (a kustomize directory each, with
 * a generated README.md), plus dist/argocd/: the Argo CD app of apps (a root Application and one
 * Application per deployable directory). dist/ is replaced only when everything synthesized and
 * passed its checks.
 *
 * Usage: node build/main.js [distDir]. Under `cdk8s synth` (which empties its own output directory
 * first), dist/ is still written safely and then copied to $CDK8S_OUTDIR for cdk8s' listing and
 * validation plugins. `npm run diff` synthesizes through {@link synthesize} into a scratch directory.
 */
// First: a command-line synth starts rendering gcp-kfp in a worker thread before anything loads.
import './apps/gcp-kfp-prestart';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { referenceApps } from './apps';
import { AppOfApps, ArgoDestination, GitSource, SyncPolicy } from './lib';
import { cdk8sTarget, renderAppOfAppsReadme, safeSynth, SynthTarget } from './lib/synth';

/** Where and how Argo CD deploys dist/: the one place to change for your repository. */
export interface GitOpsSource extends GitSource {
  /** Where dist/ is in the repository. */
  readonly distPath: string;
  /** `SyncPolicy.automated({ prune, selfHeal })`, or `SyncPolicy.manual()`. */
  readonly syncPolicy: SyncPolicy;
}

/**
 * A placeholder (the project has no public repository URL): set it to your fork or mirror before
 * deploying dist/argocd/.
 */
export const GITOPS_SOURCE: GitOpsSource = {
  repoUrl: 'https://github.com/example-org/mlops-platform.git',
  targetRevision: 'main',
  distPath: 'dist',
  syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
};

/** The dist/argocd/ target: the root Application and one Application per deployable of `apps`. */
export function argocdTarget(apps: readonly SynthTarget[], source: GitOpsSource = GITOPS_SOURCE): SynthTarget {
  const appsPath = path.posix.join(source.distPath, 'argocd');
  return cdk8sTarget('argocd', (app: App) => {
    const chart = new Chart(app, 'argocd', { namespace: 'argocd', disableResourceNameHashes: true });
    const appOfApps = new AppOfApps(chart, 'apps', {
      source,
      path: appsPath,
      syncPolicy: source.syncPolicy,
    });
    for (const t of apps) {
      for (const d of t.deployables ?? [{ name: t.name, dir: '.' }]) {
        appOfApps.addApplication({
          name: d.name,
          path: path.posix.join(source.distPath, t.name, d.dir),
          destinationNamespace: 'default',
          ...(d.cluster ? { destination: ArgoDestination.cluster(d.cluster) } : {}),
        });
      }
    }
  // Its README is the picture of the app of apps (root → Applications), not of workloads.
  }, undefined, (objects) => renderAppOfAppsReadme('argocd', objects, appsPath));
}

/** Every target `npm run synth` writes: the reference apps and the app of apps. */
export function synthTargets(apps: readonly SynthTarget[] = referenceApps): SynthTarget[] {
  return [...apps, argocdTarget(apps)];
}

/**
 * Synthesizes every target into `distDir` (safely: a lock, a staging directory, checks, a swap)
 * and returns the warnings of a failure after the swap.
 */
export function synthesize(distDir: string, targets: SynthTarget[] = synthTargets()): readonly string[] {
  const { warnings } = safeSynth(distDir, targets, {
    onLockWait: (holder) => console.error(`synth: waiting for another synth writing ${path.relative(process.cwd(), distDir) || '.'}/ (${holder})`),
  });
  return warnings;
}

/** The command line: `[distDir]`. */
export function run(args: readonly string[]): void {
  const distDir = path.resolve(args[0] ?? 'dist');
  for (const w of synthesize(distDir)) console.error(`synth: warning: ${w}`);
  const cdk8sOut = process.env.CDK8S_OUTDIR ? path.resolve(process.env.CDK8S_OUTDIR) : undefined;
  if (cdk8sOut && cdk8sOut !== distDir) fs.cpSync(distDir, cdk8sOut, { recursive: true });
  console.log(`synthesized ${referenceApps.length} reference apps into ${path.relative(process.cwd(), distDir) || '.'}/`);
}

if (require.main === module) run(process.argv.slice(2));
