/** One negative test per validation of lib/infra: the exact message a user sees. */
import { App, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ArtifactBucket } from '../../lib/infra/artifact-bucket';
import { CloudSqlMysql, CloudSqlMysqlProps } from '../../lib/infra/cloud-sql-mysql';
import { DEFAULT_NETWORK_PLAN, ENVIRONMENT_PROFILES, KfpEnvironmentSettings } from '../../lib/infra/environments';
import { KfpEnvironmentStack } from '../../lib/infra/kfp-environment-stack';
import { Network, NetworkProps } from '../../lib/infra/network';
import { ProjectServices } from '../../lib/infra/project-services';
import { GkeCluster } from '../../lib/infra/gke-cluster';
import { KfpServiceAccounts } from '../../lib/infra/kfp-service-accounts';
import { settingsFor, testApp } from './support';

const app: App = testApp();
let n = 0;
const stack = (change: Partial<KfpEnvironmentSettings>) => () => new KfpEnvironmentStack(app, `s${n++}`, settingsFor('staging', change));
const staging = ENVIRONMENT_PROFILES.staging;
const netProps: NetworkProps = { projectId: 'acme-kfp-dev', region: 'us-central1', name: 'net', subnetCidr: '10.0.0.0/20', podsCidr: '10.4.0.0/14', servicesCidr: '10.8.0.0/20' };
const scope = () => new TerraformStack(app, `t${n++}`);
const sql = (change: Partial<CloudSqlMysqlProps>) => () => {
  const s = scope();
  new CloudSqlMysql(s, 'db', { projectId: 'acme-kfp-dev', region: 'us-central1', name: 'db', network: new Network(s, 'n', netProps), databases: ['x'], ...change });
};

describe('KfpEnvironmentStack validation', () => {
  it('projectId must be a project id', () => {
    expect(stack({ projectId: 'Acme_KFP' })).toThrow(/^s\d+: projectId must be a Google Cloud project id \(6 to 30 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen\), got "Acme_KFP"\. Fix: use the id shown by `gcloud projects list`, such as "acme-kfp-dev"$/);
  });
  it('region must not be a zone', () => {
    expect(stack({ region: 'us-central1-a' })).toThrow(/: region must be a Google Cloud region, got "us-central1-a"\. Fix: use a region such as "us-central1" \(not a zone such as "us-central1-a"\)$/);
  });
  it('namePrefix is at most 17 characters', () => {
    expect(stack({ namePrefix: 'a-very-long-prefix-x' })).toThrow(/: namePrefix must start with a lower-case letter and hold only lower-case letters, digits and hyphens \(at most 17 characters\), got "a-very-long-prefix-x"\. Fix: use a name such as "kfp-dev"$/);
  });
  it('state.bucket must be a bucket name', () => {
    expect(stack({ state: { bucket: 'My Bucket' } })).toThrow(/: state\.bucket must be a Cloud Storage bucket name \(3 to 63 lower-case letters, digits, "-" or "_", without "goog" or "google"\), got "My Bucket"\. Fix: use a globally unique name such as "acme-kfp-dev-artifacts"$/);
  });
  it('state.prefix must be relative', () => {
    expect(stack({ state: { bucket: 'acme-tf', prefix: '/abs/path' } })).toThrow(/: state\.prefix must be a relative object prefix, got "\/abs\/path"\. Fix: use "kfp\/staging"$/);
  });
  it('environment must be a known environment', () => {
    expect(stack({ environment: 'qa' as never })).toThrow(/: environment must be one of development, staging, production, got "qa"\. Fix: use "development", "staging" or "production"$/);
  });
});

describe('GkeCluster validation', () => {
  it('the control plane is never open to the internet', () => {
    expect(stack({ masterAuthorizedNetworks: [{ cidr: '0.0.0.0/0', displayName: 'all' }] })).toThrow('/cluster: masterAuthorizedNetworks[0].cidr must not open the control plane to the internet, got "0.0.0.0/0". Fix: list your VPN or office egress range instead');
  });
  it('at least one authorized network', () => {
    expect(stack({ masterAuthorizedNetworks: [] })).toThrow('/cluster: masterAuthorizedNetworks must list at least one network allowed to reach the control plane, got []. Fix: add { cidr: "203.0.113.0/24", displayName: "office-vpn" }');
  });
  it('masterCidr is a /28', () => {
    expect(stack({ networkPlan: { ...DEFAULT_NETWORK_PLAN, masterCidr: '172.16.0.0/24' } })).toThrow('/cluster: masterCidr must be a /28 range, got "172.16.0.0/24". Fix: use a range such as "172.16.0.0/28"');
  });
  it('masterCidr does not overlap the subnet', () => {
    expect(stack({ networkPlan: { ...DEFAULT_NETWORK_PLAN, masterCidr: '10.10.0.0/28' } })).toThrow('/cluster: masterCidr must not overlap subnetCidr (10.10.0.0/20), got "10.10.0.0/28". Fix: pick disjoint ranges for the subnet, pods, services and control plane');
  });
  it('maxNodes is at least minNodes', () => {
    expect(stack({ profile: { ...staging, nodePool: { minNodes: 4, maxNodes: 2 } } })).toThrow('/cluster: nodePool.maxNodes must be at least nodePool.minNodes (4), got 2. Fix: set maxNodes to 4 or more');
  });
});

describe('Network validation', () => {
  it('ranges do not overlap', () => {
    expect(stack({ networkPlan: { ...DEFAULT_NETWORK_PLAN, podsCidr: '10.10.0.0/16' } })).toThrow('/network: podsCidr must not overlap subnetCidr (10.10.0.0/20), got "10.10.0.0/16". Fix: pick disjoint ranges for the subnet, pods, services and control plane');
  });
  it('ranges have no host bits', () => {
    expect(stack({ networkPlan: { ...DEFAULT_NETWORK_PLAN, subnetCidr: '10.10.0.1/20' } })).toThrow('/network: subnetCidr must be an IPv4 network in CIDR notation (four octets from 0 to 255, a prefix length from 0 to 32, no host bits set), got "10.10.0.1/20". Fix: write the network address, "10.10.0.0/20"');
  });
  it('flowLogSampling is in (0, 1]', () => {
    expect(() => new Network(scope(), 'n', { ...netProps, flowLogSampling: 0 })).toThrow('/n: flowLogSampling must be a number greater than 0 and at most 1, got 0. Fix: use 0.5 to sample half of the flows');
  });
});

describe('CloudSqlMysql validation', () => {
  it('tier is an Enterprise machine tier', () => {
    expect(stack({ profile: { ...staging, sqlTier: 'db-perf-optimized-N-2' } })).toThrow('/database: tier must be a Cloud SQL Enterprise machine tier, got "db-perf-optimized-N-2". Fix: use "db-custom-<vCPUs>-<memory MB>", such as "db-custom-2-7680"');
  });
  it('disk is at least 10 GB', () => {
    expect(stack({ profile: { ...staging, sqlDiskSizeGb: 5 } })).toThrow('/database: diskSizeGb must be an integer from 10 to 65536, got 5. Fix: use a whole number from 10 to 65536');
  });
  it('root is never a managed user', () => {
    expect(sql({ users: ['root'] })).toThrow('/db: users must hold MySQL user names other than root (lower-case letters, digits and "_", at most 32 characters), got "root". Fix: use a name such as "kfp"');
  });
  it('at least one database', () => {
    expect(sql({ databases: [] })).toThrow('/db: databases must list at least one database, got []. Fix: pass databases: ["mlpipeline", "metadb"]');
  });
  it('backup start time is HH:MM', () => {
    expect(sql({ backupStartTime: '2am' })).toThrow('/db: backupStartTime must be a UTC time "HH:MM", got "2am". Fix: write it as "02:00"');
  });
  it('credentials can be granted only for a managed user', () => {
    const s = new KfpEnvironmentStack(app, `s${n++}`, settingsFor('staging'));
    expect(() => s.database.grantReadCredentials('admin', 'user:x@example.com')).toThrow('/database: grantReadCredentials(username) must be one of the users (kfp), got "admin". Fix: add "admin" to users');
  });
});

describe('ArtifactBucket and ProjectServices validation', () => {
  it('bucket name avoids google', () => {
    expect(stack({ bucketName: 'google-kfp' })).toThrow('/artifacts: name must be a Cloud Storage bucket name (3 to 63 lower-case letters, digits, "-" or "_", without "goog" or "google"), got "google-kfp". Fix: use a globally unique name such as "acme-kfp-dev-artifacts"');
  });
  it('bucket location is explicit', () => {
    expect(() => new ArtifactBucket(scope(), 'b', { projectId: 'acme-kfp-dev', name: 'acme-bucket', location: '' })).toThrow('/b: location must be an explicit Cloud Storage location, got "". Fix: use a region such as "US-CENTRAL1" (next to the cluster) or a multi-region such as "US"');
  });
  it('every project construct checks projectId (ProjectConstruct), KfpServiceAccounts too', () => {
    const bad = 'Acme_KFP';
    expect(() => new ArtifactBucket(scope(), 'b', { projectId: bad, name: 'acme-bucket', location: 'US' })).toThrow('/b: projectId must be a Google Cloud project id');
    expect(() => new ProjectServices(scope(), 'p', { projectId: bad, services: ['container.googleapis.com'] })).toThrow('/p: projectId must be a Google Cloud project id');
    expect(() => new KfpServiceAccounts(scope(), 'sa', { projectId: bad } as any)).toThrow('/sa: projectId must be a Google Cloud project id');
  });
  it('services are API service names', () => {
    expect(() => new ProjectServices(scope(), 'p', { projectId: 'acme-kfp-dev', services: ['container'] })).toThrow('/p: services must hold API service names, got "container". Fix: write each as "container.googleapis.com"');
  });
});

describe('lib/infra validations without a test before', () => {
  const cluster = (change: Record<string, unknown>) => () => {
    const s = scope();
    new GkeCluster(s, 'gke', {
      projectId: 'acme-kfp-dev', name: 'kfp', location: 'us-central1', network: new Network(s, 'n', netProps),
      masterCidr: '172.16.0.0/28', masterAuthorizedNetworks: [{ cidr: '203.0.113.0/24', displayName: 'vpn' }], ...change,
    });
  };
  it('GkeCluster location is a region or zone', () => {
    expect(cluster({ location: 'central' })).toThrow('/gke: location must be a Google Cloud region or zone, got "central". Fix: use "us-central1" for a regional cluster or "us-central1-a" for a zonal one');
  });
  it('GkeCluster machine type', () => {
    expect(cluster({ nodePool: { machineType: 'big' } })).toThrow('/gke: nodePool.machineType must be a Compute Engine machine type, got "big". Fix: use a type such as "e2-standard-4"');
  });
  it('GkeCluster node disk is at least 20 GB', () => {
    expect(cluster({ nodePool: { diskSizeGb: 10 } })).toThrow('/gke: nodePool.diskSizeGb must be an integer from 20 to 65536, got 10. Fix: use a whole number from 20 to 65536');
  });
  it('GkeCluster node service account id', () => {
    expect(cluster({ nodeServiceAccountId: 'Nodes' })).toThrow('/gke: nodeServiceAccountId must be a service account id');
  });
  it('GkeCluster authorized networks are CIDR blocks', () => {
    expect(cluster({ masterAuthorizedNetworks: [{ cidr: '203.0.113.7', displayName: 'vpn' }] })).toThrow('/gke: masterAuthorizedNetworks[0].cidr must be an IPv4 network in CIDR notation (four octets from 0 to 255, a prefix length from 0 to 32, no host bits set), got "203.0.113.7". Fix: add a prefix length, as in "203.0.113.7/32" for that one address');
  });
  it('CloudSqlMysql database names', () => {
    expect(sql({ databases: ['ml-pipeline'] })).toThrow('/db: databases must hold MySQL database names (lower-case letters, digits and "_"), got "ml-pipeline". Fix: use a name such as "mlpipeline"');
  });
  it('CloudSqlMysql user names', () => {
    expect(sql({ users: ['KFP'] })).toThrow('/db: users must hold MySQL user names other than root');
  });
  it('CloudSqlMysql retention bounds', () => {
    expect(sql({ retainedBackups: 0 })).toThrow('/db: retainedBackups must be an integer from 1 to 365, got 0. Fix: use a whole number from 1 to 365');
    expect(sql({ transactionLogRetentionDays: 8 })).toThrow('/db: transactionLogRetentionDays must be an integer from 1 to 7, got 8. Fix: use a whole number from 1 to 7');
  });
  it('CloudSqlMysql project and region', () => {
    expect(sql({ projectId: 'x' })).toThrow('/db: projectId must be a Google Cloud project id');
    expect(sql({ region: 'us-central1-a' })).toThrow('/db: region must be a Google Cloud region, got "us-central1-a"');
  });
  it('ProjectServices lists each API once', () => {
    expect(() => new ProjectServices(scope(), 'p', { projectId: 'acme-kfp-dev', services: ['container.googleapis.com', 'container.googleapis.com'] }))
      .toThrow('/p: services must not repeat an API, got "container.googleapis.com". Fix: list "container.googleapis.com" once');
  });
  it('ProjectServices refuses a dependency on an API it does not enable', () => {
    const p = new ProjectServices(scope(), 'p', { projectId: 'acme-kfp-dev', services: ['container.googleapis.com'] });
    expect(() => p.dependables('sqladmin.googleapis.com')).toThrow('/p: services must include sqladmin.googleapis.com, which a resource of this stack depends on, got ["container.googleapis.com"]. Fix: add "sqladmin.googleapis.com"');
  });
});
