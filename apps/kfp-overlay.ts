import { ApiObject, App, Chart } from 'cdk8s';
import { byCodePoint, synthObjects, ManifestObject } from '../lib/synth/synth';
import { KfpGcp, KfpGcpSettings } from '../lib/kubeflow/kfp-gcp';

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
