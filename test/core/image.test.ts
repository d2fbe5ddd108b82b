import { describe, expect, it } from 'vitest';
import { ContainerImage } from '../../lib/core/image';
import { exactly } from '../support/synth';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('ContainerImage.fromReference', () => {
  it('parses repository, tag and digest', () => {
    const img = ContainerImage.fromReference('postgres:16.6-bookworm');
    expect([img.repository, img.tag, img.digest]).toEqual(['postgres', '16.6-bookworm', undefined]);
    expect(img.reference).toBe('postgres:16.6-bookworm');
    expect(String(img)).toBe('postgres:16.6-bookworm');
  });

  it('keeps a registry with a port and a nested path', () => {
    const img = ContainerImage.fromReference('registry.example.com:5000/team/mlflow:3.1.1');
    expect(img.repository).toBe('registry.example.com:5000/team/mlflow');
    expect(img.tag).toBe('3.1.1');
  });

  it('accepts a digest alone, and tag plus digest', () => {
    expect(ContainerImage.fromReference(`quay.io/minio/mc@${DIGEST}`).reference).toBe(`quay.io/minio/mc@${DIGEST}`);
    const both = ContainerImage.fromReference(`postgres:16.10-bookworm@${DIGEST}`);
    expect([both.tag, both.digest]).toEqual(['16.10-bookworm', DIGEST]);
  });

  it('accepts "latest" only when a digest pins it', () => {
    expect(ContainerImage.fromReference(`postgres:latest@${DIGEST}`).reference).toBe(`postgres:latest@${DIGEST}`);
  });

  it('rejects an unpinned image', () => {
    expect(() => ContainerImage.fromReference('postgres', 'Postgres "db"', 'image')).toThrowError(exactly(
      'Postgres "db": image must be pinned to a version tag or a digest, got "postgres". Fix: add a version, as in "postgres:1.2.3"'));
  });

  it('rejects the latest tag', () => {
    expect(() => ContainerImage.fromReference('quay.io/minio/minio:latest')).toThrowError(exactly(
      'ContainerImage: image must not use the mutable tag "latest", got "quay.io/minio/minio:latest". Fix: pin a version, as in "quay.io/minio/minio:1.2.3", or add @sha256:<digest>'));
  });

  it.each(['Postgres:16', 'postgres:16 ', 'postgres@sha256:abc', '', 'https://docker.io/postgres:16'])('rejects the malformed reference %j', (ref) => {
    expect(() => ContainerImage.fromReference(ref, 'S', 'mcImage')).toThrowError(exactly(
      `S: mcImage must be an image reference [registry/]repository:tag[@sha256:digest], got ${JSON.stringify(ref)}. Fix: write it as "postgres:16.6-bookworm"`));
  });
});
