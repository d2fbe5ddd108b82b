import { isIPv6 } from 'net';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { EnumValue, isEnumMember } from './enum-value';

/**
 * What kind of problem a {@link ValidationError} reports, stable across releases (match on it,
 * never on the message text):
 * - `MLOPS_INVALID_VALUE`: a prop's value is refused (out of range, malformed, unsafe);
 * - `MLOPS_WRONG_TYPE`: a value of the wrong type (a string where a `SecretValue`, a `Duration`
 *   or a construct belongs; a plain object instead of a factory-made value);
 * - `MLOPS_OTHER_APP`: a construct of another `App`;
 * - `MLOPS_CONFLICT`: two things that cannot coexist (a workload name used twice, a second
 *   PodDisruptionBudget, a connection with no workload on either side);
 * - `MLOPS_CHECKS_FAILED`: the checks over the whole app (schemas, manifest checks and every
 *   construct's validations) found problems, all listed in {@link ValidationError.problems}.
 */
export type ValidationErrorCode = 'MLOPS_INVALID_VALUE' | 'MLOPS_WRONG_TYPE' | 'MLOPS_OTHER_APP' | 'MLOPS_CONFLICT' | 'MLOPS_CHECKS_FAILED';

/** The directory of this library's code (lib/, or build/lib/ when compiled): its frames are internals. */
const LIBRARY_DIR = path.resolve(__dirname, '..');

/**
 * The error every validation in this library throws. Its message always says which construct,
 * which prop, which value, and how to fix it, so that a failed `cdk8s synth` is actionable.
 * Its stack keeps only the caller's frames (your `main.ts`), not the library's, Node's or
 * cdk8s' internals; set `MLOPS_CDK8S_FULL_STACK=1` for all of them.
 */
export class ValidationError extends Error {
  /**
   * Throws a ValidationError shaped as `<construct path>: <prop> <problem>, got <value>. Fix: <fix>`,
   * with a credential-named prop's value and a URL's user-info redacted: use it in your own
   * constructs so that their errors read like the library's.
   */
  public static invalid(scope: IConstruct | string, prop: string, problem: string, value: unknown, fix: string): never {
    return invalid(scope, prop, problem, value, fix);
  }

  /** Where a message starts: the construct's path in the app (`mlops/mlflow`), or the given name. */
  public static describeConstruct(scope: IConstruct | string): string {
    return describeConstruct(scope);
  }

  /** `value` if it is a DNS-1123 label of at most `maxLength` characters, else throws a ValidationError. */
  public static checkDnsLabel(scope: IConstruct | string, prop: string, value: string, maxLength = 63): string {
    return checkDnsLabel(scope, prop, value, maxLength);
  }

  /** `value` if it is a fully qualified lower-case host name (no scheme, port or path), else throws a ValidationError. */
  public static checkHostname(scope: IConstruct | string, prop: string, value: string): string {
    return checkHostname(scope, prop, value);
  }

  /** The kind of problem; see {@link ValidationErrorCode}. */
  public readonly code: ValidationErrorCode;
  /** Every problem found, one message each (one for a single prop; several for `MLOPS_CHECKS_FAILED`). */
  public readonly problems!: readonly string[];

  constructor(message: string, code: ValidationErrorCode = 'MLOPS_INVALID_VALUE', problems: readonly string[] = [message]) {
    super(message);
    this.name = 'ValidationError';
    this.code = code;
    // Not enumerable: Node prints own enumerable properties after the stack of an uncaught error.
    Object.defineProperty(this, 'problems', { value: problems, enumerable: false });
    if (!process.env.MLOPS_CDK8S_FULL_STACK) this.stack = trimStack(this.stack ?? '', `${this.name} [${code}]: ${message}`);
  }
}

/** `header` and the stack's frames outside this library, Node's internals and node_modules. */
function trimStack(stack: string, header: string): string {
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l)).filter((l) => {
    const file = /\((.*):\d+:\d+\)$/.exec(l)?.[1] ?? /^\s+at (.*):\d+:\d+$/.exec(l)?.[1] ?? '';
    return file !== '' && !file.startsWith('node:') && !file.startsWith(LIBRARY_DIR + path.sep) && !/[\\/]node_modules[\\/]/.test(file);
  });
  return [header, ...frames].join('\n');
}

/**
 * Where a message starts: the construct's path in the app (`mlops/mlflow`), or the name of the
 * factory for checks that run before any construct exists (`Peer.cidr`).
 */
export function describeConstruct(scope: IConstruct | string): string {
  if (typeof scope === 'string') return scope;
  return scope.node.path || 'App';
}

/** Marks a value as secret: every error shows it as `<redacted>`. */
export const SECRET_MARK: unique symbol = Symbol.for('mlops-cdk8s.secret');

/**
 * Throws a {@link ValidationError} shaped as
 * `<construct path>: <prop> <problem>, got <value>. Fix: <fix>`. The value is redacted here, so no
 * caller can forget it: a prop or key that names a credential (`password`, `rootCredentials`,
 * `secretAccessKey`) is shown as `<redacted>`, and so is the user-info part of a URL.
 */
export function invalid(scope: IConstruct | string, prop: string, problem: string, value: unknown, fix: string): never {
  throw new ValidationError(`${describeConstruct(scope)}: ${prop} ${problem}, got ${show(prop, value)}. Fix: ${fix}`);
}

/** Props and keys whose values are secret (the name ends with one of these words): never shown in an error. */
const SECRET_PROP = /(password|passwd|secret|token|credentials?|private[_-]?key|access[_-]?key|secret[_-]?key|api[_-]?key)([_-]?id)?$/i;
const REDACTED = '<redacted>';

/** `value` with secrets replaced: under a secret-named key, and URL user-info. */
export function redact(prop: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  // The value's own name: the last segment (`database.password`), or a method's argument (`value(key)`).
  const arg = /\(([^)]*)\)\s*$/.exec(prop);
  const last = arg ? arg[1] : prop.split(/[.\s[\]]+/).filter(Boolean).pop() ?? '';
  if (SECRET_PROP.test(last)) return REDACTED;
  if (typeof value === 'string') return value.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, `$1${REDACTED}@`);
  if (Array.isArray(value)) return value.map((v) => redact('', v));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redact(k, v)]));
  }
  return value;
}

function show(prop: string, raw: unknown): string {
  if (raw !== null && typeof raw === 'object' && SECRET_MARK in raw) return REDACTED;
  const value = redact(prop, raw);
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return credentialInValue(value) ? REDACTED : JSON.stringify(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object' && 'node' in value && typeof (value as IConstruct).node?.path === 'string') {
    return `the construct ${describeConstruct(value as IConstruct)}`;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= String(value);
  return credentialInValue(text) ? REDACTED : text;
}

/** How a wrong value is described in a shape error: its type, never its content. */
export function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return !name || name === 'Object' ? 'a plain object' : `an instance of another class (${name})`;
  }
  return `a ${typeof value}`;
}

/** A class, whatever its constructor's visibility (factories keep theirs private). */
export type ClassOf<T> = { readonly prototype: T };

/**
 * A value a factory made (a `SecretValue`, an `IngressTls`, a `MinioTopology`): JavaScript callers
 * who pass a string or a plain object get this message, never a `TypeError`, and a plain object
 * never bypasses the factory's checks. The message shows only the value's type.
 */
export function checkInstance<T>(scope: IConstruct | string, prop: string, value: unknown,
  type: ClassOf<T>, what: string, fix: string): T {
  const isInstance = value instanceof (type as unknown as new () => T);
  // An enum-like value must be one of the members its class lists, not one of a subclass's.
  if (!isInstance || (value instanceof EnumValue && !isEnumMember(type as unknown as { prototype: EnumValue }, value))) {
    throw new ValidationError(`${describeConstruct(scope)}: ${prop} must be ${what}, got ${describeShape(value)}. Fix: ${fix}`, 'MLOPS_WRONG_TYPE');
  }
  return value as T;
}

/**
 * A typed value (a `Duration`, a `Size`, a `Schedule`) at the public boundary. Its untyped form (a
 * JavaScript caller's `"30s"`, `"10Gi"`, `"0 2 * * *"`) is shown, since such values are never
 * secret, and `fix` says which factory call to write instead; anything else is described by its type.
 */
export function checkTypedValue<T>(scope: IConstruct | string, prop: string, value: unknown,
  type: ClassOf<T>, what: string, fix: string): T {
  if (value instanceof (type as unknown as new () => T)) return value as T;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    invalid(scope, prop, `must be ${what}, not a ${typeof value}`, value, fix);
  }
  throw new ValidationError(`${describeConstruct(scope)}: ${prop} must be ${what}, got ${describeShape(value)}. Fix: ${fix}`, 'MLOPS_WRONG_TYPE');
}

/** A `SecretValue` (never a string): the one check every secret prop uses. */
export function checkSecretValue<T>(scope: IConstruct | string, prop: string, value: unknown,
  type: ClassOf<T>, fix = 'pass SecretValue.fromSecret("<secret>", "<key>") or an ExternalSecret value'): T {
  return checkInstance(scope, prop, value, type, 'a SecretValue, never a string', fix);
}

/** A construct of the same App as `scope` (a string, a plain object or another App's construct is refused). */
export function checkConstruct<T extends IConstruct>(scope: IConstruct, prop: string, value: T, fix: string): T {
  const v = value as unknown;
  if (v === null || typeof v !== 'object' || typeof (v as IConstruct).node?.path !== 'string') {
    throw new ValidationError(`${describeConstruct(scope)}: ${prop} must be a construct, got ${describeShape(v)}. Fix: ${fix}`, 'MLOPS_WRONG_TYPE');
  }
  if (value.node.root !== scope.node.root) {
    throw new ValidationError(`${describeConstruct(scope)}: ${prop} must belong to the same App, got ${show(prop, value)} of another App. Fix: create it in this App (one App per synth), or use a fromExisting(...) reference to it`, 'MLOPS_OTHER_APP');
  }
  return value;
}

/** The name of a variable or field that must never hold a literal value. */
const CREDENTIAL_NAME = /(PASSWORD|PASSWD|PASSPHRASE|(^|_)PASS($|_)|(^|_)PWD$|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|ACCESS_?KEY|API_?KEY)/i;
/** Names that match the pattern but hold no secret (the shell's working directory). */
const NOT_CREDENTIAL_NAMES = new Set(['PWD', 'OLDPWD']);

/** True for variable names that hold credentials (`DB_PASS`, `AWS_SECRET_ACCESS_KEY`, `API_KEY`): never literal values. */
export function looksLikeCredentialName(name: string): boolean {
  return typeof name === 'string' && !NOT_CREDENTIAL_NAMES.has(name) && CREDENTIAL_NAME.test(name);
}

/** A `$VAR`, `$(VAR)`, `${VAR}`, `%s` or `<...>` placeholder: a reference to a secret, not the secret. */
const PLACEHOLDER = /^(\$\(?\{?[A-Za-z_][A-Za-z0-9_]*\)?\}?|%s|<[^>]*>|\*+)$/;
// A URL with a password is `scheme://user:password@`, the scheme matching /[a-z][a-z0-9+.-]*/i. Scanned
// from each "://" (the scheme is the run of scheme characters before it, holding a letter), which finds
// the same passwords as /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/gi without trying a match at every
// character of a long script.
const URL_USER_PASSWORD = /[^/\s:@]*:([^@\s/]+)@/y;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const LETTER = /[A-Za-z]/;
function urlPasswords(value: string): string[] {
  const out: string[] = [];
  for (let i = value.indexOf('://'); i >= 0; i = value.indexOf('://', i + 1)) {
    let hasLetter = false;
    for (let j = i - 1; j >= 0 && SCHEME_CHAR.test(value[j]); j--) if (LETTER.test(value[j])) hasLetter = true;
    if (!hasLetter) continue;
    URL_USER_PASSWORD.lastIndex = i + 3;
    const m = URL_USER_PASSWORD.exec(value);
    if (m) out.push(m[1]);
  }
  return out;
}
const TOKENS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/, 'a private key'],
  [/(^|[^A-Za-z0-9])sk-(live|test|proj|ant|admin|svcacct)-[A-Za-z0-9_-]{3,}/, 'an API key (sk-)'],
  [/(^|[^A-Za-z0-9])sk-[A-Za-z0-9]{20,}/, 'an API key (sk-)'],
  [/(^|[^A-Za-z0-9])[rs]k_(live|test)_[A-Za-z0-9]{8,}/, 'an API key (sk_live_)'],
  [/(^|[^A-Za-z0-9])(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}/, 'a GitHub token'],
  [/(^|[^A-Za-z0-9])glpat-[A-Za-z0-9_-]{16,}/, 'a GitLab token'],
  [/(^|[^A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{8,}/, 'a Slack token'],
  [/(^|[^A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}($|[^A-Z0-9])/, 'an AWS access key id'],
  [/(^|[^A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/, 'a Google API key'],
  [/(^|[^A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JSON Web Token'],
];
/** A literal every pattern of TOKENS contains (a necessary condition, tested first). */
const TOKEN_NEEDLES = /PRIVATE KEY|sk-|k_live_|k_test_|gh[pousr]_|github_pat_|glpat-|xox|AKIA|ASIA|AIza|eyJ/;

/**
 * What credential a literal holds, if any: a URL with a password (also percent-encoded), a known
 * token prefix (sk-, ghp_, glpat-, xox*-, AKIA, AIza, a JWT) or a private key. Never returns the value.
 */
export function credentialInValue(value: string): string | undefined {
  if (typeof value !== 'string' || value.length < 8) return undefined;
  // A URL password needs "://" and a later "@"; each of TOKENS needs one of TOKEN_NEEDLES' literals.
  // The pre-filters are cheap and skip the expensive scans on the (common) strings that cannot match.
  const scheme = value.indexOf('://');
  const passwords = scheme < 0 || value.lastIndexOf('@') < scheme ? [] : urlPasswords(value);
  for (let password of passwords) {
    try {
      password = decodeURIComponent(password);
    } catch {
      // a malformed escape is still a password
    }
    if (!PLACEHOLDER.test(password)) return 'a URL with a password';
  }
  if (!TOKEN_NEEDLES.test(value)) return undefined;
  return TOKENS.find(([re]) => re.test(value))?.[1];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label (Service, Namespace, container and port names): at most 63 characters. */
export function checkDnsLabel(scope: IConstruct | string, prop: string, value: string, maxLength = 63): string {
  if (typeof value !== 'string' || value.length > maxLength || !DNS_LABEL.test(value)) {
    invalid(scope, prop, `must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters)`, value,
      `use a name such as "${suggestName(value, maxLength)}"`);
  }
  return value;
}

/** A DNS-1123 subdomain (most object names, an IngressClass, a StorageClass): at most 253 characters. */
export function checkDnsSubdomain(scope: IConstruct | string, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value) || value.split('.').some((l) => l.length > 63)) {
    invalid(scope, prop, 'must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters)', value,
      `use a name such as "${suggestSubdomain(value)}"`);
  }
  return value;
}

/** A fully qualified host name for an Ingress or an external endpoint (no scheme, no port, no path). */
export function checkHostname(scope: IConstruct | string, prop: string, value: string): string {
  const ok = typeof value === 'string' && value.length <= 253 && value.includes('.') && !looksLikeIpv4(value)
    && value.split('.').every((l) => l.length <= 63 && DNS_LABEL.test(l));
  if (!ok) {
    invalid(scope, prop, 'must be a fully qualified lower-case host name without scheme, port or path', value,
      'write it as "mlflow.example.com"');
  }
  return value;
}

/** True for a dotted-quad IPv4 address with every octet from 0 to 255 (`10.20.0.7`). */
export function isIpv4(value: string): boolean {
  const m = typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value) : null;
  return !!m && m.slice(1).every((o) => Number(o) <= 255 && (o === '0' || !o.startsWith('0')));
}

/** Digits and dots only (`10.0.0.300`, `10.0.0`): meant as an IPv4 address, whether valid or not. */
function looksLikeIpv4(value: string): boolean {
  return /^[0-9.]+$/.test(value);
}

/**
 * Where a client connects: an IPv4 address or a DNS name. A value that looks like an IP address
 * but is not one (`10.0.0.300`) is refused rather than taken as a host name.
 */
export function checkHost(scope: IConstruct | string, prop: string, value: string): string {
  if (typeof value === 'string' && looksLikeIpv4(value)) {
    if (!isIpv4(value)) {
      invalid(scope, prop, 'must be an IPv4 address with four octets from 0 to 255, or a DNS name', value, 'write an address such as "10.20.0.7" or a name such as "db.example.internal"');
    }
    return value;
  }
  if (typeof value === 'string' && /[:/@]/.test(value)) {
    let host: string | undefined;
    try {
      host = new URL(value.includes('://') ? value : `tcp://${value}`).hostname;
    } catch {
      host = undefined;
    }
    invalid(scope, prop, 'must be a host name or IPv4 address only, without scheme, credentials, port or path', value,
      host && host !== value && (isIpv4(host) || DNS_SUBDOMAIN.test(host)) ? `write "${host}" (the port and credentials have their own props)` : 'write a name such as "db.example.internal"');
  }
  return checkDnsSubdomain(scope, prop, value);
}

/** `<ip>/32` for an IPv4 address, else undefined: the one rule for "exactly that address, or any". */
export function hostCidr(host: string): string | undefined {
  return isIpv4(host) ? `${host}/32` : undefined;
}

/** An IPv4 range in CIDR notation with no host bits set, as [network address, prefix length]. */
export function parseCidr(value: string): [number, number] | undefined {
  const m = typeof value === 'string' ? /^([0-9.]+)\/(\d{1,2})$/.exec(value) : null;
  if (!m || !isIpv4(m[1])) return undefined;
  const octets = m[1].split('.').map(Number);
  const prefix = Number(m[2]);
  if (prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  if ((address & prefixMask(prefix)) >>> 0 !== address) return undefined; // host bits set: "10.0.0.1/24"
  return [address, prefix];
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function networkOf(value: string): string | undefined {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(value ?? '');
  if (!m || !isIpv4(m[1]) || Number(m[2]) > 32) return undefined;
  const o = m[1].split('.').map(Number);
  const a = (((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) & prefixMask(Number(m[2]))) >>> 0;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${m[2]}`;
}

/**
 * A CIDR block: IPv4 with octets 0-255, a prefix length within `[minPrefix, maxPrefix]` and no host
 * bits set; with `ipv6: true`, also an IPv6 block (prefix 0-128).
 */
export function checkCidr(scope: IConstruct | string, prop: string, value: string,
  options: { minPrefix?: number; maxPrefix?: number; ipv6?: boolean } = {}): string {
  const { minPrefix = 0, maxPrefix = 32 } = options;
  if (options.ipv6 && typeof value === 'string' && value.includes(':')) {
    const [addr, len, ...rest] = value.split('/');
    if (rest.length || !isIPv6(addr) || !/^\d{1,3}$/.test(len ?? '') || Number(len) > 128) {
      invalid(scope, prop, 'must be an IPv6 block in CIDR notation (prefix length 0 to 128)', value, 'write it as "fd00::/8"');
    }
    return value;
  }
  const parsed = parseCidr(value);
  if (!parsed) {
    const network = typeof value === 'string' ? networkOf(value) : undefined;
    invalid(scope, prop, `must be an IPv4 network in CIDR notation (four octets from 0 to 255, a prefix length from 0 to 32, no host bits set)${options.ipv6 ? ' or an IPv6 block' : ''}`, value,
      network && network !== value ? `write the network address, "${network}"`
        : isIpv4(value) ? `add a prefix length, as in "${value}/32" for that one address` : 'write it as "10.10.0.0/20"');
  }
  if (parsed[1] < minPrefix || parsed[1] > maxPrefix) {
    const size = minPrefix === maxPrefix ? `must be a /${minPrefix} range` : `must have a prefix length from /${minPrefix} to /${maxPrefix}`;
    invalid(scope, prop, size, value, `use a range such as "172.16.0.0/${Math.max(minPrefix, Math.min(maxPrefix, 20))}"`);
  }
  return value;
}

/** True when two IPv4 CIDR ranges share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const pa = parseCidr(a);
  const pb = parseCidr(b);
  if (!pa || !pb) return false;
  const mask = prefixMask(Math.min(pa[1], pb[1]));
  return ((pa[0] & mask) >>> 0) === ((pb[0] & mask) >>> 0);
}

/** Throws when any two of the named ranges overlap. */
export function checkDisjointCidrs(scope: IConstruct | string, ranges: Record<string, string>): void {
  const names = Object.keys(ranges);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      if (cidrsOverlap(ranges[names[i]], ranges[names[j]])) {
        invalid(scope, names[j], `must not overlap ${names[i]} (${ranges[names[i]]})`, ranges[names[j]], 'pick disjoint ranges for the subnet, pods, services and control plane');
      }
    }
  }
}

/** A TCP/UDP port number. */
export function checkPort(scope: IConstruct | string, prop: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    invalid(scope, prop, 'must be an integer from 1 to 65535', value, 'use a port such as 5000');
  }
  return value;
}

/** A whole number within bounds (replicas, retention days, ...). */
export function checkInteger(scope: IConstruct | string, prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    invalid(scope, prop, `must be an integer ${range}`, value, `use a whole number ${range}`);
  }
  return value;
}

const QUANTITY = /^([+-]?[0-9.]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const FACTORS: Record<string, number> = {
  '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** Parses a Kubernetes quantity ("100m", "256Mi", "10Gi") into a number of base units. */
export function parseQuantity(value: string): number | undefined {
  const m = typeof value === 'string' ? QUANTITY.exec(value) : null;
  if (!m || !/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(m[1])) return undefined;
  return Number(m[1]) * FACTORS[m[2] ?? ''];
}

/** A positive Kubernetes resource quantity such as `100m` (CPU). For memory and storage use {@link checkByteQuantity}. */
export function checkQuantity(scope: IConstruct | string, prop: string, value: string, example = '256Mi'): string {
  const parsed = parseQuantity(value);
  if (parsed === undefined || parsed <= 0) {
    invalid(scope, prop, 'must be a positive Kubernetes quantity', value, `write it as "${example}"`);
  }
  return value;
}

/**
 * A positive amount of bytes (memory, a volume size): a quantity without the milli suffix, since
 * `512m` means 0.512 bytes, not 512 MiB.
 */
export function checkByteQuantity(scope: IConstruct | string, prop: string, value: string, example = '256Mi'): string {
  checkQuantity(scope, prop, value, example);
  if (value.endsWith('m') || !Number.isInteger(parseQuantity(value))) {
    const digits = value.replace(/m$/, '');
    invalid(scope, prop, 'must be a whole number of bytes (the suffix "m" means thousandths, not mebibytes)', value,
      /^[0-9]+$/.test(digits) ? `write "${digits}Mi" for mebibytes` : `write it as "${example}"`);
  }
  return value;
}

const CRON_FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];
const CRON_DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Why one cron field is invalid, or undefined when it is valid. */
function cronFieldProblem(text: string, f: (typeof CRON_FIELDS)[number]): string | undefined {
  const value = (t: string): number | undefined => {
    if (/^\d+$/.test(t)) return Number(t);
    const i = f.names?.indexOf(t.toUpperCase()) ?? -1;
    return i < 0 ? undefined : i + (f.name === 'month' ? 1 : 0);
  };
  for (const part of text.split(',')) {
    const m = /^(\*|\?|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m || (m[1] === '?' && f.name !== 'day of month' && f.name !== 'day of week')) return `"${part}" is not a value, range or step`;
    if (m[2] !== undefined && Number(m[2]) < 1) return `step "${m[2]}" must be at least 1`;
    if (m[1] === '*' || m[1] === '?') continue;
    for (const bound of m[1].split('-')) {
      const n = value(bound);
      if (n === undefined || n < f.min || n > f.max) return `${f.name} "${bound}" is outside ${f.min}-${f.max}`;
    }
    const [lo, hi] = m[1].split('-').map((b) => value(b)!);
    if (hi !== undefined && hi < lo) return `range "${m[1]}" runs backwards`;
  }
  return undefined;
}

/**
 * A CronJob schedule as Kubernetes parses it: five fields (minute 0-59, hour 0-23, day of month
 * 1-31, month 1-12 or JAN-DEC, day of week 0-7 or SUN-SAT) with `*`, lists, ranges and steps, or a
 * descriptor such as `@daily`. A time zone belongs in the `timeZone` prop, never in the schedule.
 */
export function checkCron(scope: IConstruct | string, prop: string, value: string): string {
  if (typeof value === 'string' && CRON_DESCRIPTORS.has(value.trim())) return value;
  if (typeof value === 'string' && /^\s*(CRON_)?TZ=/.test(value)) {
    invalid(scope, prop, 'must not set a time zone (TZ=) inside the schedule', value, 'remove the TZ= prefix and set the timeZone prop');
  }
  const fields = typeof value === 'string' ? value.trim().split(/\s+/) : [];
  const problem = fields.length !== 5 ? 'must be a five-field cron expression'
    : fields.map((t, i) => cronFieldProblem(t, CRON_FIELDS[i])).find((p) => p !== undefined);
  if (problem) {
    invalid(scope, prop, fields.length === 5 ? `must be a valid cron expression (${problem})` : problem, value, 'write it as "0 2 * * *" (daily at 02:00)');
  }
  return value;
}

let timeZones: Set<string> | undefined;

/**
 * An IANA time zone as the API server loads it (`Europe/Berlin`, `Etc/UTC`, `UTC`): the canonical
 * names Node's Intl knows, case-sensitive. A deprecated alias (`US/Eastern`) is refused with its
 * canonical name as the fix.
 */
export function checkTimeZone(scope: IConstruct | string, prop: string, value: string): string {
  timeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
  if (typeof value !== 'string' || !timeZones.has(value)) {
    let canonical: string | undefined;
    try {
      canonical = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      canonical = undefined;
    }
    invalid(scope, prop, 'must be an IANA time zone name', value,
      canonical && canonical !== value && timeZones.has(canonical) ? `write "${canonical}"` : 'write a zone such as "Etc/UTC" or "Europe/Berlin"');
  }
  return value;
}

const GO_DURATION = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))*$/;

/** A non-negative Go duration (`time.ParseDuration`): `1h`, `90s`, `1h30m`, `0`. Used by External Secrets, Argo CD. */
export function checkGoDuration(scope: IConstruct | string, prop: string, value: string, example = '1h'): string {
  if (typeof value !== 'string' || !(value === '0' || GO_DURATION.test(value))) {
    invalid(scope, prop, 'must be a Go duration (a number and a unit among ns, us, ms, s, m, h, such as "1h30m")', value, `write it as "${example}"`);
  }
  return value;
}

const PROMETHEUS_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

/** A Prometheus duration as the Prometheus Operator CRDs accept it (`30s`, `1m30s`, `1d`): whole numbers, units from y to ms. */
export function checkPrometheusDuration(scope: IConstruct | string, prop: string, value: string, example = '30s'): string {
  if (typeof value !== 'string' || value === '' || !PROMETHEUS_DURATION.test(value)) {
    invalid(scope, prop, 'must be a Prometheus duration (whole numbers with units y, w, d, h, m, s, ms in that order, such as "1m30s")', value, `write it as "${example}"`);
  }
  return value;
}

const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function labelKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') return 'is empty';
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return 'has a prefix that is not a DNS subdomain';
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return 'has a name that is not 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  return undefined;
}

/** Label (or annotation) keys and label values as the API server accepts them. */
export function checkLabels(scope: IConstruct | string, prop: string, labels: Record<string, string> | undefined): Record<string, string> | undefined {
  if (labels === undefined) return undefined;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    invalid(scope, prop, 'must be a map of label keys to values', labels, 'pass { "team": "ml" }');
  }
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) invalid(scope, `${prop} key`, `must be a label key ([prefix/]name) but ${keyProblem}`, key, 'use a key such as "team" or "example.com/team"');
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !QUALIFIED_NAME.test(value))) {
      invalid(scope, `${prop}.${key}`, 'must be a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)', value,
        `use a value such as "${suggestName(value, 63)}"`);
    }
  }
  return labels;
}

/** Annotation keys (same rules as label keys) and string values of at most 256 KiB in total. */
export function checkAnnotations(scope: IConstruct | string, prop: string, annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (annotations === undefined) return undefined;
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) {
    invalid(scope, prop, 'must be a map of annotation keys to string values', annotations, 'pass { "example.com/note": "text" }');
  }
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) invalid(scope, `${prop} key`, `must be an annotation key ([prefix/]name) but ${keyProblem}`, key, 'use a key such as "example.com/note"');
    if (typeof value !== 'string') invalid(scope, `${prop}.${key}`, 'must be a string', value, `quote it, as in "${String(value)}"`);
    size += key.length + value.length;
  }
  if (size > 256 * 1024) invalid(scope, prop, 'must total at most 256 KiB', `${size} bytes`, 'move large values into a ConfigMap');
  return annotations;
}

/**
 * An S3 bucket name: 3 to 63 lower-case letters, digits, '-' and '.', starting and ending with a
 * letter or digit, no '..', not formatted as an IP address, and none of the prefixes and suffixes
 * AWS reserves.
 */
export function checkS3BucketName(scope: IConstruct | string, prop: string, name: string): string {
  const ok = typeof name === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..')
    && !name.includes('.-') && !name.includes('-.') && !looksLikeIpv4(name)
    && !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) && !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name);
  if (!ok) {
    invalid(scope, prop, 'must be an S3 bucket name (3 to 63 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit, not an IP address)', name,
      `use a name such as "${suggestBucket(name)}"`);
  }
  return name;
}

/**
 * A Cloud Storage bucket name: 3 to 63 lower-case letters, digits, '-' and '_', starting and ending
 * with a letter or digit, not starting with "goog" nor containing "google". Dotted names (which
 * need domain verification) are refused.
 */
export function checkGcsBucketName(scope: IConstruct | string, prop: string, value: string): string {
  const ok = typeof value === 'string' && /^[a-z0-9][-a-z0-9_]{1,61}[a-z0-9]$/.test(value)
    && !value.startsWith('goog') && !/g[o0]{2}g[l1]e/.test(value);
  if (!ok) {
    invalid(scope, prop, 'must be a Cloud Storage bucket name (3 to 63 lower-case letters, digits, "-" or "_", without "goog" or "google")', value,
      'use a globally unique name such as "acme-kfp-dev-artifacts"');
  }
  return value;
}

/**
 * A pinned image tag: it names a version (it holds a digit), so `postgres:alpine`, `nginx:stable`
 * or `latest` are refused; a digest pins whatever the tag.
 */
export function isVersionTag(tag: string): boolean {
  return /[0-9]/.test(tag) && !/^(latest|stable|edge|nightly|main|master|dev)([-_.].*)?$/i.test(tag);
}

function suggestName(value: unknown, maxLength: number): string {
  const s = String(value ?? '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, maxLength);
  return s.replace(/-+$/, '') || 'my-name';
}

function suggestSubdomain(value: unknown): string {
  const s = String(value ?? '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/\.{2,}/g, '.')
    .split('.').map((l) => l.replace(/^-+|-+$/g, '').slice(0, 63)).filter(Boolean).join('.').slice(0, 253);
  return s && s !== value ? s : 'my-name';
}

function suggestBucket(value: unknown): string {
  const s = String(value ?? '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/\.+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return s.length >= 3 && s !== value && !looksLikeIpv4(s) ? s : 'mlflow-artifacts';
}

/** Refuses a list that names the same thing twice (roles, users, client ids, databases), naming the first repeat. */
export function checkUnique(scope: IConstruct | string, prop: string, values: readonly string[], problem: string, fix: (repeated: string) => string): void {
  const repeated = values.find((v, i) => values.indexOf(v) !== i);
  if (repeated !== undefined) invalid(scope, prop, problem, repeated, fix(repeated));
}

/**
 * Refuses props an earlier release had under another name (`renames`: old name → what to write
 * now), so a JavaScript or loosely typed caller's old prop fails synth instead of being ignored.
 */
export function checkRenamedProps(scope: IConstruct | string, prefix: string, props: object | undefined, renames: Readonly<Record<string, string>>): void {
  if (!props) return;
  for (const [old, now] of Object.entries(renames)) {
    if (Object.prototype.hasOwnProperty.call(props, old)) {
      invalid(scope, `${prefix}${old}`, 'is no longer a prop', (props as Record<string, unknown>)[old], `write ${now}`);
    }
  }
}

/**
 * An object that offers `method` (an interface value such as `IDatabase`, `IGitLab`, `IBucket`):
 * a string or a plain object without it is refused with the fix, never a TypeError later.
 */
export function checkInterface<T>(scope: IConstruct | string, prop: string, value: T, method: string, what: string, fix: string): T {
  const v = value as unknown as Record<string, unknown> | undefined;
  if (v === null || typeof v !== 'object' || typeof v[method] !== 'function') {
    throw new ValidationError(`${describeConstruct(scope)}: ${prop} must be ${what}, got ${describeShape(value)}. Fix: ${fix}`, 'MLOPS_WRONG_TYPE');
  }
  return value;
}

/**
 * Props that a JavaScript caller (or code written before they were typed) may still pass: each is
 * refused with what replaces it, rather than ignored. A retention that is silently dropped would
 * delete backups the user meant to keep. `prop` prefixes each name (`backup.timeZone`); `''` for none.
 * @internal
 */
export function refuseRemovedProps(scope: IConstruct | string, prop: string, o: object, removed: Record<string, (value: unknown) => string>): void {
  for (const [name, fix] of Object.entries(removed)) {
    const value = (o as Record<string, unknown>)[name];
    if (value !== undefined) invalid(scope, prop ? `${prop}.${name}` : name, 'is no longer a prop', value, fix(value));
  }
}
