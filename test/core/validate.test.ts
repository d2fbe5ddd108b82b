import * as path from 'path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { SecretValue } from '../../lib/core/secret-value';
import {
  ValidationError, checkAnnotations, checkByteQuantity, checkCidr, checkConstruct, checkCron, checkDnsLabel, checkDnsSubdomain,
  checkGcsBucketName, checkGoDuration, checkHost, checkHostname, checkInstance, checkInteger, checkLabels, checkPort,
  checkPrometheusDuration, checkQuantity, checkS3BucketName, checkSecretValue, checkTimeZone, credentialInValue, describeConstruct,
  hostCidr, invalid, isVersionTag, looksLikeCredentialName, parseQuantity,
} from '../../lib/core/validate';
import { exactly } from '../support/synth';

class Thing extends Construct {}

describe('invalid() and describeConstruct()', () => {
  it('names the construct by its path in the app, never by its class', () => {
    const app = new App();
    expect(describeConstruct(new Thing(new Thing(app, 'chart'), 'my-thing'))).toBe('chart/my-thing');
    expect(describeConstruct(app)).toBe('App');
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

  it('carries a stable code and its problems, and a stack without the library\'s frames (the caller\'s are kept)', () => {
    const thing = new Thing(new App(), 'x');
    const caught = (fn: () => unknown): ValidationError => {
      try {
        fn();
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('did not throw');
    };
    const e = caught(() => invalid(thing, 'size', 'must be big', 3, 'make it bigger'));
    expect(e.code).toBe('MLOPS_INVALID_VALUE');
    expect(e.problems).toEqual(['x: size must be big, got 3. Fix: make it bigger']);
    const [header, ...frames] = e.stack!.split('\n');
    expect(header).toBe('ValidationError [MLOPS_INVALID_VALUE]: x: size must be big, got 3. Fix: make it bigger');
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.includes(path.join('test', 'core', 'validate.test.ts')) || !/lib[\\/]core|node_modules|node:/.test(f))).toBe(true);
    expect(frames.some((f) => f.includes('validate.test.ts'))).toBe(true);
    expect(Object.keys(e)).not.toContain('problems'); // Node prints own enumerable properties of an uncaught error: not the problems again
    expect(caught(() => checkInstance(thing, 'secret', 'x', SecretValue, 'a SecretValue', 'pass one')).code).toBe('MLOPS_WRONG_TYPE');
    expect(caught(() => checkConstruct(thing, 'db', new Thing(new App(), 'db'), 'pass one')).code).toBe('MLOPS_OTHER_APP');
    process.env.MLOPS_CDK8S_FULL_STACK = '1';
    try {
      expect(caught(() => invalid(thing, 'size', 'must be big', 3, 'fix')).stack).toMatch(/lib[\\/]core[\\/]validate\.ts/);
    } finally {
      delete process.env.MLOPS_CDK8S_FULL_STACK;
    }
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
      'SecretValue.fromSecret: secretName must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Db..Creds". Fix: use a name such as "db.creds"'));
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

  it.each(['@daily', '@hourly', '0 0 1 JAN *', '0 0 * * 7', '0 0 ? * SUN', '*/5 * * * *', '0 0-23/2 * * *'])('accepts %s', (cron) => {
    expect(checkCron('S', 'schedule', cron)).toBe(cron);
  });

  it.each(['0 2 * *', '0 2 * * * *', '@every'])('rejects %s (not five fields)', (cron) => {
    expect(() => checkCron('mlops/db/Backup', 'backup.schedule', cron)).toThrowError(exactly(
      `mlops/db/Backup: backup.schedule must be a five-field cron expression, got ${JSON.stringify(cron)}. Fix: write it as "0 2 * * *" (daily at 02:00)`));
  });

  it.each([
    ['61 2 * * *', 'minute "61" is outside 0-59'],
    ['0 24 * * *', 'hour "24" is outside 0-23'],
    ['0 2 0 * *', 'day of month "0" is outside 1-31'],
    ['0 2 * 13 *', 'month "13" is outside 1-12'],
    ['0 2 * * 8', 'day of week "8" is outside 0-7'],
    ['0 2 * * $', '"$" is not a value, range or step'],
    ['*/0 * * * *', 'step "0" must be at least 1'],
    ['0 5-2 * * *', 'range "5-2" runs backwards'],
    ['? 2 * * *', '"?" is not a value, range or step'],
  ])('rejects %s: %s', (cron, problem) => {
    expect(() => checkCron('mlops/db/Backup', 'backup.schedule', cron)).toThrowError(exactly(
      `mlops/db/Backup: backup.schedule must be a valid cron expression (${problem}), got ${JSON.stringify(cron)}. Fix: write it as "0 2 * * *" (daily at 02:00)`));
  });

  it('refuses a time zone inside the schedule', () => {
    expect(() => checkCron('S', 'schedule', 'CRON_TZ=Europe/Berlin 0 2 * * *')).toThrowError(exactly(
      'S: schedule must not set a time zone (TZ=) inside the schedule, got "CRON_TZ=Europe/Berlin 0 2 * * *". Fix: remove the TZ= prefix and set the timeZone prop'));
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

describe('checkTimeZone', () => {
  it.each(['Etc/UTC', 'UTC', 'Europe/Berlin', 'America/New_York'])('accepts %s', (tz) => {
    expect(checkTimeZone('S', 'timeZone', tz)).toBe(tz);
  });

  it('refuses an unknown zone', () => {
    expect(() => checkTimeZone('mlops/db/Backup', 'backup.timeZone', 'Mars/Olympus')).toThrowError(exactly(
      'mlops/db/Backup: backup.timeZone must be an IANA time zone name, got "Mars/Olympus". Fix: write a zone such as "Etc/UTC" or "Europe/Berlin"'));
  });

  it('refuses a wrongly cased or deprecated name, suggesting the canonical one', () => {
    expect(() => checkTimeZone('S', 'timeZone', 'europe/berlin')).toThrowError(exactly(
      'S: timeZone must be an IANA time zone name, got "europe/berlin". Fix: write "Europe/Berlin"'));
    expect(() => checkTimeZone('S', 'timeZone', 'US/Eastern')).toThrowError(/Fix: write "America\/New_York"$/);
  });
});

describe('checkGoDuration and checkPrometheusDuration', () => {
  it.each(['1h', '90s', '1h30m', '0', '1.5h', '500ms'])('accepts the Go duration %s', (d) => {
    expect(checkGoDuration('S', 'refreshInterval', d)).toBe(d);
  });

  it.each(['1d', '-1h', '1 h', '', 'hourly', '10'])('refuses the Go duration %s', (d) => {
    expect(() => checkGoDuration('mlops/es', 'refreshInterval', d)).toThrowError(exactly(
      `mlops/es: refreshInterval must be a Go duration (a number and a unit among ns, us, ms, s, m, h, such as "1h30m"), got ${JSON.stringify(d)}. Fix: write it as "1h"`));
  });

  it.each(['30s', '1m30s', '1d', '0'])('accepts the Prometheus duration %s', (d) => {
    expect(checkPrometheusDuration('S', 'interval', d)).toBe(d);
  });

  it.each(['1.5m', '30', '30s1m', ''])('refuses the Prometheus duration %s', (d) => {
    expect(() => checkPrometheusDuration('S', 'metrics.interval', d)).toThrow(/must be a Prometheus duration/);
  });
});

describe('checkByteQuantity', () => {
  it('refuses the milli suffix for bytes, suggesting mebibytes', () => {
    expect(() => checkByteQuantity('mlops/db', 'resources.limits.memory', '512m')).toThrowError(exactly(
      'mlops/db: resources.limits.memory must be a whole number of bytes (the suffix "m" means thousandths, not mebibytes), got "512m". Fix: write "512Mi" for mebibytes'));
    expect(() => checkByteQuantity('S', 'size', '0.5')).toThrow(/must be a whole number of bytes/);
    expect(checkByteQuantity('S', 'size', '1.5Gi')).toBe('1.5Gi');
  });
});

describe('checkLabels and checkAnnotations', () => {
  it('refuses label keys and values the API server refuses', () => {
    expect(() => checkLabels('mlops/ns', 'labels', { 'a/b/c': 'x' })).toThrowError(exactly(
      'mlops/ns: labels key must be a label key ([prefix/]name) but has more than one "/", got "a/b/c". Fix: use a key such as "team" or "example.com/team"'));
    expect(() => checkLabels('S', 'labels', { 'Example.com/team': 'x' })).toThrow(/has a prefix that is not a DNS subdomain/);
    expect(() => checkLabels('S', 'labels', { ['t'.repeat(64)]: 'x' })).toThrow(/has a name that is not 1 to 63/);
    expect(() => checkLabels('mlops/ns', 'labels', { team: 'ML Platform' })).toThrowError(exactly(
      'mlops/ns: labels.team must be a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit), got "ML Platform". Fix: use a value such as "ml-platform"'));
    expect(() => checkLabels('S', 'labels', { team: 'x'.repeat(64) })).toThrow(/must be a label value/);
    expect(checkLabels('S', 'labels', { 'istio-injection': 'enabled', 'example.com/empty': '' })).toBeDefined();
  });

  it('refuses annotation keys the API server refuses and non-string values', () => {
    expect(() => checkAnnotations('S', 'annotations', { 'bad key': 'x' })).toThrow(/annotations key must be an annotation key/);
    expect(() => checkAnnotations('S', 'annotations', { note: 5 as never })).toThrowError(exactly('S: annotations.note must be a string, got 5. Fix: quote it, as in "5"'));
    expect(checkAnnotations('S', 'annotations', { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' })).toBeDefined();
  });
});

describe('checkCidr, checkHost and hostCidr (one definition for Peer.cidr, the infra ranges and database hosts)', () => {
  it.each([
    ['10.0.0.0/33', 'write it as "10.10.0.0/20"'],
    ['10.0.0.256/24', 'write it as "10.10.0.0/20"'],
    ['10.0.0.5/24', 'write the network address, "10.0.0.0/24"'],
    ['10.0.0.0', 'add a prefix length, as in "10.0.0.0/32" for that one address'],
  ])('refuses %s', (cidr, fix) => {
    expect(() => checkCidr('Peer.cidr', 'cidr', cidr)).toThrowError(exactly(
      `Peer.cidr: cidr must be an IPv4 network in CIDR notation (four octets from 0 to 255, a prefix length from 0 to 32, no host bits set), got ${JSON.stringify(cidr)}. Fix: ${fix}`));
  });

  it('accepts IPv6 blocks only where asked, and checks their prefix', () => {
    expect(checkCidr('S', 'cidr', 'fd00::/8', { ipv6: true })).toBe('fd00::/8');
    expect(() => checkCidr('S', 'cidr', 'fd00::/129', { ipv6: true })).toThrowError(exactly(
      'S: cidr must be an IPv6 block in CIDR notation (prefix length 0 to 128), got "fd00::/129". Fix: write it as "fd00::/8"'));
    expect(() => checkCidr('S', 'cidr', 'fd00::/8')).toThrow(/must be an IPv4 network/);
  });

  it('refuses a host that looks like an IP address but is not one', () => {
    expect(() => checkHost('mlops/db', 'host', '10.0.0.300')).toThrowError(exactly(
      'mlops/db: host must be an IPv4 address with four octets from 0 to 255, or a DNS name, got "10.0.0.300". Fix: write an address such as "10.20.0.7" or a name such as "db.example.internal"'));
    expect(() => checkHost('S', 'host', '10.0.0')).toThrow(/must be an IPv4 address with four octets/);
    expect(checkHost('S', 'host', '10.0.0.7')).toBe('10.0.0.7');
    expect(checkHost('S', 'host', 'db.example.internal')).toBe('db.example.internal');
  });

  it('gives exactly one address for an IPv4 host, none for a name', () => {
    expect(hostCidr('10.0.0.7')).toBe('10.0.0.7/32');
    expect(hostCidr('db.example.com')).toBeUndefined();
    expect(hostCidr('10.0.0.300')).toBeUndefined();
  });
});

describe('checkS3BucketName and checkGcsBucketName (two names for two rule sets)', () => {
  it.each(['192.168.5.4', 'xn--bucket', 'my-bucket-s3alias', 'a.-b', 'ab'])('refuses the S3 bucket %s', (name) => {
    expect(() => checkS3BucketName('mlops/minio', 'bucket name', name)).toThrow(/^mlops\/minio: bucket name must be an S3 bucket name \(3 to 63 lower-case letters, digits, "-" or "\.", starting and ending with a letter or digit, not an IP address\), got/);
  });

  it('refuses an IP-formatted S3 bucket with a fix that is not the value again', () => {
    expect(() => checkS3BucketName('mlops/minio', 'bucket name', '192.168.5.4')).toThrowError(exactly(
      'mlops/minio: bucket name must be an S3 bucket name (3 to 63 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit, not an IP address), got "192.168.5.4". Fix: use a name such as "192-168-5-4"'));
  });

  it('keeps the GCS rules apart: underscores allowed, dots and "google" refused', () => {
    expect(checkGcsBucketName('S', 'bucketName', 'acme_kfp_artifacts')).toBe('acme_kfp_artifacts');
    expect(() => checkS3BucketName('S', 'bucket name', 'acme_kfp_artifacts')).toThrow(/must be an S3 bucket name/);
    for (const name of ['acme.artifacts', 'goog-artifacts', 'my-g00gle-bucket', '10.0.0.1']) {
      expect(() => checkGcsBucketName('mlops/kfp', 'settings.bucketName', name), name).toThrowError(exactly(
        `mlops/kfp: settings.bucketName must be a Cloud Storage bucket name (3 to 63 lower-case letters, digits, "-" or "_", without "goog" or "google"), got ${JSON.stringify(name)}. Fix: use a globally unique name such as "acme-kfp-dev-artifacts"`));
    }
  });
});

describe('shape checks for JavaScript callers', () => {
  class Factory {
    public static make() {
      return new Factory();
    }
    private constructor() {}
  }

  it('names the expected type and shows only the type of what came', () => {
    expect(() => checkInstance('mlops/minio', 'topology', { replicas: 2, drivesPerNode: 1 }, Factory, 'a MinioTopology', 'pass MinioTopology.distributed(4)')).toThrowError(exactly(
      'mlops/minio: topology must be a MinioTopology, got a plain object. Fix: pass MinioTopology.distributed(4)'));
    expect(() => checkInstance('S', 'p', 'x', Factory, 'a Factory', 'f')).toThrowError(exactly('S: p must be a Factory, got a string. Fix: f'));
    expect(checkInstance('S', 'p', Factory.make(), Factory, 'a Factory', 'f')).toBeInstanceOf(Factory);
  });

  it('never echoes a string passed where a SecretValue belongs', () => {
    expect(() => checkSecretValue('mlops/db', 'password', 'hunter2', SecretValue)).toThrowError(exactly(
      'mlops/db: password must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("<secret>", "<key>") or an ExternalSecret value'));
  });

  it('refuses a construct of another App', () => {
    const a = new Thing(new App(), 'a');
    const b = new Thing(new App(), 'b');
    expect(() => checkConstruct(a, 'database', b, 'create it here')).toThrowError(exactly(
      'a: database must belong to the same App, got the construct b of another App. Fix: create it in this App (one App per synth), or use a fromExisting(...) reference to it'));
    expect(() => checkConstruct(a, 'database', 'db' as never, 'pass a Postgres')).toThrowError(exactly('a: database must be a construct, got a string. Fix: pass a Postgres'));
  });

  it('redacts secret values and credential-looking strings by itself', () => {
    expect(() => invalid('S', 'p', 'is bad', SecretValue.fromSecret('s', 'k'), 'f')).toThrowError(exactly('S: p is bad, got <redacted>. Fix: f'));
    expect(() => invalid('S', 'url', 'is bad', 'postgresql://u:hunter2@db/x', 'f')).toThrowError(exactly('S: url is bad, got "postgresql://<redacted>@db/x". Fix: f'));
    expect(() => invalid('S', 'settings', 'is bad', 'API_KEY=sk-live-0123456789', 'f')).toThrowError(exactly('S: settings is bad, got <redacted>. Fix: f'));
    expect(() => invalid('S', 'v', 'is bad', { note: 'ghp_0123456789abcdefABCDEF0123456789abcd' }, 'f')).toThrowError(exactly('S: v is bad, got <redacted>. Fix: f'));
  });
});

describe('credentialInValue and looksLikeCredentialName', () => {
  it('finds credentials by value, whatever the variable is called', () => {
    expect(credentialInValue('mysql://root:p%40ss@db/x')).toBe('a URL with a password');
    expect(credentialInValue('API_KEY=sk-live-0123456789')).toBe('an API key (sk-)');
    expect(credentialInValue('http://$(USER):$(PASSWORD)@db')).toBeUndefined();
    expect(credentialInValue('https://example.com/path')).toBeUndefined();
  });

  it('finds credentials by name', () => {
    expect(['DB_PASS', 'API_KEY', 'GITHUB_TOKEN', 'MYSQL_PWD'].filter(looksLikeCredentialName)).toEqual(['DB_PASS', 'API_KEY', 'GITHUB_TOKEN', 'MYSQL_PWD']);
    expect(['PWD', 'PASSTHROUGH', 'KEYCLOAK_URL', 'AUTHOR'].filter(looksLikeCredentialName)).toEqual([]);
  });
});

describe('isVersionTag (what a pin is)', () => {
  it.each(['16.6-bookworm', 'RELEASE.2025-09-07T16-13-09Z', '3.14.0', 'v1', 'alpine3.20'])('accepts %s', (t) => expect(isVersionTag(t)).toBe(true));
  it.each(['alpine', 'stable', 'bookworm', 'latest', 'lts', 'latest-2024', 'main'])('refuses %s', (t) => expect(isVersionTag(t)).toBe(false));
});
