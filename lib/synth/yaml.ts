/**
 * A small, fast YAML emitter for JSON data (what manifests are). It exists because the
 * general-purpose `yaml` stringifier was most of the synth time (about 0.3 ms an object).
 *
 * Output rules, chosen so that every YAML 1.1 and 1.2 parser (kubectl, kustomize, Argo CD) reads
 * back exactly the input:
 * - a string is written plain only if it starts with a letter, `/` or `-` and a letter (a flag),
 *   holds only `[-A-Za-z0-9_./:@=+,]`, does not end with `:` and is not a YAML 1.1 boolean or
 *   null word; or if it is a Kubernetes quantity with a unit (`500m`, `1Gi`), never a number;
 * - a multi-line string (scripts) is a literal block (`|` or `|-`) when that is exact;
 * - anything else is JSON-quoted (a JSON string is a valid YAML double-quoted scalar).
 * The round trip is tested on every object of every app.
 */

const PLAIN = /^(?:[A-Za-z/]|--?[A-Za-z])[-A-Za-z0-9_./:@=+,]*$/;
const QUANTITY = /^[0-9]+(?:\.[0-9]+)?(?:m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P)$/;
const RESERVED = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

function scalarString(s: string): string {
  return (PLAIN.test(s) && !s.endsWith(':') && !RESERVED.test(s)) || QUANTITY.test(s) ? s : JSON.stringify(s);
}

// Mapping keys and short values repeat across objects (`apiVersion`, `name`, an image, a label):
// each is worked out once.
const keyTexts = new Map<string, string>();
function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = scalarString(key);
    if (keyTexts.size < 20_000) keyTexts.set(key, text);
  }
  return text;
}

/** A literal block header, or undefined when a block would not read back exactly. */
function blockHeader(s: string): string | undefined {
  if (!s.includes('\n')) return undefined;
  // Leading white space would need an indentation indicator; control characters and CR need escapes.
  if (/^[ \t\n]/.test(s) || /[\r\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return undefined;
  // Several trailing newlines would need "keep" chomping; trailing blanks are easily lost in review.
  if (s.endsWith('\n\n') || /[ \t]$/.test(s.replace(/\n$/, ''))) return undefined;
  return s.endsWith('\n') ? '|' : '|-';
}

// Indentation by depth (two spaces a level), made once.
const indents: string[] = [''];
function indentOf(depth: number): string {
  while (indents.length <= depth) indents.push(`${indents[indents.length - 1]}  `);
  return indents[depth];
}

/** True for an array with items or an object with a defined value: a collection on its own lines. */
function isNonEmptyCollection(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : isNonEmptyObject(v);
}

// The text is built by appending to one string (cheaper than joining an array of pieces).
let yamlOut = '';

function emit(value: unknown, depth: number, inSeq: boolean): void {
  // Called for a value that starts on a new line (mapping or sequence body).
  if (Array.isArray(value)) {
    emitItems(value, 0, depth);
    return;
  }
  const obj = value as Record<string, unknown>;
  const indent = indentOf(depth);
  let first = inSeq;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    if (first) first = false;
    else yamlOut += indent;
    yamlOut += keyText(key);
    if (isNonEmptyCollection(v)) {
      yamlOut += ':\n';
      emit(v, depth + 1, false);
    } else {
      yamlOut += `: ${scalar(v, indentOf(depth + 1))}\n`;
    }
  }
}

/** Sequence items from `start`, each on its own line at `depth`. */
function emitItems(items: readonly unknown[], start: number, depth: number): void {
  const indent = indentOf(depth);
  for (let i = start; i < items.length; i++) {
    const item = items[i];
    yamlOut += `${indent}- `;
    if (isNonEmptyCollection(item)) emitInline(item, depth + 1);
    else yamlOut += `${scalar(item, indentOf(depth + 1))}\n`;
  }
}

/** A collection that starts right after `- `. */
function emitInline(value: unknown, depth: number): void {
  if (Array.isArray(value)) {
    const head = value[0];
    yamlOut += '- ';
    if (isNonEmptyCollection(head)) emitInline(head, depth + 1);
    else yamlOut += `${scalar(head, indentOf(depth + 1))}\n`;
    emitItems(value, 1, depth);
    return;
  }
  emit(value, depth, true);
}

function isNonEmptyObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const k of Object.keys(v)) if ((v as Record<string, unknown>)[k] !== undefined) return true;
  return false;
}

function scalar(v: unknown, indent: string): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') {
    if (v.length <= 120 && !v.includes('\n')) return keyText(v);
    const header = blockHeader(v);
    if (!header) return scalarString(v);
    const body = (header === '|' ? v.slice(0, -1) : v).split('\n').map((l) => (l ? `${indent}${l}` : '')).join('\n');
    return `${header}\n${body}`;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to YAML`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object') return '{}';
  throw new Error(`cannot write a ${typeof v} to YAML`);
}

/**
 * The text as one flat string. Appending builds a tree of pieces, which costs memory and time
 * wherever the text is kept (all of an app's files until they are written) or read; reading a
 * character makes V8 flatten it in place, once.
 */
function flat(s: string): string {
  if (s.charCodeAt(0) < 0) throw new Error('unreachable');
  return s;
}

/** One YAML document for a JSON value (an object, as manifests are). */
export function stringifyYaml(value: unknown): string {
  if (!isNonEmptyCollection(value)) return `${scalar(value, '')}\n`;
  yamlOut = '';
  try {
    emit(value, 0, false);
    return flat(yamlOut);
  } finally {
    yamlOut = '';
  }
}
