import { IConstruct } from 'constructs';

/**
 * The error every validation in this library throws. Its message always says which construct,
 * which prop, which value, and how to fix it, so that a failed `cdk8s synth` is actionable.
 */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

/**
 * `mlops/mlflow` — the construct path, as every message starts: it names the construct the user
 * wrote (never an internal class) and tells two instances with the same id apart.
 */
export function describeConstruct(scope: IConstruct | string): string {
  if (typeof scope === 'string') return scope;
  return scope.node.path;
}

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
  const value = redact(prop, raw);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const CREDENTIAL_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY)/i;

/** True for variable names that hold credentials (`DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`): never literal values. */
export function looksLikeCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** True for a dotted-quad IPv4 address (`10.20.0.7`). */
export function isIpv4(value: string): boolean {
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(value ?? '');
}
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label (Service, Namespace, container and port names): at most 63 characters. */
export function checkDnsLabel(scope: IConstruct | string, prop: string, value: string, maxLength = 63): string {
  if (typeof value !== 'string' || value.length > maxLength || !DNS_LABEL.test(value)) {
    invalid(scope, prop, `must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters)`, value,
      `use a name such as "${suggestName(value, maxLength)}"`);
  }
  return value;
}

/** A DNS-1123 subdomain (most object names, bucket-like names): at most 253 characters. */
export function checkDnsSubdomain(scope: IConstruct | string, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    invalid(scope, prop, 'must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters)', value,
      `use a name such as "${suggestName(value, 253)}"`);
  }
  return value;
}

/** A fully qualified host name for an Ingress or an external endpoint (no scheme, no port, no path). */
export function checkHostname(scope: IConstruct | string, prop: string, value: string): string {
  const ok = typeof value === 'string' && value.length <= 253 && value.includes('.')
    && value.split('.').every((l) => l.length <= 63 && DNS_LABEL.test(l));
  if (!ok) {
    invalid(scope, prop, 'must be a fully qualified lower-case host name without scheme, port or path', value,
      'write it as "mlflow.example.com"');
  }
  return value;
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

/** A positive Kubernetes resource quantity such as `100m`, `256Mi` or `10Gi`. */
export function checkQuantity(scope: IConstruct | string, prop: string, value: string, example = '256Mi'): string {
  const parsed = parseQuantity(value);
  if (parsed === undefined || parsed <= 0) {
    invalid(scope, prop, 'must be a positive Kubernetes quantity', value, `write it as "${example}"`);
  }
  return value;
}

/** A five-field cron expression (CronJob schedules). */
export function checkCron(scope: IConstruct | string, prop: string, value: string): string {
  const fields = typeof value === 'string' ? value.trim().split(/\s+/) : [];
  if (fields.length !== 5 || !fields.every((f) => /^[0-9*/,\-A-Za-z?]+$/.test(f))) {
    invalid(scope, prop, 'must be a five-field cron expression', value, 'write it as "0 2 * * *" (daily at 02:00)');
  }
  return value;
}

function suggestName(value: unknown, maxLength: number): string {
  const s = String(value ?? '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, maxLength);
  return s.replace(/-+$/, '') || 'my-name';
}
