import { Construct, IConstruct } from 'constructs';
import { ExternalEndpoint, parseUrl } from '../core/external-endpoint';
import { IWorkload, Peer } from '../core/connections';
import { checkHost, checkInstance, checkInteger, checkS3BucketName, checkSecretValue, invalid } from '../core/validate';
import { SecretValue } from '../core/secret-value';
import { checkFactoryProps } from '../core/props-guard';

/** S3 access keys, as references to a Secret. */
export interface S3Credentials {
  readonly accessKeyId: SecretValue;
  readonly secretAccessKey: SecretValue;
}

/** An S3-compatible endpoint (MinIO, AWS S3, GCS interoperability, SeaweedFS). */
export interface IObjectStore extends IConstruct {
  /** What clients set as `MLFLOW_S3_ENDPOINT_URL` / `mc alias` URL. */
  readonly endpointUrl: string;
  /** @default "us-east-1" for MinIO */
  readonly region: string;
  /** Access keys; undefined where pods authenticate ambiently (IRSA, GKE Workload Identity). */
  readonly credentials?: S3Credentials;
  /** Declares that `client` talks to this store (becomes NetworkPolicy allows). */
  grantConnect(client: IWorkload, description: string): void;
  /** A reference to a bucket on this store (which must exist or be created by the store). */
  bucket(name: string): IBucket;
}

/** A bucket on an {@link IObjectStore}. */
export interface IBucket {
  readonly store: IObjectStore;
  readonly bucketName: string;
  /** `s3://<bucket>/<prefix>` */
  s3Uri(prefix?: string): string;
}

/** Two SecretValues (never strings): the check every store and user shares. */
export function checkS3Credentials(scope: IConstruct, prop: string, c: S3Credentials): S3Credentials {
  if (c === null || typeof c !== 'object') {
    invalid(scope, prop, 'must be { accessKeyId, secretAccessKey }', c === undefined ? undefined : '<redacted>', 'pass { accessKeyId: SecretValue.fromSecret("minio", "access-key"), secretAccessKey: SecretValue.fromSecret("minio", "secret-key") }');
  }
  checkSecretValue(scope, `${prop}.accessKeyId`, c.accessKeyId, SecretValue, 'pass SecretValue.fromSecret("<secret>", "access-key") or an ExternalSecret value');
  checkSecretValue(scope, `${prop}.secretAccessKey`, c.secretAccessKey, SecretValue, 'pass SecretValue.fromSecret("<secret>", "secret-key") or an ExternalSecret value');
  return c;
}

/** An S3 region name such as `us-east-1` (what clients send in the signature). */
export function checkRegionName(scope: IConstruct, prop: string, value: string): string {
  if (typeof value !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(value)) {
    invalid(scope, prop, 'must be a region name (lower-case letters, digits and "-")', value, 'write it as "us-east-1"');
  }
  return value;
}

/** A bucket reference; used by every store implementation. */
export class BucketRef implements IBucket {
  constructor(public readonly store: IObjectStore, public readonly bucketName: string) {}
  public s3Uri(prefix?: string): string {
    const p = (prefix ?? '').replace(/^\/+|\/+$/g, '');
    return `s3://${this.bucketName}${p ? `/${p}` : ''}`;
  }
}

export interface ExistingObjectStoreProps {
  /** `https://s3.eu-west-1.amazonaws.com`, `https://storage.googleapis.com`, `http://seaweedfs-s3.storage:8333`. */
  readonly endpointUrl: string;
  /** @default "us-east-1" */
  readonly region?: string;
  /** @default - none: pods authenticate ambiently (IRSA, GKE Workload Identity) */
  readonly credentials?: S3Credentials;
  /**
   * Where the endpoint is, for egress rules.
   * @default Peer.cidr('<ip>/32') for an IPv4 endpoint, else Peer.anyAddress(); both on the endpoint's port
   */
  readonly peer?: Peer;
  /**
   * The port the peer's pods listen on, when the endpoint's Service forwards its port to another
   * (Kubeflow 1.11's `minio-service` 9000 -> SeaweedFS 8333): NetworkPolicies see the pod's port.
   * @default - the endpoint's port
   */
  readonly peerPort?: number;
}

class ExistingObjectStore extends ExternalEndpoint implements IObjectStore {
  public readonly endpointUrl: string;
  public readonly region: string;
  public readonly credentials?: S3Credentials;

  constructor(scope: Construct, id: string, props: ExistingObjectStoreProps) {
    super(scope, id, props);
    const url = parseUrl(props.endpointUrl);
    if (!url || !/^https?:$/.test(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.username || url.password) {
      // invalid() redacts credentials embedded in the URL, so they never reach an error (or CI logs).
      invalid(this, 'endpointUrl', 'must be an http(s) URL with no path and no credentials', props.endpointUrl,
        'write it as "https://s3.eu-west-1.amazonaws.com" and pass keys through credentials');
    }
    if (!url.hostname.startsWith('[')) checkHost(this, 'endpointUrl host', url.hostname);
    if (props.credentials !== undefined) checkS3Credentials(this, 'credentials', props.credentials);
    if (props.peer !== undefined) checkInstance(this, 'peer', props.peer, Peer, 'a Peer', 'pass Peer.cidr("10.10.0.0/24") or Peer.namespace("storage")');
    this.endpointUrl = `${url.protocol}//${url.host}`;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    this.region = checkRegionName(this, 'region', props.region ?? 'us-east-1');
    this.credentials = props.credentials;
    // An IPv4 endpoint gets exactly that address; a host name can resolve anywhere (set `peer` to narrow it).
    const peerPort = props.peerPort === undefined ? port : checkInteger(this, 'peerPort', props.peerPort, 1, 65535);
    this.reachAt(props.peer ?? Peer.host(url.hostname), peerPort, url.host);
  }

  public bucket(name: string): IBucket {
    return new BucketRef(this, checkS3BucketName(this, 'bucket name', name));
  }
}

/** Factories for object stores this app does not run. */
export class ObjectStore {
  /** An S3-compatible endpoint run elsewhere: AWS S3, GCS (interoperability), SeaweedFS, an existing MinIO. */
  public static fromExisting(scope: Construct, id: string, props: ExistingObjectStoreProps): IObjectStore {
    checkFactoryProps('ObjectStore.fromExisting', scope, id, props);
    return new ExistingObjectStore(scope, id, props);
  }
}
