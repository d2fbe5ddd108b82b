import { IConstruct } from 'constructs';
import { SECRET_MARK, checkDnsSubdomain, invalid } from './validate';

/**
 * A secret that a pod reads at run time: a key of a Kubernetes Secret, never the value itself.
 * Create one with {@link SecretValue.fromSecret} for a Secret that already exists (a prerequisite
 * you name in your runbook), or with `ExternalSecret.value(key)` for one that External Secrets
 * Operator materialises from a store. There is no way to build one from a literal string.
 */
export class SecretValue {
  /** A key of a Secret that exists in the namespace before this app is applied. */
  public static fromSecret(secretName: string, key: string): SecretValue {
    checkDnsSubdomain('SecretValue.fromSecret', 'secretName', secretName);
    if (typeof key !== 'string' || key.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(key)) {
      invalid('SecretValue.fromSecret', 'key', 'must consist of at most 253 alphanumerics, "-", "_" or "."', key, 'use a key such as "password"');
    }
    return new SecretValue(secretName, key, undefined);
  }

  /** @internal use `ExternalSecret.value()` */
  public static _fromProducer(secretName: string, key: string, producer: IConstruct): SecretValue {
    return new SecretValue(secretName, key, producer);
  }

  /** Marks this as secret: error messages show `<redacted>` for it. */
  public readonly [SECRET_MARK] = true;

  private constructor(
    /** The name of the Kubernetes Secret. */
    public readonly secretName: string,
    /** The key in that Secret. */
    public readonly key: string,
    /**
     * The construct that creates the Secret in this app (an ExternalSecret), if any: constructs
     * that need the Secret in their own namespace check it (KeycloakRealm's placeholders).
     */
    public readonly producer: IConstruct | undefined,
  ) {}

  /** The `valueFrom` of an environment variable. */
  public toEnvSource() {
    return { secretKeyRef: { name: this.secretName, key: this.key } };
  }
}
