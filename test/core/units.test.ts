import { Duration, Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { checkDuration, durationText, durationIn } from '../../lib/core/duration';
import { checkSize, sizeQuantity } from '../../lib/core/quantity';
import { checkGoDuration, checkPrometheusDuration } from '../../lib/core/validate';
import { exactly } from '../support/synth';

describe('Duration rendering', () => {
  it.each([
    [Duration.hours(1), '1h'], [Duration.seconds(30), '30s'], [Duration.minutes(15), '15m'], [Duration.seconds(90), '1m30s'],
    [Duration.days(1), '24h'], [Duration.millis(1500), '1s500ms'], [Duration.seconds(0), '0s'], [Duration.parse('PT1H30M5S'), '1h30m5s'],
  ])('renders %s as %s, which Go and Prometheus both parse', (d, text) => {
    expect(durationText('S', 'interval', d)).toBe(text);
    expect(checkGoDuration('S', 'interval', text)).toBe(text);
    expect(checkPrometheusDuration('S', 'interval', text)).toBe(text);
  });

  it('refuses fractions of a millisecond and durations below the minimum', () => {
    expect(() => durationText('S', 'metrics.interval', Duration.millis(999), { min: Duration.seconds(1) })).toThrowError(exactly(
      'S: metrics.interval must be a whole number of milliseconds, at least 1s, got "999ms". Fix: write interval: Duration.seconds(1)'));
    expect(() => durationText('S', 'refreshInterval', Duration.millis(0.25))).toThrowError(exactly(
      'S: refreshInterval must be a whole, non-negative number of milliseconds, got "0.25 millis". Fix: write refreshInterval: Duration.seconds(1)'));
  });

  it('converts to whole seconds or days within bounds', () => {
    expect(durationIn('S', 'period', Duration.minutes(2), 'seconds', 1, 3600)).toBe(120);
    expect(durationIn('S', 'retention', Duration.hours(48), 'days', 1, 3650)).toBe(2);
    expect(() => durationIn('S', 'backup.retention', Duration.days(4000), 'days', 1, 3650)).toThrowError(exactly(
      'S: backup.retention must be a whole number of days from 1 to 3650, got "4000 days". Fix: pass Duration.days(n) with n from 1 to 3650'));
  });

  it('refuses what is not a Duration, suggesting the call for a duration string', () => {
    const fallback = Duration.hours(1);
    expect(checkDuration('S', 'refreshInterval', undefined, fallback)).toBe(fallback);
    expect(() => checkDuration('S', 'refreshInterval', '1h30m' as never, fallback)).toThrowError(exactly(
      'S: refreshInterval must be a Duration, not a string, got "1h30m". Fix: write refreshInterval: Duration.minutes(90)'));
    expect(() => checkDuration('S', 'refreshInterval', '2w' as never, fallback)).toThrowError(exactly(
      'S: refreshInterval must be a Duration, not a string, got "2w". Fix: write refreshInterval: Duration.days(14)'));
    expect(() => checkDuration('S', 'refreshInterval', { seconds: 5 } as never, fallback)).toThrowError(exactly(
      'S: refreshInterval must be a Duration, got a plain object. Fix: write refreshInterval: Duration.hours(1)'));
  });
});

describe('Size rendering', () => {
  it.each([
    [Size.gibibytes(10), '10Gi'], [Size.mebibytes(1536), '1536Mi'], [Size.mebibytes(2048), '2Gi'], [Size.tebibytes(2), '2Ti'],
    [Size.kibibytes(512), '512Ki'], [Size.gibibytes(1.5), '1536Mi'], [Size.pebibyte(1), '1Pi'],
  ])('renders %s as %s', (size, text) => {
    expect(sizeQuantity('S', 'size', size)).toBe(text);
  });

  it('refuses what is not a positive whole number of KiB, and what is not a Size', () => {
    expect(() => sizeQuantity('S', 'storageSize', Size.kibibytes(1.5))).toThrowError(exactly(
      'S: storageSize must be a positive whole number of KiB, got "1.5 KiB". Fix: write storageSize: Size.kibibytes(2)'));
    const fallback = Size.gibibytes(10);
    expect(checkSize('S', 'storageSize', undefined, fallback)).toBe(fallback);
    expect(() => checkSize('S', 'storageSize', '2Ti' as never, fallback)).toThrowError(exactly(
      'S: storageSize must be a Size, not a string, got "2Ti". Fix: write storageSize: Size.tebibytes(2)'));
    expect(() => checkSize('S', 'storageSize', '10G' as never, fallback)).toThrowError(exactly(
      'S: storageSize must be a Size, not a string, got "10G". Fix: write storageSize: Size.gibibytes(10)'));
    expect(() => checkSize('S', 'storageSize', 10 as never, fallback)).toThrowError(exactly(
      'S: storageSize must be a Size, not a number, got 10. Fix: write storageSize: Size.gibibytes(10)'));
  });
});
