/**
 * Strict schema validation of rendered Kubernetes objects, shipped with the library.
 *
 * - Built-in kinds are checked against the Kubernetes 1.28 definitions, custom resources against
 *   the served version's `openAPIV3Schema` of their CRD. Both come from the compact schemas that
 *   `npm run import` generates into `imports/schemas/` (shipped in the package, read at runtime,
 *   each file on first use of its API group).
 * - Strict as `kubeconform -strict`: unknown fields are errors unless the schema allows them
 *   (`additionalProperties`, `x-kubernetes-preserve-unknown-fields: true`, or - only in the
 *   built-in definitions - an `object` with no declared properties such as RawExtension). Also
 *   checked: type, required, enum, nullable, items, $ref, int-or-string, allOf/anyOf/oneOf
 *   (anyOf/oneOf loosely: any matching branch is enough), not, min/max(Length|Items|Properties),
 *   minimum/maximum, pattern, format (int32/int64/byte), list-type set/map uniqueness, and
 *   label/annotation key/value syntax in ObjectMeta. CEL rules (`x-kubernetes-validations`) are not
 *   evaluated.
 * - A kind without a schema is an error (as kubeconform without `-ignore-missing-schemas`), unless
 *   the validator was created with `ignoreMissingSchemas` or the kind was given a schema with
 *   {@link SchemaValidator.addSchema}.
 */
import * as fs from 'fs';
import * as path from 'path';

type Schema = { [key: string]: any };

/** One schema violation of one rendered object. */
export interface SchemaViolation {
  /** The object: `apps/v1/Deployment mlops/mlflow` (`apiVersion/kind [namespace/]name`). */
  readonly object: string;
  /** The construct that rendered it, when known: `mlops/mlflow/Resource`. */
  readonly constructPath?: string;
  /** The field, as a JSON path: `$.spec.template.spec.containers[0].imagePullPolicyy`. */
  readonly field: string;
  /** The problem and what the schema allows: `unknown field "imagePullPolicyy"`, `expected integer, got string "3"`. */
  readonly message: string;
}

/** `<construct path>: <object>: <field>: <message>` (the construct path only when known). */
export function formatViolation(v: SchemaViolation): string {
  return `${v.constructPath ? `${v.constructPath}: ` : ''}${v.object}: ${v.field}: ${v.message}`;
}

export interface SchemaValidatorOptions {
  /**
   * The directory holding `k8s.json` and `<group>.json` (as `npm run import` writes them).
   * @default - the schemas shipped with this package (`imports/schemas/`)
   */
  readonly schemaDir?: string;
  /**
   * Accept objects whose kind has no schema instead of reporting them.
   * @default false
   */
  readonly ignoreMissingSchemas?: boolean;
}

/** API groups whose objects are not Kubernetes API resources and are not validated. */
const SKIPPED_GROUPS = new Set(['kustomize.config.k8s.io']);
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const OBJECT_META_REF = `#/definitions/${OBJECT_META}`;

/**
 * The shipped schema directory: `imports/schemas/` at the package root, found by walking up from
 * this file (lib/synth/ in the repository, build/lib/synth/ once compiled, the same inside
 * node_modules/), because tsc does not copy JSON into build/.
 */
export function packagedSchemaDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'imports', 'schemas');
    if (fs.existsSync(path.join(candidate, 'k8s.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`mlops-cdk8s: the generated schemas (imports/schemas/k8s.json) were not found above ${__dirname}. Fix: reinstall the package, or run npm run import in the repository.`);
}

interface K8sSchemas {
  readonly kinds: Record<string, string>;
  readonly definitions: Record<string, Schema>;
}
interface GroupSchemas {
  readonly kinds: Record<string, { readonly versions: Record<string, Schema | null> }>;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function describe(v: unknown): string {
  const t = typeName(v);
  if (t === 'string' || t === 'integer' || t === 'number' || t === 'boolean') {
    const s = JSON.stringify(v);
    return `${t} ${s.length > 40 ? `${s.slice(0, 37)}...` : s}`;
  }
  return t;
}

function matchesType(v: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'null':
      return v === null;
    default:
      return true;
  }
}

function deepEqual(a: any, b: any): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

const SURROGATE = /[\uD800-\uDFFF]/;

// Field keys repeat across objects: their JSON-path suffix is worked out once.
const keySuffixes = new Map<string, string>();
function childPath(p: string, key: string): string {
  let suffix = keySuffixes.get(key);
  if (suffix === undefined) {
    suffix = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    if (keySuffixes.size < 10_000) keySuffixes.set(key, suffix);
  }
  return p + suffix;
}

const regexCache = new Map<string, RegExp | null>();
function compilePattern(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null; // RE2-only syntax: not checked
      }
    }
    regexCache.set(pattern, re);
  }
  return re;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function qualifiedNameErrors(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'must be [prefix/]name';
  const name = parts[parts.length - 1];
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return 'name part must be 1-63 alphanumeric characters, "-", "_" or ".", starting and ending with an alphanumeric';
  }
  if (parts.length === 2 && (parts[0].length > 253 || !DNS1123_SUBDOMAIN.test(parts[0]))) {
    return 'prefix must be a lowercase DNS-1123 subdomain';
  }
  return undefined;
}

/** Records a violation at JSON path `at`. */
function fail(ctx: Ctx, at: string, msg: string): void {
  ctx.errors.push(`${at}: ${msg}`);
}

interface Ctx {
  errors: string[];
  /** 'k8s': built-in definitions; 'crd': structural CRD schema. */
  source: 'k8s' | 'crd';
  /** Inside an allOf/anyOf/oneOf/not branch: branches only add value validations. */
  inBranch: boolean;
}


/** A strict validator for rendered objects; create one with {@link SchemaValidator.shipped} or `new`. */
export class SchemaValidator {
  /** The validator over the shipped schemas (one per process: schemas are parsed once). */
  public static shipped(): SchemaValidator {
    if (!SchemaValidator.instance) SchemaValidator.instance = new SchemaValidator();
    return SchemaValidator.instance;
  }
  private static instance: SchemaValidator | undefined;

  private readonly dir: string;
  private readonly ignoreMissing: boolean;
  private k8s: K8sSchemas | undefined;
  private readonly groups = new Map<string, GroupSchemas | null>();
  private readonly extra = new Map<string, Schema>();
  /** `$ref` → definition, looked up once per reference. */
  private readonly refs = new Map<string, Schema>();

  constructor(options: SchemaValidatorOptions = {}) {
    this.dir = options.schemaDir ? path.resolve(options.schemaDir) : packagedSchemaDir();
    this.ignoreMissing = options.ignoreMissingSchemas ?? false;
  }

  /**
   * Validates `apiVersion`/`kind` objects against `schema` (an OpenAPI v3 schema as in a CRD's
   * `openAPIV3Schema`), for custom resources this package ships no schema for.
   */
  public addSchema(apiVersion: string, kind: string, schema: Record<string, unknown>): this {
    this.extra.set(`${apiVersion}|${kind}`, schema);
    return this;
  }

  /** True when a schema exists for this apiVersion/kind. */
  public hasSchema(apiVersion: string, kind: string): boolean {
    return this.builtin(apiVersion, kind) !== undefined || this.extra.has(`${apiVersion}|${kind}`) || this.crdSchema(apiVersion, kind).schema !== undefined;
  }

  /** Validates one object; `constructPath` (the construct that rendered it) goes into each violation. */
  public validate(obj: any, constructPath?: string): SchemaViolation[] {
    const out: SchemaViolation[] = [];
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return [{ object: 'manifest', constructPath, field: '$', message: `expected an object, got ${typeName(obj)}` }];
    }
    const { apiVersion, kind } = obj;
    const name = obj.metadata?.name ?? obj.metadata?.generateName ?? '<unnamed>';
    const ns = obj.metadata?.namespace;
    const object = `${apiVersion}/${kind} ${ns ? `${ns}/` : ''}${name}`;
    const add = (e: string) => {
      const i = e.indexOf(': ');
      out.push({ object, constructPath, field: e.slice(0, i), message: e.slice(i + 2) });
    };
    if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
      add('$: apiVersion and kind must be non-empty strings');
      return out;
    }
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    if (SKIPPED_GROUPS.has(group)) return out;

    if (obj.metadata === null || typeof obj.metadata !== 'object') add('$.metadata: required object is missing');
    else if (!obj.metadata.name && !obj.metadata.generateName) add('$.metadata.name: name or generateName is required');

    const builtin = this.builtin(apiVersion, kind);
    if (builtin) {
      const ctx: Ctx = { errors: [], source: 'k8s', inBranch: false };
      this.check(obj, builtin, '$', ctx);
      ctx.errors.forEach(add);
      return out;
    }

    const extra = this.extra.get(`${apiVersion}|${kind}`);
    const crd = extra ? { schema: extra } : this.crdSchema(apiVersion, kind);
    if (!crd.schema) {
      if (!this.ignoreMissing) {
        add(`$: no schema for apiVersion ${apiVersion} kind ${kind}${crd.hint ? ` (${crd.hint})` : ''}. Fix: use a kind listed in crds/sources.json, or give it one with SchemaValidator.addSchema`);
      }
      return out;
    }
    // The API server validates apiVersion/kind/metadata of custom resources itself, whatever the
    // CRD schema says about them: check metadata as ObjectMeta and the rest with the CRD schema.
    const root = crd.schema;
    const ctx: Ctx = { errors: [], source: 'crd', inBranch: false };
    const { apiVersion: _a, kind: _k, metadata, ...rest } = obj;
    const restSchema: Schema = { ...root, properties: { ...(root.properties ?? {}) } };
    delete restSchema.properties.apiVersion;
    delete restSchema.properties.kind;
    delete restSchema.properties.metadata;
    if (Array.isArray(root.required)) {
      restSchema.required = root.required.filter((r: string) => !['apiVersion', 'kind', 'metadata'].includes(r));
    }
    this.check(rest, restSchema, '$', ctx);
    if (metadata !== undefined && metadata !== null && typeof metadata === 'object') {
      this.check(metadata, { $ref: OBJECT_META_REF }, '$.metadata', { ...ctx, source: 'k8s' });
    }
    ctx.errors.forEach(add);
    return out;
  }

  private k8sSchemas(): K8sSchemas {
    if (!this.k8s) this.k8s = JSON.parse(fs.readFileSync(path.join(this.dir, 'k8s.json'), 'utf8')) as K8sSchemas;
    return this.k8s;
  }

  private get definitions(): Record<string, Schema> {
    return this.k8sSchemas().definitions;
  }

  private builtin(apiVersion: string, kind: string): Schema | undefined {
    const name = this.k8sSchemas().kinds[`${apiVersion}/${kind}`];
    return name ? { $ref: `#/definitions/${name}` } : undefined;
  }

  private crdSchema(apiVersion: string, kind: string): { schema?: Schema; hint?: string } {
    const slash = apiVersion.indexOf('/');
    if (slash < 0) return {};
    const group = apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    let schemas = this.groups.get(group);
    if (schemas === undefined) {
      const file = path.join(this.dir, `${group}.json`);
      schemas = /^[a-z0-9.-]+$/.test(group) && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as GroupSchemas) : null;
      this.groups.set(group, schemas);
    }
    const entry = schemas?.kinds[kind];
    if (!entry) return {};
    const served = Object.keys(entry.versions);
    if (!(version in entry.versions)) return { hint: `${kind} serves ${served.join(', ')}` };
    const schema = entry.versions[version];
    if (!schema) return { hint: `the CRD has no openAPIV3Schema for ${version}` };
    return { schema };
  }

  private resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; s && s.$ref && i < 32; i++) {
      const ref: string = s.$ref;
      let target = this.refs.get(ref);
      if (target === undefined) {
        const name = ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : ref;
        target = this.definitions[name];
        if (!target) throw new Error(`unresolvable $ref ${ref}`);
        this.refs.set(ref, target);
      }
      s = target;
    }
    return s;
  }

  /** True when v satisfies s (used for anyOf/oneOf/not branches). */
  private matches(v: any, s: Schema, p: string, ctx: Ctx): boolean {
    const sub: Ctx = { errors: [], source: ctx.source, inBranch: true };
    this.check(v, s, p, sub);
    return sub.errors.length === 0;
  }

  private check(v: any, schema: Schema, p: string, ctx: Ctx): void {
    const refName: string | undefined = schema.$ref;
    const s = refName === undefined ? schema : this.resolve(schema);

    if (v === null) {
      if (s.nullable === true || s['x-kubernetes-preserve-unknown-fields'] === true) return;
      // Definitions without any type information (e.g. apiextensions JSON) accept anything.
      if (!s.type && !s.properties && !s.items && !s.oneOf && !s.anyOf && !s.allOf) return;
      if (Array.isArray(s.type) && s.type.includes('null')) return;
      fail(ctx, p, 'null is not allowed (field is not nullable)');
      return;
    }

    const intOrString = s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string';
    if (intOrString) {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
        fail(ctx, p, `expected integer or string, got ${describe(v)}`);
        return;
      }
    } else if (s.type !== undefined) {
      const types: string[] | string = s.type;
      if (!(Array.isArray(types) ? types.some((t) => matchesType(v, t)) : matchesType(v, types))) {
        fail(ctx, p, `expected ${(Array.isArray(types) ? types : [types]).join(' or ')}, got ${describe(v)}`);
        return;
      }
    }

    if (Array.isArray(s.enum) && !s.enum.some((e: any) => deepEqual(e, v))) {
      const allowed = s.enum.map((e: any) => JSON.stringify(e));
      fail(ctx, p, `${describe(v)} is not one of ${allowed.length > 12 ? `${allowed.slice(0, 12).join(', ')}, ...` : allowed.join(', ')}`);
    }

    if (typeof v === 'string') this.checkString(v, s, p, ctx);
    else if (typeof v === 'number') this.checkNumber(v, s, p, ctx);
    else if (Array.isArray(v)) this.checkArray(v, s, p, ctx);
    else if (typeof v === 'object') this.checkObject(v, s, p, ctx, refName);

    if (Array.isArray(s.allOf)) for (const b of s.allOf) this.check(v, b, p, { ...ctx, inBranch: true });
    if (s.anyOf !== undefined || s.oneOf !== undefined) this.checkAlternatives(v, s, p, ctx, intOrString);
    if (s.not && typeof s.not === 'object' && this.matches(v, s.not, p, ctx)) {
      fail(ctx, p, `must not match the "not" schema ${JSON.stringify(s.not).slice(0, 120)}`);
    }
  }

  private checkAlternatives(v: any, s: Schema, p: string, ctx: Ctx, intOrString: boolean): void {
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = s[key];
      if (Array.isArray(branches) && branches.length > 0 && !intOrString) {
        if (!branches.some((b: Schema) => this.matches(v, b, p, ctx))) {
          // Report why the first branch failed, as a hint.
          const sub: Ctx = { errors: [], source: ctx.source, inBranch: true };
          this.check(v, branches[0], p, sub);
          fail(ctx, p, `does not match any ${key} alternative${sub.errors.length ? ` (first: ${sub.errors[0]})` : ''}`);
        }
      }
    }
  }

  private checkString(v: string, s: Schema, p: string, ctx: Ctx): void {
    if (typeof s.minLength === 'number' || typeof s.maxLength === 'number') {
      // Code points, as the API server counts them (the UTF-16 length when there is no surrogate).
      const len = SURROGATE.test(v) ? [...v].length : v.length;
      if (typeof s.minLength === 'number' && len < s.minLength) fail(ctx, p, `string shorter than minLength ${s.minLength}`);
      if (typeof s.maxLength === 'number' && len > s.maxLength) fail(ctx, p, `string longer than maxLength ${s.maxLength} (${len})`);
    }
    if (typeof s.pattern === 'string') {
      const re = compilePattern(s.pattern);
      if (re && !re.test(v)) fail(ctx, p, `${describe(v)} does not match pattern ${s.pattern}`);
    }
    if (s.format === 'byte' && !BASE64.test(v)) fail(ctx, p, 'expected base64-encoded data (format: byte)');
  }

  private checkNumber(v: number, s: Schema, p: string, ctx: Ctx): void {
    if (typeof s.minimum === 'number' && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) {
      fail(ctx, p, `${v} is less than ${s.exclusiveMinimum === true ? 'or equal to ' : ''}minimum ${s.minimum}`);
    }
    if (typeof s.maximum === 'number' && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) {
      fail(ctx, p, `${v} is greater than ${s.exclusiveMaximum === true ? 'or equal to ' : ''}maximum ${s.maximum}`);
    }
    if (s.format === 'int32' && Number.isInteger(v) && (v < -2147483648 || v > 2147483647)) fail(ctx, p, `${v} overflows int32`);
    if (s.format === 'int64' && Number.isInteger(v) && !Number.isSafeInteger(v)) fail(ctx, p, `${v} is not a safe int64 value`);
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
      fail(ctx, p, `${v} is not a multiple of ${s.multipleOf}`);
    }
  }

  private checkArray(v: any[], s: Schema, p: string, ctx: Ctx): void {
    if (typeof s.minItems === 'number' && v.length < s.minItems) fail(ctx, p, `expected at least ${s.minItems} items, got ${v.length}`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) fail(ctx, p, `expected at most ${s.maxItems} items, got ${v.length}`);
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) {
      v.forEach((item, i) => this.check(item, s.items, `${p}[${i}]`, ctx));
    }
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set' || s.uniqueItems === true) {
      for (let i = 0; i < v.length; i++) {
        for (let j = 0; j < i; j++) {
          if (deepEqual(v[i], v[j])) {
            fail(ctx, `${p}[${i}]`, `duplicate entry ${JSON.stringify(v[i]).slice(0, 80)} in a set (also at [${j}])`);
            break;
          }
        }
      }
    } else if (listType === 'map' && Array.isArray(s['x-kubernetes-list-map-keys'])) {
      const keys: string[] = s['x-kubernetes-list-map-keys'];
      const seen = new Map<string, number>();
      v.forEach((item, i) => {
        if (item === null || typeof item !== 'object') return;
        const id = JSON.stringify(keys.map((k) => item[k] ?? null));
        const prev = seen.get(id);
        if (prev !== undefined) {
          fail(ctx, `${p}[${i}]`, `duplicate entry for list-map key (${keys.join(', ')}) = ${id} (also at [${prev}])`);
        } else seen.set(id, i);
      });
    }
  }

  private checkObject(
    v: Record<string, any>,
    s: Schema,
    p: string,
    ctx: Ctx,
    refName: string | undefined,
  ): void {
    if (Array.isArray(s.required)) {
      for (const r of s.required) if (!(r in v) || v[r] === undefined) fail(ctx, childPath(p, r), `missing required field "${r}"`);
    }
    const keys = Object.keys(v);
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties) fail(ctx, p, `expected at least ${s.minProperties} properties`);
    if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) fail(ctx, p, `expected at most ${s.maxProperties} properties`);

    const props: Schema | undefined = s.properties;
    const additional = s.additionalProperties;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    // Which unknown keys are rejected:
    // - CRD schemas are structural: an object keeps only declared properties (others are pruned,
    //   or rejected with strict field validation), unless it preserves unknown fields.
    // - Built-in definitions: objects with declared properties are closed; an `object` with no
    //   declared properties at all (RawExtension, FieldsV1, ...) is free-form.
    // - Inside allOf/anyOf/oneOf/not branches only the declared properties are checked.
    const closed =
      !ctx.inBranch &&
      !preserve &&
      additional === undefined &&
      (props !== undefined || (ctx.source === 'crd' && s.type === 'object'));
    for (const key of keys) {
      const value = v[key];
      if (value === undefined) continue;
      const cp = childPath(p, key);
      if (props && Object.prototype.hasOwnProperty.call(props, key)) {
        this.check(value, props[key], cp, ctx);
      } else if (additional && typeof additional === 'object') {
        this.check(value, additional, cp, ctx);
      } else if (additional === false || closed) {
        fail(ctx, cp, `unknown field "${key}"`);
      }
    }

    if (refName === OBJECT_META_REF) this.checkObjectMeta(v, p, (m, at = p) => fail(ctx, at, m));
  }

  private checkObjectMeta(meta: Record<string, any>, p: string, err: (m: string, at?: string) => void): void {
    const labels = meta.labels;
    if (labels && typeof labels === 'object') {
      for (const [k, val] of Object.entries(labels)) {
        const at = childPath(childPath(p, 'labels'), k);
        const keyErr = qualifiedNameErrors(k);
        if (keyErr) err(`invalid label key: ${keyErr}`, at);
        if (typeof val === 'string' && val !== '' && (val.length > 63 || !LABEL_NAME.test(val))) {
          err(
            'invalid label value: must be at most 63 characters, alphanumeric, "-", "_" or ".", starting and ending with an alphanumeric',
            at,
          );
        }
      }
    }
    const annotations = meta.annotations;
    if (annotations && typeof annotations === 'object') {
      let total = 0;
      for (const [k, val] of Object.entries(annotations)) {
        const keyErr = qualifiedNameErrors(k);
        if (keyErr) err(`invalid annotation key: ${keyErr}`, childPath(childPath(p, 'annotations'), k));
        total += k.length + (typeof val === 'string' ? val.length : 0);
      }
      if (total > 256 * 1024) err('annotations exceed 256 KiB in total', childPath(p, 'annotations'));
    }
  }
}

