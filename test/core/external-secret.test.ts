import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ExternalSecret, SecretStoreRef } from '../../lib/core/external-secret';
import { exactly, find, synthChart } from '../support/synth';

describe('ExternalSecret', () => {
  let secret!: ExternalSecret;
  const objs = synthChart((chart) => {
    secret = new ExternalSecret(chart, 'creds', {
      name: 'postgresql-credentials',
      store: SecretStoreRef.cluster('gcp-secret-manager'),
      data: {
        'superuser-password': { remoteKey: 'pg-superuser' },
        'mlflow-password': { remoteKey: 'pg-app', property: 'password', version: '3' },
      },
    });
  });

  it('renders an external-secrets.io/v1 ExternalSecret owning a Secret of the same name', () => {
    const es = find(objs, 'ExternalSecret', 'postgresql-credentials');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata.namespace).toBe('test');
    expect(es.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'postgresql-credentials', 'app.kubernetes.io/instance': 'postgresql-credentials',
      'app.kubernetes.io/component': 'external-secret', 'app.kubernetes.io/managed-by': 'mlops-cdk8s',
    });
    expect(es.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: 'gcp-secret-manager', kind: 'ClusterSecretStore' },
      target: { name: 'postgresql-credentials', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'mlflow-password', remoteRef: { key: 'pg-app', property: 'password', version: '3' } },
        { secretKey: 'superuser-password', remoteRef: { key: 'pg-superuser' } },
      ],
    });
  });

  it('hands out references to its keys (the synth checks see its target Secret as rendered, not a prerequisite)', () => {
    const v = secret.value('mlflow-password');
    expect(v.toEnvSource()).toEqual({ secretKeyRef: { name: 'postgresql-credentials', key: 'mlflow-password' } });
    expect(v.producer).toBe(secret);
  });

  it('reads from a namespaced SecretStore, with custom refresh and labels', () => {
    const es = find(synthChart((chart) => new ExternalSecret(chart, 'x', {
      name: 'minio', store: SecretStoreRef.namespaced('vault'), data: { 'root-user': { remoteKey: 'minio/user' } },
      refreshInterval: Duration.minutes(15), labels: { team: 'ml' },
    })), 'ExternalSecret', 'minio');
    expect(es.metadata.labels).toEqual({ team: 'ml' });
    expect(es.spec).toMatchObject({ refreshInterval: '15m', secretStoreRef: { name: 'vault', kind: 'SecretStore' } });
  });

  it('matches the snapshot', () => {
    expect(find(objs, 'ExternalSecret', 'postgresql-credentials')).toMatchSnapshot();
  });
});

describe('ExternalSecret validation', () => {
  const store = SecretStoreRef.cluster('store');
  const build = (props: any) => () => synthChart((chart) => new ExternalSecret(chart, 'es', { name: 'creds', store, ...props }));

  it('requires at least one key', () => {
    expect(build({ data: {} })).toThrowError(exactly(
      'test/es: data must map at least one target key to a remote secret, got {}. Fix: pass data: { password: { remoteKey: "mlflow-db-password" } }'));
  });

  it('refuses a key that is not a valid Secret key', () => {
    expect(build({ data: { 'pass word': { remoteKey: 'x' } } })).toThrowError(exactly(
      'test/es: data key must consist of alphanumerics, "-", "_" or ".", got "pass word". Fix: use a key such as "password"'));
  });

  it('requires a remoteKey', () => {
    expect(build({ data: { password: { remoteKey: '' } } })).toThrowError(exactly(
      'test/es: data.password.remoteKey must name the secret in the store, got "". Fix: set remoteKey to the secret id in your store'));
  });

  it('checks the Secret name', () => {
    expect(build({ name: 'Creds!', data: { password: { remoteKey: 'x' } } })).toThrowError(exactly(
      'test/es: name must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Creds!". Fix: use a name such as "creds"'));
  });

  it('refuses value() for a key it does not have', () => {
    expect(() => synthChart((chart) => {
      new ExternalSecret(chart, 'es', { name: 'creds', store, data: { username: { remoteKey: 'u' }, password: { remoteKey: 'p' } } }).value('token');
    })).toThrowError(exactly(
      'test/es: value(key) must be one of the keys in data (password, username), got "token". Fix: add "token" to data or use an existing key'));
  });

  it('checks store names', () => {
    expect(() => SecretStoreRef.cluster('GCP')).toThrowError(exactly(
      'SecretStoreRef.cluster: name must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "GCP". Fix: use a name such as "gcp"'));
    expect(() => SecretStoreRef.namespaced('')).toThrowError(/^SecretStoreRef\.namespaced: name must be a DNS-1123 subdomain/);
  });

  it('renders refreshInterval as the Go duration text of the Duration', () => {
    const interval = (d?: Duration) => find(synthChart((chart) => new ExternalSecret(chart, 'x', {
      name: 'minio', store: SecretStoreRef.cluster('vault'), data: { u: { remoteKey: 'minio/user' } }, refreshInterval: d,
    })), 'ExternalSecret', 'minio').spec.refreshInterval;
    expect(interval()).toBe('1h');
    expect(interval(Duration.days(1))).toBe('24h');
    expect(interval(Duration.seconds(90))).toBe('1m30s');
    expect(interval(Duration.millis(1500))).toBe('1s500ms');
    expect(interval(Duration.seconds(0))).toBe('0s');
  });

  it('checks refreshInterval is a Duration, the store and the labels', () => {
    expect(build({ data: { password: { remoteKey: 'db' } }, refreshInterval: '1d' as never })).toThrowError(exactly(
      'test/es: refreshInterval must be a Duration, not a string, got "1d". Fix: write refreshInterval: Duration.days(1)'));
    expect(build({ data: { password: { remoteKey: 'db' } }, refreshInterval: 3600 as never })).toThrowError(exactly(
      'test/es: refreshInterval must be a Duration, not a number, got 3600. Fix: write refreshInterval: Duration.hours(1)'));
    expect(build({ data: { password: { remoteKey: 'db' } }, refreshInterval: Duration.millis(0.5) })).toThrowError(exactly(
      'test/es: refreshInterval must be a whole, non-negative number of milliseconds, got "0.5 millis". Fix: write refreshInterval: Duration.millis(1)'));
    expect(build({ data: { password: { remoteKey: 'db' } }, store: 'gcp-secret-manager' })).toThrowError(exactly(
      'test/es: store must be a SecretStoreRef, got a string. Fix: pass SecretStoreRef.cluster("gcp-secret-manager")'));
    expect(build({ data: { password: { remoteKey: 'db' } }, labels: { 'app.kubernetes.io/name': 'Creds!' } })).toThrow(/^test\/es: labels\.app\.kubernetes\.io\/name must be a label value/);
  });
});
