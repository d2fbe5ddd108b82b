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
