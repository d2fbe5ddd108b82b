import { IConstruct } from 'constructs';
import { invalid, isVersionTag } from './validate';

const REFERENCE = /^(?<repo>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/**
 * A pinned container image: a version tag (never `latest`) and optionally a digest.
 * A digest makes the reference immutable; a tag alone is accepted so long as it names a version.
 */
export class ContainerImage {
  /** Parses and checks a reference such as `postgres:16.6-bookworm` or `repo@sha256:…`. */
  public static fromReference(reference: string, scope: IConstruct | string = 'ContainerImage', prop = 'image'): ContainerImage {
    const m = typeof reference === 'string' ? REFERENCE.exec(reference) : null;
    if (!m?.groups) {
      invalid(scope, prop, 'must be an image reference [registry/]repository:tag[@sha256:digest]', reference,
        'write it as "postgres:16.6-bookworm"');
    }
    const { repo, tag, digest } = m.groups;
    if (!tag && !digest) {
      invalid(scope, prop, 'must be pinned to a version tag or a digest', reference, `add a version, as in "${repo}:1.2.3"`);
    }
    if (tag === 'latest' && !digest) {
      invalid(scope, prop, 'must not use the mutable tag "latest"', reference, `pin a version, as in "${repo}:1.2.3", or add @sha256:<digest>`);
    }
    if (tag && !digest && !isVersionTag(tag)) {
      invalid(scope, prop, `must be pinned: the tag "${tag}" names no version and moves`, reference, `pin a version, as in "${repo}:1.2.3", or add @sha256:<digest>`);
    }
    return new ContainerImage(repo, tag, digest);
  }

  private constructor(
    /** `registry/repository` without tag. */
    public readonly repository: string,
    public readonly tag: string | undefined,
    public readonly digest: string | undefined,
  ) {}

  /** The reference as written into a pod spec. */
  public get reference(): string {
    return `${this.repository}${this.tag ? `:${this.tag}` : ''}${this.digest ? `@${this.digest}` : ''}`;
  }

  public toString(): string {
    return this.reference;
  }
}

/** How a component that takes either a `version` or an `image` turns a version into an image. */
export interface VersionedImageOptions {
  readonly defaultVersion: string;
  /** The versions accepted. */
  readonly pattern: RegExp;
  /** What {@link pattern} accepts, for the error: `a PostgreSQL version such as "16.15" or "17"`. */
  readonly describe: string;
  /** The image of a version: `(v) => \`postgres:${v}-alpine\``. */
  readonly imageOf: (version: string) => string;
}

/**
 * The image of a component with `version` and `image` props: they conflict (an image already fixes
 * the version); a version must match the pattern; neither gives the default version's image.
 * @internal
 */
export function versionedImage(scope: IConstruct, props: { readonly version?: string; readonly image?: string }, o: VersionedImageOptions): ContainerImage {
  if (props.version !== undefined && props.image !== undefined) {
    invalid(scope, 'version', 'conflicts with image (the image already fixes the version)', props.version,
      `remove version, or remove image to use ${o.imageOf('<version>')}`);
  }
  const version = props.version ?? o.defaultVersion;
  if (!o.pattern.test(version)) {
    invalid(scope, 'version', `must be ${o.describe}`, version, `pass version: "${o.defaultVersion}"`);
  }
  return ContainerImage.fromReference(props.image ?? o.imageOf(version), scope, 'image');
}
