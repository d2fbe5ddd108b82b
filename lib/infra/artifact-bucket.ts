import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { checkGcsBucketName, checkInteger, invalid } from '../core/validate';
import { ProjectConstruct, ProjectProps } from './project-construct';

export interface ArtifactBucketProps extends ProjectProps {
  /** Globally unique bucket name. */
  readonly name: string;
  /** An explicit location: a region ("US-CENTRAL1"), dual-region or multi-region ("US"). */
  readonly location: string;
  /**
   * Days a replaced or deleted object version is kept before it is removed.
   * @default 30
   */
  readonly noncurrentVersionRetentionDays?: number;
  /** Resources (such as the APIs it calls) to create first. @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The pipelines' artifact store: uniform bucket-level access (IAM only, no ACLs), public access
 * prevention enforced, object versioning with noncurrent versions expiring, and an explicit
 * location. `terraform destroy` refuses a non-empty bucket (no force_destroy). Grant access per
 * bucket with {@link grantObjectAdmin} / {@link grantObjectViewer} instead of project-wide roles.
 */
export class ArtifactBucket extends ProjectConstruct {
  public readonly bucket: StorageBucket;
  public readonly bucketName: string;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id, props);
    this.bucketName = checkGcsBucketName(this, 'name', props.name);
    if (typeof props.location !== 'string' || !/^[A-Za-z][-A-Za-z0-9]*[A-Za-z0-9]$/.test(props.location)) {
      invalid(this, 'location', 'must be an explicit Cloud Storage location', props.location, 'use a region such as "US-CENTRAL1" (next to the cluster) or a multi-region such as "US"');
    }
    const retention = checkInteger(this, 'noncurrentVersionRetentionDays', props.noncurrentVersionRetentionDays ?? 30, 1, 3650);
    this.bucket = new StorageBucket(this, 'bucket', {
      project: this.projectId,
      name: this.bucketName,
      location: props.location.toUpperCase(),
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      forceDestroy: false,
      lifecycleRule: [{
        action: { type: 'Delete' },
        condition: { daysSinceNoncurrentTime: retention, withState: 'ARCHIVED' },
      }],
      dependsOn: props.dependsOn,
    });
  }

  /** Read, write and delete objects in this bucket only (`roles/storage.objectAdmin` on the bucket). */
  public grantObjectAdmin(id: string, member: string): StorageBucketIamMember {
    return this.grant(id, 'roles/storage.objectAdmin', member);
  }

  /** Read objects in this bucket only. */
  public grantObjectViewer(id: string, member: string): StorageBucketIamMember {
    return this.grant(id, 'roles/storage.objectViewer', member);
  }

  /** Read the bucket's own metadata (`storage.buckets.get`), which S3-style gateways check first. */
  public grantBucketMetadataReader(id: string, member: string): StorageBucketIamMember {
    return this.grant(id, 'roles/storage.legacyBucketReader', member);
  }

  private grant(id: string, role: string, member: string): StorageBucketIamMember {
    return new StorageBucketIamMember(this, id, { bucket: this.bucket.name, role, member });
  }
}
