import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import * as argo from '../../imports/argoproj.io';
import * as eso from '../../imports/external-secrets.io';
import { ConnectionGraph, IWorkload, Peer } from '../core/connections';
import { RemoteSecretKey, SecretStoreRef } from '../core/external-secret';
import { k8s } from '../core/k8s';
import { ARGOCD_SYNC_OPTIONS, KEEP_ON_DELETE, MANAGED_BY, standardLabels } from '../core/labels';
import { Port } from '../core/port';
import { checkDnsLabel, checkHostname, checkProps, checkS3BucketName, invalid } from '../core/validate';
import { IIdentityProvider } from '../identity/identity-provider';
import { IngressTls } from '../core/ingress';
import { IObjectStore } from '../storage/object-store';
import { IGitLab } from './gitlab';
import { enableAppChecks } from '../core/app-checks';

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
export class GitLabChart extends Construct implements IGitLab {
  public readonly url: string;
  public readonly host: string;
  private readonly controller: Peer;

  constructor(scope: Construct, id: string, props: GitLabChartProps) {
    super(scope, id);
    checkProps(this, props, 'pass { domain, ... } (see GitLabChartProps)');
    enableAppChecks(this);
    const domain = checkHostname(this, 'domain', props.domain);
    this.host = `gitlab.${domain}`;
    this.url = `https://${this.host}`;
    this.controller = props.controller ?? Peer.namespace('ingress-nginx');
    const ns = checkDnsLabel(this, 'namespace', props.namespace ?? 'gitlab');
    const argocdNs = checkDnsLabel(this, 'argocdNamespace', props.argocdNamespace ?? 'argocd');
    const className = checkDnsLabel(this, 'ingressClassName', props.ingressClassName ?? 'nginx');
    const version = props.chartVersion ?? GITLAB_CHART_VERSION;
    if (!/^\d+\.\d+\.\d+$/.test(version)) invalid(this, 'chartVersion', 'must be an exact chart version', version, `pin it, as in "${GITLAB_CHART_VERSION}"`);
    const os = props.objectStorage;
    const buckets = {
      lfs: checkS3BucketName(this, 'objectStorage.lfsBucket', os.lfsBucket ?? 'gitlab-lfs-storage'),
      backup: checkS3BucketName(this, 'objectStorage.backupBucket', os.backupBucket ?? 'gitlab-backup-storage'),
      tmp: checkS3BucketName(this, 'objectStorage.tmpBucket', os.tmpBucket ?? 'gitlab-tmp-storage'),
    };
    const idp = props.identityProvider;
    const label = props.oidcLabel ?? 'EOEPCA';
    for (const [prop, v] of [['oidcLabel', label], ['identityProvider.issuerUrl', idp.issuerUrl], ['identityProvider.clientId', idp.clientId]] as const) {
      if (v.includes('{{') || v.includes('}}')) invalid(this, prop, 'must not contain template braces', v, 'remove "{{" and "}}"');
    }
    const endpoint = new URL(os.store.endpointUrl);
    const labels = (component: string) => standardLabels({ name: 'gitlab', instance: 'gitlab', component });

    const chart = Chart.of(this);
    if (chart.namespace !== ns) {
      invalid(this, 'namespace', `must be the namespace of its Chart ("${chart.namespace}")`, ns, `create the GitLabChart in a Chart with namespace "${ns}"`);
    }
    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: ns,
        labels: { ...labels('namespace'), 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' },
        annotations: { [ARGOCD_SYNC_OPTIONS]: KEEP_ON_DELETE },
      },
    });

    const secret = (cid: string, name: string, data: Record<string, RemoteSecretKey>, template: Record<string, string>) => new eso.ExternalSecret(this, cid, {
      metadata: { name, labels: labels('external-secret') },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: props.secretStore.name, kind: props.secretStore.kind },
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
    const SECRET = '__CLIENT_SECRET__';
    const provider = YAML.stringify({
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
        client_options: { identifier: idp.clientId, secret: SECRET, redirect_uri: `${this.url}/users/auth/openid_connect/callback` },
      },
    }).replace(SECRET, '{{ .clientSecret | toJson }}');
    secret('OpenIdConnect', 'openid-connect', { clientSecret: props.oidcClientSecret }, { provider });
    secret('ObjectStorage', 'object-storage', { accessKey: os.accessKey, secretKey: os.secretKey }, {
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
    secret('StorageConfig', 'gitlab-storage-config', { accessKey: os.accessKey, secretKey: os.secretKey }, {
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
    secret('RootPassword', 'gitlab-initial-root-password', { password: props.rootPassword }, { password: '{{ .password }}' });

    const sc = props.storageClass ? { storageClass: props.storageClass } : {};
    const values = {
      global: {
        edition: 'ce',
        hosts: { domain, https: true },
        ingress: { class: className, provider: 'nginx', configureCertmanager: false, annotations: { ...props.tls.annotations }, tls: { enabled: true } },
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
          lfs: { enabled: true, bucket: buckets.lfs, connection: { secret: 'object-storage', key: 'connection' } },
          artifacts: { enabled: false },
          uploads: { enabled: false },
          packages: { enabled: false },
          backups: { bucket: buckets.backup, tmpBucket: buckets.tmp },
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
    new argo.Application(this, 'Application', {
      metadata: {
        name: 'gitlab',
        namespace: argocdNs,
        labels: { 'app.kubernetes.io/name': 'gitlab', 'app.kubernetes.io/managed-by': MANAGED_BY },
      },
      spec: {
        project: 'default',
        source: { repoUrl: 'https://charts.gitlab.io', chart: 'gitlab', targetRevision: version, helm: { releaseName: 'gitlab', valuesObject: values } },
        destination: { server: 'https://kubernetes.default.svc', namespace: ns },
        // No pruning: GitLab's PVCs and Secrets must survive a values change.
        syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
      },
    });
  }

  /** GitLab is reached at its public URL, through the ingress controller. */
  public grantConnect(client: IWorkload, description: string): void {
    ConnectionGraph.of(this).allow(Peer.workload(client), this.controller, Port.tcp(443), description);
  }
}
