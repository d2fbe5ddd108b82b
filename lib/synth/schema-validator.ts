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
const OBJECT_META_SCHEMA: Schema = { $ref: OBJECT_META_REF };

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

// Label and annotation keys repeat across objects (`app.kubernetes.io/name`): each is checked once.
const qualifiedNameResults = new Map<string, string | undefined>();
function qualifiedNameErrors(key: string): string | undefined {
  if (qualifiedNameResults.has(key)) return qualifiedNameResults.get(key);
  const problem = qualifiedNameProblem(key);
  if (qualifiedNameResults.size < 10_000) qualifiedNameResults.set(key, problem);
  return problem;
}

function qualifiedNameProblem(key: string): string | undefined {
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

/** The JSON path of the segments on the stack: `$.spec.containers[0].image`. */
function pathText(at: ReadonlyArray<string | number>): string {
  let p = '$';
  for (const seg of at) p = typeof seg === 'number' ? `${p}[${seg}]` : childPath(p, seg);
  return p;
}

/** Records a violation at the current JSON path (plus `key`, for a field of the current object). */
function fail(ctx: Ctx, msg: string, key?: string): void {
  const p = pathText(ctx.at);
  ctx.errors.push(`${key === undefined ? p : childPath(p, key)}: ${msg}`);
}

interface Ctx {
  errors: string[];
  /** 'k8s': built-in definitions; 'crd': structural CRD schema. */
  source: 'k8s' | 'crd';
  /** Inside an allOf/anyOf/oneOf/not branch: branches only add value validations. */
  inBranch: boolean;
  /**
   * The JSON path as keys (strings) and indices (numbers), shared by the branches of one walk:
   * the path text is built only for a violation.
   */
  at: Array<string | number>;
}

/**
 * A schema node with what the walk asks of it worked out once (the schema's `$ref` resolved, its
 * keywords read and typed), and its sub-schemas compiled on first use ($refs may be recursive).
 */
interface Node {
  readonly s: Schema;
  /** The node is the ObjectMeta `$ref`: labels and annotations are checked too. */
  readonly objectMeta: boolean;
  /** null is accepted. */
  readonly nullOk: boolean;
  readonly intOrString: boolean;
  readonly types: readonly string[] | undefined;
  readonly enumValues: readonly any[] | undefined;
  readonly stringChecks: boolean;
  readonly numberChecks: boolean;
  readonly arrayChecks: boolean;
  readonly required: readonly string[] | undefined;
  readonly props: Schema | undefined;
  readonly additional: any;
  /** Unknown keys rejected by built-in definitions (outside branches). */
  readonly closedK8s: boolean;
  /** Unknown keys rejected by CRD schemas (outside branches). */
  readonly closedCrd: boolean;
  readonly hasMinMaxProperties: boolean;
  readonly hasCombinators: boolean;
  propNodes: Map<string, Node> | undefined;
  additionalNode: Node | undefined;
  itemsNode: Node | undefined;
  allOfNodes: Node[] | undefined;
}

function compileNode(s: Schema, objectMeta: boolean): Node {
  const type = s.type;
  const types = type === undefined ? undefined : Array.isArray(type) ? type : [type];
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const props: Schema | undefined = s.properties;
  const additional = s.additionalProperties;
  const open = preserve || additional !== undefined;
  return {
    s,
    objectMeta,
    nullOk: s.nullable === true || preserve
      // Definitions without any type information (e.g. apiextensions JSON) accept anything.
      || (!s.type && !s.properties && !s.items && !s.oneOf && !s.anyOf && !s.allOf)
      || (Array.isArray(s.type) && s.type.includes('null')),
    intOrString: s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string',
    types,
    enumValues: Array.isArray(s.enum) ? s.enum : undefined,
    stringChecks: typeof s.minLength === 'number' || typeof s.maxLength === 'number' || typeof s.pattern === 'string' || s.format === 'byte',
    numberChecks: typeof s.minimum === 'number' || typeof s.maximum === 'number' || s.format === 'int32' || s.format === 'int64' || typeof s.multipleOf === 'number',
    arrayChecks: typeof s.minItems === 'number' || typeof s.maxItems === 'number' || (s.items !== undefined && s.items !== null)
      || s['x-kubernetes-list-type'] !== undefined || s.uniqueItems === true,
    required: Array.isArray(s.required) ? s.required : undefined,
    props,
    additional,
    closedK8s: !open && props !== undefined,
    closedCrd: !open && (props !== undefined || s.type === 'object'),
    hasMinMaxProperties: typeof s.minProperties === 'number' || typeof s.maxProperties === 'number',
    hasCombinators: s.allOf !== undefined || s.anyOf !== undefined || s.oneOf !== undefined || s.not !== undefined,
    propNodes: undefined,
    additionalNode: undefined,
    itemsNode: undefined,
    allOfNodes: undefined,
  };
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
  /** Each schema object compiled once (see {@link Node}). */
  private readonly nodes = new WeakMap<Schema, Node>();
  private readonly builtinRefs = new Map<string, Schema>();
  private readonly restSchemas = new WeakMap<Schema, Schema>();

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
      const ctx: Ctx = { errors: [], source: 'k8s', inBranch: false, at: [] };
      this.check(obj, this.node(builtin), ctx);
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
    const ctx: Ctx = { errors: [], source: 'crd', inBranch: false, at: [] };
    const { apiVersion: _a, kind: _k, metadata, ...rest } = obj;
    this.check(rest, this.node(this.restSchema(crd.schema)), ctx);
    if (metadata !== undefined && metadata !== null && typeof metadata === 'object') {
      ctx.at.push('metadata');
      this.check(metadata, this.node(OBJECT_META_SCHEMA), { errors: ctx.errors, source: 'k8s', inBranch: false, at: ctx.at });
      ctx.at.pop();
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
    if (!name) return undefined;
    let ref = this.builtinRefs.get(name);
    if (ref === undefined) this.builtinRefs.set(name, (ref = { $ref: `#/definitions/${name}` }));
    return ref;
  }

  /**
   * The schema of a custom resource without apiVersion, kind and metadata (which the API server
   * validates itself, whatever the CRD says about them), made once per CRD schema.
   */
  private restSchema(root: Schema): Schema {
    let rest = this.restSchemas.get(root);
    if (rest === undefined) {
      rest = { ...root, properties: { ...(root.properties ?? {}) } };
      delete rest.properties.apiVersion;
      delete rest.properties.kind;
      delete rest.properties.metadata;
      if (Array.isArray(root.required)) {
        rest.required = root.required.filter((r: string) => !['apiVersion', 'kind', 'metadata'].includes(r));
      }
      this.restSchemas.set(root, rest);
    }
    return rest;
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

  /** The compiled node of a schema object (once per object; `$ref`s resolved). */
  private node(schema: Schema): Node {
    // A boolean schema (`true`) constrains nothing, as an empty one.
    if (typeof schema !== 'object' || schema === null) return compileNode({}, false);
    let n = this.nodes.get(schema);
    if (n === undefined) {
      n = compileNode(schema.$ref === undefined ? schema : this.resolve(schema), schema.$ref === OBJECT_META_REF);
      this.nodes.set(schema, n);
    }
    return n;
  }

  /** True when v satisfies s (used for anyOf/oneOf/not branches). */
  private matches(v: any, s: Schema, ctx: Ctx): boolean {
    const sub: Ctx = { errors: [], source: ctx.source, inBranch: true, at: ctx.at };
    this.check(v, this.node(s), sub);
    return sub.errors.length === 0;
  }

  private check(v: any, n: Node, ctx: Ctx): void {
    if (v === null) {
      if (!n.nullOk) fail(ctx, 'null is not allowed (field is not nullable)');
      return;
    }

    if (n.intOrString) {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
        fail(ctx, `expected integer or string, got ${describe(v)}`);
        return;
      }
    } else if (n.types !== undefined) {
      const types = n.types;
      let ok = false;
      for (let i = 0; i < types.length && !ok; i++) ok = matchesType(v, types[i]);
      if (!ok) {
        fail(ctx, `expected ${types.join(' or ')}, got ${describe(v)}`);
        return;
      }
    }

    const values = n.enumValues;
    if (values !== undefined) {
      let found = false;
      for (let i = 0; i < values.length && !found; i++) found = deepEqual(values[i], v);
      if (!found) {
        const allowed = values.map((e: any) => JSON.stringify(e));
        fail(ctx, `${describe(v)} is not one of ${allowed.length > 12 ? `${allowed.slice(0, 12).join(', ')}, ...` : allowed.join(', ')}`);
      }
    }

    if (typeof v === 'string') {
      if (n.stringChecks) this.checkString(v, n.s, ctx);
    } else if (typeof v === 'number') {
      if (n.numberChecks) this.checkNumber(v, n.s, ctx);
    } else if (Array.isArray(v)) {
      if (n.arrayChecks) this.checkArray(v, n, ctx);
    } else if (typeof v === 'object') this.checkObject(v, n, ctx);

    if (n.hasCombinators) {
      const s = n.s;
      if (Array.isArray(s.allOf)) {
        const branches = n.allOfNodes ?? (n.allOfNodes = s.allOf.map((b: Schema) => this.node(b)));
        const sub: Ctx = { errors: ctx.errors, source: ctx.source, inBranch: true, at: ctx.at };
        for (const b of branches) this.check(v, b, sub);
      }
      if (s.anyOf !== undefined || s.oneOf !== undefined) this.checkAlternatives(v, s, ctx, n.intOrString);
      if (s.not && typeof s.not === 'object' && this.matches(v, s.not, ctx)) {
        fail(ctx, `must not match the "not" schema ${JSON.stringify(s.not).slice(0, 120)}`);
      }
    }
  }

  private checkAlternatives(v: any, s: Schema, ctx: Ctx, intOrString: boolean): void {
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = s[key];
      if (Array.isArray(branches) && branches.length > 0 && !intOrString) {
        if (!branches.some((b: Schema) => this.matches(v, b, ctx))) {
          // Report why the first branch failed, as a hint.
          const sub: Ctx = { errors: [], source: ctx.source, inBranch: true, at: ctx.at };
          this.check(v, this.node(branches[0]), sub);
          fail(ctx, `does not match any ${key} alternative${sub.errors.length ? ` (first: ${sub.errors[0]})` : ''}`);
        }
      }
    }
  }

  private checkString(v: string, s: Schema, ctx: Ctx): void {
    if (typeof s.minLength === 'number' || typeof s.maxLength === 'number') {
      // Code points, as the API server counts them (the UTF-16 length when there is no surrogate).
      const len = SURROGATE.test(v) ? [...v].length : v.length;
      if (typeof s.minLength === 'number' && len < s.minLength) fail(ctx, `string shorter than minLength ${s.minLength}`);
      if (typeof s.maxLength === 'number' && len > s.maxLength) fail(ctx, `string longer than maxLength ${s.maxLength} (${len})`);
    }
    if (typeof s.pattern === 'string') {
      const re = compilePattern(s.pattern);
      if (re && !re.test(v)) fail(ctx, `${describe(v)} does not match pattern ${s.pattern}`);
    }
    if (s.format === 'byte' && !BASE64.test(v)) fail(ctx, 'expected base64-encoded data (format: byte)');
  }

  private checkNumber(v: number, s: Schema, ctx: Ctx): void {
    if (typeof s.minimum === 'number' && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) {
      fail(ctx, `${v} is less than ${s.exclusiveMinimum === true ? 'or equal to ' : ''}minimum ${s.minimum}`);
    }
    if (typeof s.maximum === 'number' && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) {
      fail(ctx, `${v} is greater than ${s.exclusiveMaximum === true ? 'or equal to ' : ''}maximum ${s.maximum}`);
    }
    if (s.format === 'int32' && Number.isInteger(v) && (v < -2147483648 || v > 2147483647)) fail(ctx, `${v} overflows int32`);
    if (s.format === 'int64' && Number.isInteger(v) && !Number.isSafeInteger(v)) fail(ctx, `${v} is not a safe int64 value`);
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
      fail(ctx, `${v} is not a multiple of ${s.multipleOf}`);
    }
  }

  private checkArray(v: any[], n: Node, ctx: Ctx): void {
    const s = n.s;
    const at = ctx.at;
    if (typeof s.minItems === 'number' && v.length < s.minItems) fail(ctx, `expected at least ${s.minItems} items, got ${v.length}`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) fail(ctx, `expected at most ${s.maxItems} items, got ${v.length}`);
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) {
      const item = n.itemsNode ?? (n.itemsNode = this.node(s.items));
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) continue; // a hole, as forEach skips
        at.push(i);
        this.check(v[i], item, ctx);
        at.pop();
      }
    }
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set' || s.uniqueItems === true) {
      for (let i = 0; i < v.length; i++) {
        for (let j = 0; j < i; j++) {
          if (deepEqual(v[i], v[j])) {
            at.push(i);
            fail(ctx, `duplicate entry ${JSON.stringify(v[i]).slice(0, 80)} in a set (also at [${j}])`);
            at.pop();
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
          at.push(i);
          fail(ctx, `duplicate entry for list-map key (${keys.join(', ')}) = ${id} (also at [${prev}])`);
          at.pop();
        } else seen.set(id, i);
      });
    }
  }

  private checkObject(v: Record<string, any>, n: Node, ctx: Ctx): void {
    const required = n.required;
    if (required !== undefined) {
      for (const r of required) if (!(r in v) || v[r] === undefined) fail(ctx, `missing required field "${r}"`, r);
    }
    const keys = Object.keys(v);
    if (n.hasMinMaxProperties) {
      const s = n.s;
      if (typeof s.minProperties === 'number' && keys.length < s.minProperties) fail(ctx, `expected at least ${s.minProperties} properties`);
      if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) fail(ctx, `expected at most ${s.maxProperties} properties`);
    }

    const props = n.props;
    const additional = n.additional;
    // Which unknown keys are rejected:
    // - CRD schemas are structural: an object keeps only declared properties (others are pruned,
    //   or rejected with strict field validation), unless it preserves unknown fields.
    // - Built-in definitions: objects with declared properties are closed; an `object` with no
    //   declared properties at all (RawExtension, FieldsV1, ...) is free-form.
    // - Inside allOf/anyOf/oneOf/not branches only the declared properties are checked.
    const closed = !ctx.inBranch && (ctx.source === 'crd' ? n.closedCrd : n.closedK8s);
    const at = ctx.at;
    for (const key of keys) {
      const value = v[key];
      if (value === undefined) continue;
      let child = n.propNodes?.get(key);
      if (child === undefined && props && Object.prototype.hasOwnProperty.call(props, key)) {
        child = this.node(props[key]);
        (n.propNodes ?? (n.propNodes = new Map())).set(key, child);
      }
      if (child !== undefined) {
        at.push(key);
        this.check(value, child, ctx);
        at.pop();
      } else if (additional && typeof additional === 'object') {
        const extra = n.additionalNode ?? (n.additionalNode = this.node(additional));
        at.push(key);
        this.check(value, extra, ctx);
        at.pop();
      } else if (additional === false || closed) {
        fail(ctx, `unknown field "${key}"`, key);
      }
    }

    if (n.objectMeta) this.checkObjectMeta(v, ctx);
  }

  private checkObjectMeta(meta: Record<string, any>, ctx: Ctx): void {
    const labels = meta.labels;
    if (labels && typeof labels === 'object') {
      for (const k of Object.keys(labels)) {
        const val = labels[k];
        const keyErr = qualifiedNameErrors(k);
        const badValue = typeof val === 'string' && val !== '' && (val.length > 63 || !LABEL_NAME.test(val));
        if (keyErr || badValue) {
          ctx.at.push('labels');
          if (keyErr) fail(ctx, `invalid label key: ${keyErr}`, k);
          if (badValue) {
            fail(ctx, 'invalid label value: must be at most 63 characters, alphanumeric, "-", "_" or ".", starting and ending with an alphanumeric', k);
          }
          ctx.at.pop();
        }
      }
    }
    const annotations = meta.annotations;
    if (annotations && typeof annotations === 'object') {
      let total = 0;
      for (const k of Object.keys(annotations)) {
        const val = annotations[k];
        const keyErr = qualifiedNameErrors(k);
        if (keyErr) {
          ctx.at.push('annotations');
          fail(ctx, `invalid annotation key: ${keyErr}`, k);
          ctx.at.pop();
        }
        total += k.length + (typeof val === 'string' ? val.length : 0);
      }
      if (total > 256 * 1024) fail(ctx, 'annotations exceed 256 KiB in total', 'annotations');
    }
  }
}

