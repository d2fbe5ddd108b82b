import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkInstance, invalid } from './validate';

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
