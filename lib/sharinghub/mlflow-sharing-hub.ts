import * as path from 'path';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { renderScriptVolume } from '../core/batch';
import { ConnectionGraph, Peer } from '../core/connections';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { ComponentIdentity } from '../core/labels';
import { ContainerSpec, EnvValue } from '../core/pod';
import { Port } from '../core/port';
import { ResourceRequirements } from '../core/resources';
import { SecretValue } from '../core/secret-value';
import { readScript } from '../core/script-file';
import { renderService } from '../core/service';
import { checkInstance, checkInteger, checkInterface, checkSecretValue, invalid } from '../core/validate';
import { sizeProp } from '../core/quantity';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { DatabaseEngine, IDatabase } from '../storage/database';
import { artifactStoreEnv, identityOf } from '../storage/cloud-object-store';
import { IBucket } from '../storage/object-store';
import { IGitLab } from './gitlab';
import { EOEPCA_IMAGE_USER, SharingHub } from './sharing-hub';
import { renderIngress } from '../core/ingress';
import { serverProbes } from '../core/server-probes';

/** The version of mlflow-sharinghub (chart 0.2.0, MLflow 2.14) this construct renders settings for. */
export const MLFLOW_SHARINGHUB_VERSION = '0.2.0';

/** How MLflow SharingHub decides who a request is (its `auth/api.py`). */
export class MlflowSharingHubAuth {
  /**
   * The EOEPCA MLOps building block's mode: the browser's SharingHub session cookie (or a GitLab token sent as bearer)
   * is checked against SharingHub's `/api/auth/info`, and project permissions come from
   * SharingHub. `GITLAB_URL` is deliberately not set: in 0.2.0 it switches the plugin to GitLab
   * mode, which ignores the SharingHub cookie. The cookie names agree without configuration:
   * `SHARINGHUB_SESSION_COOKIE` defaults to `sharinghub-session` (csgroup-oss/mlflow-sharinghub
   * 0.2.0, src/mlflow_sharinghub/config.py), as does SharingHub's `server.session.cookie`
   * (csgroup-oss/sharinghub-server 0.3.0, app/settings.py), set by Starlette's SessionMiddleware
   * with path `/`, so the browser sends it to `/mlflow/` on the same host.
   */
  public static sharingHub(): MlflowSharingHubAuth {
    return new MlflowSharingHubAuth(undefined);
  }
  /**
   * GitLab mode (`GITLAB_URL`): MLflow runs its own OAuth login against GitLab (an OAuth
   * application whose redirect URI is `https://<host>/mlflow/auth/authorize`) and checks bearer
   * tokens against GitLab's API.
   */
  public static gitlab(options: MlflowGitLabAuthOptions): MlflowSharingHubAuth {
    return new MlflowSharingHubAuth(options);
  }
  private constructor(public readonly gitlab: MlflowGitLabAuthOptions | undefined) {}
}

export interface MlflowGitLabAuthOptions {
  readonly gitlab: IGitLab;
  readonly clientId: SecretValue;
  readonly clientSecret: SecretValue;
  /** `GITLAB_MANDATORY_TOPICS`: projects need these topics to be tracked. @default - none */
  readonly mandatoryTopics?: string[];
}

export interface MlflowSharingHubProps extends Pick<ComponentIdentity, 'partOf'> {
  /** The SharingHub it belongs to: its host, TLS and ingress controller serve MLflow under `path`. */
  readonly sharingHub: SharingHub;
  /** The backend store. PostgreSQL only: the password reaches libpq as `PGPASSWORD`, never in the URI. */
  readonly database: IDatabase;
  /** The artifacts destination (`--artifacts-destination s3://<bucket>`), proxied by the server. */
  readonly artifacts: IBucket;
  /** Flask's `SECRET_KEY` (signs MLflow's session cookie). Without it each worker would pick its own. */
  readonly secretKey: SecretValue;
  /** `SHARINGHUB_STAC_COLLECTION`: the category whose projects have tracking. @default "ai-model" */
  readonly stacCollection?: string;
  /**
   * `SHARINGHUB_AUTH_DEFAULT_TOKEN`: treat requests without credentials as SharingHub's default
   * token user (needs `oauth.defaultToken` on SharingHub).
   * @default false (the EOEPCA MLOps building block's)
   */
  readonly authDefaultToken?: boolean;
  /** @default MlflowSharingHubAuth.sharingHub() */
  readonly auth?: MlflowSharingHubAuth;
  /** @default "mlflow-sharinghub" */
  readonly name?: string;
  /** @default "eoepca/mlflow-sharinghub:0.2.0" */
  readonly image?: string;
  /**
   * Must be 1: sessions are a cachelib `FileSystemCache` in the pod's working directory
   * (`/home/mlflow/_sessions`), so a second replica would not know the sessions the first one made.
   * @default 1
   */
  readonly replicas?: number;
  /** gunicorn workers (`--workers`; they share the pod's session directory). @default 4 (the chart's) */
  readonly workers?: number;
  /** @default - 100m/1000m CPU, 512Mi/2Gi memory */
  readonly resources?: ResourceRequirements;
  /** `/tmp`, where proxied artifact uploads are buffered: `Size.gibibytes(10)`. @default Size.gibibytes(10) */
  readonly scratchSize?: Size;
  /**
   * Also send `X-Script-Name: /mlflow`, which the plugin prefixes to its own redirects (login,
   * logout). It needs an ingress-nginx that allows snippet annotations (`allow-snippet-annotations`,
   * off by default since 1.9).
   * @default false: the UI, API and artifacts work under /mlflow/; the plugin's login page links
   * point at the host root
   */
  readonly forwardScriptName?: boolean;
}

const PORT = 5000;
const HOME = '/home/mlflow';
/** The path MLflow is served under on the SharingHub host (the EOEPCA MLOps building block validates `/mlflow/`). */
export const MLFLOW_SHARINGHUB_PATH = '/mlflow';

/**
 * MLflow SharingHub: MLflow 2.14 with the SharingHub plugin (`--app-name sharinghub`), PostgreSQL
 * backend store (schema migrated by an init container running `db_upgrade.py`), S3 artifacts, `/health` probes, a Service
 * on 5000, and an Ingress on the SharingHub host that serves it at `/mlflow/` (rewritten to `/`).
 */
export class MlflowSharingHub extends WorkloadComponent {
  /** The version of mlflow-sharinghub (chart 0.2.0, MLflow 2.14) this construct renders settings for. */
  public static readonly VERSION = MLFLOW_SHARINGHUB_VERSION;

  /** The path MLflow is served under on the SharingHub host (the EOEPCA MLOps building block validates `/mlflow/`). */
  public static readonly PATH = MLFLOW_SHARINGHUB_PATH;

  public static readonly DEFAULT_IMAGE = `eoepca/mlflow-sharinghub:${MLFLOW_SHARINGHUB_VERSION}`;
  public readonly port = PORT;
  /** The Deployment (also `node.defaultChild`). */
  public readonly resource: k8s.KubeDeployment;
  /** `https://sharinghub.example.com/mlflow` */
  public readonly url: string;
  /** In-cluster tracking URI. */
  public readonly trackingUri: string;

  constructor(scope: Construct, id: string, props: MlflowSharingHubProps) {
    super(scope, id, props);
    const name = props.name ?? 'mlflow-sharinghub';
    this.attachWorkload(new Workload(this, 'Workload', { owner: this, name: 'mlflow-sharinghub', instance: name, component: 'tracking-server', partOf: props.partOf }));
    const { db, workers, scratchSize, collection, image, hub, auth } = this.resolve(props);
    this.url = `${hub.url}${MLFLOW_SHARINGHUB_PATH}`;
    this.trackingUri = `http://${name}.${this.workload.namespace}.svc.cluster.local:${PORT}`;
    hub._attachMlflow(this.url);

    const store = props.artifacts.store;
    if (identityOf(store)) {
      invalid(this, 'artifacts', 'must be on a store with access keys or none (mlflow-sharinghub gets no workload identity: its ServiceAccount carries no cloud annotations)',
        props.artifacts.bucketName, 'pass a bucket of a Minio, or of ObjectStore.fromExisting(...) with credentials');
    }
    db.grantConnect(this, 'mlflow-sharinghub backend store');
    store.grantConnect(this, 'mlflow-sharinghub artifact store');
    // SHARINGHUB_URL is the public URL (the browser is redirected to its login), so the server's
    // calls to /api/auth/info and the STAC API go through the ingress controller.
    ConnectionGraph.of(this).allow(Peer.workload(this), hub.publicEndpoint, Port.tcp(443), 'mlflow-sharinghub: SharingHub API (auth, projects) at SHARINGHUB_URL');
    if (auth.gitlab) auth.gitlab.gitlab.grantConnect(this, 'mlflow-sharinghub: GitLab API and OAuth');

    const { dbEnv, serverEnv } = this.renderEnv(props, name, db, auth);
    this.resource = this.renderPod(props, name, { image, workers, scratchSize, collection, hub }, dbEnv, serverEnv);
    this.workload.allowFrom(hub.controller, Port.tcp(PORT), 'ingress controller: MLflow under /mlflow');
    this.renderIngresses(hub, name, props.forwardScriptName ?? false);
  }

  /** The props with their defaults, checked. */
  private resolve(props: MlflowSharingHubProps) {
    if (!(props.sharingHub instanceof SharingHub)) {
      invalid(this, 'sharingHub', 'must be a SharingHub construct', typeof props.sharingHub, 'pass sharingHub: new SharingHub(chart, "sharinghub", { ... })');
    }
    for (const p of ['database', 'artifacts', 'secretKey'] as const) {
      if (!props[p]) invalid(this, p, 'is required', undefined, `pass ${p} (see MlflowSharingHubProps)`);
    }
    checkInterface(this, 'database', props.database, 'grantConnect', 'a database (an IDatabase)', 'pass a Postgres, or Database.fromExisting(..., { engine: DatabaseEngine.POSTGRESQL, ... })');
    checkInterface(this, 'artifacts', props.artifacts, 's3Uri', 'a bucket (an IBucket)', 'pass artifacts: store.bucket("mlflow")');
    checkSecretValue(this, 'secretKey', props.secretKey, SecretValue, 'pass SecretValue.fromSecret("mlflow-sharinghub", "secret-key")');
    const db = props.database;
    if (db.engine !== DatabaseEngine.POSTGRESQL) {
      invalid(this, 'database', 'must be PostgreSQL (the password reaches libpq as PGPASSWORD, which only PostgreSQL reads)', db.engine.sqlalchemyScheme,
        'pass a Postgres or Database.fromExisting(..., { engine: DatabaseEngine.POSTGRESQL, ... })');
    }
    const replicas = props.replicas ?? 1;
    if (replicas !== 1) {
      invalid(this, 'replicas', 'must be 1: mlflow-sharinghub 0.2.0 keeps sessions in files of the pod (/home/mlflow/_sessions), so a second replica would not know them', replicas,
        'remove replicas (scale the gunicorn workers with workers instead)');
    }
    const workers = checkInteger(this, 'workers', props.workers ?? 4, 1, 32);
    const scratchSize = sizeProp(this, 'scratchSize', props.scratchSize, Size.gibibytes(10));
    const collection = props.stacCollection ?? 'ai-model';
    if (typeof collection !== 'string' || collection.length > 63 || !/^[a-z0-9][a-z0-9-]*$/.test(collection)) {
      invalid(this, 'stacCollection', 'must be a SharingHub category id', collection, 'use a category id such as "ai-model"');
    }
    const image = ContainerImage.fromReference(props.image ?? MlflowSharingHub.DEFAULT_IMAGE, this, 'image');
    const hub = props.sharingHub;
    const auth = checkInstance(this, 'auth', props.auth ?? MlflowSharingHubAuth.sharingHub(), MlflowSharingHubAuth, 'an MlflowSharingHubAuth',
      'pass MlflowSharingHubAuth.sharingHub() or MlflowSharingHubAuth.gitlab({ gitlab, clientId, clientSecret })');
    if (auth.gitlab) {
      checkInterface(this, 'auth.gitlab.gitlab', auth.gitlab.gitlab, 'grantConnect', 'a GitLab (an IGitLab)', 'pass GitLab.fromExisting(chart, "gitlab", { url: "https://gitlab.example.com" })');
      checkSecretValue(this, 'auth.gitlab.clientId', auth.gitlab.clientId, SecretValue, 'pass SecretValue.fromSecret("mlflow-gitlab-oauth", "client-id")');
      checkSecretValue(this, 'auth.gitlab.clientSecret', auth.gitlab.clientSecret, SecretValue, 'pass SecretValue.fromSecret("mlflow-gitlab-oauth", "client-secret")');
      (auth.gitlab.mandatoryTopics ?? []).forEach((t, i) => {
        if (typeof t !== 'string' || t === '' || t.includes(',')) invalid(this, `auth.gitlab.mandatoryTopics[${i}]`, 'must be a GitLab topic without ","', t, 'write it as "sharinghub:aimodel"');
      });
    }
    return { db, workers, scratchSize, collection, image, hub, auth };
  }

  /** The settings ConfigMap, and the environment: the backend store (no password in the URI), the artifact store, GitLab mode's client. */
  private renderEnv(props: MlflowSharingHubProps, name: string, db: IDatabase, auth: MlflowSharingHubAuth) {
    const settings = new k8s.KubeConfigMap(this, 'Settings', {
      metadata: { name: `${name}-settings`, labels: this.workload.labels },
      data: { 'auth-default-token': String(props.authDefaultToken ?? false) },
    });
    const backendUri = db.engine._sqlalchemyUri(db);
    const dbEnv: Array<[string, EnvValue]> = [
      // No password in the URI: psycopg2 (libpq) reads it from PGPASSWORD.
      ['MLFLOW_BACKEND_STORE_URI', EnvValue.literal(backendUri)],
      ['PGPASSWORD', EnvValue.fromSecret(db.password)],
    ];
    const s3Env = artifactStoreEnv(props.artifacts.store);
    const gitlabEnv: Array<[string, EnvValue]> = auth.gitlab ? [
      ['GITLAB_URL', EnvValue.literal(auth.gitlab.gitlab.url)],
      ['GITLAB_OAUTH_CLIENT_ID', EnvValue.fromSecret(auth.gitlab.clientId)],
      ['GITLAB_OAUTH_CLIENT_SECRET', EnvValue.fromSecret(auth.gitlab.clientSecret)],
      ...(auth.gitlab.mandatoryTopics?.length ? [['GITLAB_MANDATORY_TOPICS', EnvValue.literal(auth.gitlab.mandatoryTopics.join(','))]] as Array<[string, EnvValue]> : []),
    ] : [];
    return { dbEnv, serverEnv: { settings, s3Env, gitlabEnv } };
  }

  /** The migration init container, the server, the Service and the Deployment (one pod: sessions are files). */
  private renderPod(props: MlflowSharingHubProps, name: string, r: { image: ContainerImage; workers: number; scratchSize: string; collection: string; hub: SharingHub },
    dbEnv: Array<[string, EnvValue]>, e: { settings: k8s.KubeConfigMap; s3Env: Array<[string, EnvValue]>; gitlabEnv: Array<[string, EnvValue]> }): k8s.KubeDeployment {
    const { image, workers, scratchSize, collection, hub } = r;
    const { settings, s3Env, gitlabEnv } = e;
    const resources = props.resources ?? { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '2Gi' } };

    const migrate = renderMigration(this, this.workload, name, image, dbEnv, resources);
    const server: ContainerSpec = {
      name: 'mlflow',
      image,
      command: [
        'mlflow', 'server', '--app-name', 'sharinghub',
        '--host', '0.0.0.0', '--port', String(PORT), '--workers', String(workers),
        '--backend-store-uri', '$(MLFLOW_BACKEND_STORE_URI)',
        '--serve-artifacts', '--artifacts-destination', props.artifacts.s3Uri(),
      ],
      env: [
        ['HOME', EnvValue.literal(HOME)],
        ...dbEnv,
        ...s3Env,
        ['SECRET_KEY', EnvValue.fromSecret(props.secretKey)],
        ['SHARINGHUB_URL', EnvValue.literal(hub.url)],
        ['SHARINGHUB_STAC_COLLECTION', EnvValue.literal(collection)],
        ['SHARINGHUB_AUTH_DEFAULT_TOKEN', EnvValue.fromConfigMap(settings.name, 'auth-default-token')],
        ...gitlabEnv,
      ],
      ports: { http: PORT },
      resources,
      ...serverProbes('/health', 60),
      // The session files (cwd-relative `_sessions`) and the upload buffer.
      writableDirs: [`${HOME}/_sessions`, { path: '/tmp', sizeLimit: scratchSize }],
    };

    renderService(this, 'Service', { name, labels: this.workload.labels, selector: this.workload.podSelector, ports: [{ name: 'http', port: PORT, targetPort: 'http' }] });
    return new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name, labels: this.workload.labels },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.workload.podSelector },
        // One pod at a time: the sessions of the old pod are gone with it anyway.
        strategy: { type: 'Recreate' },
        template: this.workload.podTemplate({ runAs: EOEPCA_IMAGE_USER, longRunning: true, initContainers: [migrate.container], containers: [server], volumes: [migrate.volume] }),
      },
    });
  }

  /**
   * MLflow under `/mlflow/` on the SharingHub host, its class and its certificate (no second one).
   *
   * ingress-nginx turns every path of a host into a case-insensitive regex location
   * (`~* "^<path>"`) once any Ingress on that host uses rewrite-target or use-regex, and tries
   * them longest first (kubernetes/ingress-nginx, tag controller-v1.12.8, the version the README and
   * the reachability check assume; the same in controller-v1.15.1:
   * internal/ingress/controller/template/template.go buildLocation/enforceRegexModifier,
   * internal/ingress/controller/controller.go: locations sorted by path length; #10618). An Exact
   * `/mlflow` then loses to any longer pattern that matches it, so neither pattern here may match
   * what the other serves: `/mlflow/...` is proxied, `/mlflow` alone is redirected.
   */
  private renderIngresses(hub: SharingHub, name: string, forwardScriptName: boolean): void {
    const onHub = { labels: this.workload.labels, className: hub.ingressClassName, host: hub.host, tlsSecretName: hub.tlsSecretName, serviceName: name };
    renderIngress(this, 'Ingress', {
      ...onHub,
      name,
      // No cert-manager annotation: the SharingHub Ingress owns the host's certificate.
      annotations: {
        'nginx.ingress.kubernetes.io/use-regex': 'true',
        'nginx.ingress.kubernetes.io/rewrite-target': '/$1',
        'nginx.ingress.kubernetes.io/proxy-body-size': '0',
        ...(forwardScriptName ? { 'nginx.ingress.kubernetes.io/configuration-snippet': `proxy_set_header X-Script-Name ${MLFLOW_SHARINGHUB_PATH};` } : {}),
      },
      path: `${MLFLOW_SHARINGHUB_PATH}/(.*)`,
      pathType: 'ImplementationSpecific',
    });
    // `/mlflow` without the slash would load the UI with its relative asset URLs resolved against
    // `/`, which SharingHub serves: redirect it. A regex anchored at both ends (`^/mlflow$`), so
    // it matches that path only, whichever order ingress-nginx tries the host's locations in.
    renderIngress(this, 'Redirect', {
      ...onHub,
      name: `${name}-redirect`,
      annotations: {
        'nginx.ingress.kubernetes.io/use-regex': 'true',
        'nginx.ingress.kubernetes.io/permanent-redirect': `${this.url}/`,
      },
      path: `${MLFLOW_SHARINGHUB_PATH}$`,
      pathType: 'ImplementationSpecific',
    });
  }
}

/**
 * The init container that brings the schema up to date, and the volume of its script.
 *
 * Not `mlflow db upgrade` itself: on the empty database the init script creates it fails, since the
 * first Alembic migration alters `metrics`, which only the store's own initialization creates
 * (mlflow/mlflow, mlflow/store/db_migrations/versions/451aebb31d03_add_metric_step.py: down_revision
 * None, op.add_column("metrics", ...); mlflow/db.py `upgrade` runs the migrations alone), so the pod
 * crash-looped on first install. The image pins mlflow~=2.14.1 and runs `mlflow server --app-name
 * sharinghub` with no ENTRYPOINT, as user mlflow on python:3.12-slim with PYTHONDONTWRITEBYTECODE=1
 * (csgroup-oss/mlflow-sharinghub, tag 0.2.0, pyproject.toml and Dockerfile;
 * .github/workflows/publish.yml pushes that build as eoepca/mlflow-sharinghub), so `python` runs the
 * TrackingServer's db_upgrade.py: an empty database is left to `mlflow server`, which creates the
 * schema at start (mlflow/cli.py `server` calls initialize_backend_stores before any worker); an
 * existing one is migrated. psycopg2 (libpq) reads the password from PGPASSWORD; the URI holds none.
 */
function renderMigration(owner: Construct, w: Workload, name: string, image: ContainerImage, dbEnv: Array<[string, EnvValue]>, resources: ResourceRequirements): { container: ContainerSpec; volume: k8s.Volume } {
  const scripts = renderScriptVolume(owner, 'Scripts', w, {
    name: `${name}-scripts`,
    volumeName: 'scripts',
    files: { 'db_upgrade.py': readScript(path.join(__dirname, '..', 'mlflow'), 'db_upgrade.py') },
  });
  const container: ContainerSpec = {
    name: 'db-upgrade',
    image,
    command: ['python', scripts.path('db_upgrade.py')],
    env: [['HOME', EnvValue.literal(HOME)], ...dbEnv],
    resources,
    volumeMounts: [scripts.mount],
    writableDirs: ['/tmp'],
  };
  return { container, volume: scripts.volume };
}
