import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { ENVIRONMENT_NAMES } from '../../lib';
import { GcpKfpEnvironmentFiles, renderGcpKfpEnvironmentMermaid, renderGcpKfpReadme } from '../../apps/gcp-kfp-readme';
import type { ManifestObject } from '../../lib/synth/synth';

const target = path.resolve(__dirname, '..', '..', 'dist', 'gcp-kfp');

/** One environment as committed under dist/gcp-kfp/ (the drift test keeps it equal to a fresh synth). */
function committed(env: string): GcpKfpEnvironmentFiles {
  const dir = path.join(target, 'kfp', env);
  return {
    environment: env,
    terraformJson: fs.readFileSync(path.join(target, 'terraform', env, 'main.tf.json'), 'utf8'),
    overlay: fs.readdirSync(dir).sort().map((f): [string, ManifestObject] => [f, YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8'))]),
  };
}

/** The environment with its Terraform JSON edited. */
function withTerraform(env: GcpKfpEnvironmentFiles, edit: (resource: Record<string, Record<string, Record<string, unknown>>>) => void): GcpKfpEnvironmentFiles {
  const tf = JSON.parse(env.terraformJson);
  edit(tf.resource);
  return { ...env, terraformJson: JSON.stringify(tf) };
}

const lines = (text: string) => text.split('\n');

describe('dist/gcp-kfp/README.md: Terraform and the KFP overlay per environment', () => {
  const environments = ENVIRONMENT_NAMES.map(committed);

  it('is rendered from the committed Terraform JSON and overlays, one diagram per environment, deterministically', () => {
    const text = fs.readFileSync(path.join(target, 'README.md'), 'utf8');
    expect(renderGcpKfpReadme('gcp-kfp', environments)).toBe(text);
    expect(renderGcpKfpReadme('gcp-kfp', ENVIRONMENT_NAMES.map(committed))).toBe(text);
    expect(text.match(/```mermaid/g)).toHaveLength(ENVIRONMENT_NAMES.length);
    for (const env of ENVIRONMENT_NAMES) expect(text).toContain(`## ${env}\n\n\`\`\`mermaid\nflowchart LR\n`);
    expect(text).toContain('| staging | acme-kfp-staging-kfp-artifacts | us-central1 | kfp-stg-cluster | acme-kfp-staging:us-central1:kfp-stg-metadata |');
    expect(text).not.toContain('No workloads or Services');
    // Write-only credentials stay out: no password expression, secret data or ephemeral value.
    expect(text).not.toMatch(/password_wo|secret_data_wo|ephemeral\.|random_password/);
  });

  it('draws the cluster side, and KFP → Cloud SQL and KFP → GCS through Workload Identity and IAM', () => {
    const { mermaid } = renderGcpKfpEnvironmentMermaid(environments[ENVIRONMENT_NAMES.indexOf('staging')]);
    const l = lines(mermaid);
    for (const node of [
      '    tf_google_container_cluster_cluster["GKE cluster kfp-stg-cluster<br/>us-central1"]',
      '    tf_google_container_node_pool_cluster_node_pool["node pool kfp-stg-cluster-pool<br/>e2-standard-4, 1-3 nodes"]',
      '    tf_google_sql_database_instance_database_instance[("Cloud SQL kfp-stg-metadata<br/>MYSQL_8_0, private IP<br/>databases: cachedb, metadb, mlpipeline")]',
      '    tf_google_storage_bucket_artifacts_bucket[("GCS bucket acme-kfp-staging-kfp-artifacts")]',
      '    tf_google_service_account_kfp_service_accounts_cloudsql["GSA kfp-stg-kfp-cloudsql"]',
      '    k8s_ServiceAccount_kubeflow_kubeflow_pipelines_cloudsql_proxy["KSA kubeflow/kubeflow-pipelines-cloudsql-proxy<br/>patches upstream"]',
      '    k8s_ServiceAccount_kubeflow_kfp_secret_store["KSA kubeflow/kfp-secret-store"]',
      '  subgraph kfp_staging["kfp/staging: overlay of github.com/kubeflow/pipelines/manifests/kustomize/env/gcp?ref=2.4.0"]',
      '  subgraph terraform_staging["terraform/staging: project acme-kfp-staging"]',
    ]) expect(l).toContain(node);
    for (const arrow of [
      // KFP → Cloud SQL: the proxy's KSA is its GSA, which may connect to that one instance.
      'k8s_ServiceAccount_kubeflow_kubeflow_pipelines_cloudsql_proxy -->|"Workload Identity"| tf_google_service_account_kfp_service_accounts_cloudsql',
      'tf_google_service_account_kfp_service_accounts_cloudsql -->|"cloudsql.client"| tf_google_sql_database_instance_database_instance',
      // KFP → GCS: the MinIO gateway and the pipeline steps.
      'k8s_ServiceAccount_kubeflow_kubeflow_pipelines_minio_gcs_gateway -->|"Workload Identity"| tf_google_service_account_kfp_service_accounts_minio',
      'tf_google_service_account_kfp_service_accounts_minio -->|"storage.legacyBucketReader, storage.objectAdmin"| tf_google_storage_bucket_artifacts_bucket',
      'k8s_ServiceAccount_kubeflow_pipeline_runner -->|"Workload Identity"| tf_google_service_account_kfp_service_accounts_runner',
      'tf_google_service_account_kfp_service_accounts_runner -->|"storage.objectAdmin"| tf_google_storage_bucket_artifacts_bucket',
      // The install config names them; the database password comes from Secret Manager.
      'k8s_ConfigMap_pipeline_install_config -->|"gcsCloudSqlInstanceName"| tf_google_sql_database_instance_database_instance',
      'k8s_ConfigMap_pipeline_install_config -->|"bucketName, defaultPipelineRoot"| tf_google_storage_bucket_artifacts_bucket',
      'k8s_ExternalSecret_kubeflow_mysql_secret -->|"reads password, reads username"| tf_google_secret_manager_secret_database_kfp_secret',
      'k8s_ClusterSecretStore_kfp_gcp_secret_manager -->|"authenticates as"| k8s_ServiceAccount_kubeflow_kfp_secret_store',
      'tf_google_service_account_kfp_service_accounts_secrets -->|"secretmanager.secretAccessor"| tf_google_secret_manager_secret_database_kfp_secret',
      // The cluster side.
      'tf_google_container_node_pool_cluster_node_pool -->|"cluster"| tf_google_container_cluster_cluster',
      'tf_google_container_node_pool_cluster_node_pool -->|"service_account"| tf_google_service_account_cluster_node_service_account',
      'tf_google_sql_database_instance_database_instance -->|"private_network"| tf_google_compute_network_network_vpc',
    ]) expect(l).toContain(`  ${arrow}`);
    // Project-wide roles are in the GSA's box, not an arrow.
    expect(l).toContain('    tf_google_service_account_kfp_service_accounts_runner["GSA kfp-stg-kfp-runner<br/>project: bigquery.dataEditor, bigquery.jobUser, dataflow.developer, ml.developer"]');
  });

  it('a changed grant or a missing half of Workload Identity is a changed arrow', () => {
    const staging = environments[ENVIRONMENT_NAMES.indexOf('staging')];
    const before = lines(renderGcpKfpEnvironmentMermaid(staging).mermaid);
    const changed = (env: GcpKfpEnvironmentFiles) => {
      const after = lines(renderGcpKfpEnvironmentMermaid(env).mermaid);
      return { added: after.filter((x) => !before.includes(x)), removed: before.filter((x) => !after.includes(x)) };
    };
    const viewer = withTerraform(staging, (r) => { r.google_storage_bucket_iam_member['artifacts_ui-object-viewer'].role = 'roles/storage.objectAdmin'; });
    expect(changed(viewer)).toEqual({
      added: ['  tf_google_service_account_kfp_service_accounts_ui -->|"storage.objectAdmin"| tf_google_storage_bucket_artifacts_bucket'],
      removed: ['  tf_google_service_account_kfp_service_accounts_ui -->|"storage.objectViewer"| tf_google_storage_bucket_artifacts_bucket'],
    });
    const unbound = withTerraform(staging, (r) => { delete r.google_service_account_iam_member['kfp-service-accounts_wi-kubeflow-pipelines-cloudsql-proxy']; });
    expect(changed(unbound).added).toEqual([
      '  k8s_ServiceAccount_kubeflow_kubeflow_pipelines_cloudsql_proxy -->|"annotated only: no workloadIdentityUser grant"| tf_google_service_account_kfp_service_accounts_cloudsql',
    ]);
    const unannotated: GcpKfpEnvironmentFiles = {
      ...staging,
      overlay: staging.overlay.map(([f, o]) => [f, f === 'patch-serviceaccount-pipeline-runner.yaml' ? { ...o, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } } : o]),
    };
    expect(changed(unannotated).added).toEqual([
      '  k8s_ServiceAccount_kubeflow_pipeline_runner -->|"workloadIdentityUser grant, KSA not annotated"| tf_google_service_account_kfp_service_accounts_runner',
    ]);
    // Cloud SQL access not limited to the instance: a project-wide role in the GSA's box.
    const unconditioned = withTerraform(staging, (r) => { delete r.google_project_iam_member['kfp-service-accounts_cloudsql-client'].condition; });
    expect(changed(unconditioned)).toEqual({
      added: ['    tf_google_service_account_kfp_service_accounts_cloudsql["GSA kfp-stg-kfp-cloudsql<br/>project: cloudsql.client"]'],
      removed: [
        '    tf_google_service_account_kfp_service_accounts_cloudsql["GSA kfp-stg-kfp-cloudsql"]',
        '  tf_google_service_account_kfp_service_accounts_cloudsql -->|"cloudsql.client"| tf_google_sql_database_instance_database_instance',
      ],
    });
  });

  it('counts what it does not draw, by type', () => {
    const { notDrawn } = renderGcpKfpEnvironmentMermaid(environments[0]);
    expect(notDrawn.get('google_project_service')).toBeGreaterThan(0);
    // IAM members are arrows, databases are in their instance's box.
    for (const t of ['google_sql_database', 'google_storage_bucket_iam_member', 'google_service_account_iam_member', 'google_container_cluster']) expect(notDrawn.has(t), t).toBe(false);
  });
});
