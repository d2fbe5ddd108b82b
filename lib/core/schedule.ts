import { IConstruct } from 'constructs';
import { checkCron, checkInteger, checkTimeZone, checkTypedValue, describeShape, invalid } from './validate';

/** The time zone every {@link Schedule} runs in unless it names one. */
const DEFAULT_TIME_ZONE = 'Etc/UTC';

/** Where a {@link Schedule} runs. */
export interface ScheduleOptions {
  /**
   * An IANA time zone (`Europe/Paris`), rendered as the CronJob's `timeZone`.
   * @default "Etc/UTC"
   */
  readonly timeZone?: string;
}

/** The minute of an hourly run. */
export interface HourlyOptions extends ScheduleOptions {
  /** @default 0 */
  readonly minute?: number;
}

/** The time of day of a daily run. */
export interface DailyOptions extends HourlyOptions {
  /** 0 to 23. @default 0 */
  readonly hour?: number;
}

/** The day and time of a weekly run. */
export interface WeeklyOptions extends DailyOptions {
  /** @default DayOfWeek.SUNDAY */
  readonly day?: DayOfWeek;
}

/** A day of the week, for {@link Schedule.weekly}. */
export class DayOfWeek {
  public static readonly SUNDAY = new DayOfWeek(0, 'SUNDAY');
  public static readonly MONDAY = new DayOfWeek(1, 'MONDAY');
  public static readonly TUESDAY = new DayOfWeek(2, 'TUESDAY');
  public static readonly WEDNESDAY = new DayOfWeek(3, 'WEDNESDAY');
  public static readonly THURSDAY = new DayOfWeek(4, 'THURSDAY');
  public static readonly FRIDAY = new DayOfWeek(5, 'FRIDAY');
  public static readonly SATURDAY = new DayOfWeek(6, 'SATURDAY');
  private constructor(
    /** The cron field value, 0 (Sunday) to 6. */
    public readonly value: number,
    /** `MONDAY`, for messages. */
    public readonly name: string,
  ) {}
}

/**
 * When a CronJob runs: a five-field cron expression (checked as Kubernetes parses it) and the time
 * zone it is read in. `Schedule.cron('0 2 * * *', { timeZone: 'Europe/Paris' })`,
 * `Schedule.daily({ hour: 2 })`, `Schedule.weekly({ day: DayOfWeek.SUNDAY, hour: 1, minute: 30 })`.
 */
export class Schedule {
  /**
   * Any cron expression Kubernetes accepts: five fields with `*`, lists, ranges and steps, or a
   * descriptor such as `@daily`. The time zone goes in `options`, never as `TZ=` in the expression.
   */
  public static cron(expression: string, options: ScheduleOptions = {}): Schedule {
    checkCron('Schedule.cron', 'expression', expression);
    return new Schedule(expression.trim(), timeZoneOf('Schedule.cron', options));
  }

  /** Every hour at `minute`. */
  public static hourly(options: HourlyOptions = {}): Schedule {
    const minute = checkInteger('Schedule.hourly', 'minute', options?.minute ?? 0, 0, 59);
    return new Schedule(`${minute} * * * *`, timeZoneOf('Schedule.hourly', options));
  }

  /** Every day at `hour:minute`. */
  public static daily(options: DailyOptions = {}): Schedule {
    const [minute, hour] = timeOf('Schedule.daily', options);
    return new Schedule(`${minute} ${hour} * * *`, timeZoneOf('Schedule.daily', options));
  }

  /** Every week on `day` at `hour:minute`. */
  public static weekly(options: WeeklyOptions = {}): Schedule {
    const [minute, hour] = timeOf('Schedule.weekly', options);
    const day = options.day ?? DayOfWeek.SUNDAY;
    if (!(day instanceof DayOfWeek)) {
      invalid('Schedule.weekly', 'day', 'must be a DayOfWeek', typeof day === 'string' || typeof day === 'number' ? day : describeShape(day), 'write day: DayOfWeek.SUNDAY');
    }
    return new Schedule(`${minute} ${hour} * * ${day.value}`, timeZoneOf('Schedule.weekly', options));
  }

  private constructor(
    /** The cron expression, rendered as the CronJob's `schedule`. */
    public readonly expression: string,
    /** The IANA time zone, rendered as the CronJob's `timeZone`. */
    public readonly timeZone: string,
  ) {}

  /** The same times, read in another time zone. */
  public inTimeZone(timeZone: string): Schedule {
    return new Schedule(this.expression, checkTimeZone('Schedule.inTimeZone', 'timeZone', timeZone));
  }

  /** `0 2 * * * (Etc/UTC)`, for messages. */
  public toString(): string {
    return `${this.expression} (${this.timeZone})`;
  }
}

function timeZoneOf(factory: string, options: ScheduleOptions): string {
  if (options === null || typeof options !== 'object') {
    invalid(factory, 'options', 'must be an object', options, `pass ${factory}(..., { timeZone: "Europe/Paris" })`);
  }
  return checkTimeZone(factory, 'timeZone', options.timeZone ?? DEFAULT_TIME_ZONE);
}

function timeOf(factory: string, options: DailyOptions): [number, number] {
  if (options === null || typeof options !== 'object') invalid(factory, 'options', 'must be an object', options, `pass ${factory}({ hour: 2 })`);
  return [checkInteger(factory, 'minute', options.minute ?? 0, 0, 59), checkInteger(factory, 'hour', options.hour ?? 0, 0, 23)];
}

/**
 * A {@link Schedule} at the public boundary, or `fallback` when undefined. A string (a JavaScript
 * caller, or code written before schedules were typed) is refused with the `Schedule.cron(...)`
 * call to write instead.
 * @internal
 */
export function checkSchedule(scope: IConstruct | string, prop: string, value: Schedule | undefined, fallback: Schedule): Schedule {
  if (value === undefined) return fallback;
  const v = value as unknown;
  let cron: string | undefined;
  if (typeof v === 'string') {
    try {
      cron = checkCron(scope, prop, v).trim();
    } catch {
      cron = undefined;
    }
  }
  const name = prop.split('.').pop();
  return checkTypedValue(scope, prop, v, Schedule, 'a Schedule',
    cron ? `write ${name}: Schedule.cron(${JSON.stringify(cron)})` : `write ${name}: Schedule.daily({ hour: 2 }) or Schedule.cron("0 2 * * *")`);
}
