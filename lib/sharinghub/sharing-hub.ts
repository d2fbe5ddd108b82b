import { createHash } from 'crypto';
import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { IWorkload, Peer } from '../core/connections';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { ComponentIdentity } from '../core/labels';
import { ContainerSpec, EnvValue, RunAs } from '../core/pod';
import { Port } from '../core/port';
import { ResourceRequirements } from '../core/resources';
import { SecretValue } from '../core/secret-value';
import { renderService } from '../core/service';
import { checkAnnotations, checkDnsLabel, checkHostname, checkInstance, checkInteger, checkInterface, checkSecretValue, invalid } from '../core/validate';
import { DisruptionBudget, Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { IngressTls, renderIngress } from '../core/ingress';
import { serverProbes } from '../core/server-probes';
import { IBucket } from '../storage/object-store';
import { renderSharingHubConfig, SharingHubConfigProps, SharingHubWiring } from './config';
import { IGitLab } from './gitlab';
import { durationIn } from '../core/duration';

/** The version of sharinghub (chart 0.3.0, server 0.3.0) this construct renders settings for. */
export const SHARINGHUB_VERSION = '0.3.0';

/** Exposure of SharingHub (and, through {@link MlflowSharingHub}, MLflow under `/mlflow`). */
export interface SharingHubIngress {
  /** `sharinghub.example.com` */
  readonly host: string;
  /** `IngressTls.certManagerClusterIssuer('letsencrypt-prod')` or `IngressTls.existingSecret('sharinghub-tls')`. */
  readonly tls: IngressTls;
  /** @default "nginx" */
  readonly className?: string;
  /** Where the ingress controller runs, for the NetworkPolicy allows. @default Peer.namespace('ingress-nginx') */
  readonly controller?: Peer;
  /**
   * Where pods of this cluster reach `https://<host>` (MLflow's calls to SHARINGHUB_URL, the smoke
   * test): the controller pods where public names hairpin inside the cluster, else the load
   * balancer's addresses (`Platform.publicEndpointPeer` decides).
   * @default - the controller
   */
  readonly publicEndpoint?: Peer;
  /**
   * Extra annotations.
   * @default - `nginx.ingress.kubernetes.io/proxy-body-size: 10g` (the EOEPCA MLOps building block's, for large uploads to the store)
   */
  readonly annotations?: Record<string, string>;
}

/**
 * The scopes SharingHub 0.3.0 asks GitLab for at login (csgroup-oss/sharinghub-server 0.3.0,
 * app/auth/api.py, init_oauth). GitLab refuses an authorization request for a scope its OAuth
 * application does not have (invalid_scope: GitLab authorizes through Doorkeeper, whose
 * lib/doorkeeper/oauth/helpers/scope_checker.rb accepts only scopes within the application's), so
 * the application needs all of them; the EOEPCA guide's `openid`, `read_user`, `read_api` are not enough.
 */
export const SHARINGHUB_GITLAB_SCOPES: readonly string[] = ['openid', 'email', 'profile', 'read_user', 'api', 'read_repository', 'write_repository'];

/** Where GitLab sends the browser back to: the auth router under `/api` (sharinghub-server 0.3.0, app/main.py, app/router.py, app/auth/views.py). */
export const SHARINGHUB_OAUTH_CALLBACK_PATH = '/api/auth/login/callback';

/** The GitLab OAuth application SharingHub logs users in with (Admin Area > Applications). */
export interface SharingHubOAuth {
  readonly clientId: SecretValue;
  readonly clientSecret: SecretValue;
  /**
   * A token used for anonymous visitors (`GITLAB_OAUTH_DEFAULT_TOKEN`, a read_api token of a robot account).
   * @default - none: anonymous visitors see only what `allowPublic` shows
   */
  readonly defaultToken?: SecretValue;
}

/** The S3 store for large files (DVC), `s3.*` of the config file. */
export interface SharingHubStore {
  readonly bucket: IBucket;
  /** `s3.presigned-expiration`, in whole seconds; S3 allows at most 7 days. @default - the server's 1 hour */
  readonly presignedExpiration?: Duration;
}

export interface SharingHubProps extends Pick<ComponentIdentity, 'partOf'> {
  readonly gitlab: IGitLab;
  readonly ingress: SharingHubIngress;
  /** Signs the session cookie (`SESSION_SECRET_KEY`). */
  readonly sessionSecret: SecretValue;
  readonly oauth: SharingHubOAuth;
  /** The config file's catalog, tags and UI settings. */
  readonly config: SharingHubConfigProps;
  /** @default - no S3 store (the `store-s3` feature is unavailable) */
  readonly store?: SharingHubStore;
  /** @default "sharinghub" */
  readonly name?: string;
  /** @default "eoepca/sharinghub:0.3.0" */
  readonly image?: string;
  /** Sessions are signed cookies, so replicas share nothing. @default 1 */
  readonly replicas?: number;
  /** gunicorn workers (`GUNICORN_WORKERS`; the image's default is 2 per CPU of the node). @default 2 */
  readonly workers?: number;
  /** @default - 100m/1000m CPU, 256Mi/1Gi memory */
  readonly resources?: ResourceRequirements;
}

const PORT = 8000;
/**
 * The user of both EOEPCA images (SharingHub's `app`, MLflow SharingHub's `mlflow`): `useradd -mrU`
 * in a python slim-bookworm stage, the first system uid and gid Debian hands out (999).
 * @internal
 */
export const EOEPCA_IMAGE_USER: RunAs = { uid: 999, gid: 999 };
const CONFIG_DIR = '/etc/sharinghub';

/**
 * SharingHub (server + web UI in one image): a Deployment whose config file is rendered from
 * typed props into a ConfigMap at `CONFIG_PATH`, secrets from references in the environment, a
 * Service on 8000, and an Ingress `sharinghub.<domain>`.
 */
export class SharingHub extends WorkloadComponent {
  /** The version of sharinghub (chart 0.3.0, server 0.3.0) this construct renders settings for. */
  public static readonly VERSION = SHARINGHUB_VERSION;

  /**
   * The scopes SharingHub 0.3.0 asks GitLab for at login (csgroup-oss/sharinghub-server 0.3.0,
   * app/auth/api.py, init_oauth). GitLab refuses an authorization request for a scope its OAuth
   * application does not have (invalid_scope: GitLab authorizes through Doorkeeper, whose
   * lib/doorkeeper/oauth/helpers/scope_checker.rb accepts only scopes within the application's), so
   * the application needs all of them; the EOEPCA guide's `openid`, `read_user`, `read_api` are not enough.
   */
  public static readonly GITLAB_SCOPES = SHARINGHUB_GITLAB_SCOPES;

  /** Where GitLab sends the browser back to: the auth router under `/api` (sharinghub-server 0.3.0, app/main.py, app/router.py, app/auth/views.py). */
  public static readonly OAUTH_CALLBACK_PATH = SHARINGHUB_OAUTH_CALLBACK_PATH;

  public static readonly DEFAULT_IMAGE = `eoepca/sharinghub:${SHARINGHUB_VERSION}`;
  public readonly port = PORT;
  /** The Deployment (also `node.defaultChild`). */
  public readonly resource: k8s.KubeDeployment;
  /** `https://sharinghub.example.com` */
  public readonly url: string;
  public readonly host: string;
  /** The TLS Secret of the host (shared with the MLflow Ingress). */
  public readonly tlsSecretName: string;
  public readonly ingressClassName: string;
  public readonly controller: Peer;
  /** Where pods of this cluster reach the public URL (see {@link SharingHubIngress.publicEndpoint}). */
  public readonly publicEndpoint: Peer;
  public readonly serviceName: string;
  private mlflow?: { type: 'mlflow-sharinghub'; url: string };

  constructor(scope: Construct, id: string, props: SharingHubProps) {
    super(scope, id, props);
    const name = props.name ?? 'sharinghub';
    this.attachWorkload(new Workload(this, 'Workload', { owner: this, name: 'sharinghub', instance: name, component: 'server', partOf: props.partOf }));
    checkSharingHubProps(this, props);
    const replicas = checkInteger(this, 'replicas', props.replicas ?? 1, 1, 20);
    const workers = checkInteger(this, 'workers', props.workers ?? 2, 1, 32);
    const image = ContainerImage.fromReference(props.image ?? SharingHub.DEFAULT_IMAGE, this, 'image');
    this.host = checkHostname(this, 'ingress.host', props.ingress.host);
    this.url = `https://${this.host}`;
    this.ingressClassName = checkDnsLabel(this, 'ingress.className', props.ingress.className ?? 'nginx');
    [this.controller, this.publicEndpoint] = this.resolveIngressPeers(props.ingress);
    this.tlsSecretName = props.ingress.tls.secretName(name);
    this.serviceName = name;

    // Validate now (errors at construction, with the prop path); render at synth so a later
    // attachMlflow() counts.
    const config = () => renderSharingHubConfig(this, props.config, this.wiring(props));
    config();
    const configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${name}-config`, labels: this.workload.labels },
      data: { 'config.yaml': Lazy.any({ produce: () => YAML.stringify(config(), { lineWidth: 0 }) }) as unknown as string },
    });
    props.gitlab.grantConnect(this, 'sharinghub: GitLab API (projects, topics, OAuth)');
    const server = this.renderServer(props, image, workers);
    renderService(this, 'Service', { name, labels: this.workload.labels, selector: this.workload.podSelector, ports: [{ name: 'http', port: PORT, targetPort: 'http' }] });
    this.resource = this.renderDeployment(name, replicas, server, configMap.name, () => checksum(YAML.stringify(config())));
    if (replicas > 1) this.workload.addDisruptionBudget(DisruptionBudget.minAvailable(replicas - 1));
    this.renderIngress(props, name);
  }

  /** The controller pods (Ingress traffic in) and where pods reach the public URL (egress). */
  private resolveIngressPeers(ingress: SharingHubIngress): [Peer, Peer] {
    if (ingress.controller !== undefined) {
      checkInstance(this, 'ingress.controller', ingress.controller, Peer, 'a Peer', 'pass Peer.namespace("ingress-nginx")');
    }
    if (ingress.publicEndpoint !== undefined) {
      checkInstance(this, 'ingress.publicEndpoint', ingress.publicEndpoint, Peer, 'a Peer', 'pass platform.publicEndpointPeer');
    }
    const controller = ingress.controller ?? Peer.namespace('ingress-nginx');
    return [controller, ingress.publicEndpoint ?? controller];
  }

  /**
   * Points the config file's `mlflow` section at an MLflow SharingHub (called by
   * {@link MlflowSharingHub}); SharingHub itself never calls it, the UI links to it.
   * @internal
   */
  public _attachMlflow(url: string): void {
    if (this.mlflow && this.mlflow.url !== url) {
      invalid(this, 'mlflow', 'is already attached to another MLflow SharingHub', url, 'create one MlflowSharingHub per SharingHub');
    }
    this.mlflow = { type: 'mlflow-sharinghub', url };
  }

  /** The config file's wired parts: GitLab, the attached MLflow, the S3 store. */
  private wiring(props: SharingHubProps): SharingHubWiring {
    return {
      gitlabUrl: props.gitlab.url,
      ...(this.mlflow ? { mlflow: this.mlflow } : {}),
      ...(props.store ? {
        s3: {
          bucket: props.store.bucket.bucketName,
          region: props.store.bucket.store.region,
          endpoint: props.store.bucket.store.endpointUrl,
          presignedExpirationSeconds: props.store.presignedExpiration?.toSeconds(),
        },
      } : {}),
    };
  }

  /** The server container: config file path, workers, secrets by reference, the S3 keys when the store has keys. */
  private renderServer(props: SharingHubProps, image: ContainerImage, workers: number): ContainerSpec {
    const s3Env: Array<[string, EnvValue]> = [];
    if (props.store) {
      const store = props.store.bucket.store;
      store.grantConnect(this, 'sharinghub: S3 store for large files');
      if (store.credentials) {
        s3Env.push(['S3_ACCESS_KEY', EnvValue.fromSecret(store.credentials.accessKeyId)]);
        s3Env.push(['S3_SECRET_KEY', EnvValue.fromSecret(store.credentials.secretAccessKey)]);
      }
    }
    return {
      name: 'sharinghub',
      image,
      env: [
        ['CONFIG_PATH', EnvValue.literal(`${CONFIG_DIR}/config.yaml`)],
        ['GUNICORN_WORKERS', EnvValue.literal(String(workers))],
        ['SESSION_SECRET_KEY', EnvValue.fromSecret(props.sessionSecret)],
        ['GITLAB_OAUTH_CLIENT_ID', EnvValue.fromSecret(props.oauth.clientId)],
        ['GITLAB_OAUTH_CLIENT_SECRET', EnvValue.fromSecret(props.oauth.clientSecret)],
        ...(props.oauth.defaultToken ? [['GITLAB_OAUTH_DEFAULT_TOKEN', EnvValue.fromSecret(props.oauth.defaultToken)]] as Array<[string, EnvValue]> : []),
        ...s3Env,
      ],
      ports: { http: PORT },
      resources: props.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
      ...serverProbes('/status', 30),
      volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }],
      // gunicorn's worker heartbeat files and Python's temporary files.
      writableDirs: ['/tmp'],
    };
  }

  private renderDeployment(name: string, replicas: number, server: ContainerSpec, configMapName: string, configChecksum: () => string): k8s.KubeDeployment {
    return new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name, labels: this.workload.labels },
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.workload.podSelector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          ...this.workload.podTemplate({
            runAs: EOEPCA_IMAGE_USER,
            longRunning: true,
            containers: [server],
            volumes: [{ name: 'config', configMap: { name: configMapName } }],
          }),
          // A changed config file rolls the pods (the server reads it once, at start).
          metadata: {
            labels: this.workload.labels,
            annotations: { 'checksum/config': Lazy.any({ produce: configChecksum }) as unknown as string },
          },
        },
      },
    });
  }

  /** The Ingress `sharinghub.<domain>` (large uploads allowed by default) and the controller's allow. */
  private renderIngress(props: SharingHubProps, name: string): void {
    this.workload.allowFrom(this.controller, Port.tcp(PORT), 'ingress controller: SharingHub UI and API');
    renderIngress(this, 'Ingress', {
      name,
      labels: this.workload.labels,
      annotations: { ...(props.ingress.annotations ?? { 'nginx.ingress.kubernetes.io/proxy-body-size': '10g' }), ...props.ingress.tls.annotations },
      className: this.ingressClassName,
      host: this.host,
      tlsSecretName: this.tlsSecretName,
      serviceName: name,
    });
  }

  /** Lets a workload of this app call SharingHub's API in the cluster. */
  public grantConnect(client: IWorkload, description: string): void {
    this.workload.allowFrom(Peer.workload(client), Port.tcp(PORT), description);
  }
}

/** The required props and the secret, GitLab, ingress and store shapes. */
function checkSharingHubProps(scope: SharingHub, props: SharingHubProps): void {
  for (const p of ['gitlab', 'ingress', 'sessionSecret', 'oauth', 'config'] as const) {
    if (!props[p]) invalid(scope, p, 'is required', undefined, `pass ${p} (see SharingHubProps)`);
  }
  checkSecretValue(scope, 'sessionSecret', props.sessionSecret, SecretValue, 'pass SecretValue.fromSecret("sharinghub", "session-secret-key") or an ExternalSecret value');
  checkInterface(scope, 'gitlab', props.gitlab, 'grantConnect', 'a GitLab (an IGitLab)', 'pass GitLab.fromExisting(chart, "gitlab", { url: "https://gitlab.example.com" }) or a GitLabChart');
  checkSecretValue(scope, 'oauth.clientId', props.oauth.clientId, SecretValue, 'pass SecretValue.fromSecret("sharinghub-oidc", "client-id")');
  checkSecretValue(scope, 'oauth.clientSecret', props.oauth.clientSecret, SecretValue, 'pass SecretValue.fromSecret("sharinghub-oidc", "client-secret")');
  if (props.oauth.defaultToken !== undefined) {
    checkSecretValue(scope, 'oauth.defaultToken', props.oauth.defaultToken, SecretValue, 'pass SecretValue.fromSecret("sharinghub-oidc", "default-token")');
  }
  checkInstance(scope, 'ingress.tls', props.ingress.tls, IngressTls, 'an IngressTls', 'pass IngressTls.certManagerClusterIssuer("letsencrypt-prod") or IngressTls.existingSecret("sharinghub-tls")');
  checkAnnotations(scope, 'ingress.annotations', props.ingress.annotations);
  if (props.store !== undefined) {
    checkInterface(scope, 'store.bucket', props.store.bucket, 's3Uri', 'a bucket (an IBucket)', 'pass bucket: store.bucket("sharinghub")');
    // S3 presigned URLs live at most 7 days (SigV4).
    if (props.store.presignedExpiration !== undefined) durationIn(scope, 'store.presignedExpiration', props.store.presignedExpiration, 'seconds', 1, 604800);
  }
}

/** A short digest of the config file, to roll the pods when it changes. */
function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
