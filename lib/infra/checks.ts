/**
 * Validation of Google Cloud names and address ranges, shaped like every other check in this
 * library (`<Construct "id">: <prop> <problem>, got <value>. Fix: <fix>`). Imports only
 * `constructs` and `lib/core/validate`, so it is safe on the cdktf side.
 */
import { IConstruct } from 'constructs';
import { invalid } from '../core/validate';

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

/** A Cloud Storage bucket name (3 to 63 characters, no dots, no "goog" prefix). */
export function checkBucketName(scope: Scope, prop: string, value: string): string {
  const ok = typeof value === 'string' && /^[a-z0-9][-a-z0-9_]{1,61}[a-z0-9]$/.test(value)
    && !value.startsWith('goog') && !value.includes('google');
  if (!ok) {
    invalid(scope, prop, 'must be a Cloud Storage bucket name (3 to 63 lower-case letters, digits, "-" or "_", without "goog" or "google")', value,
      'use a globally unique name such as "acme-kfp-dev-artifacts"');
  }
  return value;
}

/** An IPv4 range in CIDR notation, returned as [network address, prefix length]. */
export function parseCidr(value: string): [number, number] | undefined {
  const m = typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value) : null;
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((address & mask) >>> 0 !== address) return undefined; // host bits set: "10.0.0.1/24"
  return [address, prefix];
}

/** An IPv4 CIDR range whose prefix length is within `[minPrefix, maxPrefix]`. */
export function checkCidr(scope: Scope, prop: string, value: string, minPrefix = 0, maxPrefix = 32): string {
  const parsed = parseCidr(value);
  if (!parsed) {
    invalid(scope, prop, 'must be an IPv4 network in CIDR notation with no host bits set', value, 'write it as "10.10.0.0/20"');
  }
  if (parsed[1] < minPrefix || parsed[1] > maxPrefix) {
    const size = minPrefix === maxPrefix ? `must be a /${minPrefix} range` : `must have a prefix length from /${minPrefix} to /${maxPrefix}`;
    invalid(scope, prop, size, value, `use a range such as "172.16.0.0/${Math.max(minPrefix, Math.min(maxPrefix, 20))}"`);
  }
  return value;
}

/** True when two CIDR ranges share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const pa = parseCidr(a);
  const pb = parseCidr(b);
  if (!pa || !pb) return false;
  const prefix = Math.min(pa[1], pb[1]);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((pa[0] & mask) >>> 0) === ((pb[0] & mask) >>> 0);
}

/** Throws when any two of the named ranges overlap. */
export function checkDisjointCidrs(scope: Scope, ranges: Record<string, string>): void {
  const names = Object.keys(ranges);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      if (cidrsOverlap(ranges[names[i]], ranges[names[j]])) {
        invalid(scope, names[j], `must not overlap ${names[i]} (${ranges[names[i]]})`, ranges[names[j]], 'pick disjoint ranges for the subnet, pods, services and control plane');
      }
    }
  }
}
