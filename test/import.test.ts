import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { toJson_CertificateSpec } from '../imports/cert-manager.io';
import { SchemaValidator } from '../lib/synth/schema-validator';

const root = path.resolve(__dirname, '..');
const config = JSON.parse(fs.readFileSync(path.join(root, 'crds', 'sources.json'), 'utf8'));
const mirror = path.resolve(process.env.MLOPS_SHARED_DIR ?? path.join(root, '..', 'shared'));
const hasMirror = fs.existsSync(path.join(mirror, 'crds'));
// Regenerating runs `cdk8s import` for every API group (~15 s of CPU, a quarter of `npm test`), so it
// is its own step: `npm run check:import` (CI runs it after `npm test`).
const requested = process.env.MLOPS_IMPORT_CHECK === '1';
const runRegeneration = hasMirror && requested;
const skipNote = runRegeneration ? '' : !requested
  ? ' (SKIPPED in npm test: run `npm run check:import`, as CI does)'
  : ` (SKIPPED: no CRD mirror at ${mirror}; set MLOPS_SHARED_DIR to a directory with crds/ and schemas/ to run it)`;
if (requested && !hasMirror) console.warn(`test/import.test.ts: regeneration test skipped${skipNote}`);

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const groups = new Map<string, string[]>();
for (const k of config.kinds as string[]) {
  const i = k.lastIndexOf('/');
  groups.set(k.slice(0, i), [...(groups.get(k.slice(0, i)) ?? []), k.slice(i + 1)]);
}

describe('npm run import (imports/ is generated)', () => {
  it.skipIf(!runRegeneration)(`regenerating from the mirror changes nothing${skipNote}`, () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'import-repro-'));
    try {
      execFileSync(process.execPath, [path.join(root, 'scripts', 'import-crds.mjs'), '--mirror', mirror, '--out', out], { cwd: root, stdio: 'pipe' });
      const fresh = tree(out);
      const committed = tree(path.join(root, 'imports'));
      expect(Object.keys(fresh).sort()).toEqual(Object.keys(committed).sort());
      for (const f of Object.keys(committed)) expect(fresh[f] === committed[f], `imports/${f} differs from a fresh npm run import`).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);

  it('has one binding module and one schema file per API group of the kind list, and nothing else', () => {
    const ts = fs.readdirSync(path.join(root, 'imports')).filter((f) => f.endsWith('.ts')).sort();
    expect(ts).toEqual([...[...groups.keys()].map((g) => `${g}.ts`), 'k8s.ts'].sort());
    const schemas = fs.readdirSync(path.join(root, 'imports', 'schemas')).sort();
    expect(schemas).toEqual([...[...groups.keys()].map((g) => `${g}.json`), 'k8s.json'].sort());
    for (const [group, kinds] of groups) {
      const text = fs.readFileSync(path.join(root, 'imports', `${group}.ts`), 'utf8');
      const classes = [...text.matchAll(/^export class (\w+) extends ApiObject/gm)].map((m) => m[1].replace(/V\d+(Alpha|Beta)?\d*$/, ''));
      expect([...new Set(classes)].sort(), group).toEqual([...kinds].map((k) => k.replace(/^HTTP/, 'Http')).sort());
      const schema = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'schemas', `${group}.json`), 'utf8'));
      expect(Object.keys(schema.kinds).sort(), group).toEqual([...kinds].sort());
    }
  });

  it('generates Kubernetes L1 classes for exactly the built-in kinds of the list', () => {
    const text = fs.readFileSync(path.join(root, 'imports', 'k8s.ts'), 'utf8');
    const gvks = [...text.matchAll(/^export class (Kube\w+) extends ApiObject \{\n[^]*?GVK: GroupVersionKind = \{\n {4}apiVersion: '([^']+)',\n {4}kind: '(\w+)',/gm)];
    expect(gvks.map((m) => `${m[2]}/${m[3]}`).sort()).toEqual([...config.builtinKinds].sort());
    // The other classes are the two value types of the definitions.
    expect([...text.matchAll(/^export class (\w+) \{/gm)].map((m) => m[1]).sort()).toEqual(['IntOrString', 'Quantity']);
    expect(text.match(/^export class /gm)?.length).toBe(gvks.length + 2);
    for (const m of gvks) expect(m[1], m[1]).toMatch(new RegExp(`^Kube${m[3]}(V\\d+)?$`));
  });

  it("declares the k8s classes and types exactly as cdk8s-plus-28's bindings of Kubernetes 1.28 (npm test builds first)", () => {
    // Declarations separated at each doc comment and export; ours must each be one of theirs, verbatim.
    const blocks = (f: string) => fs.readFileSync(f, 'utf8').split(/\n(?=\/\*\*\n|export )/).map((b) => b.trimEnd());
    const ours = blocks(path.join(root, 'build', 'imports', 'k8s.d.ts'));
    const theirs = new Set(blocks(require.resolve('cdk8s-plus-28/lib/imports/k8s.d.ts', { paths: [root] })));
    expect(ours.length).toBeGreaterThan(500);
    expect(ours.filter((b) => !theirs.has(b))).toEqual([]);
  });

  it('gives the validator a schema for every listed kind, built-in and custom', () => {
    const v = SchemaValidator.shipped();
    for (const k of config.builtinKinds as string[]) {
      const i = k.lastIndexOf('/');
      expect(v.hasSchema(k.slice(0, i), k.slice(i + 1)), k).toBe(true);
    }
    for (const [group, kinds] of groups) {
      const schema = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'schemas', `${group}.json`), 'utf8'));
      for (const kind of kinds) {
        const versions = Object.keys(schema.kinds[kind].versions);
        expect(versions.length, `${group}/${kind}`).toBeGreaterThan(0);
        for (const ver of versions) expect(v.hasSchema(`${group}/${ver}`, kind), `${group}/${ver} ${kind}`).toBe(true);
      }
    }
  });

  it('commits no upstream file verbatim: schemas carry no documentation, imports/ no YAML', () => {
    const files = Object.keys(tree(path.join(root, 'imports')));
    expect(files.filter((f) => /\.ya?ml$/.test(f))).toEqual([]);
    // A description is a string; a field named "description" (Keycloak's realm) is a schema object.
    for (const f of files.filter((x) => x.endsWith('.json'))) {
      expect(/"description":"/.test(fs.readFileSync(path.join(root, 'imports', f), 'utf8')), f).toBe(false);
    }
  });

  it('keeps fields named like schema keywords (LimitRange default, Keycloak description)', () => {
    const v = SchemaValidator.shipped();
    const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', default: { memory: '1Gi' }, defaultRequest: { cpu: '10m' } }] } };
    expect(v.validate(lr)).toEqual([]);
    expect(v.validate({ ...lr, spec: { limits: [{ type: 'Container', default: { memory: true } }] } }).map((x) => x.field)).toEqual(['$.spec.limits[0].default.memory']);
  });

  it('ends every toJson_ conversion with the one non-copying helper of its file', () => {
    for (const f of fs.readdirSync(path.join(root, 'imports')).filter((x) => x.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(root, 'imports', f), 'utf8');
      const conversions = text.match(/^export function toJson_\w+\(/gm)?.length ?? 0;
      expect(conversions, f).toBeGreaterThan(0);
      expect(text.match(/^function withoutUndefined\(/gm)?.length, f).toBe(1);
      expect(text.match(/^ {2}return withoutUndefined\(result\);$/gm)?.length, f).toBe(conversions);
      expect(text.includes('Object.entries(result).reduce'), f).toBe(false);
    }
  });

  it('converts as the generated filter did: undefined fields dropped, the others in schema order', () => {
    // What json2jsii generates (it copies the object once per key); the helper must give the same.
    const generated = (result: Record<string, unknown>) =>
      Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});
    const spec = { secretName: 's', isCa: false, dnsNames: ['a.example.com'], commonName: undefined, issuerRef: { name: 'i', kind: 'ClusterIssuer' }, duration: '' };
    const json = toJson_CertificateSpec(spec)!;
    expect(Object.keys(json)).toEqual(['dnsNames', 'duration', 'isCA', 'issuerRef', 'secretName']);
    expect(json).toEqual({ dnsNames: ['a.example.com'], duration: '', isCA: false, issuerRef: { kind: 'ClusterIssuer', name: 'i' }, secretName: 's' });
    expect(Object.keys(json.issuerRef)).toEqual(['kind', 'name']); // schema order: group (undefined), kind, name
    const fields = { dnsNames: spec.dnsNames, duration: '', isCA: false, issuerRef: json.issuerRef, literalSubject: undefined, secretName: 's' };
    expect(JSON.stringify(json)).toBe(JSON.stringify(generated(fields)));
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(toJson_CertificateSpec(undefined)).toBeUndefined();
  });

  it('pins every input with its URL, version and sha256', () => {
    for (const s of [...config.sources, config.definitions]) {
      expect(s.upstream.length, s.file).toBeGreaterThan(0);
      for (const u of s.upstream) expect(u).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-zA-Z.]+\//);
      expect(s.version, s.file).toBeTruthy();
      expect(s.sha256, s.file).toMatch(/^[0-9a-f]{64}$/);
      if (s.type === 'crd') expect(s.contentSha256, s.file).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
