/**
 * A semantic diff of two `dist/` trees, for review: objects added, removed and changed (keyed by
 * directory, apiVersion, kind, namespace and name), with field-level changes. It ignores what
 * does not change what Kubernetes gets: file names, key order, YAML formatting, and the order of
 * lists that are sets (env by name, volumes, policy peers, rules); it keeps the order of lists
 * where it matters (containers, init containers, command, args). Secret data and anything that
 * looks like a credential (the synth checks' own rules) is masked.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { looksLikeCredentialName } from '../core/validate';
import { embedsCredential } from './manifest-checks';

/** A tree of files: path relative to the dist/ root (with `/`) → text. */
export type FileTree = Map<string, string>;

/** One field that differs. Values are display text (JSON), already masked. */
export interface FieldChange {
  /** `spec.template.spec.containers[mlflow].image` */
  readonly path: string;
  /** @default - the field was added */
  readonly before?: string;
  /** @default - the field was removed */
  readonly after?: string;
}

/** One object (or non-manifest file) that differs. */
export interface ObjectDiff {
  readonly change: 'added' | 'removed' | 'changed';
  /** The directory under dist/: `mlflow-minio-postgres`, `gcp-kfp/kfp/staging`. */
  readonly dir: string;
  /** `apps/v1 Deployment mlops/mlflow`, or `file README.md`. */
  readonly title: string;
  /** Field changes (changed objects only). */
  readonly fields: FieldChange[];
}

export interface DistDiff {
  readonly objects: ObjectDiff[];
}

const MASK = '"***"';
/** Lists whose order means something; every other list is compared as a set. */
const ORDERED_LISTS = new Set(['containers', 'initContainers', 'command', 'args']);

/** Every file under `dir`, relative, with `/` separators. */
export function readTreeFromDir(dir: string): FileTree {
  const tree: FileTree = new Map();
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else if (e.isFile()) tree.set(r, fs.readFileSync(path.join(d, e.name), 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return tree;
}

/**
 * The files under `dir` (a path from the repository root, such as `dist`) at git `ref`, read
 * with `git ls-tree` and `git cat-file --batch` in `cwd`'s repository. Throws on an unknown ref.
 */
export function readTreeFromGit(ref: string, dir: string, cwd: string): FileTree {
  if (!/^[A-Za-z0-9._\-/~^@{}]+$/.test(ref) || ref.startsWith('-')) throw new Error(`diff: --ref must be a git revision such as origin/main, got ${JSON.stringify(ref)}`);
  const prefix = dir.replace(/\/+$/, '');
  const listing = execFileSync('git', ['ls-tree', '-r', '-z', '--full-tree', ref, '--', prefix], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const entries = listing.split('\0').filter(Boolean).map((line) => {
    const [meta, file] = line.split('\t');
    return { oid: meta.split(' ')[2], file };
  }).filter((e) => e.file.startsWith(`${prefix}/`));
  const tree: FileTree = new Map();
  if (!entries.length) return tree;
  const out = execFileSync('git', ['cat-file', '--batch'], { cwd, input: entries.map((e) => e.oid).join('\n') + '\n', maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  let at = 0;
  for (const e of entries) {
    const nl = out.indexOf(0x0a, at);
    const size = Number(out.subarray(at, nl).toString('utf8').split(' ')[2]);
    tree.set(e.file.slice(prefix.length + 1), out.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    at = nl + 1 + size + 1;
  }
  return tree;
}

type Doc = { dir: string; title: string; value: unknown; secret: boolean; text?: string };

/** The documents of a tree: each Kubernetes object keyed by identity; any other file as a whole. */
function documents(tree: FileTree): Map<string, Doc> {
  const docs = new Map<string, Doc>();
  for (const [file, text] of tree) {
    const dir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
    const base = path.posix.basename(file);
    const fileDoc = (value: unknown, t?: string) => docs.set(`${dir}\0file\0${base}`, { dir, title: `file ${base}`, value, secret: false, text: t });
    if (/\.ya?ml$/.test(base)) {
      let parsed: unknown[];
      try {
        parsed = YAML.parseAllDocuments(text).map((d) => d.toJS());
      } catch {
        fileDoc(undefined, text);
        continue;
      }
      parsed.forEach((obj, i) => {
        const o = obj as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } | null;
        if (o && o.apiVersion && o.kind && o.metadata?.name) {
          const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
          const title = `${o.apiVersion} ${o.kind} ${ns}${o.metadata.name}`;
          docs.set(`${dir}\0${title}`, { dir, title, value: o, secret: o.kind === 'Secret' });
        } else if (o) {
          docs.set(`${dir}\0file\0${base}#${i}`, { dir, title: parsed.length > 1 ? `file ${base} #${i + 1}` : `file ${base}`, value: o, secret: false });
        }
      });
    } else if (base.endsWith('.json')) {
      try {
        fileDoc(JSON.parse(text));
      } catch {
        fileDoc(undefined, text);
      }
    } else {
      fileDoc(undefined, text);
    }
  }
  return docs;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with sorted keys: the identity of a value, whatever its key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A value for display, with every credential-looking part masked. */
function display(v: unknown, key: string): string {
  return canonical(maskValue(v, key, false));
}

function maskValue(v: unknown, key: string, secret: boolean): unknown {
  if (secret) return isObject(v) ? Object.fromEntries(Object.keys(v).map((k) => [k, '***'])) : '***';
  if (typeof v === 'string') return (looksLikeCredentialName(key) || embedsCredential(v)) ? '***' : v;
  if (Array.isArray(v)) return v.map((x) => maskValue(x, key, false));
  if (isObject(v)) {
    // An env entry { name: DB_PASSWORD, value: ... } holds a credential under a harmless key.
    const envCredential = typeof v.name === 'string' && 'value' in v && looksLikeCredentialName(v.name);
    return Object.fromEntries(Object.keys(v).map((k) => [k, envCredential && k === 'value' ? '***' : maskValue(v[k], k, false)]));
  }
  return v;
}

type Ctx = { secret: boolean; out: FieldChange[] };

/** `spec.template`, `metadata.annotations["argocd.argoproj.io/sync-wave"]`. */
function join(p: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${p}[${JSON.stringify(key)}]`;
  return p ? `${p}.${key}` : key;
}

/** `key` is the field's own name (for lists: the list's), which decides masking and list order. */
function diffValue(a: unknown, b: unknown, p: string, key: string, ctx: Ctx): void {
  if (canonical(a) === canonical(b)) return;
  const secretHere = ctx.secret && /^(data|stringData)(\.|$)/.test(p);
  if (isObject(a) && isObject(b)) {
    const envCredential = typeof b.name === 'string' && looksLikeCredentialName(b.name);
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      diffValue(a[k], b[k], join(p, k), envCredential && k === 'value' ? b.name as string : k, ctx);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    diffList(a, b, p, key, ctx);
    return;
  }
  if (typeof a === 'string' && typeof b === 'string' && (a.includes('\n') || b.includes('\n')) && !secretHere && !looksLikeCredentialName(key)) {
    diffLines(a, b, p, ctx);
    return;
  }
  ctx.out.push({
    path: p,
    ...(a === undefined ? {} : { before: secretHere ? MASK : display(a, key) }),
    ...(b === undefined ? {} : { after: secretHere ? MASK : display(b, key) }),
  });
}

/** A multi-line string (a script): the lines removed and added. */
function diffLines(a: string, b: string, p: string, ctx: Ctx): void {
  const before = a.split('\n');
  const after = b.split('\n');
  const inAfter = new Set(after);
  const inBefore = new Set(before);
  const mask = (l: string) => (embedsCredential(l) ? '***' : l);
  const removed = before.filter((l) => !inAfter.has(l));
  const added = after.filter((l) => !inBefore.has(l));
  if (!removed.length && !added.length) {
    ctx.out.push({ path: `${p} (line order)`, before: `${before.length} lines`, after: `${after.length} lines` });
    return;
  }
  const at = p ? `${p} (line)` : 'line';
  for (const l of removed) ctx.out.push({ path: at, before: JSON.stringify(mask(l)) });
  for (const l of added) ctx.out.push({ path: at, after: JSON.stringify(mask(l)) });
}

function nameKeyed(list: unknown[]): Map<string, unknown> | undefined {
  if (!list.length) return undefined;
  const m = new Map<string, unknown>();
  for (const x of list) {
    if (!isObject(x) || typeof x.name !== 'string' || m.has(x.name)) return undefined;
    m.set(x.name, x);
  }
  return m;
}

function diffList(a: unknown[], b: unknown[], p: string, key: string, ctx: Ctx): void {
  const ordered = ORDERED_LISTS.has(key);
  const ka = nameKeyed(a);
  const kb = nameKeyed(b);
  if ((ka || !a.length) && (kb || !b.length) && (ka || kb)) {
    const ma = ka ?? new Map();
    const mb = kb ?? new Map();
    for (const name of [...new Set([...ma.keys(), ...mb.keys()])].sort()) diffValue(ma.get(name), mb.get(name), `${p}[${name}]`, key, ctx);
    if (ordered) {
      const common = [...ma.keys()].filter((n) => mb.has(n));
      const orderB = [...mb.keys()].filter((n) => ma.has(n));
      if (common.join('\0') !== orderB.join('\0')) ctx.out.push({ path: `${p} (order)`, before: JSON.stringify(common.join(', ')), after: JSON.stringify(orderB.join(', ')) });
    }
    return;
  }
  if (ordered) {
    // A sequence: element by element.
    for (let i = 0; i < Math.max(a.length, b.length); i++) diffValue(a[i], b[i], `${p}[${i}]`, key, ctx);
    return;
  }
  // A set: drop the elements both sides hold, then pair what is left by position.
  const left = [...a];
  const right: Array<{ v: unknown; i: number }> = [];
  b.forEach((v, i) => {
    const j = left.findIndex((x) => canonical(x) === canonical(v));
    if (j >= 0) left.splice(j, 1);
    else right.push({ v, i });
  });
  const pairs = Math.min(left.length, right.length);
  for (let k = 0; k < pairs; k++) diffValue(left[k], right[k].v, `${p}[${right[k].i}]`, key, ctx);
  for (const v of left.slice(pairs)) diffValue(v, undefined, `${p}[*]`, key, ctx);
  for (const r of right.slice(pairs)) diffValue(undefined, r.v, `${p}[${r.i}]`, key, ctx);
}

/** The semantic difference from `before` to `after`. */
export function diffTrees(before: FileTree, after: FileTree): DistDiff {
  const a = documents(before);
  const b = documents(after);
  const objects: ObjectDiff[] = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const k of keys) {
    const da = a.get(k);
    const db = b.get(k);
    const doc = (db ?? da)!;
    if (!da || !db) {
      objects.push({ change: da ? 'removed' : 'added', dir: doc.dir, title: doc.title, fields: [] });
      continue;
    }
    const ctx: Ctx = { secret: da.secret || db.secret, out: [] };
    if (da.text !== undefined || db.text !== undefined) {
      if ((da.text ?? '') !== (db.text ?? '')) diffLines(da.text ?? '', db.text ?? '', '', ctx);
    } else {
      diffValue(da.value, db.value, '', '', ctx);
    }
    if (ctx.out.length) objects.push({ change: 'changed', dir: doc.dir, title: doc.title, fields: ctx.out });
  }
  return { objects };
}

function summary(d: DistDiff): string {
  const n = (c: ObjectDiff['change']) => d.objects.filter((o) => o.change === c).length;
  return `${n('added')} added, ${n('removed')} removed, ${n('changed')} changed`;
}

function byDir(d: DistDiff): Map<string, ObjectDiff[]> {
  const m = new Map<string, ObjectDiff[]>();
  for (const o of d.objects) m.set(o.dir, [...(m.get(o.dir) ?? []), o]);
  return m;
}

function fieldText(f: FieldChange): string {
  const path = f.path;
  if (f.before === undefined) return `+ ${path}: ${f.after}`;
  if (f.after === undefined) return `- ${path}: ${f.before}`;
  return `~ ${path}: ${f.before} → ${f.after}`;
}

/** For a terminal. `label` says what was compared. */
export function formatText(d: DistDiff, label = 'dist/'): string {
  if (!d.objects.length) return `No change in ${label}\n`;
  const lines = [`${label}: ${summary(d)}`];
  const sign = { added: '+', removed: '-', changed: '~' };
  for (const [dir, objs] of byDir(d)) {
    lines.push('', dir || '.');
    for (const o of objs) {
      lines.push(`  ${sign[o.change]} ${o.title}`);
      for (const f of o.fields) lines.push(`      ${fieldText(f)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The marker the PR workflow finds its own comment by. */
export const MARKDOWN_MARKER = '<!-- mlops-dist-diff -->';
/** GitHub refuses comments over 65536 characters. */
const MARKDOWN_LIMIT = 60000;

function code(text: string): string {
  const t = text.replace(/\n/g, ' ');
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

/** For a pull-request comment. */
export function formatMarkdown(d: DistDiff, label = 'dist/'): string {
  const head = [MARKDOWN_MARKER, `### Synthesized manifests: ${d.objects.length ? summary(d) : 'no change'}`, ''];
  if (!d.objects.length) return `${[...head, `A fresh synth equals ${code(label)}.`].join('\n')}\n`;
  head.push(`Compared with ${code(label)}. Secret data and credential-looking values are masked.`);
  const icon = { added: '➕ added', removed: '➖ removed', changed: '✏️ changed' };
  const body: string[] = [];
  for (const [dir, objs] of byDir(d)) {
    body.push('', `#### ${code(`${dir || '.'}/`)}`, '');
    for (const o of objs) {
      body.push(`- ${icon[o.change]} ${code(o.title)}`);
      for (const f of o.fields) {
        const p = code(f.path);
        if (f.before === undefined) body.push(`  - ${p} added ${code(f.after!)}`);
        else if (f.after === undefined) body.push(`  - ${p} removed ${code(f.before)}`);
        else body.push(`  - ${p}: ${code(f.before)} → ${code(f.after)}`);
      }
    }
  }
  let text = [...head, ...body].join('\n');
  if (text.length > MARKDOWN_LIMIT) text = `${text.slice(0, MARKDOWN_LIMIT)}\n\n… (truncated; run \`npm run diff\` locally for the rest)`;
  return `${text}\n`;
}
