import { IConstruct } from 'constructs';
import { IBucket } from './object-store';

/** What a construct keeps in a bucket. */
export type BucketPurpose = 'artifacts' | 'backups';

interface BucketUse {
  readonly scope: IConstruct;
  readonly prop: string;
  readonly purpose: BucketPurpose;
}

/** Uses per app root, keyed by store endpoint and bucket name (a scoped user's view is the same bucket). */
const USES = new WeakMap<IConstruct, Map<string, BucketUse[]>>();

const key = (bucket: IBucket) => `${bucket.store.endpointUrl} ${bucket.bucketName}`;

/**
 * Records that `scope` keeps `purpose` in `bucket`. A backup that shares a bucket with MLflow's
 * artifacts fails synth (from the backup's side): whoever may write artifacts could then overwrite
 * or delete the dumps, and a lifecycle rule or `mlflow gc` on the artifacts would hit them too.
 */
export function recordBucketUse(scope: IConstruct, prop: string, bucket: IBucket, purpose: BucketPurpose): void {
  const root = scope.node.root;
  const byBucket = USES.get(root) ?? new Map<string, BucketUse[]>();
  USES.set(root, byBucket);
  const uses = byBucket.get(key(bucket)) ?? [];
  byBucket.set(key(bucket), uses);
  uses.push({ scope, prop, purpose });
  if (purpose !== 'backups') return;
  scope.node.addValidation({
    validate: () => uses.filter((u) => u.purpose === 'artifacts').map((u) =>
      `${scope.constructor.name} "${scope.node.id}": ${prop} must not be the bucket that holds MLflow's artifacts (${u.scope.constructor.name} "${u.scope.node.id}"), got "${bucket.bucketName}". `
      + `Fix: back up to a bucket of its own (minio.addBucket("backups")), written by a user that cannot read the artifacts.`),
  });
}
