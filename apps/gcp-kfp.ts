/**
 * Seed 001: the reference ML environment on Google Cloud, in three environments (development,
 * staging, production), each in its own project. For every environment this writes
 * - `terraform/<environment>/main.tf.json`: plain Terraform JSON (no cdktf needed to apply it);
 * - `kfp/<environment>/`: a kustomize overlay of the upstream Kubeflow Pipelines GCP manifests,
 *   pinned to a release, with the values of that environment's infrastructure.
 * Edit {@link GCP_KFP_SITES} for your organisation; sizes live in `ENVIRONMENT_PROFILES`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App as CdktfApp } from 'cdktf';
import { assertNoMachinePaths } from '../lib/synth/machine-paths';
import { renderAppReadme } from '../lib/synth/app-readme';
import { ManifestObject, toYaml } from '../lib/synth/synth';
import { EnvironmentName, ENVIRONMENT_NAMES, kfpEnvironment, SiteSettings } from '../lib/infra/environments';
import { KfpEnvironmentStack } from '../lib/infra/kfp-environment-stack';
import { terraformJson } from '../lib/infra/terraform-json';
import { kfpOverlay } from './kfp-overlay';

/** The Kubeflow Pipelines release every environment pins (promote by changing it per environment). */
export const KFP_VERSION = '2.4.0';

/** Example organisation values: one project per environment, a shared state bucket, the VPN range. */
export const GCP_KFP_SITES: Readonly<Record<EnvironmentName, SiteSettings>> = {
  development: {
    projectId: 'acme-kfp-dev',
    region: 'us-central1',
    stateBucket: 'acme-terraform-state',
    masterAuthorizedNetworks: [{ cidr: '203.0.113.0/24', displayName: 'corp-vpn' }],
    kfpVersion: KFP_VERSION,
  },
  staging: {
    projectId: 'acme-kfp-staging',
    region: 'us-central1',
    stateBucket: 'acme-terraform-state',
    masterAuthorizedNetworks: [{ cidr: '203.0.113.0/24', displayName: 'corp-vpn' }],
    kfpVersion: KFP_VERSION,
  },
  production: {
    projectId: 'acme-kfp-prod',
    region: 'us-central1',
    stateBucket: 'acme-terraform-state',
    masterAuthorizedNetworks: [{ cidr: '203.0.113.0/24', displayName: 'corp-vpn' }],
    kfpVersion: KFP_VERSION,
  },
};

/** The three stacks in one cdktf app (nothing is written). */
export function gcpKfpStacks(app: CdktfApp, sites: Readonly<Record<EnvironmentName, SiteSettings>> = GCP_KFP_SITES): KfpEnvironmentStack[] {
  return ENVIRONMENT_NAMES.map((env) => new KfpEnvironmentStack(app, env, kfpEnvironment(env, sites[env])));
}

/**
 * Writes terraform/<environment>/main.tf.json and kfp/<environment>/ for every environment into
 * `outdir`, and returns the Kubernetes objects written (for the synth-time checks).
 */
export function synthGcpKfp(outdir: string): ManifestObject[] {
  // cdktf's App creates its output directory on construction; keep it out of `outdir`.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-kfp-'));
  const written: ManifestObject[] = [];
  try {
    const app = new CdktfApp({ outdir: scratch, stackTraces: false });
    for (const stack of gcpKfpStacks(app)) {
      const env = stack.node.id;
      const tfDir = path.join(outdir, 'terraform', env);
      fs.mkdirSync(tfDir, { recursive: true });
      fs.writeFileSync(path.join(tfDir, 'main.tf.json'), terraformJson(stack));
      const kfpDir = path.join(outdir, 'kfp', env);
      fs.mkdirSync(kfpDir, { recursive: true });
      for (const [file, obj] of kfpOverlay(stack.kfpSettings())) {
        const text = toYaml(obj);
        assertNoMachinePaths(text, `kfp/${env}/${file}`);
        fs.writeFileSync(path.join(kfpDir, file), text);
        if (file !== 'kustomization.yaml') written.push(obj);
      }
    }
    // The picture per app: the overlays patch upstream manifests; their graph declares no connections.
    fs.writeFileSync(path.join(outdir, 'README.md'), renderAppReadme('gcp-kfp', written, []));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return written;
}
