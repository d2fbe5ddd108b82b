import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDuration, durationText } from './duration';
import { LibraryConstruct } from './library-construct';
import type * as esoTypes from '../../imports/external-secrets.io';
import { standardLabels } from './labels';
import { SecretValue } from './secret-value';
import { checkInstance, checkLabels, checkDnsSubdomain, invalid } from './validate';
import { lazyModule } from './lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eso = lazyModule<typeof esoTypes>(() => require('../../imports/external-secrets.io'));

/** Which External Secrets Operator store an {@link ExternalSecret} reads from. */
export class SecretStoreRef {
  /** A cluster-wide `ClusterSecretStore` (for example Google Secret Manager via Workload Identity). */
  public static cluster(name: string): SecretStoreRef {
    return new SecretStoreRef(checkDnsSubdomain('SecretStoreRef.cluster', 'name', name), 'ClusterSecretStore');
  }
  /** A namespaced `SecretStore` in the same namespace as the ExternalSecret. */
  public static namespaced(name: string): SecretStoreRef {
    return new SecretStoreRef(checkDnsSubdomain('SecretStoreRef.namespaced', 'name', name), 'SecretStore');
  }
  private constructor(public readonly name: string, public readonly kind: 'ClusterSecretStore' | 'SecretStore') {}
}

/** Where one key of the target Secret comes from in the store. */
export interface RemoteSecretKey {
  /** The secret's path or name in the store (e.g. a Secret Manager secret id). */
  readonly remoteKey: string;
  /**
   * A property inside a JSON-valued remote secret.
   * @default - the whole remote value
   */
  readonly property?: string;
  /**
   * A version of the remote secret.
   * @default - the provider's latest version
   */
  readonly version?: string;
}

export interface ExternalSecretProps {
  /** The Kubernetes Secret that External Secrets Operator creates and owns. */
  readonly name: string;
  /** The store to read from. */
  readonly store: SecretStoreRef;
  /** Target key → where it comes from. */
  readonly data: Record<string, RemoteSecretKey>;
  /**
   * How often the operator reads the store again; `Duration.seconds(0)` reads it once.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
  /** @default - labels of an `external-secret` component named after the Secret */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Secret the operator creates (`spec.target.template.metadata`), for
   * consumers that read settings from the Secret's annotations (KServe's `serving.kserve.io/s3-*`).
   * The Secret's data stays the keys of `data`, unchanged (no `template.data` is set).
   * @default - no template
   */
  readonly targetAnnotations?: Record<string, string>;
}

/**
 * An `external-secrets.io/v1` ExternalSecret: the Secret it creates holds values pulled from a
 * store, so no secret value is ever written to `dist/`. Read its keys with {@link value}.
 */
export class ExternalSecret extends LibraryConstruct {
  public readonly secretName: string;
  public readonly resource: ApiObject;
  private readonly keys: string[];

  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id, props);
    this.secretName = checkDnsSubdomain(this, 'name', props.name);
    checkInstance(this, 'store', props.store, SecretStoreRef, 'a SecretStoreRef', 'pass SecretStoreRef.cluster("gcp-secret-manager")');
    const refreshInterval = durationText(this, 'refreshInterval', checkDuration(this, 'refreshInterval', props.refreshInterval, Duration.hours(1)));
    checkLabels(this, 'labels', props.labels);
    this.keys = Object.keys(props.data ?? {}).sort();
    if (this.keys.length === 0) {
      invalid(this, 'data', 'must map at least one target key to a remote secret', props.data,
        'pass data: { password: { remoteKey: "mlflow-db-password" } }');
    }
    for (const key of this.keys) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
        invalid(this, `data key`, 'must consist of alphanumerics, "-", "_" or "."', key, 'use a key such as "password"');
      }
      const remote = props.data[key];
      if (typeof remote?.remoteKey !== 'string' || remote.remoteKey.trim() === '') {
        invalid(this, `data.${key}.remoteKey`, 'must name the secret in the store', remote?.remoteKey,
          'set remoteKey to the secret id in your store');
      }
      for (const field of ['property', 'version'] as const) {
        if (remote[field] !== undefined && (typeof remote[field] !== 'string' || remote[field] === '')) {
          invalid(this, `data.${key}.${field}`, 'must be a non-empty string when set', remote[field], `remove ${field}, or set it to a string`);
        }
      }
    }
    const annotations = props.targetAnnotations ?? {};
    for (const [key, value] of Object.entries(annotations)) {
      if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key)) {
        invalid(this, 'targetAnnotations key', 'must be a qualified name ([prefix/]name)', key, 'use a key such as "serving.kserve.io/s3-endpoint"');
      }
      if (typeof value !== 'string') {
        invalid(this, `targetAnnotations.${key}`, 'must be a string', value, `quote it, as in "${String(value)}"`);
      }
    }
    const annotationKeys = Object.keys(annotations).sort();
    this.resource = new eso.ExternalSecret(this, 'Resource', {
      metadata: {
        name: this.secretName,
        labels: props.labels ?? standardLabels({ name: this.secretName, instance: this.secretName, component: 'external-secret' }),
      },
      spec: {
        refreshInterval,
        secretStoreRef: { name: props.store.name, kind: props.store.kind as esoTypes.ExternalSecretSpecSecretStoreRefKind },
        target: {
          name: this.secretName,
          creationPolicy: eso.ExternalSecretSpecTargetCreationPolicy.OWNER,
          ...(annotationKeys.length ? { template: { metadata: { annotations: Object.fromEntries(annotationKeys.map((k) => [k, annotations[k]])) } } } : {}),
        },
        data: this.keys.map((secretKey) => ({
          secretKey,
          remoteRef: {
            key: props.data[secretKey].remoteKey,
            ...(props.data[secretKey].property ? { property: props.data[secretKey].property } : {}),
            ...(props.data[secretKey].version ? { version: props.data[secretKey].version } : {}),
          },
        })),
      },
    });
  }

  /** A reference to one key of the Secret this creates. */
  public value(key: string): SecretValue {
    if (!this.keys.includes(key)) {
      invalid(this, 'value(key)', `must be one of the keys in data (${this.keys.join(', ')})`, key, `add "${key}" to data or use an existing key`);
    }
    return SecretValue._fromProducer(this.secretName, key, this);
  }
}
