import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  ValidationError, checkCron, checkDnsLabel, checkDnsSubdomain, checkHostname, checkInteger, checkPort, checkQuantity,
  describeConstruct, invalid, parseQuantity,
} from '../../lib/core/validate';
import { exactly } from '../support/synth';

class Thing extends Construct {}

describe('invalid() and describeConstruct()', () => {
  it('names the construct by class and id', () => {
    expect(describeConstruct(new Thing(new App(), 'my-thing'))).toBe('my-thing');
    expect(describeConstruct('Peer.cidr')).toBe('Peer.cidr');
  });

  it('throws a ValidationError shaped <Construct "id">: <prop> <problem>, got <value>. Fix: <fix>', () => {
    const thing = new Thing(new App(), 'x');
    let error: unknown;
    try {
      invalid(thing, 'size', 'must be big', 3, 'make it bigger');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).name).toBe('ValidationError');
    expect((error as Error).message).toBe('x: size must be big, got 3. Fix: make it bigger');
  });

  it('shows strings quoted, objects as JSON and undefined as undefined', () => {
    expect(() => invalid('S', 'p', 'is bad', 'v', 'f')).toThrowError(exactly('S: p is bad, got "v". Fix: f'));
    expect(() => invalid('S', 'p', 'is bad', { a: [1] }, 'f')).toThrowError(exactly('S: p is bad, got {"a":[1]}. Fix: f'));
    expect(() => invalid('S', 'p', 'is bad', undefined, 'f')).toThrowError(exactly('S: p is bad, got undefined. Fix: f'));
  });
});

describe('checkDnsLabel', () => {
  it('accepts and returns DNS-1123 labels', () => {
    expect(checkDnsLabel('S', 'name', 'mlflow-postgres')).toBe('mlflow-postgres');
    expect(checkDnsLabel('S', 'name', 'a'.repeat(63))).toBe('a'.repeat(63));
  });

  it('rejects upper case and underscores, suggesting a valid name', () => {
    expect(() => checkDnsLabel('Postgres "db"', 'name', 'My_DB')).toThrowError(exactly(
      'Postgres "db": name must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "My_DB". Fix: use a name such as "my-db"'));
  });

  it('rejects names longer than the limit', () => {
    expect(() => checkDnsLabel('S', 'ports name', 'a-very-long-port-name', 15)).toThrowError(exactly(
      'S: ports name must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 15 characters), got "a-very-long-port-name". Fix: use a name such as "a-very-long-por"'));
  });

  it('rejects dots and a trailing dash', () => {
    expect(() => checkDnsLabel('S', 'name', 'a.b')).toThrow(ValidationError);
    expect(() => checkDnsLabel('S', 'name', 'ab-')).toThrow(ValidationError);
    expect(() => checkDnsLabel('S', 'name', '')).toThrowError(/Fix: use a name such as "my-name"$/);
  });
});

describe('checkDnsSubdomain', () => {
  it('accepts dotted names', () => {
    expect(checkDnsSubdomain('S', 'name', 'a.b-c.d')).toBe('a.b-c.d');
  });

  it('rejects a bad subdomain with the exact message', () => {
    expect(() => checkDnsSubdomain('SecretValue.fromSecret', 'secretName', 'Db..Creds')).toThrowError(exactly(
      'SecretValue.fromSecret: secretName must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Db..Creds". Fix: use a name such as "db-creds"'));
    expect(() => checkDnsSubdomain('S', 'name', 'a'.repeat(254))).toThrow(ValidationError);
  });
});

describe('checkHostname', () => {
  it('accepts a fully qualified host name', () => {
    expect(checkHostname('S', 'host', 'mlflow.example.com')).toBe('mlflow.example.com');
  });

  it.each(['https://mlflow.example.com', 'mlflow.example.com:443', 'mlflow.example.com/x', 'mlflow', 'MLflow.example.com'])('rejects %s', (host) => {
    expect(() => checkHostname('TrackingServer "mlflow"', 'ingress.host', host)).toThrowError(exactly(
      `TrackingServer "mlflow": ingress.host must be a fully qualified lower-case host name without scheme, port or path, got ${JSON.stringify(host)}. Fix: write it as "mlflow.example.com"`));
  });
});

describe('checkPort', () => {
  it('accepts 1 to 65535', () => {
    expect(checkPort('S', 'port', 1)).toBe(1);
    expect(checkPort('S', 'port', 65535)).toBe(65535);
  });

  it.each([[0, '0'], [65536, '65536'], [80.5, '80.5'], [Number.NaN, 'NaN']] as const)('rejects %s', (port, shown) => {
    expect(() => checkPort('S', 'port', port)).toThrowError(exactly(
      `S: port must be an integer from 1 to 65535, got ${shown}. Fix: use a port such as 5000`));
  });
});

describe('checkInteger', () => {
  it('accepts values in range', () => {
    expect(checkInteger('S', 'replicas', 3, 1, 50)).toBe(3);
  });

  it('reports a bounded range', () => {
    expect(() => checkInteger('S', 'replicas', 51, 1, 50)).toThrowError(exactly(
      'S: replicas must be an integer from 1 to 50, got 51. Fix: use a whole number from 1 to 50'));
  });

  it('reports an open range', () => {
    expect(() => checkInteger('S', 'retentionDays', 1.5, 1)).toThrowError(exactly(
      'S: retentionDays must be an integer at least 1, got 1.5. Fix: use a whole number at least 1'));
  });
});

describe('quantities', () => {
  it('parses decimal and binary suffixes', () => {
    expect(parseQuantity('100m')).toBeCloseTo(0.1);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('1k')).toBe(1000);
    expect(parseQuantity('256Mi')).toBe(256 * 2 ** 20);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('10GB')).toBeUndefined();
    expect(parseQuantity('1.2.3')).toBeUndefined();
    expect(parseQuantity('Gi')).toBeUndefined();
  });

  it('accepts positive quantities', () => {
    expect(checkQuantity('S', 'storageSize', '10Gi')).toBe('10Gi');
  });

  it.each(['10GB', '0', '-1Gi', 'lots'])('rejects %s', (q) => {
    expect(() => checkQuantity('Postgres "db"', 'storageSize', q, '10Gi')).toThrowError(exactly(
      `Postgres "db": storageSize must be a positive Kubernetes quantity, got ${JSON.stringify(q)}. Fix: write it as "10Gi"`));
  });
});

describe('checkCron', () => {
  it('accepts five fields', () => {
    expect(checkCron('S', 'schedule', '*/15 2-4 * * MON-FRI')).toBe('*/15 2-4 * * MON-FRI');
  });

  it.each(['0 2 * *', '@daily', '0 2 * * * *', '0 2 * * $'])('rejects %s', (cron) => {
    expect(() => checkCron('PostgresBackup "backup"', 'backup.schedule', cron)).toThrowError(exactly(
      `PostgresBackup "backup": backup.schedule must be a five-field cron expression, got ${JSON.stringify(cron)}. Fix: write it as "0 2 * * *" (daily at 02:00)`));
  });
});

describe('invalid() redacts secrets itself', () => {
  const message = (prop: string, value: unknown) => {
    try {
      invalid('Thing', prop, 'is wrong', value, 'fix it');
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  };

  it('hides the value of a prop that names a credential, wherever the caller forgot', () => {
    expect(message('database.password', 'hunter2')).toBe('Thing: database.password is wrong, got "<redacted>". Fix: fix it');
    expect(message('rootCredentials', { accessKeyId: 'AKIA', secretAccessKey: 'xyz' })).toBe('Thing: rootCredentials is wrong, got "<redacted>". Fix: fix it');
    expect(message('env.AWS_SECRET_ACCESS_KEY', 'xyz')).toContain('got "<redacted>"');
  });

  it('hides secret keys inside an object value and keeps the rest', () => {
    expect(message('auth', { user: 'bob', password: 'hunter2', token: 't' })).toBe('Thing: auth is wrong, got {"user":"bob","password":"<redacted>","token":"<redacted>"}. Fix: fix it');
  });

  it('hides the user-info of a URL, in any prop', () => {
    const m = message('endpointUrl', 'https://AKIA:s3cr3t@s3.example.com/path');
    expect(m).toBe('Thing: endpointUrl is wrong, got "https://<redacted>@s3.example.com/path". Fix: fix it');
    expect(message('source.repoUrl', ['git+ssh://git:tok@host/x'])).toContain('"git+ssh://<redacted>@host/x"');
  });

  it('still shows names of secrets and method arguments that are not secret', () => {
    expect(message('tls.secretName', 'mlflow-tls')).toContain('got "mlflow-tls"');
    expect(message('grantReadCredentials(username)', 'admin')).toContain('got "admin"');
    expect(message('value(key)', 'password')).toContain('got "password"');
    expect(message('client.accessTokenLifespan', 30)).toContain('got 30');
    expect(message('auth.secretKey', 'k')).toContain('got "<redacted>"');
    expect(message('accessKeyId', 'AKIA')).toContain('got "<redacted>"');
  });
});
