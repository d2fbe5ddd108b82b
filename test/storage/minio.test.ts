import { Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { Workload } from '../../lib/core/workload';
import { BackupDestination } from '../../lib/storage/backup';
import { ObjectStore } from '../../lib/storage/object-store';
import { Minio, MinioProps, MinioTopology } from '../../lib/storage/minio';
import { allContainers, container, envOf, exactly, find, ofKind, podSpec, secretRef, synthChart } from '../support/synth';

const rootCredentials = { accessKeyId: secretRef('minio-credentials', 'root-user'), secretAccessKey: secretRef('minio-credentials', 'root-password') };
const selector = { 'app.kubernetes.io/name': 'minio', 'app.kubernetes.io/instance': 'minio', 'app.kubernetes.io/component': 'object-store' };

describe('Minio standalone', () => {
  let minio!: Minio;
  const objs = synthChart((chart) => {
    minio = new Minio(chart, 'minio', { rootCredentials, buckets: ['mlflow', 'datasets'] });
    minio.addBucket('checkpoints');
    minio.addBucket('mlflow');
  });
  const sts = find(objs, 'StatefulSet', 'minio');
  const main = container(sts, 'minio');

  it('runs one pod with one drive', () => {
    expect(sts.spec).toMatchObject({ replicas: 1, serviceName: 'minio-hl', podManagementPolicy: 'OrderedReady', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' } });
    expect(main.args).toEqual(['server', '/data', '--address', ':9000', '--console-address', ':9001', '--certs-dir', '/tmp/certs']);
    expect(sts.spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual([['data', '50Gi']]);
    expect(podSpec(sts).topologySpreadConstraints).toBeUndefined();
    expect(ofKind(objs, 'PodDisruptionBudget')).toEqual([]);
  });

  it('serves the API on 9000 and the console on 9001, plus a headless Service for pod DNS', () => {
    expect(find(objs, 'Service', 'minio').spec.ports).toEqual([
      { name: 'api', port: 9000, targetPort: 'api', protocol: 'TCP' },
      { name: 'console', port: 9001, targetPort: 'console', protocol: 'TCP' },
    ]);
    expect(find(objs, 'Service', 'minio-hl').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'api', port: 9000 }] });
    expect(main.ports).toEqual([{ name: 'api', containerPort: 9000, protocol: 'TCP' }, { name: 'console', containerPort: 9001, protocol: 'TCP' }]);
    expect(minio.endpointUrl).toBe('http://minio.test.svc.cluster.local:9000');
    expect(minio.region).toBe('us-east-1');
  });

  it('reads the root credentials from secretKeyRefs and probes the health endpoints', () => {
    expect(envOf(main)).toEqual({
      HOME: '/tmp',
      MINIO_ROOT_USER: { secretKeyRef: { name: 'minio-credentials', key: 'root-user' } },
      MINIO_ROOT_PASSWORD: { secretKeyRef: { name: 'minio-credentials', key: 'root-password' } },
      MINIO_BROWSER_REDIRECT: 'off',
    });
    expect(main.livenessProbe.httpGet).toEqual({ path: '/minio/health/live', port: 'api' });
    expect(main.readinessProbe.httpGet).toEqual({ path: '/minio/health/ready', port: 'api' });
  });

  it('creates every bucket, once and sorted, with mc mb --ignore-existing', () => {
    expect(minio.bucketNames).toEqual(['checkpoints', 'datasets', 'mlflow']);
    const job = find(objs, 'Job', 'minio-setup');
    // The script (lib/storage/scripts/minio-setup.sh) runs `mc mb --ignore-existing src/<bucket>` for each.
    expect(container(job, 'setup').command[2]).toContain('mc mb --ignore-existing "src/$bucket"');
    expect(envOf(container(job, 'setup'))).toMatchObject({
      BUCKETS: 'checkpoints datasets mlflow',
      SRC_ENDPOINT: 'http://minio.test.svc.cluster.local:9000',
      SRC_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'minio-credentials', key: 'root-password' } },
    });
    expect(find(objs, 'NetworkPolicy', 'minio-setup-egress').spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: 9000 }] }]);
  });

  it('hands out bucket references with s3 URIs', () => {
    expect(minio.bucket('mlflow').s3Uri()).toBe('s3://mlflow');
    expect(minio.bucket('mlflow').s3Uri('/runs/')).toBe('s3://mlflow/runs');
    expect(minio.addBucket('more').store).toBe(minio);
  });

  it('runs every container with the restricted security context', () => {
    for (const { container: c } of allContainers(objs)) {
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
  });

  it('matches the snapshot', () => {
    expect(objs).toMatchSnapshot();
  });
});

describe('Minio distributed', () => {
  const objs = synthChart((chart) => {
    const minio = new Minio(chart, 'store', { rootCredentials, topology: MinioTopology.distributed(4), storageSize: Size.gibibytes(100), storageClass: 'ssd', region: 'eu-west-1' });
    minio.allowConsoleFrom(Peer.namespace('ingress-nginx'));
    minio.grantConnect(new Workload(chart, 'client', { name: 'app', instance: 'app', component: 'client' }), 'app → minio');
  }, 'storage');
  const sts = find(objs, 'StatefulSet', 'minio');

  it('runs 4 pods in parallel, each addressing the others through the headless Service', () => {
    expect(sts.spec).toMatchObject({ replicas: 4, podManagementPolicy: 'Parallel' });
    expect(container(sts, 'minio').args[1]).toBe('http://minio-{0...3}.minio-hl.storage.svc.cluster.local/data');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'ssd', resources: { requests: { storage: '100Gi' } } });
  });

  it('spreads pods over nodes and limits disruptions to one pod', () => {
    expect(podSpec(sts).topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } }]);
    expect(find(objs, 'PodDisruptionBudget', 'minio').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
  });

  it('lets the nodes, clients and the console peer in, each on its port', () => {
    expect(find(objs, 'NetworkPolicy', 'minio-ingress').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/instance': 'app', 'app.kubernetes.io/component': 'client' } } }], ports: [{ protocol: 'TCP', port: 9000 }] },
      { from: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: 9000 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 9001 }] },
    ]);
    expect(find(objs, 'NetworkPolicy', 'minio-egress').spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: 9000 }] }]);
  });

  it('renders several drives per node', () => {
    const objs2 = synthChart((chart) => new Minio(chart, 'm', { rootCredentials, topology: MinioTopology.distributed(4, 2) }));
    const s = find(objs2, 'StatefulSet', 'minio');
    expect(container(s, 'minio').args[1]).toBe('http://minio-{0...3}.minio-hl.test.svc.cluster.local/data-{0...1}');
    expect(s.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data-0', 'data-1']);
    expect(container(s, 'minio').volumeMounts.slice(0, 2)).toEqual([{ name: 'data-0', mountPath: '/data-0' }, { name: 'data-1', mountPath: '/data-1' }]);
  });

  it('matches the snapshot', () => {
    expect(objs).toMatchSnapshot();
  });
});

describe('Minio validation', () => {
  const build = (props: Partial<MinioProps>) => () => synthChart((chart) => new Minio(chart, 'minio', { rootCredentials, ...props }));

  it('needs at least 4 nodes, so a drain the PDB allows keeps write quorum', () => {
    expect(() => MinioTopology.distributed(3)).toThrowError(exactly(
      'MinioTopology.distributed: replicas must be an integer from 4 to 32, got 3. Fix: use a whole number from 4 to 32'));
    expect(() => MinioTopology.distributed(2, 2)).toThrowError(exactly(
      'MinioTopology.distributed: replicas must be an integer from 4 to 32, got 2. Fix: use a whole number from 4 to 32'));
    expect(() => MinioTopology.distributed(4, 0)).toThrowError(exactly(
      'MinioTopology.distributed: drivesPerNode must be an integer from 1 to 16, got 0. Fix: use a whole number from 1 to 16'));
  });

  it.each([
    ['My_Bucket', 'my-bucket'],
    ['ab', 'mlflow-artifacts'],
    ['a..b', 'a-b'],
    ['-bucket', 'bucket'],
    ['10.0.0.1', '10-0-0-1'],
  ])('refuses the bucket name %j, suggesting another', (name, suggestion) => {
    expect(build({ buckets: [name] })).toThrowError(exactly(
      `test/minio: bucket name must be an S3 bucket name (3 to 63 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit, not an IP address), got ${JSON.stringify(name)}. Fix: use a name such as "${suggestion}"`));
  });

  it('refuses a plain object where a MinioTopology belongs (it would bypass the 4-node minimum)', () => {
    expect(build({ topology: { replicas: 2, drivesPerNode: 1, distributed: true } as never })).toThrowError(exactly(
      'test/minio: topology must be a MinioTopology, got a plain object. Fix: pass MinioTopology.standalone() or MinioTopology.distributed(4)'));
  });

  it('refuses a backup that mirrors a bucket into itself', () => {
    expect(() => synthChart((chart) => {
      const m: Minio = new Minio(chart, 'minio', {
        rootCredentials, buckets: ['mlflow', 'backups'],
        // The same MinIO, reached by its Service name.
        backup: { destination: BackupDestination.bucket(ObjectStore.fromExisting(chart, 'same', { endpointUrl: 'http://minio.test.svc.cluster.local:9000', credentials: rootCredentials }).bucket('backups')) },
      });
      return m;
    })).toThrowError(/test\/minio\/Backup: backup\.destination must not be a bucket this backup mirrors \(the copy would be copied into itself\), got "backups" on the same MinIO\. Fix: back up to a bucket of another object store, or list the other buckets in backup\.buckets\./);
  });

  it('fails bucket() for a bucket it does not create', () => {
    expect(() => synthChart((chart) => new Minio(chart, 'minio', { rootCredentials, buckets: ['mlflow', 'data'] }).bucket('models'))).toThrowError(exactly(
      'test/minio: bucket(name) must be a bucket this MinIO creates (data, mlflow), got "models". Fix: add it with buckets: ["models"] or minio.addBucket("models")'));
    expect(() => synthChart((chart) => new Minio(chart, 'minio', { rootCredentials }).bucket('models'))).toThrowError(exactly(
      'test/minio: bucket(name) must be a bucket this MinIO creates (none yet), got "models". Fix: add it with buckets: ["models"] or minio.addBucket("models")'));
  });

  it('refuses string credentials', () => {
    expect(build({ rootCredentials: { accessKeyId: 'admin', secretAccessKey: 'password' } as any })).toThrowError(exactly(
      'test/minio: rootCredentials.accessKeyId must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("<secret>", "access-key") or an ExternalSecret value'));
    expect(build({ rootCredentials: 'admin:password' as any })).toThrowError(exactly(
      'test/minio: rootCredentials must be { accessKeyId, secretAccessKey }, got "<redacted>". Fix: pass { accessKeyId: SecretValue.fromSecret("minio", "access-key"), secretAccessKey: SecretValue.fromSecret("minio", "secret-key") }'));
  });

  it('checks image, storage size and storage class', () => {
    expect(build({ image: 'quay.io/minio/minio:latest' })).toThrowError(exactly(
      'test/minio: image must not use the mutable tag "latest", got "quay.io/minio/minio:latest". Fix: pin a version, as in "quay.io/minio/minio:1.2.3", or add @sha256:<digest>'));
    expect(build({ storageSize: '50G B' as never })).toThrowError(exactly(
      'test/minio: storageSize must be a Size, not a string, got "50G B". Fix: write storageSize: Size.gibibytes(50)'));
    expect(build({ storageSize: '500Mi' as never })).toThrowError(exactly(
      'test/minio: storageSize must be a Size, not a string, got "500Mi". Fix: write storageSize: Size.mebibytes(500)'));
    expect(build({ storageClass: 'SSD' })).toThrowError(/^test\/minio: storageClass must be a DNS-1123 subdomain/);
  });
});

describe('Minio scoped users', () => {
  const key = (k: string) => secretRef('minio-users', k);
  const users = {
    mlflow: { credentials: { accessKeyId: key('mlflow-ak'), secretAccessKey: key('mlflow-sk') }, readWrite: ['mlflow'] },
    reader: { credentials: { accessKeyId: key('reader-ak'), secretAccessKey: key('reader-sk') }, readOnly: ['mlflow', 'backups'] },
  };
  let minio!: Minio;
  const objs = synthChart((chart) => {
    minio = new Minio(chart, 'minio', { rootCredentials, buckets: ['mlflow', 'backups'], users });
  });
  const setup = find(objs, 'Job', 'minio-setup');
  const script: string = container(setup, 'setup').command[2];

  it('hands out a store view with the user\'s keys and only its buckets', () => {
    const view = minio.user('mlflow');
    expect(view.credentials).toEqual(users.mlflow.credentials);
    expect(view.endpointUrl).toBe(minio.endpointUrl);
    expect(view.bucket('mlflow').s3Uri()).toBe('s3://mlflow');
    expect(() => view.bucket('backups')).toThrowError(exactly(
      'test/minio/User-mlflow: bucket(name) must be a bucket user "mlflow" may access (mlflow), got "backups". Fix: add "backups" to users.mlflow.readWrite or readOnly'));
    expect(() => minio.user('nobody')).toThrowError(exactly(
      'test/minio: user(name) must be one of the users prop (mlflow, reader), got "nobody". Fix: declare it in users: { nobody: { credentials, readWrite: [...] } }'));
  });

  it('writes one bucket-scoped policy per user', () => {
    const policies = find(objs, 'ConfigMap', 'minio-policies').data;
    expect(Object.keys(policies)).toEqual(['mlflow-user.json', 'reader-user.json']);
    expect(JSON.parse(policies['mlflow-user.json']).Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: ['arn:aws:s3:::mlflow'] },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], Resource: ['arn:aws:s3:::mlflow/*'] },
    ]);
    expect(JSON.parse(policies['reader-user.json']).Statement[1]).toEqual(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::backups/*', 'arn:aws:s3:::mlflow/*'] });
  });

  it('creates buckets, then each user with its policy, idempotently, keys from secret references', () => {
    // What the script does with these is tested against stubs in test/apps/scripts.test.ts.
    expect(script).toContain('mc admin policy create src "$policy" "/policies/$policy.json"');
    expect(envOf(container(setup, 'setup'))).toMatchObject({
      BUCKETS: 'backups mlflow',
      USERS: 'mlflow-user:USER_MLFLOW_ACCESS_KEY_ID:USER_MLFLOW_SECRET_ACCESS_KEY reader-user:USER_READER_ACCESS_KEY_ID:USER_READER_SECRET_ACCESS_KEY',
    });
    expect(envOf(container(setup, 'setup')).USER_MLFLOW_SECRET_ACCESS_KEY).toEqual({ secretKeyRef: { name: 'minio-users', key: 'mlflow-sk' } });
    expect(container(setup, 'setup').volumeMounts).toContainEqual({ name: 'policies', mountPath: '/policies', readOnly: true });
  });

  it('refuses a grant on a bucket it does not create, and a user without grants', () => {
    expect(() => synthChart((chart) => new Minio(chart, 'minio', { rootCredentials, buckets: ['mlflow'], users: { mlflow: { ...users.mlflow, readWrite: ['mlfow'] } } })))
      .toThrow('test/minio/User-mlflow: users.mlflow.readWrite must name buckets this MinIO creates (mlflow), got "mlfow". Fix: add it with minio.addBucket("mlfow") or buckets: ["mlfow"].');
    expect(() => synthChart((chart) => new Minio(chart, 'minio', { rootCredentials, users: { x: { credentials: users.mlflow.credentials } } })))
      .toThrowError(exactly('test/minio/User-x: users.x must grant at least one bucket (readWrite or readOnly), got {"readWrite":[],"readOnly":[]}. Fix: pass readWrite: ["x"]'));
  });
});
