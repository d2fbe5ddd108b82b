import { describe, expect, it } from 'vitest';
import { DayOfWeek, Schedule, checkSchedule } from '../../lib/core/schedule';
import { exactly } from '../support/synth';

describe('Schedule', () => {
  it('renders the cron expression and the time zone a CronJob takes, Etc/UTC unless named', () => {
    expect(Schedule.cron('0 2 * * *')).toMatchObject({ expression: '0 2 * * *', timeZone: 'Etc/UTC' });
    expect(Schedule.cron(' 30 1 * * 0 ', { timeZone: 'Europe/Paris' })).toMatchObject({ expression: '30 1 * * 0', timeZone: 'Europe/Paris' });
    expect(Schedule.cron('@daily').expression).toBe('@daily');
    expect(Schedule.hourly({ minute: 15 }).expression).toBe('15 * * * *');
    expect(Schedule.daily().expression).toBe('0 0 * * *');
    expect(Schedule.daily({ hour: 2 }).expression).toBe('0 2 * * *');
    expect(Schedule.daily({ hour: 3, minute: 5, timeZone: 'Europe/Berlin' })).toMatchObject({ expression: '5 3 * * *', timeZone: 'Europe/Berlin' });
    expect(Schedule.weekly({ day: DayOfWeek.SATURDAY, hour: 4 }).expression).toBe('0 4 * * 6');
    expect(Schedule.weekly().expression).toBe('0 0 * * 0');
    expect(Schedule.daily({ hour: 2 }).inTimeZone('Asia/Tokyo')).toMatchObject({ expression: '0 2 * * *', timeZone: 'Asia/Tokyo' });
    expect(String(Schedule.daily({ hour: 2 }))).toBe('0 2 * * * (Etc/UTC)');
  });

  it('refuses an invalid expression, time zone or time with the exact message', () => {
    expect(() => Schedule.cron('0 25 * * *')).toThrowError(exactly(
      'Schedule.cron: expression must be a valid cron expression (hour "25" is outside 0-23), got "0 25 * * *". Fix: write it as "0 2 * * *" (daily at 02:00)'));
    expect(() => Schedule.cron('daily')).toThrowError(exactly(
      'Schedule.cron: expression must be a five-field cron expression, got "daily". Fix: write it as "0 2 * * *" (daily at 02:00)'));
    expect(() => Schedule.cron('0 2 * * *', { timeZone: 'Europe/Atlantis' })).toThrowError(exactly(
      'Schedule.cron: timeZone must be an IANA time zone name, got "Europe/Atlantis". Fix: write a zone such as "Etc/UTC" or "Europe/Berlin"'));
    expect(() => Schedule.daily({ hour: 24 })).toThrowError(exactly(
      'Schedule.daily: hour must be an integer from 0 to 23, got 24. Fix: use a whole number from 0 to 23'));
    expect(() => Schedule.hourly({ minute: 7.5 })).toThrowError(exactly(
      'Schedule.hourly: minute must be an integer from 0 to 59, got 7.5. Fix: use a whole number from 0 to 59'));
    expect(() => Schedule.weekly({ day: 'MON' as never })).toThrowError(exactly(
      'Schedule.weekly: day must be a DayOfWeek, got "MON". Fix: write day: DayOfWeek.SUNDAY'));
    expect(() => Schedule.daily({ hour: 2 }).inTimeZone('europe/paris')).toThrowError(exactly(
      'Schedule.inTimeZone: timeZone must be an IANA time zone name, got "europe/paris". Fix: write "Europe/Paris"'));
  });

  it('refuses a string where a Schedule is expected, with the call to write instead', () => {
    const fallback = Schedule.daily({ hour: 2 });
    expect(checkSchedule('mlops/db/Backup', 'backup.schedule', undefined, fallback)).toBe(fallback);
    expect(() => checkSchedule('mlops/db/Backup', 'backup.schedule', '0 3 * * *' as never, fallback)).toThrowError(exactly(
      'mlops/db/Backup: backup.schedule must be a Schedule, not a string, got "0 3 * * *". Fix: write schedule: Schedule.cron("0 3 * * *")'));
    expect(() => checkSchedule('mlops/db/Backup', 'backup.schedule', 'nightly' as never, fallback)).toThrowError(exactly(
      'mlops/db/Backup: backup.schedule must be a Schedule, not a string, got "nightly". Fix: write schedule: Schedule.daily({ hour: 2 }) or Schedule.cron("0 2 * * *")'));
    expect(() => checkSchedule('mlops/db/Backup', 'backup.schedule', { expression: '0 2 * * *', timeZone: 'Etc/UTC' } as never, fallback)).toThrowError(exactly(
      'mlops/db/Backup: backup.schedule must be a Schedule, got a plain object. Fix: write schedule: Schedule.daily({ hour: 2 }) or Schedule.cron("0 2 * * *")'));
  });
});
