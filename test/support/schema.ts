/**
 * Strict schema validator for synthesized Kubernetes manifests (test support).
 *
 * - Built-in kinds are checked against the Kubernetes 1.28 OpenAPI definitions
 *   (`<shared>/schemas/k8s-1.28-definitions.json`, looked up by `x-kubernetes-group-version-kind`).
 * - Custom resources are checked against the `openAPIV3Schema` of the matching *served* version
 *   in `<shared>/crds/*.yaml`. CRD files are parsed lazily (one file per API group, on first use)
 *   and cached in memory; the parsed schemas are also cached on disk in the OS temp dir, keyed by
 *   the file's sha256, because YAML-parsing the biggest CRD files takes ~0.5 s each.
 *   Disable the disk cache with `MLOPS_SCHEMA_CACHE=0`.
 * - When `crds/sources.json` lists a mirrored file, its sha256 is checked on load.
 *
 * Strictness: unknown fields are errors unless the schema allows them (`additionalProperties`,
 * `x-kubernetes-preserve-unknown-fields: true`, or - only in the built-in definitions - an
 * `object` with no declared properties such as RawExtension). This mirrors the API server's
 * strict field validation / CRD pruning. Also checked: type, required, enum, nullable, items,
 * $ref, int-or-string, allOf/anyOf/oneOf (anyOf/oneOf loosely: any matching branch is enough),
 * not, min/max(Length|Items|Properties), minimum/maximum, pattern, format (int32/int64/byte),
 * list-type set/map uniqueness, and label/annotation key/value syntax in ObjectMeta.
 * CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';

type Schema = { [key: string]: any };

export interface Validator {
  /** Validates one manifest object. Returns a list of errors; empty means valid. */
  validate(obj: any): string[];
  /** Validates several manifests and concatenates the errors. */
  validateAll(objs: readonly any[]): string[];
  /** True when a schema exists for this apiVersion/kind (loads the CRD file if needed). */
  hasSchema(apiVersion: string, kind: string): boolean;
}

const repoRoot = path.resolve(__dirname, '..', '..');
const K8S_DEFINITIONS = path.join('schemas', 'k8s-1.28-definitions.json');
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** API groups whose objects are not Kubernetes API resources and are not validated. */
const SKIPPED_GROUPS = new Set(['kustomize.config.k8s.io']);
/** Bump when the shape of the disk cache changes. */
const CACHE_VERSION = 2;

/** The shared mirror directory (`MLOPS_SHARED_DIR`, default `../shared` relative to the repo root). */
export function sharedDir(): string {
  const fromEnv = process.env.MLOPS_SHARED_DIR;
  const dir = fromEnv ? path.resolve(fromEnv) : path.resolve(repoRoot, '..', 'shared');
  checkSharedDir(dir, fromEnv ? 'MLOPS_SHARED_DIR' : 'the default ../shared (relative to the repository root)');
  return dir;
}

function checkSharedDir(dir: string, origin: string): void {
  const missing = ['crds', K8S_DEFINITIONS].filter((p) => !fs.existsSync(path.join(dir, p)));
  if (missing.length > 0) {
    throw new Error(
      `schema mirror directory ${dir} (from ${origin}) is missing ${missing.join(' and ')}. ` +
        'Set MLOPS_SHARED_DIR to a directory containing crds/*.yaml and schemas/k8s-1.28-definitions.json; ' +
        'the upstream URLs and sha256 of every file are listed in crds/sources.json.',
    );
  }
}

interface CrdVersion {
  name: string;
  served: boolean;
  schema: Schema | undefined;
}
interface CrdEntry {
  group: string;
  kind: string;
  versions: CrdVersion[];
}
interface SourceEntry {
  file: string;
  group?: string;
  sha256: string;
  upstream?: string[];
}

function readSources(): SourceEntry[] {
  const file = path.join(repoRoot, 'crds', 'sources.json');
  if (!fs.existsSync(file)) return [];
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SourceEntry[];
}

/** Drops documentation-only keys to keep the in-memory and on-disk caches small. */
function stripDocs(s: any, isPropertyMap = false): any {
  if (Array.isArray(s)) return s.map((x) => stripDocs(x));
  if (s === null || typeof s !== 'object') return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    // Inside `properties` the keys are field names: a field called `description` (Keycloak's
    // RoleRepresentation has one) is a schema, not documentation.
    if (!isPropertyMap && (k === 'description' || k === 'example')) continue;
    // `default`, `enum` and `example` hold data, not schemas: copy verbatim.
    out[k] = !isPropertyMap && (k === 'default' || k === 'enum') ? v : stripDocs(v, !isPropertyMap && k === 'properties');
  }
  return out;
}

function cacheDir(): string | undefined {
  if (process.env.MLOPS_SCHEMA_CACHE === '0') return undefined;
  const uid = typeof process.getuid === 'function' ? `-${process.getuid()}` : '';
  return path.join(process.env.MLOPS_SCHEMA_CACHE_DIR ?? os.tmpdir(), `mlops-cdk8s-schema-cache${uid}`);
}

function parseCrdFile(file: string, text: string): CrdEntry[] {
  const entries: CrdEntry[] = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: YAML error: ${doc.errors[0].message}`);
    const crd = doc.toJS({ maxAliasCount: -1 });
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    const spec = crd.spec ?? {};
    for (const v of spec.versions ?? []) {
      // apiextensions.k8s.io/v1 allows one top-level schema for all versions only in v1beta1; handle both.
      v.schema = v.schema ?? spec.validation;
    }
    entries.push({
      group: spec.group,
      kind: spec.names?.kind,
      versions: (spec.versions ?? []).map((v: any) => ({
        name: v.name,
        served: v.served !== false,
        schema: v.schema?.openAPIV3Schema ? stripDocs(v.schema.openAPIV3Schema) : undefined,
      })),
    });
  }
  return entries;
}

function loadCrdFile(file: string, expectedSha?: string, upstream?: string[]): CrdEntry[] {
  const buf = fs.readFileSync(file);
  const sha = createHash('sha256').update(buf).digest('hex');
  if (expectedSha && sha !== expectedSha) {
    throw new Error(
      `${file}: sha256 mismatch (expected ${expectedSha}, actual ${sha}). Restore it from ` +
        `${(upstream ?? []).join(', ') || 'its upstream source'} or update crds/sources.json ` +
        'and re-run node scripts/import-crds.mjs.',
    );
  }
  const dir = cacheDir();
  const cacheFile = dir ? path.join(dir, `v${CACHE_VERSION}-${sha}.json`) : undefined;
  if (cacheFile && fs.existsSync(cacheFile)) {
    try {
      return JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as CrdEntry[];
    } catch {
      // corrupt cache entry: fall through and re-parse
    }
  }
  const entries = parseCrdFile(file, buf.toString('utf8'));
  if (dir && cacheFile) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      fs.writeFileSync(tmp, JSON.stringify(entries));
      fs.renameSync(tmp, cacheFile);
    } catch {
      // the cache is an optimisation only
    }
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------

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

function childPath(p: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${p}.${key}` : `${p}[${JSON.stringify(key)}]`;
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

interface Ctx {
  errors: string[];
  /** 'k8s': built-in definitions; 'crd': structural CRD schema. */
  source: 'k8s' | 'crd';
  /** Inside an allOf/anyOf/oneOf/not branch: branches only add value validations. */
  inBranch: boolean;
}

class SchemaValidator implements Validator {
  private readonly definitions: Record<string, Schema>;
  private readonly gvkIndex = new Map<string, string>();
  private readonly crdFiles: string[];
  private readonly crdCache = new Map<string, CrdEntry[]>();
  private readonly sources: SourceEntry[];

  constructor(private readonly dir: string) {
    const defs = JSON.parse(fs.readFileSync(path.join(dir, K8S_DEFINITIONS), 'utf8'));
    this.definitions = defs.definitions;
    for (const [name, def] of Object.entries(this.definitions)) {
      for (const gvk of (def['x-kubernetes-group-version-kind'] ?? []) as any[]) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        const key = `${apiVersion}|${gvk.kind}`;
        // A few meta kinds (DeleteOptions, Status, WatchEvent) are listed under many GVKs; the
        // first definition wins.
        if (!this.gvkIndex.has(key)) this.gvkIndex.set(key, name);
      }
    }
    this.crdFiles = fs
      .readdirSync(path.join(dir, 'crds'))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    this.sources = readSources();
  }

  validateAll(objs: readonly any[]): string[] {
    return objs.flatMap((o) => this.validate(o));
  }

  hasSchema(apiVersion: string, kind: string): boolean {
    if (this.gvkIndex.has(`${apiVersion}|${kind}`)) return true;
    return this.crdSchema(apiVersion, kind).schema !== undefined;
  }

  validate(obj: any): string[] {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return [`manifest: expected an object, got ${typeName(obj)}`];
    }
    const { apiVersion, kind } = obj;
    const name = obj.metadata?.name ?? obj.metadata?.generateName ?? '<unnamed>';
    const ns = obj.metadata?.namespace;
    const prefix = `${apiVersion}/${kind} ${ns ? `${ns}/` : ''}${name}`;
    if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
      return [`${prefix}: $: apiVersion and kind must be non-empty strings`];
    }
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    if (SKIPPED_GROUPS.has(group)) return [];

    const errors: string[] = [];
    const push = (p: string, msg: string) => errors.push(`${prefix}: ${p}: ${msg}`);
    if (obj.metadata === null || typeof obj.metadata !== 'object') {
      push('$.metadata', 'required object is missing');
    } else if (!obj.metadata.name && !obj.metadata.generateName) {
      push('$.metadata.name', 'name or generateName is required');
    }

    const defName = this.gvkIndex.get(`${apiVersion}|${kind}`);
    if (defName) {
      const ctx: Ctx = { errors: [], source: 'k8s', inBranch: false };
      this.check(obj, this.definitions[defName], '$', ctx);
      for (const e of ctx.errors) errors.push(`${prefix}: ${e}`);
      return errors;
    }

    const crd = this.crdSchema(apiVersion, kind);
    if (!crd.schema) {
      errors.push(`${prefix}: $: no schema for apiVersion ${apiVersion} kind ${kind}${crd.hint ? ` (${crd.hint})` : ''}`);
      return errors;
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
      this.check(metadata, { $ref: `#/definitions/${OBJECT_META}` }, '$.metadata', { ...ctx, source: 'k8s' });
    }
    for (const e of ctx.errors) errors.push(`${prefix}: ${e}`);
    return errors;
  }

  private crdEntries(file: string): CrdEntry[] {
    let entries = this.crdCache.get(file);
    if (!entries) {
      const src = this.sources.find((s) => s.file === file);
      entries = loadCrdFile(path.join(this.dir, 'crds', file), src?.sha256, src?.upstream);
      this.crdCache.set(file, entries);
    }
    return entries;
  }

  private crdSchema(apiVersion: string, kind: string): { schema?: Schema; hint?: string } {
    const slash = apiVersion.indexOf('/');
    if (slash < 0) return {};
    const group = apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    // Files are named after their API group; fall back to a cheap text search for other layouts.
    let candidates = this.crdFiles.filter((f) => f === `${group}.yaml` || f === `${group}.yml`);
    if (candidates.length === 0) {
      const needle = new RegExp(`^\\s*group:\\s*["']?${group.replace(/\./g, '\\.')}["']?\\s*$`, 'm');
      candidates = this.crdFiles.filter((f) => needle.test(fs.readFileSync(path.join(this.dir, 'crds', f), 'utf8')));
    }
    for (const file of candidates) {
      const crd = this.crdEntries(file).find((e) => e.group === group && e.kind === kind);
      if (!crd) continue;
      const v = crd.versions.find((x) => x.name === version);
      const served = crd.versions.filter((x) => x.served).map((x) => x.name);
      if (!v) return { hint: `${kind} has versions ${crd.versions.map((x) => x.name).join(', ')}` };
      if (!v.served) return { hint: `version ${version} is not served; served: ${served.join(', ')}` };
      if (!v.schema) return { hint: `the CRD in ${file} has no openAPIV3Schema for ${version}` };
      return { schema: v.schema };
    }
    return {};
  }

  private resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; s && s.$ref && i < 32; i++) {
      const ref: string = s.$ref;
      const name = ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : ref;
      const target = this.definitions[name];
      if (!target) throw new Error(`unresolvable $ref ${ref}`);
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
    const s = this.resolve(schema);
    const err = (msg: string, at = p) => ctx.errors.push(`${at}: ${msg}`);

    if (v === null) {
      if (s.nullable === true || s['x-kubernetes-preserve-unknown-fields'] === true) return;
      // Definitions without any type information (e.g. apiextensions JSON) accept anything.
      if (!s.type && !s.properties && !s.items && !s.oneOf && !s.anyOf && !s.allOf) return;
      if (Array.isArray(s.type) && s.type.includes('null')) return;
      err('null is not allowed (field is not nullable)');
      return;
    }

    const intOrString = s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string';
    if (intOrString) {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
        err(`expected integer or string, got ${describe(v)}`);
        return;
      }
    } else if (s.type !== undefined) {
      const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => matchesType(v, t))) {
        err(`expected ${types.join(' or ')}, got ${describe(v)}`);
        return;
      }
    }

    if (Array.isArray(s.enum) && !s.enum.some((e: any) => deepEqual(e, v))) {
      const allowed = s.enum.map((e: any) => JSON.stringify(e));
      err(`${describe(v)} is not one of ${allowed.length > 12 ? `${allowed.slice(0, 12).join(', ')}, ...` : allowed.join(', ')}`);
    }

    if (typeof v === 'string') this.checkString(v, s, err);
    else if (typeof v === 'number') this.checkNumber(v, s, err);
    else if (Array.isArray(v)) this.checkArray(v, s, p, ctx, err);
    else if (typeof v === 'object') this.checkObject(v, s, p, ctx, err, refName);

    if (Array.isArray(s.allOf)) for (const b of s.allOf) this.check(v, b, p, { ...ctx, inBranch: true });
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = s[key];
      if (Array.isArray(branches) && branches.length > 0 && !intOrString) {
        if (!branches.some((b: Schema) => this.matches(v, b, p, ctx))) {
          // Report why the first branch failed, as a hint.
          const sub: Ctx = { errors: [], source: ctx.source, inBranch: true };
          this.check(v, branches[0], p, sub);
          err(`does not match any ${key} alternative${sub.errors.length ? ` (first: ${sub.errors[0]})` : ''}`);
        }
      }
    }
    if (s.not && typeof s.not === 'object' && this.matches(v, s.not, p, ctx)) {
      err(`must not match the "not" schema ${JSON.stringify(s.not).slice(0, 120)}`);
    }
  }

  private checkString(v: string, s: Schema, err: (m: string) => void): void {
    const len = [...v].length;
    if (typeof s.minLength === 'number' && len < s.minLength) err(`string shorter than minLength ${s.minLength}`);
    if (typeof s.maxLength === 'number' && len > s.maxLength) err(`string longer than maxLength ${s.maxLength} (${len})`);
    if (typeof s.pattern === 'string') {
      const re = compilePattern(s.pattern);
      if (re && !re.test(v)) err(`${describe(v)} does not match pattern ${s.pattern}`);
    }
    if (s.format === 'byte' && !BASE64.test(v)) err('expected base64-encoded data (format: byte)');
  }

  private checkNumber(v: number, s: Schema, err: (m: string) => void): void {
    if (typeof s.minimum === 'number' && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) {
      err(`${v} is less than ${s.exclusiveMinimum === true ? 'or equal to ' : ''}minimum ${s.minimum}`);
    }
    if (typeof s.maximum === 'number' && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) {
      err(`${v} is greater than ${s.exclusiveMaximum === true ? 'or equal to ' : ''}maximum ${s.maximum}`);
    }
    if (s.format === 'int32' && Number.isInteger(v) && (v < -2147483648 || v > 2147483647)) err(`${v} overflows int32`);
    if (s.format === 'int64' && Number.isInteger(v) && !Number.isSafeInteger(v)) err(`${v} is not a safe int64 value`);
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
      err(`${v} is not a multiple of ${s.multipleOf}`);
    }
  }

  private checkArray(v: any[], s: Schema, p: string, ctx: Ctx, err: (m: string, at?: string) => void): void {
    if (typeof s.minItems === 'number' && v.length < s.minItems) err(`expected at least ${s.minItems} items, got ${v.length}`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) err(`expected at most ${s.maxItems} items, got ${v.length}`);
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) {
      v.forEach((item, i) => this.check(item, s.items, `${p}[${i}]`, ctx));
    }
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set' || s.uniqueItems === true) {
      for (let i = 0; i < v.length; i++) {
        for (let j = 0; j < i; j++) {
          if (deepEqual(v[i], v[j])) {
            err(`duplicate entry ${JSON.stringify(v[i]).slice(0, 80)} in a set (also at [${j}])`, `${p}[${i}]`);
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
          err(`duplicate entry for list-map key (${keys.join(', ')}) = ${id} (also at [${prev}])`, `${p}[${i}]`);
        } else seen.set(id, i);
      });
    }
  }

  private checkObject(
    v: Record<string, any>,
    s: Schema,
    p: string,
    ctx: Ctx,
    err: (m: string, at?: string) => void,
    refName: string | undefined,
  ): void {
    if (Array.isArray(s.required)) {
      for (const r of s.required) if (!(r in v) || v[r] === undefined) err(`missing required field "${r}"`, childPath(p, r));
    }
    const n = Object.keys(v).length;
    if (typeof s.minProperties === 'number' && n < s.minProperties) err(`expected at least ${s.minProperties} properties`);
    if (typeof s.maxProperties === 'number' && n > s.maxProperties) err(`expected at most ${s.maxProperties} properties`);

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
    for (const [key, value] of Object.entries(v)) {
      if (value === undefined) continue;
      const cp = childPath(p, key);
      if (props && Object.prototype.hasOwnProperty.call(props, key)) {
        this.check(value, props[key], cp, ctx);
      } else if (additional && typeof additional === 'object') {
        this.check(value, additional, cp, ctx);
      } else if (additional === false || closed) {
        err(`unknown field "${key}"`, cp);
      }
    }

    if (refName === `#/definitions/${OBJECT_META}`) this.checkObjectMeta(v, p, err);
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

const validators = new Map<string, Validator>();

/**
 * Returns a (cached) validator reading schemas from `dir` (default: {@link sharedDir}).
 * Built-in definitions are loaded immediately; CRD files on first use of their API group.
 */
export function loadValidator(dir?: string): Validator {
  const resolved = dir ? path.resolve(dir) : sharedDir();
  if (dir) checkSharedDir(resolved, 'the loadValidator() argument');
  let v = validators.get(resolved);
  if (!v) {
    v = new SchemaValidator(resolved);
    validators.set(resolved, v);
  }
  return v;
}
