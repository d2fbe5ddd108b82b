import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import type * as argoTypes from '../../imports/argoproj.io';
import type * as esoTypes from '../../imports/external-secrets.io';
import { ConnectionGraph, IWorkload, Peer } from '../core/connections';
import { RemoteSecretKey, SecretStoreRef } from '../core/external-secret';
import { k8s } from '../core/k8s';
import { ARGOCD_SYNC_OPTIONS, KEEP_ON_DELETE, MANAGED_BY, standardLabels } from '../core/labels';
import { Port } from '../core/port';
import { checkDnsLabel, checkHostname, checkS3BucketName, invalid } from '../core/validate';
import { IIdentityProvider } from '../identity/identity-provider';
import { IngressTls } from '../core/ingress';
import { IObjectStore } from '../storage/object-store';
import { IGitLab } from './gitlab';
import { LibraryConstruct } from '../core/library-construct';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argo = lazyModule<typeof argoTypes>(() => require('../../imports/argoproj.io'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eso = lazyModule<typeof esoTypes>(() => require('../../imports/external-secrets.io'));

/** The official GitLab chart version this construct writes values for (GitLab 17.7). */
export const GITLAB_CHART_VERSION = '8.7.0';

/** GitLab's object storage (LFS and backups) and the keys to it, as remote keys of the secret store. */
export interface GitLabObjectStorage {
  readonly store: IObjectStore;
  readonly accessKey: RemoteSecretKey;
  readonly secretKey: RemoteSecretKey;
  /** @default "gitlab-lfs-storage" */
  readonly lfsBucket?: string;
  /** @default "gitlab-backup-storage" */
  readonly backupBucket?: string;
  /** @default "gitlab-tmp-storage" */
  readonly tmpBucket?: string;
}

export interface GitLabChartProps {
  /** GitLab is served at `gitlab.<domain>`. */
  readonly domain: string;
  readonly tls: IngressTls;
  /** @default "nginx" */
  readonly ingressClassName?: string;
  /** Where the ingress controller runs (GitLab's clients reach it through its public URL). @default Peer.namespace('ingress-nginx') */
  readonly controller?: Peer;
  /** Users log in with this OIDC provider (`openid-connect` provider secret); its client id is used. */
  readonly identityProvider: IIdentityProvider;
  /** Where the same client secret lives in the secret store (it is rendered into the provider file by External Secrets). */
  readonly oidcClientSecret: RemoteSecretKey;
  /** The login button's label. @default "EOEPCA" */
  readonly oidcLabel?: string;
  /** The store the ExternalSecrets read. */
  readonly secretStore: SecretStoreRef;
  readonly objectStorage: GitLabObjectStorage;
  /** The `root` user's initial password. */
  readonly rootPassword: RemoteSecretKey;
  /** @default "gitlab" */
  readonly namespace?: string;
  /** Where Argo CD runs. @default "argocd" */
  readonly argocdNamespace?: string;
  /** @default GITLAB_CHART_VERSION */
  readonly chartVersion?: string;
  /** For Gitaly, PostgreSQL and Redis. @default - the cluster's default StorageClass */
  readonly storageClass?: string;
}

/**
 * GitLab from its official Helm chart, as an Argo CD Application with typed values (hosts, TLS,
 * OIDC login, LFS and backups on S3, no bundled MinIO, registry, runner, cert-manager or ingress
 * controller), and its four Secrets as ExternalSecrets whose templates render the files the chart
 * reads: `openid-connect` (provider), `object-storage` (connection), `gitlab-storage-config`
 * (config) and `gitlab-initial-root-password` (password). No value is in the manifests.
 *
 * The Application lives in `argocdNamespace`; the ExternalSecrets in `namespace`, which is
 * rendered with Pod Security "baseline" (the chart's pods do not all meet "restricted") and kept
 * when the app is deleted.
 */
export class GitLabChart extends LibraryConstruct implements IGitLab {
  /** The official GitLab chart version this construct writes values for (GitLab 17.7). */
  public static readonly VERSION = GITLAB_CHART_VERSION;

  public readonly url: string;
  public readonly host: string;
  private readonly controller: Peer;

  constructor(scope: Construct, id: string, props: GitLabChartProps) {
    super(scope, id, props);
    const r = resolveGitLab(this, props);
    this.host = `gitlab.${r.domain}`;
    this.url = `https://${this.host}`;
    this.controller = props.controller ?? Peer.namespace('ingress-nginx');
    const chart = Chart.of(this);
    if (chart.namespace !== r.namespace) {
      invalid(this, 'namespace', `must be the namespace of its Chart ("${chart.namespace}")`, r.namespace, `create the GitLabChart in a Chart with namespace "${r.namespace}"`);
    }
    renderNamespace(this, r.namespace);
    renderSecrets(this, props, r, this.url);
    renderApplication(this, props, r);
  }

  /** GitLab is reached at its public URL, through the ingress controller. */
  public grantConnect(client: IWorkload, description: string): void {
    ConnectionGraph.of(this).allow(Peer.workload(client), this.controller, Port.tcp(443), description);
  }
}

/** The props with their defaults, checked. */
interface ResolvedGitLab {
  readonly domain: string;
  readonly namespace: string;
  readonly argocdNamespace: string;
  readonly className: string;
  readonly version: string;
  readonly buckets: { readonly lfs: string; readonly backup: string; readonly tmp: string };
  readonly label: string;
}

function resolveGitLab(scope: GitLabChart, props: GitLabChartProps): ResolvedGitLab {
  const domain = checkHostname(scope, 'domain', props.domain);
  const namespace = checkDnsLabel(scope, 'namespace', props.namespace ?? 'gitlab');
  const argocdNamespace = checkDnsLabel(scope, 'argocdNamespace', props.argocdNamespace ?? 'argocd');
  const className = checkDnsLabel(scope, 'ingressClassName', props.ingressClassName ?? 'nginx');
  const version = props.chartVersion ?? GITLAB_CHART_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(version)) invalid(scope, 'chartVersion', 'must be an exact chart version', version, `pin it, as in "${GITLAB_CHART_VERSION}"`);
  const os = props.objectStorage;
  const buckets = {
    lfs: checkS3BucketName(scope, 'objectStorage.lfsBucket', os.lfsBucket ?? 'gitlab-lfs-storage'),
    backup: checkS3BucketName(scope, 'objectStorage.backupBucket', os.backupBucket ?? 'gitlab-backup-storage'),
    tmp: checkS3BucketName(scope, 'objectStorage.tmpBucket', os.tmpBucket ?? 'gitlab-tmp-storage'),
  };
  const idp = props.identityProvider;
  const label = props.oidcLabel ?? 'EOEPCA';
  // These go into External Secrets templates, where braces would be template syntax.
  for (const [prop, v] of [['oidcLabel', label], ['identityProvider.issuerUrl', idp.issuerUrl], ['identityProvider.clientId', idp.clientId]] as const) {
    if (v.includes('{{') || v.includes('}}')) invalid(scope, prop, 'must not contain template braces', v, 'remove "{{" and "}}"');
  }
  return { domain, namespace, argocdNamespace, className, version, buckets, label };
}

const gitlabLabels = (component: string) => standardLabels({ name: 'gitlab', instance: 'gitlab', component });

/** GitLab's namespace: Pod Security "baseline" (the chart's pods do not all meet "restricted"), kept on delete. */
function renderNamespace(scope: GitLabChart, name: string): void {
  new k8s.KubeNamespace(scope, 'Namespace', {
    metadata: {
      name,
      labels: { ...gitlabLabels('namespace'), 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' },
      annotations: { [ARGOCD_SYNC_OPTIONS]: KEEP_ON_DELETE },
    },
  });
}

/** An ExternalSecret `name` whose template renders `template` from the remote keys `data`. */
function renderExternalSecret(scope: GitLabChart, store: SecretStoreRef, id: string, name: string, data: Record<string, RemoteSecretKey>, template: Record<string, string>): void {
  new eso.ExternalSecret(scope, id, {
    metadata: { name, labels: gitlabLabels('external-secret') },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: store.name, kind: store.kind as esoTypes.ExternalSecretSpecSecretStoreRefKind },
      target: {
        name,
        creationPolicy: eso.ExternalSecretSpecTargetCreationPolicy.OWNER,
        template: { engineVersion: eso.ExternalSecretSpecTargetTemplateEngineVersion.V2, data: template },
      },
      data: Object.keys(data).sort().map((secretKey) => ({
        secretKey,
        remoteRef: { key: data[secretKey].remoteKey, ...(data[secretKey].property ? { property: data[secretKey].property } : {}), ...(data[secretKey].version ? { version: data[secretKey].version } : {}) },
      })),
    },
  });
}

/** The `openid-connect` provider file, with the client secret as a template reference. */
function renderOidcProvider(props: GitLabChartProps, label: string, url: string): string {
  const idp = props.identityProvider;
  const SECRET = '__CLIENT_SECRET__';
  return YAML.stringify({
    name: 'openid_connect',
    label,
    args: {
      name: 'openid_connect',
      scope: ['openid', 'profile', 'email'],
      response_type: 'code',
      issuer: idp.issuerUrl,
      client_auth_method: 'query',
      discovery: true,
      uid_field: 'preferred_username',
      pkce: true,
      client_options: { identifier: idp.clientId, secret: SECRET, redirect_uri: `${url}/users/auth/openid_connect/callback` },
    },
  }).replace(SECRET, '{{ .clientSecret | toJson }}');
}

/** The chart's four Secrets, as ExternalSecrets rendering the files it reads. */
function renderSecrets(scope: GitLabChart, props: GitLabChartProps, r: ResolvedGitLab, url: string): void {
  const os = props.objectStorage;
  const endpoint = new URL(os.store.endpointUrl);
  const store = props.secretStore;
  renderExternalSecret(scope, store, 'OpenIdConnect', 'openid-connect', { clientSecret: props.oidcClientSecret }, { provider: renderOidcProvider(props, r.label, url) });
  renderExternalSecret(scope, store, 'ObjectStorage', 'object-storage', { accessKey: os.accessKey, secretKey: os.secretKey }, {
    connection: [
      'provider: AWS',
      `region: ${JSON.stringify(os.store.region)}`,
      'aws_access_key_id: {{ .accessKey | toJson }}',
      'aws_secret_access_key: {{ .secretKey | toJson }}',
      'aws_signature_version: 4',
      `endpoint: ${JSON.stringify(os.store.endpointUrl)}`,
      'path_style: true',
      '',
    ].join('\n'),
  });
  renderExternalSecret(scope, store, 'StorageConfig', 'gitlab-storage-config', { accessKey: os.accessKey, secretKey: os.secretKey }, {
    config: [
      '[default]',
      'access_key = {{ .accessKey }}',
      'secret_key = {{ .secretKey }}',
      `bucket_location = ${os.store.region}`,
      `host_base = ${endpoint.host}`,
      `host_bucket = ${endpoint.host}`,
      `use_https = ${endpoint.protocol === 'https:' ? 'True' : 'False'}`,
      '',
    ].join('\n'),
  });
  renderExternalSecret(scope, store, 'RootPassword', 'gitlab-initial-root-password', { password: props.rootPassword }, { password: '{{ .password }}' });
}

/** The chart's values: hosts, TLS, OIDC login, LFS and backups on S3, and nothing bundled we do not use. */
function renderValues(props: GitLabChartProps, r: ResolvedGitLab): Record<string, unknown> {
  const sc = props.storageClass ? { storageClass: props.storageClass } : {};
  return {
    global: {
      edition: 'ce',
      hosts: { domain: r.domain, https: true },
      ingress: { class: r.className, provider: 'nginx', configureCertmanager: false, annotations: { ...props.tls.annotations }, tls: { enabled: true } },
      initialRootPassword: { secret: 'gitlab-initial-root-password', key: 'password' },
      minio: { enabled: false },
      registry: { enabled: false },
      appConfig: {
        omniauth: {
          enabled: true,
          allowSingleSignOn: ['openid_connect'],
          blockAutoCreatedUsers: false,
          providers: [{ secret: 'openid-connect', key: 'provider' }],
        },
        lfs: { enabled: true, bucket: r.buckets.lfs, connection: { secret: 'object-storage', key: 'connection' } },
        artifacts: { enabled: false },
        uploads: { enabled: false },
        packages: { enabled: false },
        backups: { bucket: r.buckets.backup, tmpBucket: r.buckets.tmp },
      },
    },
    upgradeCheck: { enabled: false },
    certmanager: { install: false },
    'nginx-ingress': { enabled: false },
    prometheus: { install: false },
    'gitlab-runner': { install: false },
    registry: { enabled: false },
    gitlab: {
      gitaly: { persistence: { ...sc } },
      webservice: { ingress: { tls: { secretName: props.tls.secretName('gitlab') } } },
      kas: { ingress: { tls: { secretName: props.tls.secretName('kas') } } },
      toolbox: { backups: { objectStorage: { config: { secret: 'gitlab-storage-config', key: 'config' } } } },
    },
    postgresql: { ...(props.storageClass ? { global: { storageClass: props.storageClass } } : {}), metrics: { enabled: false } },
    redis: { ...(props.storageClass ? { global: { storageClass: props.storageClass } } : {}), metrics: { enabled: false } },
  };
}

/** The Argo CD Application of the chart, in Argo CD's namespace. */
function renderApplication(scope: GitLabChart, props: GitLabChartProps, r: ResolvedGitLab): void {
  new argo.Application(scope, 'Application', {
    metadata: {
      name: 'gitlab',
      namespace: r.argocdNamespace,
      labels: { 'app.kubernetes.io/name': 'gitlab', 'app.kubernetes.io/managed-by': MANAGED_BY },
    },
    spec: {
      project: 'default',
      source: { repoUrl: 'https://charts.gitlab.io', chart: 'gitlab', targetRevision: r.version, helm: { releaseName: 'gitlab', valuesObject: renderValues(props, r) } },
      destination: { server: 'https://kubernetes.default.svc', namespace: r.namespace },
      // No pruning: GitLab's PVCs and Secrets must survive a values change.
      syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
    },
  });
}
