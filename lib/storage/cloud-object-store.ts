import { Construct } from 'constructs';
import { LibraryConstruct } from '../core/library-construct';
import { ConnectionGraph, IWorkload, Peer } from '../core/connections';
import { EnvValue } from '../core/pod';
import { Port } from '../core/port';
import { checkS3BucketName, invalid } from '../core/validate';
import { BucketRef, IBucket, IObjectStore } from './object-store';
import { checkFactoryProps } from '../core/props-guard';

/** The cloud whose workload identity a pod uses. */
export class CloudProvider {
  public static readonly AWS = new CloudProvider('aws', 'WorkloadIdentity.irsa("arn:aws:iam::123456789012:role/mlflow")');
  public static readonly GCP = new CloudProvider('gcp', 'WorkloadIdentity.gke("mlflow@my-project.iam.gserviceaccount.com")');
  public static readonly AZURE = new CloudProvider('azure', 'WorkloadIdentity.azure("<client id>")');
  private constructor(
    public readonly name: string,
    /** How to write an identity of this cloud, for the fix of an error. */
    public readonly identityExample: string,
  ) {}
}

/**
 * How pods of this app get cloud credentials without a key: the cluster's identity federation
 * exchanges the pod's ServiceAccount for a cloud identity. The ServiceAccount annotations and pod
 * labels it needs are typed here; the cloud side (the IAM binding, role trust policy, federated
 * credential or pod identity association) is made in the cloud (`lib/infra` or your Terraform).
 */
export class WorkloadIdentity {
  /**
   * GKE Workload Identity Federation with an IAM service account: annotation
   * `iam.gke.io/gcp-service-account`. Grant `roles/iam.workloadIdentityUser` on that account to
   * `serviceAccount:<project>.svc.id.goog[<namespace>/<ksa>]`.
   */
  public static gke(gcpServiceAccount: string): WorkloadIdentity {
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.iam\.gserviceaccount\.com$/.test(gcpServiceAccount ?? '')) {
      invalid('WorkloadIdentity.gke', 'gcpServiceAccount', 'must be an IAM service account e-mail', gcpServiceAccount,
        'pass "mlflow@my-project.iam.gserviceaccount.com"');
    }
    return new WorkloadIdentity(CloudProvider.GCP, { 'iam.gke.io/gcp-service-account': gcpServiceAccount }, {}, [
      // The GKE metadata server: 169.254.169.254:80, and :988 on Dataplane V2 clusters.
      { peer: Peer.cidr('169.254.169.254/32'), port: 80 },
      { peer: Peer.cidr('169.254.169.252/32'), port: 988 },
    ]);
  }
  /**
   * EKS IAM Roles for Service Accounts: annotation `eks.amazonaws.com/role-arn`; the EKS pod
   * identity webhook then mounts a web-identity token that the AWS SDKs exchange at STS.
   */
  public static irsa(roleArn: string): WorkloadIdentity {
    if (!/^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(roleArn ?? '')) {
      invalid('WorkloadIdentity.irsa', 'roleArn', 'must be an IAM role ARN', roleArn, 'pass "arn:aws:iam::123456789012:role/mlflow"');
    }
    return new WorkloadIdentity(CloudProvider.AWS, { 'eks.amazonaws.com/role-arn': roleArn }, {}, [{ peer: Peer.anyAddress(), port: 443 }]);
  }
  /**
   * EKS Pod Identity: no annotation; create a pod identity association for the ServiceAccount
   * (`aws eks create-pod-identity-association`). The SDKs fetch credentials from the node's agent.
   */
  public static eksPodIdentity(): WorkloadIdentity {
    return new WorkloadIdentity(CloudProvider.AWS, {}, {}, [{ peer: Peer.cidr('169.254.170.23/32'), port: 80 }]);
  }
  /**
   * Microsoft Entra Workload ID on AKS: annotation `azure.workload.identity/client-id` (and
   * `tenant-id` when given) and pod label `azure.workload.identity/use: "true"`, which makes the
   * webhook project the federated token. Add a federated credential for
   * `system:serviceaccount:<namespace>:<ksa>` to the identity.
   */
  public static azure(clientId: string, tenantId?: string): WorkloadIdentity {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    if (!uuid.test(clientId ?? '')) invalid('WorkloadIdentity.azure', 'clientId', 'must be a client id (a lower-case UUID)', clientId, 'pass the managed identity\'s clientId, such as "00000000-0000-0000-0000-000000000000"');
    if (tenantId !== undefined && !uuid.test(tenantId)) invalid('WorkloadIdentity.azure', 'tenantId', 'must be a tenant id (a lower-case UUID)', tenantId, 'omit tenantId to use the cluster\'s tenant');
    return new WorkloadIdentity(CloudProvider.AZURE, {
      'azure.workload.identity/client-id': clientId,
      ...(tenantId ? { 'azure.workload.identity/tenant-id': tenantId } : {}),
    }, { 'azure.workload.identity/use': 'true' }, [{ peer: Peer.anyAddress(), port: 443 }]);
  }
  private constructor(
    public readonly provider: CloudProvider,
    /** Annotations of the pod's ServiceAccount. */
    public readonly serviceAccountAnnotations: Record<string, string>,
    /** Labels of the pod template. */
    public readonly podLabels: Record<string, string>,
    /** Where the pod fetches its tokens (metadata server, STS, Entra ID). */
    public readonly tokenEndpoints: Array<{ peer: Peer; port: number }>,
  ) {}
}

/** An object store reached with a {@link WorkloadIdentity} instead of access keys. */
export interface ICloudObjectStore extends IObjectStore {
  readonly identity: WorkloadIdentity;
  /** The artifact URI scheme: `s3`, `gs` or `wasbs`. */
  readonly scheme: 's3' | 'gs' | 'wasbs';
  /** The artifact URI of a bucket (`gs://b/p`, `wasbs://c@account.blob.core.windows.net/p`). */
  uriOf(bucket: string, prefix?: string): string;
  /** Environment the MLflow server needs for this store (no credential). */
  readonly serverEnv: Array<[string, EnvValue]>;
}

export interface S3WithIdentityProps {
  /** `eu-west-1`. */
  readonly region: string;
  /** `WorkloadIdentity.irsa(roleArn)` or `WorkloadIdentity.eksPodIdentity()`. */
  readonly identity: WorkloadIdentity;
}

export interface GcsProps {
  /** `WorkloadIdentity.gke("mlflow@my-project.iam.gserviceaccount.com")`. */
  readonly identity: WorkloadIdentity;
}

export interface AzureBlobProps {
  /** The storage account: `mlflowartifacts` (3 to 24 lower-case letters and digits). */
  readonly storageAccount: string;
  /** `WorkloadIdentity.azure(clientId)`. */
  readonly identity: WorkloadIdentity;
}

class CloudObjectStoreImpl extends LibraryConstruct implements ICloudObjectStore {
  constructor(
    scope: Construct, id: string,
    public readonly scheme: 's3' | 'gs' | 'wasbs',
    public readonly endpointUrl: string,
    public readonly region: string,
    public readonly identity: WorkloadIdentity,
    public readonly serverEnv: Array<[string, EnvValue]>,
    private readonly account?: string,
  ) {
    super(scope, id, undefined);
  }

  public grantConnect(client: IWorkload, description: string): void {
    const graph = ConnectionGraph.of(this);
    graph.allow(Peer.workload(client), Peer.anyAddress(), Port.tcp(443), description);
    for (const t of this.identity.tokenEndpoints) {
      if (t.port !== 443) graph.allow(Peer.workload(client), t.peer, Port.tcp(t.port), `${description} (workload identity token)`);
    }
  }

  public bucket(name: string): IBucket {
    return new CloudBucket(this, checkS3BucketName(this, 'bucket name', name));
  }

  public uriOf(bucket: string, prefix?: string): string {
    const p = (prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (this.scheme === 'wasbs') return `wasbs://${bucket}@${this.account}.blob.core.windows.net/${p}`;
    return `${this.scheme}://${bucket}${p ? `/${p}` : ''}`;
  }
}

/** A bucket (or Azure container) on an {@link ICloudObjectStore}. */
export class CloudBucket extends BucketRef {
  constructor(public readonly cloudStore: ICloudObjectStore, bucketName: string) {
    super(cloudStore, bucketName);
  }
  /** The URI MLflow writes artifacts to (`--artifacts-destination`). */
  public artifactUri(prefix?: string): string {
    return this.cloudStore.uriOf(this.bucketName, prefix);
  }
}

function checkIdentity(scope: string, identity: WorkloadIdentity, provider: CloudProvider): WorkloadIdentity {
  if (!(identity instanceof WorkloadIdentity) || identity.provider !== provider) {
    invalid(scope, 'identity', `must be a ${provider.name.toUpperCase()} workload identity`, identity instanceof WorkloadIdentity ? identity.provider.name : typeof identity,
      `pass identity: ${provider.identityExample}`);
  }
  return identity;
}

/** Object stores of the three clouds, reached without keys. */
export class CloudObjectStore {
  /** Amazon S3 with IRSA or EKS Pod Identity (boto3 and the AWS CLI pick the identity up). */
  public static s3(scope: Construct, id: string, props: S3WithIdentityProps): ICloudObjectStore {
    checkFactoryProps('CloudObjectStore.s3', scope, id, props, 'pass { region, identity: WorkloadIdentity.irsa(...) }');
    if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(props.region ?? '')) {
      invalid(`${scope.node.path}/${id}`, 'region', 'must be an AWS region', props.region, 'pass region: "eu-west-1"');
    }
    const identity = checkIdentity(`${scope.node.path}/${id}`, props.identity, CloudProvider.AWS);
    const endpoint = `https://s3.${props.region}.amazonaws.com`;
    return new CloudObjectStoreImpl(scope, id, 's3', endpoint, props.region, identity, [
      ['MLFLOW_S3_ENDPOINT_URL', EnvValue.literal(endpoint)],
      ['AWS_DEFAULT_REGION', EnvValue.literal(props.region)],
    ]);
  }
  /** Google Cloud Storage with GKE Workload Identity (the google-cloud-storage client's default credentials). */
  public static gcs(scope: Construct, id: string, props: GcsProps): ICloudObjectStore {
    checkFactoryProps('CloudObjectStore.gcs', scope, id, props, 'pass { identity: WorkloadIdentity.gke(...) }');
    const identity = checkIdentity(`${scope.node.path}/${id}`, props.identity, CloudProvider.GCP);
    return new CloudObjectStoreImpl(scope, id, 'gs', 'https://storage.googleapis.com', 'auto', identity, []);
  }
  /**
   * Azure Blob Storage with Entra Workload ID: MLflow's Azure repository uses
   * `DefaultAzureCredential` when neither a connection string nor an access key is set.
   */
  public static azureBlob(scope: Construct, id: string, props: AzureBlobProps): ICloudObjectStore {
    checkFactoryProps('CloudObjectStore.azureBlob', scope, id, props, 'pass { storageAccount, identity: WorkloadIdentity.azure(...) }');
    if (!/^[a-z0-9]{3,24}$/.test(props.storageAccount ?? '')) {
      invalid(`${scope.node.path}/${id}`, 'storageAccount', 'must be 3 to 24 lower-case letters and digits', props.storageAccount, 'pass storageAccount: "mlflowartifacts"');
    }
    const identity = checkIdentity(`${scope.node.path}/${id}`, props.identity, CloudProvider.AZURE);
    return new CloudObjectStoreImpl(scope, id, 'wasbs', `https://${props.storageAccount}.blob.core.windows.net`, 'auto', identity, [], props.storageAccount);
  }
}

/** The workload identity of a store, if it has one. */
export function identityOf(store: IObjectStore | undefined): WorkloadIdentity | undefined {
  const id = (store as Partial<ICloudObjectStore> | undefined)?.identity;
  return id instanceof WorkloadIdentity ? id : undefined;
}

/** The URI MLflow uses for a bucket: the cloud scheme for cloud stores, `s3://` otherwise. */
export function artifactUriOf(bucket: IBucket, prefix?: string): string {
  return bucket instanceof CloudBucket ? bucket.artifactUri(prefix) : bucket.s3Uri(prefix);
}

/**
 * Environment for MLflow's artifact client: endpoint, region and (for keyed stores) the keys as
 * secret references; cloud stores add no credential.
 */
export function artifactStoreEnv(store: IObjectStore): Array<[string, EnvValue]> {
  const cloud = store as Partial<ICloudObjectStore>;
  if (identityOf(store) && cloud.serverEnv) return [...cloud.serverEnv];
  return [
    ['MLFLOW_S3_ENDPOINT_URL', EnvValue.literal(store.endpointUrl)],
    ['AWS_DEFAULT_REGION', EnvValue.literal(store.region)],
    ...(store.credentials ? [
      ['AWS_ACCESS_KEY_ID', EnvValue.fromSecret(store.credentials.accessKeyId)],
      ['AWS_SECRET_ACCESS_KEY', EnvValue.fromSecret(store.credentials.secretAccessKey)],
    ] as Array<[string, EnvValue]> : []),
  ];
}
