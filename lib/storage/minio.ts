import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { IWorkload, Peer } from '../core/connections';
import { ContainerImage } from '../core/image';
import { EnvValue } from '../core/pod';
import { Port } from '../core/port';
import { Probe } from '../core/probe';
import { ResourceRequirements } from '../core/resources';
import { PodManagementPolicy, StatefulComponent } from '../core/stateful-workload';
import { checkSize, sizeQuantity } from '../core/quantity';
import { checkConstruct, checkDnsSubdomain, checkInstance, checkInteger, checkS3BucketName, invalid } from '../core/validate';
import { DisruptionBudget, SpreadPolicy } from '../core/workload';
import { BucketRef, IBucket, IObjectStore, S3Credentials, checkRegionName, checkS3Credentials } from './object-store';
import { MinioBackup, MinioBackupOptions } from './minio-backup';
import { MinioSetup } from './minio-setup';
import { MinioUser, MinioUserProps } from './minio-user';

/** Standalone (one pod) or distributed (erasure-coded across N pods). */
export class MinioTopology {
  /** One pod, one drive. */
  public static standalone(): MinioTopology {
    return new MinioTopology(1, 1);
  }
  /**
   * N pods (at least 4) with `drivesPerNode` PVCs each, erasure-coded. With fewer than 4 nodes, a
   * node drain (the PodDisruptionBudget allows one) would take the set below write quorum.
   */
  public static distributed(replicas: number, drivesPerNode = 1): MinioTopology {
    checkInteger('MinioTopology.distributed', 'replicas', replicas, 4, 32);
    checkInteger('MinioTopology.distributed', 'drivesPerNode', drivesPerNode, 1, 16);
    return new MinioTopology(replicas, drivesPerNode);
  }
  private constructor(public readonly replicas: number, public readonly drivesPerNode: number) {}
  public get distributed(): boolean {
    return this.replicas > 1;
  }
}

export interface MinioProps {
  /** Stable name of the StatefulSet and Services (`<name>`, `<name>-hl`). @default "minio" */
  readonly name?: string;
  /** @default Minio.DEFAULT_IMAGE */
  readonly image?: string;
  /** The root user and password; also the access keys that clients of this store use. */
  readonly rootCredentials: S3Credentials;
  /** @default MinioTopology.standalone() */
  readonly topology?: MinioTopology;
  /** Size of each drive's PVC. @default Size.gibibytes(50) */
  readonly storageSize?: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** @default - 100m/1000m CPU, 256Mi/2Gi memory (the MLflow + MinIO + PostgreSQL Helm setup) */
  readonly resources?: ResourceRequirements;
  /** Buckets to create (idempotently, by a Job). More with {@link Minio.addBucket}. @default - none */
  readonly buckets?: string[];
  /**
   * Scoped users, by name: give clients these (`minio.user(name)`) rather than the root keys. The
   * setup Job creates them and attaches a policy limited to their buckets.
   * @default - none (clients use the root credentials)
   */
  readonly users?: Record<string, MinioUserProps>;
  /** An `mc mirror` CronJob. @default - no backup */
  readonly backup?: MinioBackupOptions;
  /** @default - none */
  readonly partOf?: string;
  /** @default "us-east-1" */
  readonly region?: string;
}

const RUN_AS = { uid: 1000, gid: 1000 };

/**
 * MinIO, S3-compatible object storage: a StatefulSet (standalone or distributed), the API
 * Service on 9000 and the console on 9001, one PVC per drive, a bucket Job and an optional
 * mirror backup. Data: PVCs are retained when the StatefulSet is deleted or scaled down.
 */
export class Minio extends StatefulComponent implements IObjectStore {
  public static readonly DEFAULT_IMAGE = 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z';
  public static readonly API_PORT = 9000;
  public static readonly CONSOLE_PORT = 9001;
  public readonly endpointUrl: string;
  public readonly region: string;
  public readonly credentials: S3Credentials;
  public readonly topology: MinioTopology;
  private setupJob?: MinioSetup;
  private readonly users = new Map<string, MinioUser>();
  public readonly backup?: MinioBackup;
  private readonly partOf?: string;

  constructor(scope: Construct, id: string, props: MinioProps) {
    super(scope, id, props);
    const name = props.name ?? 'minio';
    const creds = checkS3Credentials(this, 'rootCredentials', props.rootCredentials);
    this.credentials = creds;
    this.topology = checkInstance(this, 'topology', props.topology ?? MinioTopology.standalone(), MinioTopology, 'a MinioTopology',
      'pass MinioTopology.standalone() or MinioTopology.distributed(4)');
    this.region = checkRegionName(this, 'region', props.region ?? 'us-east-1');
    if (props.buckets !== undefined && !Array.isArray(props.buckets)) {
      invalid(this, 'buckets', 'must be an array of bucket names', props.buckets, 'pass buckets: ["mlflow"]');
    }
    if (props.users !== undefined && (props.users === null || typeof props.users !== 'object' || Array.isArray(props.users))) {
      invalid(this, 'users', 'must map user names to { credentials, readWrite?, readOnly? }', undefined, 'pass users: { mlflow: { credentials, readWrite: ["mlflow"] } }');
    }
    const image = ContainerImage.fromReference(props.image ?? Minio.DEFAULT_IMAGE, this, 'image');
    const storageSize = sizeQuantity(this, 'storageSize', checkSize(this, 'storageSize', props.storageSize, Size.gibibytes(50)));
    if (props.storageClass !== undefined) checkDnsSubdomain(this, 'storageClass', props.storageClass);

    const t = this.topology;
    const drives = Array.from({ length: t.drivesPerNode }, (_, i) => (t.drivesPerNode === 1 ? 'data' : `data-${i}`));
    const driveArg = t.drivesPerNode === 1 ? '/data' : `/data-{0...${t.drivesPerNode - 1}}`;

    this.attachStateful({
      name: 'minio', instance: name, component: 'object-store', partOf: props.partOf,
      ports: [
        { name: 'api', port: Minio.API_PORT, targetPort: 'api' },
        { name: 'console', port: Minio.CONSOLE_PORT, targetPort: 'console' },
      ],
      headlessPorts: [{ name: 'api', port: Minio.API_PORT, targetPort: 'api' }],
      replicas: t.replicas,
      podManagementPolicy: t.distributed ? PodManagementPolicy.PARALLEL : PodManagementPolicy.ORDERED_READY,
      claims: drives.map((d) => ({ name: d, size: storageSize, storageClass: props.storageClass })),
      pod: (w) => ({
        runAs: RUN_AS,
        ...(t.distributed ? { topologySpreadConstraints: [w.spreadAcross('kubernetes.io/hostname', SpreadPolicy.DO_NOT_SCHEDULE)] } : {}),
        containers: [{
          name: 'minio',
          image,
          args: ['server', t.distributed ? `http://${name}-{0...${t.replicas - 1}}.${name}-hl.${w.namespace}.svc.cluster.local${driveArg}` : driveArg,
            '--address', `:${Minio.API_PORT}`, '--console-address', `:${Minio.CONSOLE_PORT}`, '--certs-dir', '/tmp/certs'],
          env: [
            ['MINIO_ROOT_USER', EnvValue.fromSecret(creds.accessKeyId)],
            ['MINIO_ROOT_PASSWORD', EnvValue.fromSecret(creds.secretAccessKey)],
            ['MINIO_BROWSER_REDIRECT', EnvValue.literal('off')],
            // MinIO keeps its config in $HOME/.minio: on the writable /tmp, not the read-only root.
            ['HOME', EnvValue.literal('/tmp')],
          ],
          ports: { api: Minio.API_PORT, console: Minio.CONSOLE_PORT },
          resources: props.resources ?? {
            requests: { cpu: '100m', memory: '256Mi' },
            limits: { cpu: '1000m', memory: '2Gi' },
          },
          startup: Probe.httpGet('/minio/health/live', 'api', { period: Duration.seconds(5), failureThreshold: 60 }),
          liveness: Probe.httpGet('/minio/health/live', 'api'),
          readiness: Probe.httpGet('/minio/health/ready', 'api', { period: Duration.seconds(5) }),
          volumeMounts: drives.map((d) => ({ name: d, mountPath: `/${d}` })),
          writableDirs: ['/tmp'],
        }],
      }),
    });
    this.endpointUrl = `http://${this.statefulHost}:${Minio.API_PORT}`;

    if (t.distributed) {
      // The nodes of a distributed set talk to each other on the API port.
      this.workload.allowFrom(this, Port.tcp(Minio.API_PORT), 'minio: distributed peers');
      this.workload.addDisruptionBudget(DisruptionBudget.maxUnavailable(1));
    }

    this.partOf = props.partOf;
    for (const userName of Object.keys(props.users ?? {}).sort()) {
      this.users.set(userName, new MinioUser(this, `User-${userName}`, { store: this, name: userName, ...props.users![userName] }));
    }
    if (this.users.size) this.setup();
    for (const b of props.buckets ?? []) this.addBucket(b);
    if (props.backup) {
      this.backup = new MinioBackup(this, 'Backup', { source: this, allBuckets: () => this.bucketNames, ...props.backup, partOf: props.partOf });
    }
  }

  /** Creates a bucket (idempotently, with `mc mb --ignore-existing`) and returns it. */
  public addBucket(name: string): IBucket {
    checkS3BucketName(this, 'bucket name', name);
    this.setup().add(name);
    return new BucketRef(this, name);
  }

  /** A bucket this MinIO creates; fails if it was never added. */
  public bucket(name: string): IBucket {
    if (!this.bucketNames.includes(name)) {
      invalid(this, 'bucket(name)', `must be a bucket this MinIO creates (${this.bucketNames.join(', ') || 'none yet'})`, name,
        `add it with buckets: ["${name}"] or minio.addBucket("${name}")`);
    }
    return new BucketRef(this, name);
  }

  /** The buckets this MinIO creates, sorted. */
  public get bucketNames(): string[] {
    return this.setupJob?.bucketNames ?? [];
  }

  /** The scoped user `name` (from the `users` prop): an object store view with that user's keys. */
  public user(name: string): MinioUser {
    const u = this.users.get(name);
    if (!u) {
      invalid(this, 'user(name)', `must be one of the users prop (${[...this.users.keys()].join(', ') || 'none'})`, name, `declare it in users: { ${name}: { credentials, readWrite: [...] } }`);
    }
    return u;
  }

  /** The setup Job (buckets and users), created on first need. */
  private setup(): MinioSetup {
    this.setupJob ??= new MinioSetup(this, 'Setup', { store: this, users: [...this.users.values()], partOf: this.partOf });
    return this.setupJob;
  }

  /** Declares that `client` uses the S3 API on 9000. */
  public grantConnect(client: IWorkload, description: string): void {
    checkConstruct(this, 'grantConnect(client)', client, 'pass a workload of this app, such as a TrackingServer');
    this.workload.allowFrom(client, Port.tcp(Minio.API_PORT), description);
  }

  /** Opens the console (9001) to a peer, for example an ingress controller. */
  public allowConsoleFrom(peer: Peer): void {
    checkInstance(this, 'allowConsoleFrom(peer)', peer, Peer, 'a Peer', "pass Peer.namespace('ingress-nginx')");
    this.workload.allowFrom(peer, Port.tcp(Minio.CONSOLE_PORT), 'minio console');
  }
}
