import { describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { Workload } from '../../lib/core/workload';
import { IObjectStore, ObjectStore } from '../../lib/storage/object-store';
import { exactly, find, secretRef, synthChart } from '../support/synth';

const credentials = { accessKeyId: secretRef('s3', 'id'), secretAccessKey: secretRef('s3', 'key') };
const client = (chart: any) => new Workload(chart, 'app', { name: 'app', instance: 'app', component: 'client' });

describe('ObjectStore.fromExisting', () => {
  let store!: IObjectStore;
  const objs = synthChart((chart) => {
    store = ObjectStore.fromExisting(chart, 's3', { endpointUrl: 'https://S3.eu-west-1.amazonaws.com/', region: 'eu-west-1', credentials });
    store.grantConnect(client(chart), 'app → s3');
  });

  it('normalizes the endpoint and keeps region and credentials', () => {
    expect(store.endpointUrl).toBe('https://s3.eu-west-1.amazonaws.com');
    expect(store.region).toBe('eu-west-1');
    expect(store.credentials).toBe(credentials);
  });

  it('lets clients out on the endpoint\'s port (443 for https)', () => {
    expect(find(objs, 'NetworkPolicy', 'app-egress').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  it('uses port 80 for http, an explicit port, and a given peer; ambient credentials by default', () => {
    const objs2 = synthChart((chart) => {
      const app = client(chart);
      const plain = ObjectStore.fromExisting(chart, 'plain', { endpointUrl: 'http://minio.legacy.example.com' });
      const seaweed = ObjectStore.fromExisting(chart, 'seaweed', { endpointUrl: 'http://seaweedfs-s3.storage:8333', peer: Peer.namespace('storage') });
      plain.grantConnect(app, 'legacy');
      seaweed.grantConnect(app, 'seaweed');
      expect([plain.region, plain.credentials, seaweed.endpointUrl]).toEqual(['us-east-1', undefined, 'http://seaweedfs-s3.storage:8333']);
    });
    expect(find(objs2, 'NetworkPolicy', 'app-egress').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'storage' } } }], ports: [{ protocol: 'TCP', port: 8333 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 80 }] },
    ]);
  });

  it('hands out checked bucket references', () => {
    const bucket = store.bucket('acme-mlflow');
    expect([bucket.bucketName, bucket.store, bucket.s3Uri(), bucket.s3Uri('runs/1/')]).toEqual(['acme-mlflow', store, 's3://acme-mlflow', 's3://acme-mlflow/runs/1']);
    expect(() => store.bucket('Acme_MLflow')).toThrowError(exactly(
      'test/s3: bucket name must be an S3 bucket name (3 to 63 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit, not an IP address), got "Acme_MLflow". Fix: use a name such as "acme-mlflow"'));
  });

  it('matches the snapshot', () => {
    expect(objs).toMatchSnapshot();
  });
});

describe('ObjectStore.fromExisting validation', () => {
  const MESSAGE = (url: string) => `test/s3: endpointUrl must be an http(s) URL with no path and no credentials, got ${JSON.stringify(url)}. Fix: write it as "https://s3.eu-west-1.amazonaws.com" and pass keys through credentials`;
  const build = (endpointUrl: string) => () => synthChart((chart) => ObjectStore.fromExisting(chart, 's3', { endpointUrl }));

  it.each(['s3.example.com', 'ftp://s3.example.com', 'https://s3.example.com/bucket', 's3://bucket', ''])('refuses %j', (url) => {
    expect(build(url)).toThrowError(exactly(MESSAGE(url)));
  });

  it('refuses credentials in the URL', () => {
    expect(build('https://user:pass@s3.example.com')).toThrowError(exactly('test/s3: endpointUrl must be an http(s) URL with no path and no credentials, got "https://<redacted>@s3.example.com". Fix: write it as "https://s3.eu-west-1.amazonaws.com" and pass keys through credentials'));
  });

  it('refuses a host that is not a DNS name', () => {
    expect(build('https://s3_bucket.example.com')).toThrowError(exactly(
      'test/s3: endpointUrl host must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "s3_bucket.example.com". Fix: use a name such as "s3-bucket.example.com"'));
  });
});
