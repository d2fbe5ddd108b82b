import { ENVIRONMENT_NAMES } from '../lib';
import { writeOutputFiles } from '../lib/synth';
import type { ManifestObject, SynthTarget } from '../lib/synth';
import type { GcpKfpEnvironmentOutput } from './gcp-kfp';
import { takePrestartedGcpKfpWorker } from './gcp-kfp-prestart';
import { loadGcpKfp } from './gcp-kfp-loader';
import { gcpKfpFiles } from './kfp-overlay';

/** The cdktf half of gcp-kfp in this process: loads cdktf and the Google provider now. */
function renderInfraInProcess(): GcpKfpEnvironmentOutput[] {
  return loadGcpKfp().renderGcpKfpInfra();
}

/**
 * Writes terraform/<environment>/main.tf.json and kfp/<environment>/ for every environment into
 * `outdir`, plus the README, and returns the Kubernetes objects written (for the synth-time
 * checks). The Terraform side comes from the worker a command-line synth prestarted
 * (apps/gcp-kfp-prestart.ts) if there is one, else it is rendered in this process: the same
 * bytes either way. The overlays are always rendered here, where cdk8s is loaded already.
 */
export function synthGcpKfp(outdir: string): ManifestObject[] {
  const worker = takePrestartedGcpKfpWorker();
  const { files, objects } = gcpKfpFiles(worker ? worker.result() : renderInfraInProcess());
  // Inside safeSynth, unchanged files are linked from the dist/ being replaced.
  writeOutputFiles(outdir, files);
  return objects;
}

/** The gcp-kfp target: terraform/<environment>/ and kfp/<environment>/ (see {@link synthGcpKfp}). */
export function gcpKfpTarget(): SynthTarget {
  return {
    name: 'gcp-kfp',
    synth: synthGcpKfp,
    // Waits for the worker a command-line synth prestarted: synthesized after the other targets.
    background: true,
    // terraform/<env>/ is applied with terraform; each kfp/<env>/ overlay goes to that environment's cluster.
    deployables: ENVIRONMENT_NAMES.map((env) => ({ name: `gcp-kfp-${env}`, dir: `kfp/${env}`, cluster: `kfp-${env}` })),
  };
}
