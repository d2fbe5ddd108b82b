import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkInstance, checkTypedValue, invalid } from './validate';

const UNITS: Array<[string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];
const FACTORIES: Array<[string, number]> = [['days', 86_400_000], ['hours', 3_600_000], ['minutes', 60_000], ['seconds', 1000], ['millis', 1]];
const TEXT_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The `Duration.<unit>(n)` call for a number of milliseconds, in the largest unit that divides it. */
function factoryCall(ms: number): string {
  const [unit, size] = FACTORIES.find(([, f]) => ms % f === 0) ?? ['millis', 1];
  return `Duration.${unit}(${ms / size})`;
}

/** `90s`, `1h30m`, `7d` as milliseconds, for the fix of a string passed as a Duration; undefined for anything else. */
function textMillis(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * TEXT_UNITS[p[2]], 0);
}

/**
 * A cdk8s `Duration` at the public boundary, or `fallback` when undefined. A string (`"30s"`) is
 * refused with the `Duration.seconds(30)` to write instead.
 * @internal
 */
export function checkDuration(scope: IConstruct | string, prop: string, value: Duration | undefined, fallback: Duration): Duration {
  if (value === undefined) return fallback;
  if (value instanceof Duration) return value; // the fix below is worked out only for a wrong value
  const ms = typeof value === 'string' ? textMillis(value) : undefined;
  const name = prop.split('.').pop();
  return checkTypedValue(scope, prop, value, Duration, 'a Duration',
    `write ${name}: ${ms !== undefined ? factoryCall(ms) : factoryCall(millisOf(fallback))}`);
}

function millisOf(d: Duration): number {
  return d.toMilliseconds({ integral: false });
}

/**
 * A duration as the compact text Go's `time.ParseDuration` and Prometheus both read: hours,
 * minutes, seconds and milliseconds, largest first, zero parts left out (`1h`, `1m30s`, `500ms`,
 * `0s`). A fraction of a millisecond or a negative duration is refused.
 * @internal
 */
export function durationText(scope: IConstruct | string, prop: string, d: Duration, options: { min?: Duration } = {}): string {
  const ms = millisOf(d);
  const min = options.min ? millisOf(options.min) : 0;
  if (!Number.isInteger(ms) || ms < min) {
    const problem = min > 0 ? `must be a whole number of milliseconds, at least ${compact(min)}` : 'must be a whole, non-negative number of milliseconds';
    const fix = Math.max(min, Number.isFinite(ms) ? Math.round(ms) : 0) || 1000;
    invalid(scope, prop, problem, show(d), `write ${prop.split('.').pop()}: ${factoryCall(fix)}`);
  }
  return compact(ms);
}

/** Whole milliseconds as `1h30m`, `500ms`, `0s`. */
function compact(ms: number): string {
  if (ms === 0) return '0s';
  let text = '';
  let rest = ms;
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) text += `${n}${unit}`;
    rest -= n * size;
  }
  return text;
}

/** A Duration in a message: its compact text, or cdk8s' words for a fraction of a millisecond. */
function show(d: Duration): string {
  const ms = millisOf(d);
  return Number.isInteger(ms) ? compact(ms) : d.toHumanString();
}

/** The unit a {@link durationIn} result counts. */
export type DurationUnit = 'seconds' | 'hours' | 'days';

const IN_SECONDS: Record<DurationUnit, number> = { seconds: 1, hours: 3600, days: 86400 };
const FACTORY: Record<DurationUnit, string> = { seconds: 'Duration.seconds', hours: 'Duration.hours', days: 'Duration.days' };

/**
 * A cdk8s `Duration` prop as a whole number of `unit` from `min` to `max` (in that unit): the
 * number a config file or an API field takes (`timeout: 300`). A number or a string from a
 * JavaScript caller, a fraction of the unit, or a value out of range fails with the fix.
 * @internal
 */
export function durationIn(scope: IConstruct | string, prop: string, value: Duration, unit: DurationUnit, min: number, max: number): number {
  const example = `${FACTORY[unit]}(${Math.max(min, 1)})`;
  checkInstance(scope, prop, value, Duration, 'a Duration', `pass ${example}`);
  const n = value.toSeconds({ integral: false }) / IN_SECONDS[unit];
  if (!Number.isInteger(n) || n < min || n > max) {
    invalid(scope, prop, `must be a whole number of ${unit} from ${min} to ${max}`, value.toHumanString(), `pass ${FACTORY[unit]}(n) with n from ${min} to ${max}`);
  }
  return n;
}
