/** The cluster side: values flow from the cdktf stack into the KFP overlay through KfpGcpSettings. */
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { kfpOverlay } from '../../apps/kfp-overlay';
import { checkApp } from '../../lib/synth/manifest-checks';
import type { ManifestObject } from '../../lib/synth/synth';
import { KfpGcp, KfpGcpSettings } from '../../lib/kubeflow/kfp-gcp';
import { synthEnvironment } from './support';

const { stack } = synthEnvironment('production');
const settings = stack.kfpSettings();
const files = new Map(kfpOverlay(settings));
const kustomization = files.get('kustomization.yaml') as any;
const objects = [...files].filter(([f]) => f !== 'kustomization.yaml').map(([, o]) => o as ManifestObject);
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as any;

describe('KfpGcp from the production stack', () => {
  it('settings come from the stack\'s own resources', () => {
    expect(settings).toMatchObject({
      projectId: 'acme-kfp-prod',
      clusterName: stack.cluster.name,
      clusterLocation: 'us-central1',
      bucketName: stack.bucket.bucketName,
      sqlConnectionName: 'acme-kfp-prod:us-central1:kfp-prod-metadata',
      databaseCredentialsSecret: stack.database.credentials.kfp.secretId,
      kfpVersion: '2.4.0',
    });
    expect(stack.database.connectionName).toBe(`${stack.database.projectId}:${stack.database.region}:${stack.database.name}`);
    expect(stack.database.databaseNames).toEqual([settings.databases.pipeline, settings.databases.metadata, settings.databases.cache]);
  });

  it('uses the upstream gcp manifests pinned to a release tag as the remote base', () => {
    expect(kustomization.resources[0]).toBe('github.com/kubeflow/pipelines/manifests/kustomize/env/gcp?ref=2.4.0');
  });

  it('pipeline-install-config values come from the stack', () => {
    expect(kustomization.configMapGenerator).toEqual([{
      name: 'pipeline-install-config',
      behavior: 'merge',
      literals: [
        'bucketName=acme-kfp-prod-kfp-artifacts',
        'gcsProjectId=acme-kfp-prod',
        'gcsCloudSqlInstanceName=acme-kfp-prod:us-central1:kfp-prod-metadata',
        'dbHost=mysql',
        'dbPort=3306',
        'pipelineDb=mlpipeline',
        'mlmdDb=metadb',
        'cacheDb=cachedb',
        'defaultPipelineRoot=gs://acme-kfp-prod-kfp-artifacts/v2/artifacts',
      ],
    }]);
  });

  it('mysql credentials come from secret manager through an external secret', () => {
    expect(find('ExternalSecret', 'mysql-secret').spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'kfp-gcp-secret-manager' },
      target: { name: 'mysql-secret', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'password', remoteRef: { key: 'kfp-prod-metadata-kfp-credentials', property: 'password' } },
        { secretKey: 'username', remoteRef: { key: 'kfp-prod-metadata-kfp-credentials', property: 'username' } },
      ],
    });
    expect(find('ExternalSecret', 'mysql-secret').metadata.namespace).toBe('kubeflow');
  });

  it('the upstream placeholder mysql-secret is deleted by an inline patch', () => {
    const inline = kustomization.patches.filter((p: any) => p.patch);
    expect(inline).toHaveLength(1);
    expect(YAML.parse(inline[0].patch)).toEqual({ $patch: 'delete', apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mysql-secret', namespace: 'kubeflow' } });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('the cluster secret store authenticates with workload identity and serves only the kfp namespace', () => {
    const store = find('ClusterSecretStore', 'kfp-gcp-secret-manager');
    expect(store.metadata.namespace).toBeUndefined();
    expect(store.spec).toEqual({
      conditions: [{ namespaces: ['kubeflow'] }],
      provider: {
        gcpsm: {
          projectID: 'acme-kfp-prod',
          auth: { workloadIdentity: { clusterProjectID: 'acme-kfp-prod', clusterLocation: 'us-central1', clusterName: 'kfp-prod-cluster', serviceAccountRef: { name: 'kfp-secret-store', namespace: 'kubeflow' } } },
        },
      },
    });
    expect(find('ServiceAccount', 'kfp-secret-store').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'kfp-prod-kfp-secrets@acme-kfp-prod.iam.gserviceaccount.com' });
  });

  it.each([
    ['kubeflow-pipelines-minio-gcs-gateway', 'kfp-prod-kfp-minio'],
    ['ml-pipeline-ui', 'kfp-prod-kfp-ui'],
    ['ml-pipeline-visualizationserver', 'kfp-prod-kfp-ui'],
    ['kubeflow-pipelines-cloudsql-proxy', 'kfp-prod-kfp-cloudsql'],
    ['pipeline-runner', 'kfp-prod-kfp-runner'],
  ])('workload identity annotation on %s names %s', (ksa, account) => {
    expect(files.get(`patch-serviceaccount-${ksa}.yaml`)).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: ksa, namespace: 'kubeflow', annotations: { 'iam.gke.io/gcp-service-account': `${account}@acme-kfp-prod.iam.gserviceaccount.com` } },
    });
    expect(kustomization.patches).toContainEqual({ path: `patch-serviceaccount-${ksa}.yaml` });
  });

  it('the annotated google accounts are the ones the stack binds', () => {
    const synth = JSON.stringify(synthEnvironment('production').json.resource.google_service_account);
    for (const b of settings.workloadIdentity) expect(synth).toContain(`"account_id":"${b.gcpServiceAccount.split('@')[0]}"`);
  });

  it('new objects carry app.kubernetes.io labels', () => {
    for (const o of [find('ClusterSecretStore', 'kfp-gcp-secret-manager'), find('ExternalSecret', 'mysql-secret'), find('ServiceAccount', 'kfp-secret-store')]) {
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'kubeflow-pipelines', 'app.kubernetes.io/part-of': 'kubeflow', 'app.kubernetes.io/managed-by': 'mlops-cdk8s' });
    }
  });

  it('passes the repository manifest checks', () => {
    expect(checkApp(objects)).toEqual([]);
  });
});

describe('KfpGcp validation', () => {
  const build = (change: Partial<KfpGcpSettings>, namespace = 'kubeflow') => () => {
    const chart = new Chart(new App(), 'c', { namespace });
    new KfpGcp(chart, 'kfp', { settings: { ...settings, ...change } });
  };
  it('kfpVersion is a release tag', () => {
    expect(build({ kfpVersion: 'master' })).toThrow('c/kfp: settings.kfpVersion must be a Kubeflow Pipelines release tag, got "master". Fix: use a tag such as "2.4.0" (never a branch: the base must not move)');
  });
  it('the chart namespace is the settings namespace', () => {
    expect(build({}, 'default')).toThrow('c/kfp: settings.namespace must be the namespace of the enclosing Chart (default), got "kubeflow". Fix: create the Chart with { namespace: "kubeflow" }');
  });
  it('sqlConnectionName is project:region:instance', () => {
    expect(build({ sqlConnectionName: '10.1.2.3' })).toThrow('c/kfp: settings.sqlConnectionName must be a Cloud SQL connection name "project:region:instance", got "10.1.2.3". Fix: pass KfpEnvironmentStack.kfpSettings() rather than writing it by hand');
  });
  it('workload identity names a user-managed service account', () => {
    expect(build({ workloadIdentity: [{ kubernetesServiceAccount: 'pipeline-runner', gcpServiceAccount: '123-compute@developer.gserviceaccount.com' }] })).toThrow('c/kfp: settings.workloadIdentity[].gcpServiceAccount must be a user-managed service account email, got "123-compute@developer.gserviceaccount.com". Fix: use "<account>@<project>.iam.gserviceaccount.com"');
  });
  it('at least one workload identity binding', () => {
    expect(build({ workloadIdentity: [] })).toThrow('c/kfp: settings.workloadIdentity must bind at least one KFP ServiceAccount to a Google service account, got []. Fix: pass KfpEnvironmentStack.kfpSettings() rather than writing it by hand');
  });

  it('the bucket is a Cloud Storage bucket name and the database host a host name', () => {
    expect(build({ bucketName: 'gs://acme-kfp' })).toThrow('c/kfp: settings.bucketName must be a Cloud Storage bucket name (3 to 63 lower-case letters, digits, "-" or "_", without "goog" or "google"), got "gs://acme-kfp". Fix: use a globally unique name such as "acme-kfp-dev-artifacts"');
    expect(() => new KfpGcp(new Chart(new App(), 'c', { namespace: 'kubeflow' }), 'kfp', { settings, dbHost: 'mysql:3306' })).toThrow(
      'c/kfp: dbHost must be a host name or IPv4 address only, without scheme, credentials, port or path, got "mysql:3306". Fix: write "mysql" (the port and credentials have their own props)');
    expect(build({ projectId: 'Acme' })).toThrow('c/kfp: settings.projectId must be a Google Cloud project id');
    expect(build({ databases: { ...settings.databases, cache: 'cache-db' } })).toThrow('c/kfp: settings.databases.cache must be a MySQL database name (1 to 64 letters, digits or "_"), got "cache-db". Fix: use a name such as "mlpipeline"');
  });
});
