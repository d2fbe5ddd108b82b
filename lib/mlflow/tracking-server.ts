import { Duration, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type * as promTypes from '../../imports/monitoring.coreos.com';
import { IWorkload, Peer } from '../core/connections';
import { checkDuration, durationText } from '../core/duration';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { ComponentIdentity } from '../core/labels';
import { ContainerSpec, EnvValue } from '../core/pod';
import { Port } from '../core/port';
import { Probe, ProbeOptions } from '../core/probe';
import { checkSize, sizeQuantity } from '../core/quantity';
import { ResourceRequirements } from '../core/resources';
import { renderService } from '../core/service';
import {
  checkAnnotations, checkConstruct, checkDnsSubdomain, checkHostname, checkInstance, checkInteger, checkLabels, invalid,
} from '../core/validate';
import { readScript } from '../core/script-file';
import { DisruptionBudget, SpreadPolicy, Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { ExistingHttpService, ExistingHttpServiceProps, IHttpService } from '../core/http-service';
import { recordBucketUse } from '../storage/bucket-uses';
import { artifactStoreEnv, artifactUriOf, identityOf } from '../storage/cloud-object-store';
import { IDatabase } from '../storage/database';
import { IBucket, IObjectStore } from '../storage/object-store';
import { AccessMode, IVolumeClaim } from '../storage/volume-claim';
import { ArtifactRoot } from './artifact-root';
import { MlflowAuthConfig, MlflowAuthContext, MlflowAuthMode } from './auth';
import { MLFLOW_DEFAULT_IMAGE } from './default-image';
import type { MlflowAuth } from './mlflow-auth';
import { IngressTls, renderIngress } from '../core/ingress';
import { serverProbes } from '../core/server-probes';
import { TrackingServerAutoscaling, renderAutoscaler, resolveAutoscaling } from './autoscaling';
import { PodExtras, applyPodExtras } from './pod-extras';
import { CREDENTIALS_DIR, DatabaseConnection, credentialsWriterEnv, databaseConnection } from './driver-credentials';
import { HttpRouteExposure, renderHttpRoute, routeHostnames } from '../core/http-route';
import { checkFactoryProps } from '../core/props-guard';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const prom = lazyModule<typeof promTypes>(() => require('../../imports/monitoring.coreos.com'));

/** Exposure through a Gateway API HTTPRoute, an alternative to the Ingress. */
export type TrackingServerHttpRoute = HttpRouteExposure;

/** Exposure through an Ingress. */
export interface TrackingServerIngress {
  /** `mlflow.example.com` */
  readonly host: string;
  readonly tls: IngressTls;
  /** @default "nginx" */
  readonly className?: string;
  /** Where the ingress controller runs, for the NetworkPolicy allow. @default Peer.namespace('ingress-nginx') */
  readonly controller?: Peer;
  /** @default - none */
  readonly annotations?: Record<string, string>;
}

/** Prometheus scraping through a ServiceMonitor. */
export interface TrackingServerMetrics {
  /**
   * The Prometheus pods, for the NetworkPolicy allow (metrics share the API port, so keep it narrow).
   * @default Peer.namespace('monitoring', { 'app.kubernetes.io/name': 'prometheus' })
   */
  readonly prometheus?: Peer;
  /**
   * Extra labels on the ServiceMonitor, for the Prometheus `serviceMonitorSelector` (kube-prometheus-stack
   * selects `release: <its release name>` by default).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /** How often Prometheus scrapes, at least a second. @default Duration.seconds(30) */
  readonly interval?: Duration;
}

/**
 * Why MLflow may be exposed (an `ingress` or `httpRoute`) without `auth`. MLflow without auth lets
 * anyone who reaches its host read, change and delete every experiment, run and model.
 */
export interface UnauthenticatedExposure {
  /**
   * What authenticates callers instead, in a sentence reviewers can check: `"oauth2-proxy on the
   * corporate gateway"`, `"VPN-only ingress class"`. Rendered as the annotation
   * `mlops-cdk8s.io/unauthenticated-exposure` on the Ingress and the HTTPRoute.
   */
  readonly reason: string;
}

const UNAUTHENTICATED_EXPOSURE_ANNOTATION = 'mlops-cdk8s.io/unauthenticated-exposure';

/** A claim mounted into the server container. */
export interface TrackingServerVolume {
  readonly claim: IVolumeClaim;
  /** An absolute path: `/models`. */
  readonly mountPath: string;
  /** @default false */
  readonly readOnly?: boolean;
}

export interface TrackingServerProps extends Pick<ComponentIdentity, 'partOf'> {
  /** Where runs, params, metrics and the model registry live. */
  readonly database: IDatabase;
  /**
   * Where artifacts live; the server proxies them (`--serve-artifacts`): a bucket, or
   * `ArtifactRoot.onVolume('/models/mlflow-artifacts')` under one of {@link volumes}.
   */
  readonly artifacts: IBucket | ArtifactRoot;
  /**
   * How users log in: `MlflowAuth.oidc({...})` (mlflow-oidc-auth). Its image replaces
   * {@link image}; its probes, environment and files are added to the server.
   * @default - no authentication (reach it only from trusted namespaces)
   */
  readonly auth?: MlflowAuth;
  /**
   * Claims mounted into the server (the Thinkube MLflow deployment: a local artifacts volume and the shared models
   * volume). With more than one replica, every claim must be shared (ReadWriteMany or ReadOnlyMany).
   * @default - none
   */
  readonly volumes?: TrackingServerVolume[];
  /**
   * An S3 store the server reaches besides a volume artifact root, for experiments whose
   * artifact location is `s3://...` (the Thinkube MLflow deployment configures SeaweedFS beside its file root):
   * `MLFLOW_S3_ENDPOINT_URL`, keys and egress.
   * @default - the artifacts bucket's store; none for a volume root
   */
  readonly objectStore?: IObjectStore;
  /** `MLFLOW_S3_IGNORE_TLS=true`: skip certificate checks of the S3 endpoint. @default false */
  readonly s3IgnoreTls?: boolean;
  /** Secrets of type `kubernetes.io/dockerconfigjson` for a private registry, by name. @default - none */
  readonly imagePullSecrets?: string[];
  /** @default "mlflow" */
  readonly name?: string;
  /** @default TrackingServer.DEFAULT_IMAGE (has psycopg2, PyMySQL and boto3) */
  readonly image?: string;
  /** More than 1 adds a PodDisruptionBudget and topology spread. @default 1 */
  readonly replicas?: number;
  /** gunicorn workers per pod. @default 2 */
  readonly workers?: number;
  /** @default - 100m/1000m CPU, 256Mi/1Gi memory (the MLflow + MinIO + PostgreSQL Helm setup) */
  readonly resources?: ResourceRequirements;
  /**
   * Exposure through an Ingress. Needs {@link auth}, or {@link unauthenticatedExposure} saying
   * what authenticates callers instead.
   * @default - no Ingress (reach it with port-forward or from allowed namespaces)
   */
  readonly ingress?: TrackingServerIngress;
  /**
   * Exposure through a Gateway API HTTPRoute (gateway.networking.k8s.io/v1), TLS terminated by
   * the referenced Gateway; an alternative (or, while migrating, an addition) to `ingress`.
   * Needs {@link auth}, or {@link unauthenticatedExposure}.
   * @default - no HTTPRoute
   */
  readonly httpRoute?: TrackingServerHttpRoute;
  /**
   * The explicit opt-out of the rule that an `ingress` or `httpRoute` needs `auth`, with the reason.
   * @default - exposing MLflow without auth fails synth
   */
  readonly unauthenticatedExposure?: UnauthenticatedExposure;
  /** @default - no metrics */
  readonly metrics?: TrackingServerMetrics;
  /** Who may call the API on 5000 besides the ingress controller (training namespaces). @default - nobody else */
  readonly clients?: Peer[];
  /**
   * Host headers the server accepts (MLflow 3.5+ DNS-rebinding protection,
   * `MLFLOW_SERVER_ALLOWED_HOSTS`); patterns such as `*.example.com` or `mlflow:*` are allowed.
   * @default - the Service's cluster names, localhost, the pod's own IP (for Prometheus) and the
   * ingress host, each with any port
   */
  readonly allowedHosts?: string[];
  /**
   * Scratch space (`/tmp`): the server buffers proxied artifact uploads there, so it must hold the
   * largest model you log.
   * @default Size.gibibytes(10)
   */
  readonly scratchSize?: Size;
  /**
   * A HorizontalPodAutoscaler (autoscaling/v2) on CPU and memory; conflicts with `replicas`.
   * @default - a fixed number of replicas
   */
  readonly autoscaling?: TrackingServerAutoscaling;
  /**
   * Typed escape hatches for the pod: extra env, volumes and mounts, sidecars, init containers,
   * pod labels and annotations, tolerations, affinity, node selector, priority class. Everything
   * passes the same Pod Security and secret checks as the rest of the pod.
   * @default - none
   */
  readonly pod?: PodExtras;
}

const PORT = 5000;
/** The image's `mlflow` user (uid/gid 1001); HOME is on /tmp, as the root filesystem is read-only. */
const RUN_AS = { uid: 1001, gid: 1001 };

/**
 * The MLflow tracking server and model registry: `mlflow server` with a SQL backend store,
 * proxied artifacts on S3, init containers that write the database password into the file the
 * driver reads (never into the URI, which MLflow logs), wait for the database and migrate an
 * existing schema (an empty database gets its schema from the server's first start), `/health`
 * probes, a Service on 5000, and optionally an Ingress, a ServiceMonitor and high availability.
 */
export class TrackingServer extends WorkloadComponent implements ITrackingServer {
  /** MLflow with psycopg2, PyMySQL and boto3 (the image the community-charts chart uses). */
  /** The annotation that carries {@link UnauthenticatedExposure.reason} on the Ingress and the HTTPRoute. */
  public static readonly UNAUTHENTICATED_EXPOSURE_ANNOTATION = UNAUTHENTICATED_EXPOSURE_ANNOTATION;
  public static readonly DEFAULT_IMAGE = MLFLOW_DEFAULT_IMAGE;

  /** A tracking server this app does not run (another team's, a managed MLflow). */
  public static fromExisting(scope: Construct, id: string, props: ExistingHttpServiceProps): ITrackingServer {
    checkFactoryProps('TrackingServer.fromExisting', scope, id, props);
    return new ExistingTrackingServer(scope, id, props);
  }

  public readonly port = PORT;
  /** In-cluster URL clients set as `MLFLOW_TRACKING_URI`. */
  public readonly trackingUri: string;
  /** The Deployment (also `node.defaultChild`), for escape hatches such as `addJsonPatch`. */
  public readonly resource: k8s.KubeDeployment;
  /** The ClusterIP Service on 5000. */
  public readonly service: k8s.KubeService;
  /** The PodDisruptionBudget, with more than one replica. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The backend store, the artifact object store (none for a volume artifact root) and the image, for jobs on the same stores (`GarbageCollection`). */
  public readonly database: IDatabase;
  public readonly artifactStore?: IObjectStore;
  public readonly image: ContainerImage;
  /**
   * The environment of a process that uses the backend store: the URI (no password in it) and,
   * for PostgreSQL, PGPASSFILE. The password itself is in the driver's file, which
   * {@link backendStoreCredentials} writes; a pod that uses this env needs that init container and
   * a `db-credentials` volume mounted at `/db-credentials`.
   */
  public readonly backendStoreEnv: Array<[string, EnvValue]>;
  /** The init container that writes the database password into the driver's file (`db-credentials`). */
  public readonly backendStoreCredentials: ContainerSpec;
  /** The most pods that can run at once: `replicas`, or the autoscaler's maximum. */
  public readonly maxReplicas: number;
  /** Whether the API refuses calls without credentials (`auth` is set). */
  public readonly requiresLogin: boolean;
  /** The pod port clients connect to: 5000, or the auth proxy's when one is in front. */
  private podPort: number = PORT;

  constructor(scope: Construct, id: string, props: TrackingServerProps) {
    super(scope, id, props);
    const name = props.name ?? 'mlflow';
    const w = this.attachWorkload(new Workload(this, 'Workload', {
      owner: this, name: 'mlflow', instance: name, component: 'tracking-server', partOf: props.partOf,
      serviceAccountAnnotations: identityOf(props.objectStore ?? (props.artifacts instanceof ArtifactRoot ? undefined : props.artifacts?.store))?.serviceAccountAnnotations,
    }));
    checkStores(this, props);
    const sizing = resolveSizing(this, props);
    this.maxReplicas = sizing.maxReplicas;
    this.requiresLogin = props.auth !== undefined;
    this.trackingUri = `http://${name}.${this.namespace}.svc.cluster.local:${PORT}`;
    const db = props.database;
    const extras = resolveExtras(this, props, this.maxReplicas);
    this.database = db;
    this.artifactStore = extras.store;
    db.grantConnect(this, 'mlflow backend store');
    extras.store?.grantConnect(this, 'mlflow artifact store');
    if (!(props.artifacts instanceof ArtifactRoot)) recordBucketUse(this, 'artifacts', props.artifacts, 'artifacts');
    // The password is in neither the URI (MLflow logs it at start-up) nor the environment of the
    // MLflow processes: an init container writes it into the file the engine's driver reads
    // (lib/storage/<engine>-engine.ts), which the URI or a variable names.
    const backend = databaseConnection(db, 'DB', 'my.cnf', false);
    this.backendStoreEnv = [
      ['MLFLOW_BACKEND_STORE_URI', EnvValue.literal(backend.uri)],
      ...backend.env,
      ['HOME', EnvValue.literal('/tmp')],
    ];
    const exposure = resolveExposure(this, props, name);
    const auth = this.bindAuthMode(props, exposure.ingressHost);
    this.image = auth?.image ?? ContainerImage.fromReference(props.image ?? TrackingServer.DEFAULT_IMAGE, this, 'image');

    const plan: ServerPlan = {
      name, props, sizing, extras, backend, exposure, auth, image: this.image, dbEnv: this.backendStoreEnv,
      resources: props.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
    };
    const scripts = new k8s.KubeConfigMap(this, 'Scripts', {
      metadata: { name: `${name}-scripts`, labels: w.labels },
      data: Object.fromEntries(['db_upgrade.py', 'private_file.py', 'wait_for_db.py', 'write_db_credentials.py'].map((f) => [f, readScript(__dirname, f)])),
    });
    this.backendStoreCredentials = renderCredentialsWriter(plan);
    const pod = {
      initContainers: renderInitContainers(plan, this.backendStoreCredentials, db),
      server: renderServerContainer(plan),
      volumes: renderPodVolumes(this, w.labels, plan, scripts),
    };
    this.service = renderService(this, 'Service', { name, labels: w.labels, selector: w.podSelector, ports: [{ name: 'http', port: PORT, targetPort: auth?.sidecar?.portName ?? 'http' }] });
    this.resource = this.renderDeployment(plan, pod);
    if (sizing.replicas > 1) {
      this.disruptionBudget = w.addDisruptionBudget(DisruptionBudget.minAvailable(sizing.replicas - 1));
    }
    if (sizing.autoscaling) renderAutoscaler(this, w, name, sizing.autoscaling);
    this.renderExposure(plan);
  }

  /** The same as {@link trackingUri}. */
  public get url(): string {
    return this.trackingUri;
  }

  /**
   * Binds the auth mode (its rules, such as a shared session store, hold for the most pods that
   * can run) and checks what it conflicts with; sets the pod port clients reach.
   */
  private bindAuthMode(props: TrackingServerProps, ingressHost: string | undefined): MlflowAuthConfig | undefined {
    const auth = bindAuth(this, props, { workload: this, replicas: this.maxReplicas, ingressHost, trackingDatabase: props.database, serverPort: PORT, labels: this.workload.labels });
    checkAuthMounts(this, props, auth);
    // With a proxy in front (oauth2-proxy), MLflow listens on loopback and clients reach the proxy's port.
    this.podPort = auth?.sidecar?.port ?? PORT;
    if (auth?.sidecar && props.metrics) {
      invalid(this, 'metrics', 'cannot be scraped behind the oauth2-proxy sidecar (MLflow listens on 127.0.0.1 and the proxy requires a login)', 'metrics',
        'drop metrics, or use auth: MlflowAuth.oidc({ ... }), whose /metrics Prometheus reaches directly');
    }
    return auth;
  }

  /** The Deployment: a rolling update that never goes below the replicas, spread across nodes and zones when there are several. */
  private renderDeployment(plan: ServerPlan, pod: { initContainers: ContainerSpec[]; server: ContainerSpec; volumes: k8s.Volume[] }): k8s.KubeDeployment {
    const w = this.workload;
    const { name, props, sizing, extras, auth } = plan;
    const sidecar = auth?.sidecar;
    const server = pod.server;
    return new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name, labels: w.labels },
      spec: {
        // With an autoscaler the HPA owns the count; a replicas field would reset it on every sync.
        ...(sizing.autoscaling ? {} : { replicas: sizing.replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: w.podSelector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: withPullSecrets(applyPodExtras(this, 'pod', props.pod, identityOf(extras.store)?.podLabels, (pe) => w.podTemplate({
          runAs: RUN_AS,
          longRunning: true,
          initContainers: [...pe.initContainers, ...pod.initContainers],
          containers: [{ ...server, env: [...server.env!, ...pe.env], volumeMounts: [...server.volumeMounts!, ...pe.volumeMounts] }, ...(sidecar ? [sidecar.container] : []), ...pe.sidecars],
          volumes: [...pod.volumes, ...pe.volumes],
          ...(this.maxReplicas > 1 ? {
            topologySpreadConstraints: [
              w.spreadAcross('kubernetes.io/hostname', SpreadPolicy.SCHEDULE_ANYWAY),
              w.spreadAcross('topology.kubernetes.io/zone', SpreadPolicy.SCHEDULE_ANYWAY),
            ],
          } : {}),
        })), extras.imagePullSecrets),
      },
    });
  }

  /** The HTTPRoute, the Ingress, the ServiceMonitor and the clients, each with the allow it needs. */
  private renderExposure(plan: ServerPlan): void {
    const w = this.workload;
    const { name, props } = plan;
    const podPort = this.podPort;
    if (props.httpRoute) renderHttpRoute(this, w, name, PORT, props.httpRoute, podPort, exposureAnnotations(props));

    if (props.ingress) {
      const ing = props.ingress;
      w.allowFrom(ing.controller ?? Peer.namespace('ingress-nginx'), Port.tcp(podPort), 'ingress controller');
      renderIngress(this, 'Ingress', {
        name,
        labels: w.labels,
        annotations: { ...ing.annotations, ...ing.tls.annotations, ...exposureAnnotations(props) },
        className: ing.className ?? 'nginx',
        host: plan.exposure.ingressHost!,
        tlsSecretName: ing.tls.secretName(name),
        serviceName: name,
      });
    }
    if (props.metrics) {
      w.allowFrom(props.metrics.prometheus ?? Peer.namespace('monitoring', { 'app.kubernetes.io/name': 'prometheus' }), Port.tcp(PORT), 'prometheus scrape');
      new prom.ServiceMonitor(this, 'ServiceMonitor', {
        metadata: { name, labels: { ...props.metrics.labels, ...w.labels } },
        spec: {
          selector: { matchLabels: w.podSelector },
          endpoints: [{ port: 'http', path: '/metrics', interval: plan.exposure.scrapeInterval }],
        },
      });
    }
    for (const peer of props.clients ?? []) w.allowFrom(peer, Port.tcp(podPort), 'mlflow client');
  }

  /** Lets a workload of this app call the tracking API (a training Job, a pipeline step). */
  public grantConnect(client: IWorkload, description: string): void {
    this.workload.allowFrom(client, Port.tcp(this.podPort), description);
  }
}

/** An MLflow tracking server clients log to. */
export interface ITrackingServer extends IHttpService {
  /** What clients set as `MLFLOW_TRACKING_URI`. */
  readonly trackingUri: string;
}

class ExistingTrackingServer extends ExistingHttpService implements ITrackingServer {
  public get trackingUri(): string {
    return this.url;
  }
}

/** A host or host pattern as MLflow's allowed-hosts accepts it: `mlflow`, `*.example.com`, `10.*`, `host:5000`, `host:*`. */
function checkHostPattern(scope: IConstruct, prop: string, value: string): string {
  if (!/^(\*|[a-z0-9*]([-a-z0-9.*]*[a-z0-9*])?)(:(\d{1,5}|\*))?$/.test(value ?? '')) {
    invalid(scope, prop, 'must be a host name or pattern, optionally with :port or :*', value, 'write it as "mlflow.example.com", "*.example.com" or "mlflow:*"');
  }
  return value;
}

/** What the additive options resolve to (volumes, artifact destination, S3 store, pull secrets). */
interface ResolvedExtras {
  readonly artifactsDestination: string;
  readonly store?: IObjectStore;
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
  readonly imagePullSecrets: string[];
}

const SCRIPTS_MOUNT = { name: 'scripts', mountPath: '/scripts', readOnly: true };
const CREDENTIALS_MOUNT = { name: 'db-credentials', mountPath: CREDENTIALS_DIR };

/** The database is a construct; the artifacts are a bucket of an object store of this app, or an ArtifactRoot. */
function checkStores(scope: TrackingServer, props: TrackingServerProps): void {
  checkConstruct(scope, 'database', props.database, 'pass database: a Postgres or Database.fromExisting(...)');
  const artifacts = props.artifacts as unknown;
  if (!(artifacts instanceof ArtifactRoot)) {
    const bucket = artifacts as IBucket | null | undefined;
    if (bucket === null || typeof bucket !== 'object' || typeof bucket.s3Uri !== 'function') {
      invalid(scope, 'artifacts', 'must be a bucket or an ArtifactRoot', typeof artifacts === 'string' ? artifacts : undefined,
        'pass artifacts: minio.addBucket("mlflow"), store.bucket("mlflow") or ArtifactRoot.onVolume("/models/artifacts")');
    }
    checkConstruct(scope, 'artifacts.store', bucket.store, 'pass a bucket of an object store of this app');
  }
}

/** How many pods and workers, and how much scratch space. */
interface ResolvedSizing {
  readonly autoscaling?: ReturnType<typeof resolveAutoscaling>;
  readonly replicas: number;
  readonly maxReplicas: number;
  readonly scratchSize: string;
  readonly workers: number;
}

function resolveSizing(scope: TrackingServer, props: TrackingServerProps): ResolvedSizing {
  const autoscaling = resolveAutoscaling(scope, props.autoscaling, props.replicas, props.resources);
  const replicas = autoscaling?.minReplicas ?? checkInteger(scope, 'replicas', props.replicas ?? 1, 1, 50);
  const scratchSize = sizeQuantity(scope, 'scratchSize', checkSize(scope, 'scratchSize', props.scratchSize, Size.gibibytes(10)));
  const workers = checkInteger(scope, 'workers', props.workers ?? 2, 1, 32);
  if (props.auth instanceof MlflowAuthMode && props.auth._replacesImage && props.image) {
    invalid(scope, 'image', 'must not be set with auth (the auth option brings the image with its plugin)', props.image, 'pass the image as auth: MlflowAuth.oidc({ image, ... })');
  }
  return { autoscaling, replicas, maxReplicas: autoscaling?.maxReplicas ?? replicas, scratchSize, workers };
}

/** Who reaches the server and by which names: the ingress host, the scrape interval, MLflow's allowed hosts. */
interface ResolvedExposure {
  readonly ingressHost?: string;
  readonly scrapeInterval?: string;
  readonly allowedHosts: string[];
}

function resolveExposure(scope: TrackingServer, props: TrackingServerProps, name: string): ResolvedExposure {
  const ingressHost = props.ingress ? checkHostname(scope, 'ingress.host', props.ingress.host) : undefined;
  if (props.ingress) {
    checkInstance(scope, 'ingress.tls', props.ingress.tls, IngressTls, 'an IngressTls', 'pass IngressTls.certManagerClusterIssuer("letsencrypt") or IngressTls.existingSecret("mlflow-tls")');
    checkDnsSubdomain(scope, 'ingress.className', props.ingress.className ?? 'nginx');
    checkAnnotations(scope, 'ingress.annotations', props.ingress.annotations);
    if (props.ingress.controller !== undefined) checkInstance(scope, 'ingress.controller', props.ingress.controller, Peer, 'a Peer', "pass Peer.namespace('ingress-nginx')");
  }
  const scrapeInterval = props.metrics
    ? durationText(scope, 'metrics.interval', checkDuration(scope, 'metrics.interval', props.metrics.interval, Duration.seconds(30)), { min: Duration.seconds(1) })
    : undefined;
  if (props.metrics) {
    checkLabels(scope, 'metrics.labels', props.metrics.labels);
    if (props.metrics.prometheus !== undefined) checkInstance(scope, 'metrics.prometheus', props.metrics.prometheus, Peer, 'a Peer', "pass Peer.namespace('monitoring', { 'app.kubernetes.io/name': 'prometheus' })");
  }
  if (props.clients !== undefined && !Array.isArray(props.clients)) {
    invalid(scope, 'clients', 'must be an array of Peers', props.clients, "pass clients: [Peer.namespace('ml-team')]");
  }
  (props.clients ?? []).forEach((c, i) => checkInstance(scope, `clients[${i}]`, c, Peer, 'a Peer', "pass Peer.namespace('ml-team')"));
  if (props.allowedHosts !== undefined && !Array.isArray(props.allowedHosts)) {
    invalid(scope, 'allowedHosts', 'must be an array of host patterns', props.allowedHosts, 'pass allowedHosts: ["mlflow.example.com"]');
  }
  const allowedHosts = props.allowedHosts ?? [
    name, `${name}.${scope.namespace}`, `${name}.${scope.namespace}.svc`, `${name}.${scope.namespace}.svc.cluster.local`,
    'localhost', '127.0.0.1', ...(ingressHost ? [ingressHost] : []), ...routeHostnames(scope, props.httpRoute),
  ];
  allowedHosts.forEach((h, i) => checkHostPattern(scope, `allowedHosts[${i}]`, h));
  return { ingressHost, scrapeInterval, allowedHosts };
}

/** Everything resolved that the pod is rendered from. */
interface ServerPlan {
  readonly name: string;
  readonly props: TrackingServerProps;
  readonly sizing: ResolvedSizing;
  readonly extras: ResolvedExtras;
  readonly backend: DatabaseConnection;
  readonly exposure: ResolvedExposure;
  readonly auth?: MlflowAuthConfig;
  readonly image: ContainerImage;
  /** The backend store's environment (TrackingServer.backendStoreEnv). */
  readonly dbEnv: Array<[string, EnvValue]>;
  readonly resources: ResourceRequirements;
}

/** The init container that writes the backend store's password into the file its driver reads. */
function renderCredentialsWriter(plan: ServerPlan): ContainerSpec {
  return {
    name: 'db-credentials',
    image: plan.image,
    command: ['python', '/scripts/write_db_credentials.py'],
    env: credentialsWriterEnv([plan.backend.credential]),
    resources: plan.resources,
    volumeMounts: [SCRIPTS_MOUNT, CREDENTIALS_MOUNT],
  };
}

/**
 * The init containers: the credentials writer (also the auth mode's passwords, into the same
 * directory), the auth mode's setup, the bounded wait for the database, and the migration.
 */
function renderInitContainers(plan: ServerPlan, credentials: ContainerSpec, db: IDatabase): ContainerSpec[] {
  const { auth, image, resources, dbEnv } = plan;
  const authCredentials = auth?.credentials ?? [];
  return [
    authCredentials.length ? { ...credentials, env: credentialsWriterEnv([plan.backend.credential, ...authCredentials]) } : credentials,
    ...(auth?.setup ? [{
      name: 'auth-config',
      image,
      command: auth.setup.command,
      env: auth.setup.env,
      resources,
      volumeMounts: [authMountOf(auth), CREDENTIALS_MOUNT],
    }] : []), {
      name: 'wait-for-db',
      image,
      command: ['python', '/scripts/wait_for_db.py'],
      env: [['DB_HOST', EnvValue.literal(db.host)], ['DB_PORT', EnvValue.literal(String(db.port))]],
      resources,
      volumeMounts: [SCRIPTS_MOUNT],
    }, {
      name: 'db-upgrade',
      image,
      command: ['python', '/scripts/db_upgrade.py'],
      env: dbEnv,
      resources,
      volumeMounts: [SCRIPTS_MOUNT, { ...CREDENTIALS_MOUNT, readOnly: true }],
      writableDirs: ['/tmp'],
    }];
}

const authMountOf = (auth: MlflowAuthConfig) => ({ name: 'auth', mountPath: auth.mountPath, readOnly: true });

/** `mlflow server` with its arguments: loopback only behind a proxy, proxied artifacts, metrics, the auth mode's arguments. */
function renderServerArgs(plan: ServerPlan): string[] {
  const { props, auth } = plan;
  return [
    'mlflow', 'server',
    '--host', auth?.sidecar ? '127.0.0.1' : '0.0.0.0',
    '--port', String(PORT),
    '--workers', String(plan.sizing.workers),
    '--serve-artifacts',
    '--artifacts-destination', plan.extras.artifactsDestination,
    ...(props.metrics ? ['--expose-prometheus', '/tmp/prometheus'] : []),
    ...(auth?.serverArgs ?? []),
  ];
}

/** The server container: no credential in its arguments or environment; probes in the container behind a proxy. */
function renderServerContainer(plan: ServerPlan): ContainerSpec {
  const { props, auth, exposure, dbEnv } = plan;
  const sidecar = auth?.sidecar;
  const mlflowProbe = (path: string, options: ProbeOptions) => (sidecar ? Probe.exec([...sidecar.probeCommand, path], options) : Probe.httpGet(path, 'http', options));
  const hostPatterns = [
    ...(props.allowedHosts ? exposure.allowedHosts : [...exposure.allowedHosts, '$(POD_IP)']).flatMap((h) => (/:(\d+|\*)$/.test(h) ? [h] : [h, `${h}:*`])),
  ];
  const store = plan.extras.store;
  const s3Env: Array<[string, EnvValue]> = !store ? [] : [
    ...artifactStoreEnv(store),
    ...(props.s3IgnoreTls ? [['MLFLOW_S3_IGNORE_TLS', EnvValue.literal('true')]] as Array<[string, EnvValue]> : []),
  ];
  // An auth database's driver finds its file through its own variables (a pgpass line beside a
  // MySQL backend store); each variable once.
  const authDriverEnv = (auth?.credentials ?? []).flatMap((c) => c.driverEnv ?? [])
    .filter(([n], i, all) => !dbEnv.some(([d]) => d === n) && all.findIndex(([m]) => m === n) === i)
    .map(([n, v]): [string, EnvValue] => [n, EnvValue.literal(v)]);
  return {
    name: 'mlflow',
    image: plan.image,
    // Exec form: nothing but the server runs, and no credential is in its arguments or environment.
    command: renderServerArgs(plan),
    env: [
      ...dbEnv,
      ...authDriverEnv,
      ...s3Env,
      ['POD_IP', EnvValue.fromField('status.podIP')],
      ['MLFLOW_SERVER_ALLOWED_HOSTS', EnvValue.literal(hostPatterns.join(','))],
      ...(auth?.env ?? []),
    ],
    ...(sidecar ? {} : { ports: { http: PORT } }),
    resources: plan.resources,
    ...serverProbes(auth?.probes ?? '/health', 60, mlflowProbe),
    volumeMounts: [{ ...CREDENTIALS_MOUNT, readOnly: true }, ...plan.extras.mounts, ...(auth ? [authMountOf(auth), ...(auth.volumeMounts ?? [])] : [])],
    writableDirs: [{ path: '/tmp', sizeLimit: plan.sizing.scratchSize }],
  };
}

/** The pod's volumes: scripts, the credentials memory volume, the claims, the auth mode's files (a ConfigMap) and volumes. */
function renderPodVolumes(scope: TrackingServer, labels: Record<string, string>, plan: ServerPlan, scripts: k8s.KubeConfigMap): k8s.Volume[] {
  const auth = plan.auth;
  const authFiles = auth && Object.keys(auth.files).length ? new k8s.KubeConfigMap(scope, 'AuthFiles', {
    metadata: { name: `${plan.name}-oidc`, labels },
    data: auth.files,
  }) : undefined;
  return [
    { name: 'scripts', configMap: { name: scripts.name } },
    { name: 'db-credentials', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
    ...plan.extras.volumes,
    ...(auth ? [authFiles ? { name: 'auth', configMap: { name: authFiles.name } } : { name: 'auth', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } }] : []),
    ...(auth?.volumes ?? []),
  ];
}

/** The server's own mounts; an auth mode's are checked once it is bound ({@link checkAuthMounts}). */
const RESERVED_MOUNTS = ['/tmp', '/scripts', CREDENTIALS_DIR];

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

function resolveExtras(scope: TrackingServer, props: TrackingServerProps, replicas: number): ResolvedExtras {
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  (props.volumes ?? []).forEach((v, i) => {
    const claim = v?.claim;
    if (!claim || typeof claim.claimName !== 'string' || !(claim.accessMode instanceof AccessMode)) {
      invalid(scope, `volumes[${i}].claim`, 'must be a VolumeClaim', typeof claim, 'pass claim: new VolumeClaim(chart, "models", { ... })');
    }
    const path = v.mountPath;
    if (typeof path !== 'string' || !/^(\/[A-Za-z0-9._-]+)+$/.test(path) || RESERVED_MOUNTS.some((r) => overlaps(path, r))) {
      invalid(scope, `volumes[${i}].mountPath`, `must be an absolute path that does not overlap ${RESERVED_MOUNTS.join(', ')}`, path, 'write it as "/models"');
    }
    if (mounts.some((m) => m.mountPath === path)) invalid(scope, `volumes[${i}].mountPath`, 'must not repeat a mount path', path, 'mount each claim at a path of its own');
    if (replicas > 1 && !claim.accessMode.shared) {
      invalid(scope, `volumes[${i}].claim`, `is ${claim.accessMode} and cannot be mounted by ${replicas} replicas on different nodes`, claim.claimName,
        'use a ReadWriteMany claim (AccessMode.READ_WRITE_MANY on a shared class such as StorageClass.juicefs()), or replicas: 1');
    }
    const volName = `v-${claim.claimName}`.slice(0, 63).replace(/[^a-z0-9-]/g, '-').replace(/-+$/, '');
    volumes.push({ name: volName, persistentVolumeClaim: { claimName: claim.claimName } });
    mounts.push({ name: volName, mountPath: path, ...(v.readOnly ? { readOnly: true } : {}) });
  });
  let artifactsDestination: string;
  let store: IObjectStore | undefined;
  if (props.artifacts instanceof ArtifactRoot) {
    const root = props.artifacts;
    const mount = mounts.find((m) => root.path === m.mountPath || root.path.startsWith(`${m.mountPath}/`));
    if (!mount) {
      invalid(scope, 'artifacts', 'must be a directory under one of volumes[].mountPath', root.path,
        `mount a claim there, as in volumes: [{ claim: models, mountPath: "/${root.path.split('/')[1]}" }]`);
    }
    if (mount.readOnly) invalid(scope, 'artifacts', 'must be on a writable volume', root.path, `drop readOnly from the volume mounted at ${mount.mountPath}`);
    artifactsDestination = root.uri;
    store = props.objectStore;
  } else {
    artifactsDestination = artifactUriOf(props.artifacts);
    store = props.objectStore ?? props.artifacts.store;
  }
  const imagePullSecrets = (props.imagePullSecrets ?? []).map((n, i) => checkDnsSubdomain(scope, `imagePullSecrets[${i}]`, n));
  return { artifactsDestination, store, volumes, mounts, imagePullSecrets };
}

/** The volumes of `props` must not overlap what the auth mode mounts (its files, a projected token). */
function checkAuthMounts(scope: TrackingServer, props: TrackingServerProps, auth: MlflowAuthConfig | undefined): void {
  if (!auth) return;
  const taken = [auth.mountPath, ...(auth.volumeMounts ?? []).map((m) => m.mountPath)];
  (props.volumes ?? []).forEach((v, i) => {
    const clash = taken.find((t) => overlaps(v.mountPath, t));
    if (clash) invalid(scope, `volumes[${i}].mountPath`, `must not overlap ${clash}, which the auth mode mounts`, v.mountPath, 'mount the claim elsewhere, as in "/models"');
  });
}

/**
 * An Ingress or HTTPRoute without auth publishes every experiment and model to whoever reaches the
 * host: refused unless `unauthenticatedExposure` says what authenticates callers instead.
 */
function checkExposure(scope: TrackingServer, props: TrackingServerProps): void {
  const optOut = props.unauthenticatedExposure;
  const exposedBy = props.ingress ? 'ingress' : props.httpRoute ? 'httpRoute' : undefined;
  if (optOut === undefined) {
    if (exposedBy && props.auth === undefined) {
      const host = props.ingress?.host ?? props.httpRoute?.hostnames?.[0];
      invalid(scope, exposedBy, 'exposes MLflow without auth (whoever reaches the host can read, change and delete every experiment, run and model)', host,
        'set auth: MlflowAuth.basic({ adminPassword, secretKey }) (or MlflowAuth.oidc / MlflowAuth.oauth2Proxy), '
        + 'or, when something in front already authenticates callers, opt out with unauthenticatedExposure: { reason: "<what authenticates them>" }');
    }
    return;
  }
  const reason = (optOut as UnauthenticatedExposure | null)?.reason;
  if (typeof reason !== 'string' || reason.trim().length < 10 || /[\r\n]/.test(reason)) {
    invalid(scope, 'unauthenticatedExposure.reason', 'must say in one line of at least 10 characters what authenticates callers instead', reason,
      'pass unauthenticatedExposure: { reason: "oauth2-proxy on the corporate gateway" }');
  }
  if (props.auth !== undefined) {
    invalid(scope, 'unauthenticatedExposure', 'conflicts with auth (the server requires a login)', reason, 'remove unauthenticatedExposure');
  }
  if (!exposedBy) {
    invalid(scope, 'unauthenticatedExposure', 'is set but nothing exposes MLflow (no ingress, no httpRoute)', reason, 'remove unauthenticatedExposure');
  }
}

/** The annotation that records the reason of an explicit unauthenticated exposure (checked by checkExposure). */
function exposureAnnotations(props: TrackingServerProps): Record<string, string> | undefined {
  const reason = props.unauthenticatedExposure?.reason;
  return reason ? { [UNAUTHENTICATED_EXPOSURE_ANNOTATION]: reason.trim() } : undefined;
}

function bindAuth(scope: TrackingServer, props: TrackingServerProps, context: MlflowAuthContext): MlflowAuthConfig | undefined {
  checkExposure(scope, props); // an exposure without auth is refused first, unless opted out
  if (props.auth === undefined) return undefined;
  if (!(props.auth instanceof MlflowAuthMode)) {
    invalid(scope, 'auth', 'must be an MlflowAuth', typeof props.auth, 'pass auth: MlflowAuth.oidc({ provider, image, ... })');
  }
  return props.auth.bind(scope, context);
}

function withPullSecrets(template: k8s.PodTemplateSpec, names: string[]): k8s.PodTemplateSpec {
  return names.length ? { ...template, spec: { ...template.spec!, imagePullSecrets: names.map((name) => ({ name })) } } : template;
}
