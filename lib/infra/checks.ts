/**
 * Validation of Google Cloud names and address ranges, shaped like every other check in this
 * library (`<Construct "id">: <prop> <problem>, got <value>. Fix: <fix>`). Imports only
 * `constructs` and `lib/core/validate`, so it is safe on the cdktf side.
 */
import { IConstruct } from 'constructs';
import { invalid } from '../core/validate';

// CIDR ranges and bucket names are checked by lib/core/validate (checkCidr, checkDisjointCidrs,
// checkGcsBucketName): one definition each for both sides of the library.

type Scope = IConstruct | string;

const PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;
const SERVICE_ACCOUNT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const RESOURCE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A Google Cloud project id: 6 to 30 lower-case letters, digits or hyphens, starting with a letter. */
export function checkProjectId(scope: Scope, prop: string, value: string): string {
  if (typeof value !== 'string' || !PROJECT_ID.test(value)) {
    invalid(scope, prop, 'must be a Google Cloud project id (6 to 30 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen)', value,
      'use the id shown by `gcloud projects list`, such as "acme-kfp-dev"');
  }
  return value;
}

/** A region such as `us-central1`. */
export function checkRegion(scope: Scope, prop: string, value: string): string {
  if (typeof value !== 'string' || !REGION.test(value)) {
    invalid(scope, prop, 'must be a Google Cloud region', value, 'use a region such as "us-central1" (not a zone such as "us-central1-a")');
  }
  return value;
}

/** A region (regional resource) or a zone (zonal resource). */
export function checkLocation(scope: Scope, prop: string, value: string): string {
  if (typeof value !== 'string' || !(REGION.test(value) || ZONE.test(value))) {
    invalid(scope, prop, 'must be a Google Cloud region or zone', value, 'use "us-central1" for a regional cluster or "us-central1-a" for a zonal one');
  }
  return value;
}

/** The account id of a service account (the part before `@`): 6 to 30 characters. */
export function checkServiceAccountId(scope: Scope, prop: string, value: string): string {
  if (typeof value !== 'string' || !SERVICE_ACCOUNT_ID.test(value)) {
    invalid(scope, prop, 'must be a service account id (6 to 30 lower-case letters, digits or hyphens, starting with a letter)', value,
      'shorten the name prefix so that "<prefix>-kfp-cloudsql" has at most 30 characters');
  }
  return value;
}

/** A Compute Engine / GKE / Cloud SQL resource name: an RFC 1035 label of at most `maxLength`. */
export function checkResourceName(scope: Scope, prop: string, value: string, maxLength = 63): string {
  if (typeof value !== 'string' || value.length > maxLength || !RESOURCE_NAME.test(value)) {
    invalid(scope, prop, `must start with a lower-case letter and hold only lower-case letters, digits and hyphens (at most ${maxLength} characters)`, value,
      'use a name such as "kfp-dev"');
  }
  return value;
}
