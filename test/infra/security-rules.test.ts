/**
 * One test per rule of the hardened environment (issue 3, item 1), on the staging stack, with
 * cdktf's Testing matchers. Each test is named after the rule it enforces.
 */
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { ML_ENVIRONMENT_APIS } from '../../lib/infra/project-services';
import { resources, synthEnvironment } from './support';

const { synth, json } = synthEnvironment('staging');
const has = (type: string, props: Record<string, unknown>) => Testing.toHaveResourceWithProperties(synth, type, props);
const sql = () => resources(json, SqlDatabaseInstance.tfResourceType)[0];

describe('project services', () => {
  it.each(ML_ENVIRONMENT_APIS.map((s) => [s]))('enables the seed API %s and never disables it on destroy', (service) => {
    expect(has(ProjectService.tfResourceType, { project: 'acme-kfp-staging', service, disable_on_destroy: false })).toBe(true);
  });
  it('enables exactly the 11 seed APIs plus service networking, secret manager and artifact registry', () => {
    expect(resources(json, ProjectService.tfResourceType).map((r) => r.service).sort()).toEqual([
      ...ML_ENVIRONMENT_APIS, 'servicenetworking.googleapis.com', 'secretmanager.googleapis.com', 'artifactregistry.googleapis.com',
    ].sort());
  });
});

describe('network', () => {
  it('vpc is custom mode (no auto subnets)', () => {
    expect(has(ComputeNetwork.tfResourceType, { name: 'kfp-stg-network', auto_create_subnetworks: false })).toBe(true);
  });
  it('subnet has private google access', () => {
    expect(has(ComputeSubnetwork.tfResourceType, { private_ip_google_access: true })).toBe(true);
  });
  it('subnet has flow logs', () => {
    expect(has(ComputeSubnetwork.tfResourceType, { log_config: { aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' } })).toBe(true);
  });
  it('subnet has secondary ranges for pods and services', () => {
    expect(has(ComputeSubnetwork.tfResourceType, {
      ip_cidr_range: '10.10.0.0/20',
      secondary_ip_range: [
        { range_name: 'kfp-stg-network-pods', ip_cidr_range: '10.20.0.0/14' },
        { range_name: 'kfp-stg-network-services', ip_cidr_range: '10.24.0.0/20' },
      ],
    })).toBe(true);
  });
  it('private services access is peered for the cloud sql private ip', () => {
    expect(has(ComputeGlobalAddress.tfResourceType, { purpose: 'VPC_PEERING', address_type: 'INTERNAL', prefix_length: 20 })).toBe(true);
    expect(has(ServiceNetworkingConnection.tfResourceType, { service: 'servicenetworking.googleapis.com' })).toBe(true);
  });
  it('private nodes egress through cloud nat with error logging', () => {
    expect(has(ComputeRouterNat.tfResourceType, { nat_ip_allocate_option: 'AUTO_ONLY', log_config: { enable: true, filter: 'ERRORS_ONLY' } })).toBe(true);
  });
});

describe('gke cluster', () => {
  it('gke nodes are private', () => {
    expect(has(ContainerCluster.tfResourceType, { private_cluster_config: { enable_private_nodes: true, master_ipv4_cidr_block: '172.16.0.0/28' } })).toBe(true);
  });
  it('gke control plane is reachable only from the master authorized networks', () => {
    expect(has(ContainerCluster.tfResourceType, {
      master_authorized_networks_config: {
        gcp_public_cidrs_access_enabled: false,
        cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: 'corp-vpn' }],
      },
    })).toBe(true);
  });
  it('gke has workload identity', () => {
    expect(has(ContainerCluster.tfResourceType, { workload_identity_config: { workload_pool: 'acme-kfp-staging.svc.id.goog' } })).toBe(true);
  });
  it('gke has shielded nodes', () => {
    expect(has(ContainerCluster.tfResourceType, { enable_shielded_nodes: true })).toBe(true);
    expect(has(ContainerNodePool.tfResourceType, { node_config: { shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true } } })).toBe(true);
  });
  it('gke follows a release channel', () => {
    expect(has(ContainerCluster.tfResourceType, { release_channel: { channel: 'REGULAR' } })).toBe(true);
  });
  it('gke enforces network policies with dataplane v2', () => {
    expect(has(ContainerCluster.tfResourceType, { datapath_provider: 'ADVANCED_DATAPATH' })).toBe(true);
  });
  it('gke is vpc-native on the subnet secondary ranges', () => {
    expect(has(ContainerCluster.tfResourceType, {
      networking_mode: 'VPC_NATIVE',
      ip_allocation_policy: { cluster_secondary_range_name: 'kfp-stg-network-pods', services_secondary_range_name: 'kfp-stg-network-services' },
    })).toBe(true);
  });
  it('gke default node pool is removed', () => {
    expect(has(ContainerCluster.tfResourceType, { remove_default_node_pool: true })).toBe(true);
  });
  it('gke node pool autoscales with auto repair and upgrade', () => {
    expect(has(ContainerNodePool.tfResourceType, { autoscaling: { min_node_count: 1, max_node_count: 3 }, management: { auto_repair: true, auto_upgrade: true } })).toBe(true);
  });
  it('gke nodes run as a dedicated least-privilege service account', () => {
    const pool = resources(json, ContainerNodePool.tfResourceType)[0];
    expect(pool.node_config.service_account).toMatch(/^\$\{google_service_account\.cluster_node-service-account\.email\}$/);
    expect(has(ServiceAccount.tfResourceType, { account_id: 'kfp-stg-cluster-nodes' })).toBe(true);
    const nodeRoles = resources(json, ProjectIamMember.tfResourceType)
      .filter((m) => String(m.member).includes('cluster_node-service-account')).map((m) => m.role).sort();
    expect(nodeRoles).toEqual(['roles/artifactregistry.reader', 'roles/container.defaultNodeServiceAccount']);
  });
  it('gke nodes use the gke metadata server', () => {
    expect(has(ContainerNodePool.tfResourceType, { node_config: { workload_metadata_config: { mode: 'GKE_METADATA' }, metadata: { 'disable-legacy-endpoints': 'true' } } })).toBe(true);
  });
  it('gke has deletion protection', () => {
    expect(has(ContainerCluster.tfResourceType, { deletion_protection: true })).toBe(true);
  });
});

describe('cloud sql', () => {
  it('cloud sql is mysql 8', () => {
    expect(has(SqlDatabaseInstance.tfResourceType, { database_version: 'MYSQL_8_0' })).toBe(true);
  });
  it('cloud sql has no public ip', () => {
    expect(sql().settings.ip_configuration.ipv4_enabled).toBe(false);
  });
  it('cloud sql has a private ip through service networking peering', () => {
    expect(sql().settings.ip_configuration.private_network).toMatch(/^\$\{google_compute_network\.network_vpc\.id\}$/);
    expect(sql().depends_on).toEqual([expect.stringMatching(/^google_service_networking_connection\./), expect.stringMatching(/^google_project_service\.services_sqladmin$/), expect.stringMatching(/^google_project_service\.services_secretmanager$/)]);
  });
  it('cloud sql has automated backups with binary logging', () => {
    expect(has(SqlDatabaseInstance.tfResourceType, {
      settings: { backup_configuration: { enabled: true, binary_log_enabled: true, start_time: '02:00', transaction_log_retention_days: 7, backup_retention_settings: { retained_backups: 14, retention_unit: 'COUNT' } } },
    })).toBe(true);
  });
  it('cloud sql requires tls', () => {
    expect(has(SqlDatabaseInstance.tfResourceType, { settings: { ip_configuration: { ssl_mode: 'ENCRYPTED_ONLY' } } })).toBe(true);
  });
  it('cloud sql has local_infile off', () => {
    expect(sql().settings.database_flags).toContainEqual({ name: 'local_infile', value: 'off' });
  });
  it('cloud sql has deletion protection', () => {
    expect(has(SqlDatabaseInstance.tfResourceType, { deletion_protection: true, settings: { deletion_protection_enabled: true } })).toBe(true);
  });
  it('cloud sql tier and disk come from the environment', () => {
    expect(has(SqlDatabaseInstance.tfResourceType, { settings: { tier: 'db-custom-2-7680', disk_size: 50, disk_autoresize: true, disk_type: 'PD_SSD', edition: 'ENTERPRISE' } })).toBe(true);
  });
  it('cloud sql holds the kfp pipeline, metadata and cache databases', () => {
    expect(resources(json, SqlDatabase.tfResourceType).map((d) => d.name).sort()).toEqual(['cachedb', 'metadb', 'mlpipeline']);
  });
});

describe('database credentials', () => {
  it('database password is generated ephemerally, never stored in state', () => {
    const passwords = Object.values(json.ephemeral?.random_password ?? {});
    expect(passwords).toHaveLength(1);
    expect(passwords[0]).toMatchObject({ length: 32 });
    const user = resources(json, SqlUser.tfResourceType)[0];
    expect(user).toMatchObject({ name: 'kfp', password_wo_version: 1 });
    expect(user.password_wo).toMatch(/^\$\{ephemeral\.random_password\.[-\w]+\.result\}$/);
    expect(user.password).toBeUndefined();
  });
  it('database password is written to secret manager through a write-only argument', () => {
    expect(has(SecretManagerSecret.tfResourceType, { secret_id: 'kfp-stg-metadata-kfp-credentials', replication: { auto: {} }, deletion_protection: true })).toBe(true);
    const version = resources(json, SecretManagerSecretVersion.tfResourceType)[0];
    expect(version.secret_data).toBeUndefined();
    expect(version.secret_data_wo).toMatch(/^\$\{jsonencode\(\{"username" = "kfp", "password" = ephemeral\.random_password\.[-\w]+\.result\}\)\}$/);
  });
  it('no literal password in configuration', () => {
    const offenders: string[] = [];
    const walk = (v: unknown, path: string) => {
      if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, `${path}.${k}`);
      else if (/password|secret_data|root_password/i.test(path.split('.').pop() ?? '') && !/_version$/.test(path) && !(typeof v === 'string' && v.includes('ephemeral.random_password.'))) offenders.push(`${path}=${String(v)}`);
    };
    walk(json.resource, 'resource');
    expect(offenders).toEqual([]);
    expect(sql().root_password).toBeUndefined();
  });
  it('the secret store may read the credentials secret and nothing else', () => {
    const grants = resources(json, SecretManagerSecretIamMember.tfResourceType);
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ role: 'roles/secretmanager.secretAccessor', member: expect.stringMatching(/kfp-service-accounts_secrets\./) });
    expect(resources(json, ProjectIamMember.tfResourceType).map((m) => m.role)).not.toContain('roles/secretmanager.secretAccessor');
  });
});

describe('artifact bucket', () => {
  it('bucket has uniform bucket-level access', () => {
    expect(has(StorageBucket.tfResourceType, { name: 'acme-kfp-staging-kfp-artifacts', uniform_bucket_level_access: true })).toBe(true);
  });
  it('bucket enforces public access prevention', () => {
    expect(has(StorageBucket.tfResourceType, { public_access_prevention: 'enforced' })).toBe(true);
  });
  it('bucket is versioned and expires noncurrent versions', () => {
    expect(has(StorageBucket.tfResourceType, { versioning: { enabled: true }, lifecycle_rule: [{ action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 30, with_state: 'ARCHIVED' } }] })).toBe(true);
  });
  it('bucket has an explicit location', () => {
    expect(has(StorageBucket.tfResourceType, { location: 'US-CENTRAL1' })).toBe(true);
  });
  it('bucket is never force-destroyed', () => {
    expect(has(StorageBucket.tfResourceType, { force_destroy: false })).toBe(true);
  });
  it('bucket access is granted per bucket, never project-wide', () => {
    expect(resources(json, StorageBucketIamMember.tfResourceType).map((m) => m.role).sort()).toEqual([
      'roles/storage.legacyBucketReader', 'roles/storage.objectAdmin', 'roles/storage.objectAdmin', 'roles/storage.objectAdmin', 'roles/storage.objectViewer',
    ]);
    expect(resources(json, ProjectIamMember.tfResourceType).map((m) => m.role).filter((r) => r.startsWith('roles/storage.'))).toEqual([]);
  });
});

describe('service accounts and roles', () => {
  it('no service account keys', () => {
    expect(Testing.toHaveResource(synth, 'google_service_account_key')).toBe(false);
    expect(synth).not.toContain('google_service_account_key');
  });
  it('no primitive owner or editor role', () => {
    expect(synth).not.toMatch(/roles\/(owner|editor|viewer)"/);
  });
  it('no admin role is granted', () => {
    const roles = [
      ...resources(json, ProjectIamMember.tfResourceType), ...resources(json, StorageBucketIamMember.tfResourceType),
      ...resources(json, ServiceAccountIamMember.tfResourceType), ...resources(json, SecretManagerSecretIamMember.tfResourceType),
    ].map((m) => m.role);
    expect(roles.filter((r) => /admin/i.test(r) && r !== 'roles/storage.objectAdmin')).toEqual([]);
  });
  it('the pipeline runner has the narrowed seed roles', () => {
    const runner = resources(json, ProjectIamMember.tfResourceType).filter((m) => String(m.member).includes('kfp-service-accounts_runner.')).map((m) => m.role).sort();
    expect(runner).toEqual(['roles/bigquery.dataEditor', 'roles/bigquery.jobUser', 'roles/dataflow.developer', 'roles/ml.developer']);
    const actAs = resources(json, ServiceAccountIamMember.tfResourceType).filter((m) => m.role === 'roles/iam.serviceAccountUser');
    expect(actAs).toHaveLength(1);
    expect(actAs[0].service_account_id).toMatch(/kfp-service-accounts_dataflow-worker\./);
  });
  it('the cloud sql proxy may connect only to this instance', () => {
    expect(has(ProjectIamMember.tfResourceType, {
      role: 'roles/cloudsql.client',
      condition: { expression: 'resource.name == "projects/acme-kfp-staging/instances/kfp-stg-metadata"' },
    })).toBe(true);
  });
  it.each([
    ['kubeflow-pipelines-minio-gcs-gateway', 'minio'],
    ['ml-pipeline-ui', 'ui'],
    ['ml-pipeline-visualizationserver', 'ui'],
    ['kubeflow-pipelines-cloudsql-proxy', 'cloudsql'],
    ['pipeline-runner', 'runner'],
    ['kfp-secret-store', 'secrets'],
  ])('workload identity binds kubeflow/%s to the %s account', (ksa, account) => {
    const binding = resources(json, ServiceAccountIamMember.tfResourceType)
      .find((m) => m.role === 'roles/iam.workloadIdentityUser' && m.member === `serviceAccount:acme-kfp-staging.svc.id.goog[kubeflow/${ksa}]`);
    expect(binding?.service_account_id).toMatch(new RegExp(`kfp-service-accounts_${account}\\.name`));
  });
});

describe('terraform settings', () => {
  it('state lives in the environment\'s gcs backend prefix', () => {
    expect(json.terraform.backend).toEqual({ gcs: { bucket: 'acme-terraform-state', prefix: 'kfp/staging' } });
  });
  it('pins the providers and requires terraform with write-only arguments', () => {
    expect(json.terraform.required_version).toBe('>= 1.11');
    expect(json.terraform.required_providers).toEqual({
      google: { source: 'google', version: '6.50.0' },
      random: { source: 'hashicorp/random', version: '~> 3.7' },
    });
    expect(Testing.toHaveProviderWithProperties(synth, 'google', { project: 'acme-kfp-staging', region: 'us-central1' })).toBe(true);
  });
});
