import { IConstruct } from 'constructs';
import { ContainerImage } from '../core/image';
import { EnvValue } from '../core/pod';
import { invalid } from '../core/validate';
import { IObjectStore } from './object-store';

/**
 * The MinIO client image used by bucket, mirror and upload jobs. MinIO's last published
 * community build; override with your own mirror of it where needed.
 * @internal
 */
export const MC_IMAGE = 'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z';

/**
 * The non-root user `mc` containers run as.
 * @internal
 */
export const MC_RUN_AS = { uid: 1000, gid: 1000 } as const;

/**
 * Where `mc` keeps its config: on the writable /tmp, since the root filesystem is read-only.
 * @internal
 */
export const MC_WRITABLE_DIRS = ['/tmp'];

/**
 * Environment for an `mc` alias: the endpoint as a literal, the keys as secret references.
 * `alias` is an upper-case prefix such as `SRC` or `DST`.
 * @internal
 */
export function s3AliasEnv(scope: IConstruct, prop: string, store: IObjectStore, alias: string): Array<[string, EnvValue]> {
  if (!store.credentials) {
    invalid(scope, prop, 'must be an object store with access keys for mc-based jobs', store.endpointUrl,
      'pass credentials: { accessKeyId, secretAccessKey } to the object store');
  }
  return [
    [`${alias}_ENDPOINT`, EnvValue.literal(store.endpointUrl)],
    [`${alias}_ACCESS_KEY_ID`, EnvValue.fromSecret(store.credentials.accessKeyId)],
    [`${alias}_SECRET_ACCESS_KEY`, EnvValue.fromSecret(store.credentials.secretAccessKey)],
    ['MC_CONFIG_DIR', EnvValue.literal('/tmp/.mc')],
  ];
}

/**
 * The `mc` image as a checked reference.
 * @internal
 */
export function mcImage(scope: IConstruct, reference: string = MC_IMAGE): ContainerImage {
  return ContainerImage.fromReference(reference, scope, 'mcImage');
}
