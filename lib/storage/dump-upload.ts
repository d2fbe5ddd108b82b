import { readScript } from '../core/script-file';
import { ContainerImage } from '../core/image';
import { ContainerSpec, EnvValue } from '../core/pod';
import { ResourceRequirements } from '../core/resources';
import { invalid } from '../core/validate';
import { IConstruct } from 'constructs';
import { IWorkload } from '../core/connections';
import { BackupDestination } from './backup';
import { recordBucketUse } from './bucket-uses';
import { CloudProvider, identityOf } from './cloud-object-store';
import { MC_WRITABLE_DIRS, mcImage, s3AliasEnv } from './s3-client';

/** The AWS CLI image for uploads with IRSA / EKS Pod Identity (runs as a non-root user, HOME on /tmp). */
export const AWS_CLI_IMAGE = 'amazon/aws-cli:2.27.50';

/**
 * The container that uploads the dumps an earlier (init) container wrote to `/work` into a bucket
 * destination, and deletes those older than `retentionDays` there. With access keys it runs `mc`;
 * on an S3 store with a workload identity (IRSA, EKS Pod Identity) it runs the AWS CLI, whose
 * default credential chain uses that identity. Declares the connection and records the bucket use.
 *
 * GCS and Azure Blob destinations are refused: their CLIs (gcloud, az) are 0.5 to 1.2 GB images
 * and Azure's needs an explicit `az login --federated-token` step; back up to a volume, or to an
 * S3-compatible bucket, and let the cloud bucket's lifecycle rule do retention instead.
 */
export function dumpUploadContainer(w: IConstruct & IWorkload, prop: string, dest: BackupDestination, subPath: string, pattern: string,
  retentionDays: number, resources: ResourceRequirements, description: string): ContainerSpec {
  const bucket = dest.bucketRef!;
  const store = bucket.store;
  store.grantConnect(w, description);
  recordBucketUse(w, prop, bucket, 'backups');
  const identity = identityOf(store);
  const prefix = [dest.prefix, subPath].filter(Boolean).join('/');
  if (identity && identity.provider !== CloudProvider.AWS) {
    invalid(w, prop, `is a ${identity.provider.name.toUpperCase()} bucket, which backup jobs cannot write with a workload identity (the gcloud and az CLI images are 0.5 to 1.2 GB, and az needs a federated login step)`,
      bucket.bucketName, 'back up to BackupDestination.volume({ size: Size.gibibytes(20) }) or to an S3-compatible bucket with keys');
  }
  const common = {
    name: 'upload',
    resources,
    volumeMounts: [{ name: 'work', mountPath: '/work', readOnly: true }],
  };
  if (identity) {
    return {
      ...common,
      image: ContainerImage.fromReference(AWS_CLI_IMAGE, w, 'awsCliImage'),
      command: ['/bin/sh', '-c', readScript(__dirname, 'dump-upload-aws.sh'), 'dump-upload-aws'],
      env: [
        ['BUCKET', EnvValue.literal(bucket.bucketName)],
        ['PREFIX', EnvValue.literal(prefix)],
        ['PATTERN', EnvValue.literal(pattern)],
        ['RETENTION_DAYS', EnvValue.literal(String(retentionDays))],
        ['AWS_DEFAULT_REGION', EnvValue.literal(store.region)],
        ['HOME', EnvValue.literal('/tmp')],
      ],
      writableDirs: ['/tmp'],
    };
  }
  return {
    ...common,
    image: mcImage(w),
    command: ['/bin/sh', '-c', readScript(__dirname, 'dump-upload-mc.sh'), 'dump-upload-mc'],
    env: [
      ['DEST', EnvValue.literal(dest.path(subPath))],
      ['PATTERN', EnvValue.literal(pattern)],
      ['RETENTION_DAYS', EnvValue.literal(String(retentionDays))],
      ...s3AliasEnv(w, prop, store, 'DST'),
    ],
    writableDirs: MC_WRITABLE_DIRS,
  };
}
