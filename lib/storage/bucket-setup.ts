import { Construct } from 'constructs';
import { renderScriptJob } from '../core/batch';
import { EnvValue } from '../core/pod';
import { readScript } from '../core/script-file';
import { checkInterface, invalid } from '../core/validate';
import { k8s } from '../core/k8s';
import { WorkloadComponent } from '../core/workload-component';
import { IBucket, IObjectStore } from './object-store';
import { MC_RUN_AS, mcImage } from './s3-client';
import { SetupJobProps, setupJobName } from './setup-job';
import { setupScriptSources } from './setup-script';

export interface BucketSetupProps extends SetupJobProps {
  /** The buckets to create when missing, all on one store with access keys. */
  readonly buckets: IBucket[];
  /** Skip certificate checks of the endpoint (`mc --insecure`). @default false */
  readonly insecure?: boolean;
  /** @default MC_IMAGE */
  readonly image?: string;
}

/**
 * A Job that creates buckets on any S3-compatible store this app does not run (SeaweedFS, an
 * existing MinIO), idempotently, on every sync: waits (bounded) for the endpoint, then
 * `mc mb --ignore-existing`. The keys come from Secret references into the environment only.
 */
export class BucketSetup extends WorkloadComponent {
  public readonly store: IObjectStore;
  /** The Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: BucketSetupProps) {
    super(scope, id, props, 'pass { buckets: [store.bucket("mlflow")] }');
    const first = props.buckets?.[0]?.bucketName ?? 'app';
    const w = this.createWorkload({ name: 's3', instance: setupJobName(props, first, 'bucket-setup'), component: 'bucket-setup', partOf: props.partOf });
    if (!Array.isArray(props.buckets) || props.buckets.length === 0) {
      invalid(this, 'buckets', 'must list at least one bucket', props.buckets, 'pass buckets: [store.bucket("mlflow")]');
    }
    props.buckets.forEach((b, i) => checkInterface(this, `buckets[${i}]`, b, 's3Uri', 'a bucket (an IBucket)', 'pass store.bucket("mlflow")'));
    const store = props.buckets[0].store;
    props.buckets.forEach((b, i) => {
      if (!b || b.store !== store) invalid(this, `buckets[${i}]`, 'must be a bucket of the same store as buckets[0]', b?.bucketName, 'create a BucketSetup per store');
    });
    if (!store.credentials) {
      invalid(this, 'buckets[0].store', 'must have access keys (the Job logs in with them)', store.endpointUrl, 'pass credentials: { accessKeyId, secretAccessKey } to the object store');
    }
    this.store = store;
    store.grantConnect(this, 'create buckets');
    const names = [...new Set(props.buckets.map((b) => b.bucketName))].sort();
    this.resource = renderScriptJob(this, w, {
      file: 'create-buckets.sh',
      text: readScript(__dirname, 'create-buckets.sh'),
      sources: setupScriptSources(),
      name: 'create-buckets',
      image: mcImage(this, props.image),
      runAs: MC_RUN_AS,
      env: [
          ['S3_ENDPOINT', EnvValue.literal(store.endpointUrl)],
          ['S3_ACCESS_KEY_ID', EnvValue.fromSecret(store.credentials.accessKeyId)],
          ['S3_SECRET_ACCESS_KEY', EnvValue.fromSecret(store.credentials.secretAccessKey)],
          ['S3_INSECURE', EnvValue.literal(String(props.insecure ?? false))],
          ['BUCKETS', EnvValue.literal(names.join(' '))],
          ['MC_CONFIG_DIR', EnvValue.literal('/tmp/.mc')],
      ],
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    });
  }
}
