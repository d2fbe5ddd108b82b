import { Construct } from 'constructs';
import { LibraryConstruct } from '../core/library-construct';
import { IWorkload } from '../core/connections';
import { checkDnsLabel, invalid } from '../core/validate';
import { BucketRef, IBucket, IObjectStore, S3Credentials, checkS3Credentials } from './object-store';

/** A MinIO user limited to some buckets. */
export interface MinioUserProps {
  /** The user's access keys (an ExternalSecret or an existing Secret); never MinIO's root keys. */
  readonly credentials: S3Credentials;
  /** Buckets it may list, read, write and delete objects in. @default - none */
  readonly readWrite?: string[];
  /** Buckets it may list and read. @default - none */
  readonly readOnly?: string[];
}

/** A {@link MinioUser} of one store (created by `Minio` from its `users` prop). */
export interface MinioUserOfStoreProps extends MinioUserProps {
  /** The store the user lives on. */
  readonly store: IObjectStore & { readonly bucketNames: string[] };
  /** The user name (the `users` key). */
  readonly name: string;
}

/** What a {@link MinioUser} is scoped to, for the setup Job. */
export interface MinioUserScope extends IObjectStore {
  /** The user (and policy) name: `<name>-user`. */
  readonly policyName: string;
  readonly userName: string;
  readonly readWrite: string[];
  readonly readOnly: string[];
  readonly credentials: S3Credentials;
  /** The IAM-style policy MinIO enforces for this user. */
  policyDocument(): Record<string, unknown>;
}

/**
 * A view of a MinIO as one scoped user: the same endpoint, the user's keys, and only the buckets
 * its policy grants. Hand it to clients (`TrackingServer.artifacts`, backup destinations) instead of
 * the root credentials. Created by `Minio` from its `users` prop; the setup Job creates the user
 * and attaches its policy.
 */
export class MinioUser extends LibraryConstruct implements MinioUserScope {
  public readonly endpointUrl: string;
  public readonly region: string;
  public readonly credentials: S3Credentials;
  public readonly userName: string;
  public readonly policyName: string;
  public readonly readWrite: string[];
  public readonly readOnly: string[];

  private readonly store: IObjectStore & { readonly bucketNames: string[] };

  constructor(scope: Construct, id: string, props: MinioUserOfStoreProps) {
    super(scope, id, props);
    const { store, name } = props;
    this.store = store;
    this.userName = checkDnsLabel(this, 'users key', name, 40);
    this.policyName = `${name}-user`;
    if (props === null || typeof props !== 'object') {
      invalid(this, `users.${name}`, 'must be { credentials, readWrite?, readOnly? }', props, `pass users: { ${name}: { credentials, readWrite: ["${name}"] } }`);
    }
    this.credentials = checkS3Credentials(this, `users.${name}.credentials`, props.credentials);
    for (const list of ['readWrite', 'readOnly'] as const) {
      if (props[list] !== undefined && !Array.isArray(props[list])) {
        invalid(this, `users.${name}.${list}`, 'must be an array of bucket names', props[list], `pass ${list}: ["${name}"]`);
      }
    }
    this.readWrite = [...(props.readWrite ?? [])].sort();
    this.readOnly = [...(props.readOnly ?? [])].sort();
    if (!this.readWrite.length && !this.readOnly.length) {
      invalid(this, `users.${name}`, 'must grant at least one bucket (readWrite or readOnly)', { readWrite: this.readWrite, readOnly: this.readOnly }, `pass readWrite: ["${name}"]`);
    }
    this.endpointUrl = store.endpointUrl;
    this.region = store.region;
    this.node.addValidation({
      validate: () => [...this.readWrite, ...this.readOnly].filter((b) => !store.bucketNames.includes(b)).map((b) =>
        `users.${name}.${this.readWrite.includes(b) ? 'readWrite' : 'readOnly'} must name buckets this MinIO creates (${store.bucketNames.join(', ') || 'none'}), got "${b}". Fix: add it with minio.addBucket("${b}") or buckets: ["${b}"].`),
    });
  }

  public grantConnect(client: IWorkload, description: string): void {
    this.store.grantConnect(client, description);
  }

  /** A bucket this user may access; fails for any other. */
  public bucket(name: string): IBucket {
    if (![...this.readWrite, ...this.readOnly].includes(name)) {
      invalid(this, 'bucket(name)', `must be a bucket user "${this.userName}" may access (${[...this.readWrite, ...this.readOnly].join(', ')})`, name,
        `add "${name}" to users.${this.userName}.readWrite or readOnly`);
    }
    return new BucketRef(this, name);
  }

  public policyDocument(): Record<string, unknown> {
    const arn = (b: string) => `arn:aws:s3:::${b}`;
    const all = [...this.readWrite, ...this.readOnly].sort();
    return {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: all.map(arn) },
        ...(this.readOnly.length ? [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: this.readOnly.map((b) => `${arn(b)}/*`) }] : []),
        ...(this.readWrite.length ? [{
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          Resource: this.readWrite.map((b) => `${arn(b)}/*`),
        }] : []),
      ],
    };
  }
}
