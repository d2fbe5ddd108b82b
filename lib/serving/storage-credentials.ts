import { Construct } from 'constructs';
import { ExternalSecret, RemoteSecretKey, SecretStoreRef } from '../core/external-secret';
import { k8s } from '../core/k8s';
import { standardLabels } from '../core/labels';
import { checkDnsSubdomain, checkPort, invalid } from '../core/validate';
import { IObjectStore } from '../storage/object-store';
import { LibraryConstruct } from '../core/library-construct';

export interface ModelStorageCredentialsProps {
  /** The object store the models are on; endpoint, scheme and region come from it. */
  readonly store: IObjectStore;
  /** The External Secrets store holding the access keys. */
  readonly secretStore: SecretStoreRef;
  /** Where the access key id is in that store. Use a read-only user of the artifact bucket. */
  readonly accessKeyId: RemoteSecretKey;
  readonly secretAccessKey: RemoteSecretKey;
  /** The Secret's name. @default "kserve-s3" */
  readonly secretName?: string;
  /** The ServiceAccount InferenceServices run as. @default "kserve-s3" */
  readonly serviceAccountName?: string;
  /** Anonymous reads (a public bucket): `serving.kserve.io/s3-useanoncredential`. @default false */
  readonly anonymous?: boolean;
}

/**
 * The credentials KServe's storage initializer uses to download a model from S3: an
 * ExternalSecret (keys `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, values only in your secret
 * store) whose Secret carries KServe's `serving.kserve.io/s3-*` annotations derived from the
 * store, and a ServiceAccount that lists that Secret, which KServe reads to find it. No
 * `stringData`, no literal key anywhere.
 *
 * The key names are the ones KServe's `inferenceservice-config` names (`credentials.s3`
 * `s3AccessKeyIDName: AWS_ACCESS_KEY_ID`, `s3SecretAccessKeyName: AWS_SECRET_ACCESS_KEY`: kserve/kserve
 * v0.15.2, the version we pin, config/configmap/inferenceservice.yaml; the same in KServe v0.14.1 as
 * shipped by kubeflow/manifests v1.10.0, apps/kserve/kserve/kserve.yaml); without that config the
 * controller falls back to `awsAccessKeyID`/`awsSecretAccessKey` (kserve/kserve v0.15.2 and v0.14.1,
 * pkg/credentials/s3/s3_secret.go). The annotations are that file's
 * `serving.kserve.io/s3-endpoint`, `-region`, `-useanoncredential` and `-usehttps`.
 */
export class ModelStorageCredentials extends LibraryConstruct {
  public readonly store: IObjectStore;
  public readonly secret: ExternalSecret;
  public readonly serviceAccountName: string;
  /** The annotations KServe reads, as rendered on the Secret. */
  public readonly annotations: Record<string, string>;

  constructor(scope: Construct, id: string, props: ModelStorageCredentialsProps) {
    super(scope, id, props);
    if (!props?.store || typeof props.store.grantConnect !== 'function') {
      invalid(this, 'store', 'must be an object store (an IObjectStore from lib/storage)', typeof props?.store, 'pass store: ObjectStore.fromExisting(...) or a Minio');
    }
    if (!(props.secretStore instanceof SecretStoreRef)) {
      invalid(this, 'secretStore', 'must be a SecretStoreRef', typeof props.secretStore, "pass SecretStoreRef.cluster('platform-secrets')");
    }
    this.store = props.store;
    let url: URL;
    try {
      url = new URL(props.store.endpointUrl);
    } catch {
      invalid(this, 'store endpointUrl', 'must be an http(s) URL', props.store.endpointUrl, 'create the store with endpointUrl: "http://minio-service.kubeflow:9000"');
    }
    const https = url.protocol === 'https:';
    const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
    checkPort(this, 'store endpointUrl port', port);
    const secretName = checkDnsSubdomain(this, 'secretName', props.secretName ?? 'kserve-s3');
    this.serviceAccountName = checkDnsSubdomain(this, 'serviceAccountName', props.serviceAccountName ?? 'kserve-s3');
    this.annotations = {
      'serving.kserve.io/s3-endpoint': `${url.hostname}:${port}`,
      'serving.kserve.io/s3-region': props.store.region,
      'serving.kserve.io/s3-useanoncredential': props.anonymous ? 'true' : 'false',
      'serving.kserve.io/s3-usehttps': https ? '1' : '0',
    };
    const labels = standardLabels({ name: 'kserve', instance: secretName, component: 'storage-credentials' });
    this.secret = new ExternalSecret(this, 'Secret', {
      name: secretName,
      store: props.secretStore,
      labels,
      data: { AWS_ACCESS_KEY_ID: props.accessKeyId, AWS_SECRET_ACCESS_KEY: props.secretAccessKey },
      targetAnnotations: this.annotations,
    });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, labels: standardLabels({ name: 'kserve', instance: this.serviceAccountName, component: 'storage-credentials' }) },
      automountServiceAccountToken: false,
      secrets: [{ name: secretName }],
    });
  }
}
