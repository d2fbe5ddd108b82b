import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import * as YAML from 'yaml';
import { appChecksEnabled } from '../core/app-checks';
import { checkDnsLabel, ValidationError } from '../core/validate';
import { checkManifests, renderObject, validateSchemas, withRenderCache } from './app-validation';
import { ConnectionGraph } from '../core/connections';
import { AppNotes } from '../core/app-notes';
import { renderAppReadme } from './app-readme';
import { DistLockOptions, recoverInterruptedSwap, stagingDirFor, swapIntoPlace, withDistLock } from './dist-swap';
import { Prerequisites } from './manifest-checks';
import { withPreviousTree, writeOutputFiles } from './output-files';
import type { ManifestObject } from './manifest';
import { withSyncWave } from './sync-waves';
import { stringifyYaml } from './yaml';

export type { ManifestObject } from './manifest';
export type { DistLockOptions } from './dist-swap';

/** One reference deployment: it writes everything under `outdir` (which is `dist/<name>` when swapped in). */
export interface SynthTarget {
  /** The directory under dist/: a DNS-1123 label. */
  readonly name: string;
  /**
   * Writes this target's files into `outdir` (an empty directory) and returns the Kubernetes
   * objects it wrote, for the checks. Returning nothing makes `safeSynth` read them back from disk.
   * Throws on any error.
   */
  synth(outdir: string): ManifestObject[] | void;
  /** Secrets and ConfigMaps its pods may reference without rendering them. @default - none */
  readonly prerequisites?: Prerequisites;
  /**
   * The directories Argo CD (or `kubectl apply -k`) deploys, relative to the target's directory,
   * each with the cluster it goes to.
   * @default - one: the target's directory itself, on the cluster Argo CD runs in
   */
  readonly deployables?: Deployable[];
  /**
   * Part of this target renders in the background (another thread) and its `synth` may block
   * until that is done: {@link safeSynth} synthesizes such targets after all the others, so the
   * wait overlaps their work. The output and the order of the check messages are the same either way.
   * @default false
   */
  readonly background?: boolean;
}

/** A kustomize directory of a target and where it is deployed. */
export interface Deployable {
  /** The Argo CD Application name. */
  readonly name: string;
  /** Relative to the target's directory; "." for the directory itself. */
  readonly dir: string;
  /**
   * The Argo CD cluster name it goes to (`argocd cluster add --name`).
   * @default - the cluster Argo CD runs in
   */
  readonly cluster?: string;
}

/** Serialises one object as YAML, the way every file in dist/ is written. */
export function toYaml(obj: unknown): string {
  return stringifyYaml(obj);
}

/**
 * Validates a cdk8s app (every construct's `node.validate()`), then returns every API object in
 * construct order. Throws one error listing every validation message.
 *
 * Unlike `Chart.toJson()`, which re-validates and re-resolves dependencies of the whole app for
 * each chart (quadratic with one chart per team), this walks the tree once. Dependency order is
 * not needed: each object is written to its own file and kustomize/Argo CD order by kind.
 */
export function synthObjects(app: App): ManifestObject[] {
  return withRenderCache(() => {
    const all = app.node.findAll();
    // Includes the app checks (schema validation and manifest checks) when the app has one of this
    // library's constructs; see enableAppChecks. They share the rendering with the output.
    const errors = all.flatMap((c) => c.node.validate().map((e) => (c.node.path ? `${c.node.path}: ${e}` : e)));
    if (errors.length) throw new ValidationError(`Validation failed:\n- ${errors.join('\n- ')}`, 'MLOPS_CHECKS_FAILED', errors);
    const schemaChecked = appChecksEnabled(app);
    return all.filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => {
      const obj = renderObject(o);
      rendered.set(obj, { constructPath: o.node.path, schemaChecked });
      return obj;
    });
  });
}

/** What synthObjects knows about the objects it returned. */
const rendered = new WeakMap<object, { constructPath: string; schemaChecked: boolean }>();

/** The construct path of an object returned by {@link synthObjects}. */
export function constructPathOf(obj: object): string | undefined {
  return rendered.get(obj)?.constructPath;
}

/**
 * The default checks of {@link safeSynth} for one target: strict schema validation (skipped for
 * objects the app checks already validated while synthObjects ran) and the manifest checks with
 * the target's prerequisites.
 */
export function defaultTargetChecks(manifests: ReadonlyArray<[string, ManifestObject]>, target: SynthTarget): string[] {
  const objects = manifests.map(([, o]) => ({ object: o, constructPath: constructPathOf(o) }));
  const unchecked = objects.filter((o) => !rendered.get(o.object)?.schemaChecked);
  return [
    ...checkManifests(objects, { prerequisites: target.prerequisites ?? {}, skipSchema: true }),
    ...validateSchemas(unchecked),
  ];
}

/** Plain code-point order: unlike localeCompare, the same on every machine and locale. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `deployment-mlflow.yaml`; with the namespace when the app spans several. */
export function fileNameFor(obj: ManifestObject, withNamespace: boolean): string {
  const ns = withNamespace && obj.metadata.namespace ? `${obj.metadata.namespace}-` : '';
  return `${ns}${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

/**
 * Writes objects one per file plus a `kustomization.yaml` listing them, Namespaces first and
 * then by file name, so the output is the same whatever order constructs were declared in.
 */
export function writeKustomizeDir(outdir: string, objects: ManifestObject[]): ManifestObject[] {
  const rendered = renderKustomizeDir(objects);
  fs.mkdirSync(outdir, { recursive: true });
  for (const [file, text] of rendered.files) fs.writeFileSync(path.join(outdir, file), text);
  return rendered.objects;
}

/**
 * The files of a kustomize directory, in memory: file name → YAML, `kustomization.yaml` last,
 * plus the objects in file order. Fails when two objects would share a file.
 */
export function renderKustomizeDir(objects: ManifestObject[]): { files: Map<string, string>; objects: ManifestObject[] } {
  // Argo CD sync waves, from one table (sync-waves.ts). The copy keeps what synthObjects knows of
  // the object (its construct path; whether it was schema-checked: annotations are plain strings).
  objects = objects.map((o) => {
    const waved = withSyncWave(o);
    const known = rendered.get(o);
    if (known && waved !== o) rendered.set(waved, known);
    return waved;
  });
  const namespaces = new Set(objects.map((o) => o.metadata.namespace).filter(Boolean));
  const byFile = new Map<string, ManifestObject>();
  for (const obj of objects) {
    const file = fileNameFor(obj, namespaces.size > 1);
    if (byFile.has(file)) {
      throw new ValidationError(`Two objects would be written to ${file}: ${obj.kind} "${obj.metadata.name}" is declared twice. Fix: give one of them another name prop.`, 'MLOPS_CONFLICT');
    }
    byFile.set(file, obj);
  }
  const order = (f: string) => (byFile.get(f)!.kind === 'Namespace' ? `0${f}` : `1${f}`);
  const names = [...byFile.keys()].sort((a, b) => byCodePoint(order(a), order(b)));
  const files = new Map(names.map((f): [string, string] => [f, toYaml(byFile.get(f))]));
  files.set('kustomization.yaml', toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: names }));
  return { files, objects: names.map((f) => byFile.get(f)!) };
}

/** How a {@link cdk8sTarget} writes its `README.md` (a picture for reviewers, not a resource). */
export type ReadmeRenderer = (objects: ManifestObject[], app: App) => string;

/**
 * A {@link SynthTarget} for a cdk8s app built by `build`, written as a kustomize directory with a
 * `README.md` from `readme` (default: the app's components and connections, {@link renderAppReadme}).
 * Every file goes through one write, so none is edited after it may have been linked to dist/.
 */
export function cdk8sTarget(name: string, build: (app: App) => void, prerequisites?: Prerequisites, readme?: ReadmeRenderer): SynthTarget {
  return {
    name,
    prerequisites,
    synth(outdir: string) {
      const app = new App({ outdir });
      build(app);
      const { files, objects } = renderKustomizeDir(synthObjects(app));
      // Not a resource of the kustomization: a picture of the app for reviewers.
      const notes = AppNotes.of(app);
      // Warnings of opt-ins that weaken a default are printed too, not only written to the README.
      for (const w of notes.warnings) console.warn(`warning: ${w}`);
      files.set('README.md', readme ? readme(objects, app)
        : renderAppReadme(name, objects, ConnectionGraph.of(app).connections, { differences: notes.differences, warnings: notes.warnings }));
      // Unchanged files are linked from the dist/ being replaced (output-files.ts).
      writeOutputFiles(outdir, files);
      return objects;
    },
  };
}

/** Every object in the YAML files under `dir` (kustomization.yaml excluded), in file order. */
export function readManifests(dir: string): Array<[string, ManifestObject]> {
  const out: Array<[string, ManifestObject]> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => byCodePoint(a.name, b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...readManifests(p));
    else if (/\.ya?ml$/.test(entry.name) && entry.name !== 'kustomization.yaml') {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(p, 'utf8'))) {
        const obj = doc.toJS() as ManifestObject | null;
        if (obj) out.push([p, obj]);
      }
    }
  }
  return out;
}

export interface SafeSynthOptions extends DistLockOptions {
  /** Extra checks per object; return error messages. @default - none */
  readonly validate?: (file: string, obj: ManifestObject) => string[];
  /**
   * The checks of one target's objects (file relative to the staging root, object); return error
   * messages.
   * @default defaultTargetChecks (strict schema validation and the manifest checks)
   */
  readonly checks?: (manifests: ReadonlyArray<[string, ManifestObject]>, target: SynthTarget) => string[];
}

/** What a successful {@link safeSynth} did besides replacing dist/. */
export interface SafeSynthResult {
  /**
   * Things that did not stop the synth but need a look: a previous tree that could not be deleted
   * after the swap (dist/ was updated), leftovers of a killed run that could not be removed.
   */
  readonly warnings: string[];
}

/**
 * Synthesizes every target into a staging directory beside `distDir`, checks the result, and
 * only then swaps it in with renames. Any exception leaves `distDir` byte-for-byte as it was
 * (Argo CD would prune production if dist/ were half-written or empty).
 *
 * Overlapping runs on the same `distDir` take turns: a lock file beside it (`.dist.lock`, pid and
 * start time of the owner) makes a second run wait for the first (up to `lockTimeoutMs`), and a
 * crashed owner's lock is taken over. A run killed between the two renames of the swap leaves the
 * complete old tree beside dist/, which the next run puts back before anything else. Returning
 * normally means dist/ holds the new tree; see the warnings for anything left behind.
 */
export function safeSynth(distDir: string, targets: SynthTarget[], options: SafeSynthOptions = {}): SafeSynthResult {
  const dist = path.resolve(distDir);
  return withDistLock(dist, options, () => synthLocked(dist, targets, options));
}

function synthLocked(dist: string, targets: SynthTarget[], options: SafeSynthOptions): SafeSynthResult {
  const staging = stagingDirFor(dist);
  const seen = new Set<string>();
  const warnings = recoverInterruptedSwap(dist);
  try {
    for (const t of targets) {
      checkDnsLabel('safeSynth', 'target name', t.name);
      if (seen.has(t.name)) throw new ValidationError(`safeSynth: target name "${t.name}" is used twice. Fix: rename one of the targets.`, 'MLOPS_CONFLICT');
      seen.add(t.name);
    }
    fs.mkdirSync(staging, { recursive: true });
    // Background targets last (see SynthTarget.background); messages in the order of `targets`.
    const errors = targets.map((): string[] => []);
    const order = targets.map((_, i) => i).sort((a, b) => Number(!!targets[a].background) - Number(!!targets[b].background));
    withPreviousTree(staging, dist, () => order.forEach((i) => {
      const t = targets[i];
      const out = path.join(staging, t.name);
      fs.mkdirSync(out, { recursive: true });
      // A target's failure is collected, not thrown, so one failed synth lists the problems of every target.
      let written: ManifestObject[] | void;
      try {
        written = t.synth(out);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors[i].push(...e.problems.map((p) => `${t.name}: ${p}`));
        return;
      }
      // The objects as written (the YAML writer's round trip is tested); read back only if not returned.
      const manifests: Array<[string, ManifestObject]> = written
        ? written.map((o) => [path.join(t.name, fileNameFor(o, false)), o])
        : readManifests(out).map(([file, o]) => [path.relative(staging, file), o]);
      errors[i].push(...(options.checks ?? defaultTargetChecks)(manifests, t).map((e) => `${t.name}: ${e}`));
      for (const [file, obj] of manifests) errors[i].push(...(options.validate?.(file, obj) ?? []));
    }));
    const failed = errors.flat();
    if (failed.length) throw new ValidationError(`Synthesized manifests failed checks:\n- ${failed.join('\n- ')}`, 'MLOPS_CHECKS_FAILED', failed);
    // Swap: two renames on one filesystem; the old tree is removed only once the new one is in place.
    warnings.push(...swapIntoPlace(staging, dist));
    return { warnings };
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
