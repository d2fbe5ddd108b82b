import { ApiObject, App, Chart } from 'cdk8s';
import { KfpGcp, KfpGcpSettings } from '../lib';
import { assertNoMachinePaths, byCodePoint, synthObjects, ManifestObject, toYaml } from '../lib/synth';
import { GcpKfpEnvironmentFiles, renderGcpKfpReadme } from './gcp-kfp-readme';
import type { GcpKfpEnvironmentOutput } from './gcp-kfp';

/**
 * The files of a kustomize overlay of the upstream KFP GCP manifests for one environment:
 * `<patch->kind-name.yaml` → object, plus `kustomization.yaml`, in file-name order.
 */
export function kfpOverlay(settings: KfpGcpSettings): Array<[string, ManifestObject]> {
  const app = new App();
  const chart = new Chart(app, 'kfp', { namespace: settings.namespace, disableResourceNameHashes: true });
  const kfp = new KfpGcp(chart, 'kfp', { settings });
  // Runs every construct validation; the objects, rendered once, come in construct order.
  const rendered = synthObjects(app);
  const files = new Map<string, ManifestObject>();
  const fileOf = (o: ApiObject) => `${kfp.isPatch(o) ? 'patch-' : ''}${o.kind.toLowerCase()}-${o.name}.yaml`;
  app.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).forEach((obj, i) => {
    const file = fileOf(obj);
    if (files.has(file)) throw new Error(`Two objects would be written to ${file}. Fix: give one of them another name.`);
    files.set(file, rendered[i]);
  });
  files.set('kustomization.yaml', kfp.kustomization(fileOf) as ManifestObject);
  return [...files].sort(([a], [b]) => byCodePoint(a, b));
}

/** Everything the gcp-kfp target writes, in memory. */
export interface GcpKfpFiles {
  /**
   * Path relative to the target's directory ("/"-separated: `terraform/<env>/main.tf.json`,
   * `kfp/<env>/<file>`, `README.md`) and text, in writing order.
   */
  readonly files: Map<string, string>;
  /** The Kubernetes objects among them (kustomization.yaml excluded), for the synth-time checks. */
  readonly objects: ManifestObject[];
}

/**
 * The cdk8s half of the gcp-kfp target: each environment's Terraform JSON (from
 * renderGcpKfpInfra in apps/gcp-kfp.ts) beside the kfp/<environment>/ overlay of its settings,
 * and the README (renderGcpKfpReadme: a diagram per environment).
 */
export function gcpKfpFiles(environments: readonly GcpKfpEnvironmentOutput[]): GcpKfpFiles {
  const files = new Map<string, string>();
  const objects: ManifestObject[] = [];
  const rendered: GcpKfpEnvironmentFiles[] = [];
  for (const { environment: env, terraformJson, kfp } of environments) {
    files.set(`terraform/${env}/main.tf.json`, terraformJson);
    const overlay = kfpOverlay(kfp);
    rendered.push({ environment: env, terraformJson, overlay });
    for (const [file, obj] of overlay) {
      const text = toYaml(obj);
      assertNoMachinePaths(text, `kfp/${env}/${file}`);
      files.set(`kfp/${env}/${file}`, text);
      if (file !== 'kustomization.yaml') objects.push(obj);
    }
  }
  // The picture per app: per environment, the Terraform resources, the overlay and how they connect.
  files.set('README.md', renderGcpKfpReadme('gcp-kfp', rendered));
  return { files, objects };
}
