import { Duration, Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AppOfApps, BucketSetup, CloudObjectStore, DatabaseSetup, Database, DatabaseEngine, DirectoryApplicationSet, IngressTls, LimitRange, MlflowSharingHub,
  MlflowSharingHubAuth, Mysql, MysqlDatabaseSetup, ObjectStore, Postgres, ResourceQuota, SharingHub, SharingHubAlertType, VolumeClaim, WorkloadIdentity,
} from '../../lib';
import { CONFIG, hub } from '../sharinghub/fixtures';
import { exactly, secretRef, synthChart } from '../support/synth';

/** Runs `build` in a fresh chart and returns what it throws (the message a user sees). */
const attempt = (build: (chart: any) => void) => () => synthChart(build);
const git = { repoUrl: 'https://github.com/acme/platform.git' };

describe('input audit of the new constructs (issue 6 §3)', () => {
  it('JavaScript callers without props get a clear error, never a TypeError', () => {
    expect(attempt((c) => new (SharingHub as any)(c, 'hub'))).toThrowError(exactly(
      'test/hub: props must be an object, got undefined. Fix: pass { gitlab, ingress, sessionSecret, oauth, config } (see SharingHubProps)'));
    expect(attempt((c) => new (ResourceQuota as any)(c, 'quota'))).toThrowError(exactly(
      'test/quota: props must be an object, got undefined. Fix: pass { requestsCpu, requestsMemory, limitsMemory } (see ResourceQuotaProps)'));
    expect(attempt((c) => (CloudObjectStore as any).gcs(c, 'gcs'))).toThrowError(exactly(
      'test/gcs: props must be an object, got undefined. Fix: pass { identity: WorkloadIdentity.gke(...) }'));
    // Postgres checks its props through DatabaseServer, as Mysql does
    expect(attempt((c) => new (Postgres as any)(c, 'db'))).toThrowError(exactly(
      'test/db: props must be an object, got undefined. Fix: pass { superuserPassword, database: { password } }'));
    expect(attempt((c) => new (MysqlDatabaseSetup as any)(c, 'setup'))).toThrowError(exactly(
      'test/setup: props must be an object, got undefined. Fix: pass { database, adminPassword } (see MysqlDatabaseSetupProps)'));
    expect(attempt((c) => new (Mysql as any)(c, 'db', null))).toThrowError(exactly(
      'test/db: props must be an object, got null. Fix: pass { rootPassword, database: { password } }'));
  });

  it('a string where a SecretValue is expected is refused without echoing it', () => {
    expect(attempt((c) => hub(c, { oauth: { clientId: 'sharinghub' as any, clientSecret: secretRef('o', 's') } }, false))).toThrowError(exactly(
      'test/sharinghub: oauth.clientId must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("sharinghub-oidc", "client-id")'));
    expect(attempt((c) => hub(c, {}, { secretKey: 'hunter2' as any }))).toThrowError(exactly(
      'test/mlflow: secretKey must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("mlflow-sharinghub", "secret-key")'));
  });

  it('a plain object cannot bypass a factory', () => {
    const tls = { annotations: {}, secretName: () => 'x' } as any;
    expect(attempt((c) => hub(c, { ingress: { host: 'sharinghub.example.com', tls } }, false))).toThrowError(exactly(
      'test/sharinghub: ingress.tls must be an IngressTls, got a plain object. Fix: pass IngressTls.certManagerClusterIssuer("letsencrypt-prod") or IngressTls.existingSecret("sharinghub-tls")'));
    expect(attempt((c) => hub(c, {}, { auth: { gitlab: undefined } as any }))).toThrowError(exactly(
      'test/mlflow: auth must be an MlflowSharingHubAuth, got a plain object. Fix: pass MlflowSharingHubAuth.sharingHub() or MlflowSharingHubAuth.gitlab({ gitlab, clientId, clientSecret })'));
    expect(attempt((c) => hub(c, {}, { auth: MlflowSharingHubAuth.gitlab({ gitlab: 'https://gitlab.example.com' as any, clientId: secretRef('g', 'i'), clientSecret: secretRef('g', 's') }) }))).toThrowError(exactly(
      'test/mlflow: auth.gitlab.gitlab must be a GitLab (an IGitLab), got a string. Fix: pass GitLab.fromExisting(chart, "gitlab", { url: "https://gitlab.example.com" })'));
  });

  it('annotation keys the API server would reject fail at synth', () => {
    expect(attempt((c) => hub(c, { ingress: { host: 'sharinghub.example.com', tls: IngressTls.existingSecret('tls'), annotations: { 'proxy body size': '10g' } } }, false))).toThrowError(exactly(
      'test/sharinghub: ingress.annotations key must be an annotation key ([prefix/]name) but has a name that is not 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit, got "proxy body size". Fix: use a key such as "example.com/note"'));
  });

  it('a string where a construct or interface value is expected is refused', () => {
    expect(attempt((c) => hub(c, {}, { database: 'postgresql://mlflow@db:5432/mlflow' as any }))).toThrowError(exactly(
      'test/mlflow: database must be a database (an IDatabase), got a string. Fix: pass a Postgres, or Database.fromExisting(..., { engine: DatabaseEngine.POSTGRESQL, ... })'));
    expect(attempt((c) => hub(c, { gitlab: 'https://gitlab.example.com' as any }, false))).toThrowError(exactly(
      'test/sharinghub: gitlab must be a GitLab (an IGitLab), got a string. Fix: pass GitLab.fromExisting(chart, "gitlab", { url: "https://gitlab.example.com" }) or a GitLabChart'));
    expect(attempt((c) => new BucketSetup(c, 'buckets', { buckets: ['mlflow' as any] }))).toThrowError(exactly(
      'test/buckets: buckets[0] must be a bucket (an IBucket), got a string. Fix: pass store.bucket("mlflow")'));
  });

  it('memory and storage amounts are Sizes: a quantity string is refused with the Size to write (the milli suffix read as mebibytes)', () => {
    expect(attempt((c) => new ResourceQuota(c, 'quota', { requestsCpu: '4', requestsMemory: '512m' as never, limitsMemory: Size.gibibytes(16) }))).toThrowError(exactly(
      'test/quota: requestsMemory must be a Size, not a string, got "512m". Fix: write requestsMemory: Size.mebibytes(512)'));
    expect(attempt((c) => new LimitRange(c, 'limits', { defaultRequest: { cpu: '100m', memory: '128m' as never }, defaultLimit: { cpu: '1', memory: Size.gibibytes(1) } }))).toThrowError(exactly(
      'test/limits: defaultRequest.memory must be a Size, not a string, got "128m". Fix: write memory: Size.mebibytes(128)'));
    expect(attempt((c) => new VolumeClaim(c, 'models', { name: 'models', size: '500Gi' as never }))).toThrowError(exactly(
      'test/models: size must be a Size, not a string, got "500Gi". Fix: write size: Size.gibibytes(500)'));
    expect(attempt((c) => new VolumeClaim(c, 'models', { name: 'models' } as never))).toThrowError(exactly(
      'test/models: size is required, got undefined. Fix: write size: Size.gibibytes(10)'));
    expect(attempt((c) => new Mysql(c, 'mysql', { rootPassword: secretRef('m', 'root'), database: { password: secretRef('m', 'app') }, storageSize: '20Gi' as never }))).toThrowError(exactly(
      'test/mysql: storageSize must be a Size, not a string, got "20Gi". Fix: write storageSize: Size.gibibytes(20)'));
    expect(attempt((c) => hub(c, {}, { scratchSize: '512m' as never }))).toThrowError(exactly(
      'test/mlflow: scratchSize must be a Size, not a string, got "512m". Fix: write scratchSize: Size.mebibytes(512)'));
  });

  it('sizes render in the largest exact binary unit', () => {
    const objs = synthChart((c) => {
      new Mysql(c, 'mysql', { rootPassword: secretRef('m', 'root'), database: { password: secretRef('m', 'app') }, storageSize: Size.gibibytes(20) });
      new VolumeClaim(c, 'models', { name: 'models', size: Size.mebibytes(512) });
    });
    expect(objs.find((o) => o.kind === 'StatefulSet').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
    expect(objs.find((o) => o.kind === 'PersistentVolumeClaim').spec.resources.requests.storage).toBe('512Mi');
  });

  it('enum-like classes instead of string unions refuse the bare string', () => {
    const config = (over: object) => ({ ...CONFIG, ...over });
    expect(attempt((c) => hub(c, { config: config({ alert: { timeout: Duration.days(3), type: 'info', title: 't', message: 'm' } }) as any }, false))).toThrowError(exactly(
      'test/sharinghub: config.alert.type must be a SharingHubAlertType, got a string. Fix: pass SharingHubAlertType.INFO'));
    expect(attempt((c) => hub(c, { config: config({ logLevel: 'DEBUG' }) as any }, false))).toThrowError(exactly(
      'test/sharinghub: config.logLevel must be a SharingHubLogLevel, got a string. Fix: pass SharingHubLogLevel.INFO'));
    expect(attempt((c) => hub(c, { config: config({ alert: { timeout: 3, type: SharingHubAlertType.INFO, title: 't', message: 'm' } }) as any }, false))).toThrowError(exactly(
      'test/sharinghub: config.alert.timeout must be a Duration, got a number. Fix: pass Duration.days(1)'));
  });

  it('ranges the store enforces: an S3 presigned URL lives at most 7 days', () => {
    expect(attempt((c) => {
      const s3 = ObjectStore.fromExisting(c, 's3b', { endpointUrl: 'https://minio.example.com', credentials: { accessKeyId: secretRef('s', 'a'), secretAccessKey: secretRef('s', 'b') } });
      hub(c, { store: { bucket: s3.bucket('sharinghub'), presignedExpiration: Duration.days(30) } }, false);
    })).toThrowError(exactly('test/sharinghub: store.presignedExpiration must be a whole number of seconds from 1 to 604800, got "30 days". Fix: pass Duration.seconds(n) with n from 1 to 604800'));
  });

  it('Argo CD names: the ApplicationSet destination namespace, project and application name template', () => {
    const base = { name: 'teams', source: git, directories: ['dist/mlflow-teams/*'] };
    expect(attempt((c) => new DirectoryApplicationSet(c, 'set', { ...base, destinationNamespace: 'ML Teams' }))).toThrowError(exactly(
      'test/set: destinationNamespace must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "ML Teams". Fix: use a name such as "ml-teams"'));
    expect(attempt((c) => new DirectoryApplicationSet(c, 'set', { ...base, project: 'Platform!' }))).toThrowError(exactly(
      'test/set: project must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Platform!". Fix: use a name such as "platform"'));
    expect(attempt((c) => new DirectoryApplicationSet(c, 'set', { ...base, applicationName: 'Team {{ .path.basename }}' }))).toThrowError(exactly(
      'test/set: applicationName must be a DNS-1123 subdomain around its {{ }} template actions, got "Team {{ .path.basename }}". Fix: write it as "{{ .path.basenameNormalized }}" or "team-{{ .path.basenameNormalized }}"'));
    expect(attempt((c) => new AppOfApps(c, 'apps', { source: git, path: 'dist/argocd', project: 'Platform!' }))).toThrowError(exactly(
      'test/apps: project must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Platform!". Fix: use a name such as "platform"'));
    // Templates are accepted as written.
    expect(() => synthChart((c) => new DirectoryApplicationSet(c, 'set', { ...base, applicationName: 'team-{{ .path.basenameNormalized }}' }))).not.toThrow();
  });

  it('whole-app conflicts: MLflow SharingHub refuses a store it cannot reach with a workload identity; a database is set up once', () => {
    expect(attempt((c) => {
      const s3 = CloudObjectStore.s3(c, 'aws', { region: 'eu-west-1', identity: WorkloadIdentity.irsa('arn:aws:iam::123456789012:role/mlflow') });
      hub(c, {}, { artifacts: s3.bucket('mlflow-artifacts') });
    })).toThrowError(exactly(
      'test/mlflow: artifacts must be on a store with access keys or none (mlflow-sharinghub gets no workload identity: its ServiceAccount carries no cloud annotations), got "mlflow-artifacts". Fix: pass a bucket of a Minio, or of ObjectStore.fromExisting(...) with credentials'));
    expect(attempt((c) => {
      const db = (name: string) => Database.fromExisting(c, name, { engine: DatabaseEngine.POSTGRESQL, host: 'pg.example.com', databaseName: 'mlflow', username: name, password: secretRef('pg', name) });
      new DatabaseSetup(c, 'dbs', { admin: Database.fromExisting(c, 'admin', { engine: DatabaseEngine.POSTGRESQL, host: 'pg.example.com', databaseName: 'postgres', username: 'admin', password: secretRef('pg', 'admin') }), databases: [db('a'), db('b')] });
    })).toThrowError(exactly('test/dbs: databases must not repeat a database, got "mlflow". Fix: list "mlflow" once'));
  });

  it('IngressTls values from the factories still work', () => {
    expect(() => synthChart((c) => hub(c, { ingress: { host: 'sharinghub.example.com', tls: IngressTls.existingSecret('sharinghub-tls') } }, false))).not.toThrow();
    expect(MlflowSharingHub).toBeDefined();
  });
});
