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
import { EnvironmentName, ENVIRONMENT_NAMES, kfpEnvironment, KfpEnvironmentStack, SiteSettings, terraformJson } from '../lib/infra';
import type { KfpGcpSettings } from '../lib';

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

/** One environment of the target as the cluster side needs it: its Terraform JSON and KFP settings. */
export interface GcpKfpEnvironmentOutput {
  readonly environment: EnvironmentName;
  /** terraform/<environment>/main.tf.json */
  readonly terraformJson: string;
  /** What the kfp/<environment>/ overlay is rendered from (plain data). */
  readonly kfp: KfpGcpSettings;
}

/**
 * The cdktf half of the gcp-kfp target: every environment's Terraform JSON and KFP settings, in
 * memory (nothing is written but cdktf's scratch directory, removed at once). Loads no cdk8s: a
 * command-line synth runs it in a worker thread (apps/gcp-kfp-prestart.ts), and apps/kfp-overlay.ts
 * renders the overlays and the README from it (apps/gcp-kfp-target.ts).
 */
export function renderGcpKfpInfra(sites: Readonly<Record<EnvironmentName, SiteSettings>> = GCP_KFP_SITES): GcpKfpEnvironmentOutput[] {
  // cdktf's App creates its output directory on construction; keep it out of the output.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-kfp-'));
  try {
    const app = new CdktfApp({ outdir: scratch, stackTraces: false });
    return gcpKfpStacks(app, sites).map((stack) => ({
      environment: stack.settings.environment,
      terraformJson: terraformJson(stack),
      kfp: stack.kfpSettings(),
    }));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
