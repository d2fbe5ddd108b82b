import { describe, expect, it } from 'vitest';
import { SecretValue } from '../../lib/core/secret-value';
import { exactly } from '../support/synth';

describe('SecretValue.fromSecret', () => {
  it('is a reference to a Secret key, rendered as a secretKeyRef', () => {
    const v = SecretValue.fromSecret('mlflow-db', 'password');
    expect([v.secretName, v.key]).toEqual(['mlflow-db', 'password']);
    expect(v.toEnvSource()).toEqual({ secretKeyRef: { name: 'mlflow-db', key: 'password' } });
  });

  it('checks the Secret name', () => {
    expect(() => SecretValue.fromSecret('MLflow DB', 'password')).toThrowError(exactly(
      'SecretValue.fromSecret: secretName must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "MLflow DB". Fix: use a name such as "mlflow-db"'));
  });

  it('checks the key', () => {
    expect(() => SecretValue.fromSecret('mlflow-db', 'pass word')).toThrowError(exactly(
      'SecretValue.fromSecret: key must consist of at most 253 alphanumerics, "-", "_" or ".", got "pass word". Fix: use a key such as "password"'));
  });
});
