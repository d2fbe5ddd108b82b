import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { registerAppCheck, registerAppChecksPassed } from '../core/app-checks';
import type { ManifestObject } from './manifest';
import { checkApp, Prerequisites } from './manifest-checks';
import { formatViolation, SchemaValidator } from './schema-validator';
import { warnIfOutputTracked } from './tracked-output';

/** A rendered object and, when it came from a construct tree, the construct that rendered it. */
export interface RenderedObject {
  readonly object: ManifestObject;
  /** @default - unknown (read back from a file) */
  readonly constructPath?: string;
}

export interface ManifestCheckOptions {
  /** @default SchemaValidator.shipped() */
  readonly validator?: SchemaValidator;
  /**
   * Secrets and ConfigMaps the pods may reference without the app rendering them.
   * @default - any Secret or ConfigMap the app does not render is assumed to be a prerequisite
   */
  readonly prerequisites?: Prerequisites;
  /**
   * Skip the schema validation (when the caller already validated these objects).
   * @default false
   */
  readonly skipSchema?: boolean;
}

/**
 * Everything the library promises about one app's objects: strict schema validation of each
 * (unknown fields are errors) and the manifest checks across them ({@link checkApp}: Pod Security
 * "restricted", pinned images, probes, no literal Secret data or credential, references that
 * resolve). Each message starts with the construct path when it is known.
 */
export function checkManifests(objects: readonly RenderedObject[], options: ManifestCheckOptions = {}): string[] {
  const errors = options.skipSchema ? [] : validateSchemas(objects, options.validator);
  // checkApp names objects as `Kind "name"`: put the construct path in front.
  const paths = new Map<string, string>();
  for (const o of objects) {
    const k = `${o.object.kind} "${o.object.metadata?.name}"`;
    if (o.constructPath && !paths.has(k)) paths.set(k, o.constructPath);
  }
  const manifests = objects.map((o) => o.object);
  const found = checkApp(manifests, options.prerequisites ?? {}, { assumePrerequisites: options.prerequisites === undefined });
  for (const e of found) {
    const m = /^(\w+ "[^"]*")/.exec(e);
    const p = m ? paths.get(m[1]) : undefined;
    errors.push(p ? `${p}: ${e}` : e);
  }
  return errors;
}

/** Strict schema validation only: one message per violation (see {@link formatViolation}). */
export function validateSchemas(objects: readonly RenderedObject[], validator: SchemaValidator = SchemaValidator.shipped()): string[] {
  return objects.flatMap((o) => validator.validate(o.object, o.constructPath).map(formatViolation));
}

// Rendering (ApiObject.toJson) is the costly part of a synth: within one synthObjects call the
// app checks and the output share each object's rendering.
let renderCache: Map<ApiObject, ManifestObject> | undefined;

/** Runs `fn` with each ApiObject rendered at most once by {@link renderObject}. */
export function withRenderCache<T>(fn: () => T): T {
  const previous = renderCache;
  renderCache = new Map();
  try {
    return fn();
  } finally {
    renderCache = previous;
  }
}

/** `o.toJson()`, cached inside {@link withRenderCache}. */
export function renderObject(o: ApiObject): ManifestObject {
  let json = renderCache?.get(o);
  if (!json) {
    json = o.toJson() as ManifestObject;
    renderCache?.set(o, json);
  }
  return json;
}

/** Every API object of the app `scope` belongs to, rendered, with its construct path. */
export function renderedObjects(scope: IConstruct): RenderedObject[] {
  return scope.node.root.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c))
    .map((o) => ({ object: renderObject(o), constructPath: o.node.path }));
}

const settings = new WeakMap<IConstruct, ManifestCheckOptions>();

/**
 * Settings for the checks a plain `app.synth()` runs on an app with this library's constructs:
 * another validator (for example one that knows your own CRDs through `addSchema`), or the
 * prerequisites, which makes an unrendered Secret or ConfigMap that is not listed an error.
 */
export function configureAppChecks(scope: IConstruct, options: Omit<ManifestCheckOptions, 'skipSchema'>): void {
  settings.set(scope.node.root, options);
}

/** The check every app with one of this library's constructs runs when it validates. */
export function checkAppTree(root: IConstruct): string[] {
  return checkManifests(renderedObjects(root), settings.get(root.node.root) ?? {});
}

registerAppCheck(checkAppTree);
registerAppChecksPassed(warnIfOutputTracked);
