/**
 * Seed 000: the EOEPCA MLOps building block (deployment guide 2.0-beta1): SharingHub 0.3.0 and
 * MLflow SharingHub 0.2.0 in namespace `sharinghub`, served at `https://sharinghub.<domain>` and
 * `https://sharinghub.<domain>/mlflow/`, with a PostgreSQL for MLflow, the MinIO building block's S3
 * endpoint for the store and the artifacts, GitLab (an existing instance, or the official chart
 * through Argo CD), and the guide's validation as a PostSync smoke test.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import {
  AppNotes, ExternalSecret, GitLab, GitLabChart, IdentityProvider, IGitLab, IngressTls,
  MlflowSharingHub, Namespace, ObjectStore, Peer, Platform, Postgres, SecretStoreRef, SecretValue,
  SharingHub, SharingHubAlertType, SharingHubConfigProps, SharingHubSmokeTest, ValidationError,
} from '../lib';

export interface EoepcaMlopsOptions {
  /** `INGRESS_HOST`: SharingHub is `sharinghub.<domain>`, GitLab `gitlab.<domain>`. @default "example.com" */
  readonly domain?: string;
  /** `CLUSTER_ISSUER` (cert-manager). Conflicts with `tlsSecret`. @default "letsencrypt-prod" */
  readonly clusterIssuer?: string;
  /** Without cert-manager: the existing TLS Secret of `sharinghub.<domain>` (the guide's `sharinghub-tls`). @default - clusterIssuer */
  readonly tlsSecret?: string;
  /** @default "nginx" */
  readonly ingressClassName?: string;
  /** The ingress controller's namespace. @default "ingress-nginx" */
  readonly ingressNamespace?: string;
  /**
   * The cluster: where DNS runs, and where public names of the ingress controller lead (EOEPCA's
   * ingress guide runs ingress-nginx behind an external load balancer: no hairpin, so egress to
   * `*.<domain>` goes to the load balancer's addresses, any address unless given).
   * @default Platform.generic({ ingressController: { namespace: ingressNamespace, hairpin: false } })
   */
  readonly platform?: Platform;
  /** `S3_ENDPOINT` (the MinIO building block). @default "https://minio.<domain>" */
  readonly s3Endpoint?: string;
  /** `S3_REGION`. @default "us-east-1" */
  readonly s3Region?: string;
  /** `S3_BUCKET_SHARINGHUB`. @default "mlopbb-sharinghub" */
  readonly sharinghubBucket?: string;
  /** `S3_BUCKET_MLFLOW`. @default "mlopbb-mlflow-sharinghub" */
  readonly mlflowBucket?: string;
  /**
   * Where the S3 endpoint is, for egress rules.
   * @default - the ingress controller (the MinIO building block is served at minio.<domain> by it)
   */
  readonly s3Peer?: Peer;
  /** `OIDC_ISSUER_URL`: GitLab's login provider (used when deployGitLab). @default "https://auth.<domain>/realms/eoepca" */
  readonly oidcIssuerUrl?: string;
  /** `OIDC_CLIENT_ID` of GitLab. @default "gitlab" */
  readonly oidcClientId?: string;
  /** An existing GitLab (the guide: "can be an existing instance"). @default "https://gitlab.<domain>" */
  readonly gitlabUrl?: string;
  /** Deploy GitLab from its official chart (Argo CD Application) instead. @default false */
  readonly deployGitLab?: boolean;
  /** The ClusterSecretStore holding `eoepca/mlops`. @default "platform-secrets" */
  readonly secretStore?: string;
  /** `PERSISTENT_STORAGECLASS`. @default - the cluster's default */
  readonly storageClass?: string;
}

const NAMESPACE = 'sharinghub';
/** The Secret an operator creates after registering the SharingHub OAuth application in GitLab. */
export const SHARINGHUB_OAUTH_SECRET = 'sharinghub-oidc';

/** The guide's catalog, tags, alert and links (sharinghub/values-template.yaml), for `domain`. */
export function eoepcaSharingHubConfig(domain: string): SharingHubConfigProps {
  const gitlab = `https://gitlab.${domain}`;
  const both = ['ai-model', 'dataset'];
  return {
    allowedOrigins: ['https://eoepca.readthedocs.io'],
    allowPublic: true,
    docsUrl: 'https://sharinghub.p2.csgroup.space/docs/',
    jupyterlabUrl: `https://applicationhub.${domain}`,
    stac: {
      projectsCacheTimeout: Duration.seconds(30),
      extensions: {
        'eo': 'https://stac-extensions.github.io/eo/v1.1.0/schema.json',
        'label': 'https://stac-extensions.github.io/label/v1.0.1/schema.json',
        'sci': 'https://stac-extensions.github.io/scientific/v1.0.0/schema.json',
        'ml-model': 'https://stac-extensions.github.io/ml-model/v1.0.0/schema.json',
      },
      root: {
        id: 'gitlab',
        title: 'SharingHub brings your data and models closer.',
        description: `Your platform for collaborating on ML and NLP projects, integrated with [GitLab](${gitlab}).`,
        locales: {
          fr: {
            title: 'SharingHub rapproche vos données et vos modèles.',
            description: `Votre plateforme de collaboration sur les projets ML et NLP, intégré à [GitLab](${gitlab}).`,
          },
        },
      },
      categories: [
        {
          id: 'ai-model',
          title: 'AI Models',
          description: 'AI models are the core of our platform, go and browse them to discover our models.',
          gitlabTopic: 'sharinghub:aimodel',
          logo: 'https://data.web.p2.csgroup.space/sharinghub/ai-model.jpg',
          icon: 'https://img.icons8.com/material/24/artificial-intelligence.png',
          locales: { fr: { title: 'Modèles IA', description: "Les modèles d'IA sont au cœur de notre plateforme, allez les parcourir pour découvrir nos modèles." } },
          features: { mapViewer: true, storeS3: true, mlflow: true, jupyter: true },
        },
        {
          id: 'dataset',
          title: 'Datasets',
          description: 'Datasets are very important in the process of training an AI, discover those that we put at your disposal.',
          gitlabTopic: 'sharinghub:dataset',
          logo: 'https://data.web.p2.csgroup.space/sharinghub/datasets.jpg',
          icon: 'https://img.icons8.com/ios/50/data-backup.png',
          locales: { fr: { title: 'Jeux de données', description: "Les jeux de données sont très importants dans le processus de formation d'une IA, découvrez ceux que nous mettons à votre disposition." } },
          features: { mapViewer: true, storeS3: true, mlflow: false, jupyter: true },
        },
      ],
    },
    tags: {
      minimumCount: 1,
      sections: [
        { name: 'Computer Vision', enabledFor: both, keywords: ['Image qualification', 'Object detection', 'Image segmentation', 'Mask generation'] },
        { name: 'Multimodal', enabledFor: both, keywords: ['Feature Extraction', 'Text-to-Image', 'Image-to-3D', 'Text-to-3D'] },
        { name: 'Tabular', enabledFor: both, keywords: ['Tabular Classification', 'Tabular Regression'] },
      ],
    },
    alert: {
      timeout: Duration.days(3),
      type: SharingHubAlertType.INFO,
      title: 'Welcome to SharingHub',
      message: 'To see all projects and unlock all features, please login...',
      locales: { fr: { title: 'Bienvenue sur le SharingHub', message: 'Pour voir tous les projets et débloquer toutes les fonctionnalités, veuillez vous connecter...' } },
    },
    externalUrls: [{ name: 'Privacy', footer: true, url: `https://sharinghub.${domain}/docs/legal/privacy/`, locales: { fr: 'Confidentialité' } }],
  };
}

/** Builds the building block: chart `<id>` (namespace sharinghub) and, with deployGitLab, `<id>-gitlab`. */
export function eoepcaMlops(app: App, id: string, options: EoepcaMlopsOptions = {}): Chart {
  const chart = new Chart(app, id, { namespace: NAMESPACE, disableResourceNameHashes: true });
  const domain = options.domain ?? 'example.com';
  if (options.clusterIssuer !== undefined && options.tlsSecret !== undefined) {
    ValidationError.invalid(chart, 'tlsSecret', 'conflicts with clusterIssuer (the certificate comes from one of them)', options.tlsSecret,
      'remove clusterIssuer to use the existing secret, or remove tlsSecret to let cert-manager issue it');
  }
  const region = options.s3Region ?? 'us-east-1';
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(region)) {
    ValidationError.invalid(chart, 's3Region', 'must be an S3 region name', region, 'use the region of your S3 endpoint, such as "us-east-1"');
  }
  const tls = options.tlsSecret !== undefined ? IngressTls.existingSecret(options.tlsSecret) : IngressTls.certManagerClusterIssuer(options.clusterIssuer ?? 'letsencrypt-prod');
  const platform = (options.platform ?? Platform.generic({ ingressController: { namespace: options.ingressNamespace ?? 'ingress-nginx', hairpin: false } })).target(chart);
  // The controller's pods (Ingress traffic in), and where public names lead (egress to *.<domain>).
  const controller = platform.ingressControllerPeer;
  const publicNames = platform.publicEndpointPeer;
  new Namespace(chart, 'namespace', { dns: platform.dnsPeer });
  const partOf = 'eoepca-mlops';
  const store = SecretStoreRef.cluster(options.secretStore ?? 'platform-secrets');

  // The guide's apply-secrets.sh, as ExternalSecrets of one remote secret `eoepca/mlops`.
  const remote = (property: string) => ({ remoteKey: 'eoepca/mlops', property });
  const sharinghubSecret = new ExternalSecret(chart, 'sharinghub-secret', { name: 'sharinghub', store, data: { 'session-secret-key': remote('sharinghub-session-secret') } });
  const s3Secret = new ExternalSecret(chart, 's3-secret', { name: 'sharinghub-s3', store, data: { 'access-key': remote('s3-access-key'), 'secret-key': remote('s3-secret-key') } });
  const mlflowSecret = new ExternalSecret(chart, 'mlflow-secret', { name: 'mlflow-sharinghub', store, data: { 'secret-key': remote('mlflow-secret-key') } });
  const pgSecret = new ExternalSecret(chart, 'postgres-secret', {
    name: 'mlflow-sharinghub-postgres', store, data: { 'postgres-password': remote('mlflow-postgres-superuser-password'), 'password': remote('mlflow-postgres-password') },
  });

  const s3 = ObjectStore.fromExisting(chart, 's3', {
    endpointUrl: options.s3Endpoint ?? `https://minio.${domain}`,
    region,
    credentials: { accessKeyId: s3Secret.value('access-key'), secretAccessKey: s3Secret.value('secret-key') },
    peer: options.s3Peer ?? publicNames,
  });

  let gitlab: IGitLab;
  if (options.deployGitLab) {
    if (options.gitlabUrl !== undefined) {
      ValidationError.invalid(chart, 'gitlabUrl', 'conflicts with deployGitLab (the deployed GitLab is https://gitlab.<domain>)', options.gitlabUrl, 'remove gitlabUrl or deployGitLab');
    }
    const gitlabChart = new Chart(app, `${id}-gitlab`, { namespace: 'gitlab', disableResourceNameHashes: true });
    gitlab = new GitLabChart(gitlabChart, 'gitlab', {
      domain,
      tls: options.tlsSecret !== undefined ? IngressTls.existingSecret('gitlab-tls') : tls,
      ingressClassName: options.ingressClassName,
      controller: publicNames,
      identityProvider: IdentityProvider.fromIssuer(gitlabChart, 'oidc', {
        issuerUrl: options.oidcIssuerUrl ?? `https://auth.${domain}/realms/eoepca`,
        clientId: options.oidcClientId ?? 'gitlab',
        // GitLab's pods are the chart's; the secret reaches them through the provider file below.
        clientSecret: SecretValue.fromSecret('openid-connect', 'provider'),
      }),
      oidcClientSecret: remote('gitlab-oidc-client-secret'),
      secretStore: store,
      objectStorage: { store: s3, accessKey: remote('s3-access-key'), secretKey: remote('s3-secret-key') },
      rootPassword: remote('gitlab-root-password'),
      storageClass: options.storageClass,
    });
  } else {
    gitlab = GitLab.fromExisting(chart, 'gitlab', { url: options.gitlabUrl ?? `https://gitlab.${domain}`, peer: publicNames });
  }

  const sharinghub = new SharingHub(chart, 'sharinghub', {
    gitlab,
    ingress: { host: `sharinghub.${domain}`, tls, className: options.ingressClassName, controller, publicEndpoint: publicNames },
    sessionSecret: sharinghubSecret.value('session-secret-key'),
    // Created by hand after registering the OAuth application in GitLab (README, step 4), with
    // the scopes SharingHub asks for (SharingHub.GITLAB_SCOPES), not only the guide's three.
    oauth: { clientId: SecretValue.fromSecret(SHARINGHUB_OAUTH_SECRET, 'client-id'), clientSecret: SecretValue.fromSecret(SHARINGHUB_OAUTH_SECRET, 'client-secret') },
    config: eoepcaSharingHubConfig(domain),
    store: { bucket: s3.bucket(options.sharinghubBucket ?? 'mlopbb-sharinghub') },
    partOf,
  });
  AppNotes.of(chart).addDifference(`GitLab OAuth application (the guide's step 4): give it the scopes ${SharingHub.GITLAB_SCOPES.map((x) => `\`${x}\``).join(', ')} and the redirect URI \`${sharinghub.url}${SharingHub.OAUTH_CALLBACK_PATH}\`. The guide lists only \`openid\`, \`read_user\`, \`read_api\`, but SharingHub ${SharingHub.VERSION} asks GitLab for all of these at login, and GitLab refuses a scope the application does not have.`);
  const postgres = new Postgres(chart, 'postgres', {
    name: 'mlflow-postgres',
    superuserPassword: pgSecret.value('postgres-password'),
    database: { name: 'mlflow', user: 'mlflow', password: pgSecret.value('password') },
    storageSize: Size.gibibytes(10),
    storageClass: options.storageClass,
    partOf,
  });
  const mlflow = new MlflowSharingHub(chart, 'mlflow', {
    sharingHub: sharinghub,
    database: postgres,
    artifacts: s3.bucket(options.mlflowBucket ?? 'mlopbb-mlflow-sharinghub'),
    secretKey: mlflowSecret.value('secret-key'),
    stacCollection: 'ai-model',
    authDefaultToken: false,
    partOf,
  });
  new SharingHubSmokeTest(chart, 'smoke-test', { sharingHub: sharinghub, mlflow, partOf });
  // The guide's URLs, as ingress-nginx selects their locations on the shared host.
  const host = `sharinghub.${domain}`;
  Platform.expectRoute(chart, { description: 'browser → SharingHub UI', host, path: '/', service: sharinghub.serviceName });
  Platform.expectRoute(chart, { description: 'browser → SharingHub STAC API', host, path: '/api/stac/', service: sharinghub.serviceName });
  Platform.expectRoute(chart, { description: 'browser → /mlflow redirects to /mlflow/', host, path: '/mlflow', redirect: `https://${host}/mlflow/` });
  Platform.expectRoute(chart, { description: 'browser → MLflow UI under /mlflow/', host, path: '/mlflow/', service: mlflow.workloadName, backendPath: '/' });
  Platform.expectRoute(chart, { description: 'MLflow client → /mlflow/api/2.0/mlflow/experiments/search', host, path: '/mlflow/api/2.0/mlflow/experiments/search', service: mlflow.workloadName, backendPath: '/api/2.0/mlflow/experiments/search' });
  return chart;
}
