import { invalid } from '../core/validate';

/**
 * An artifact destination on a file system the server mounts (the Thinkube MLflow deployment: `file:///models/mlflow-artifacts`
 * on the shared-models volume). The server proxies artifacts there (`--serve-artifacts`), so clients
 * need neither the mount nor S3 keys. Pass an `IBucket` to `artifacts` instead for S3.
 */
export class ArtifactRoot {
  /**
   * A directory under one of the server's `volumes` (checked by the server): `/models/mlflow-artifacts`.
   */
  public static onVolume(path: string): ArtifactRoot {
    if (typeof path !== 'string' || !/^(\/[A-Za-z0-9._-]+)+$/.test(path) || path.split('/').some((s) => s === '..' || s === '.')) {
      invalid('ArtifactRoot.onVolume', 'path', 'must be an absolute directory path (letters, digits, ".", "_", "-")', path, 'write it as "/models/mlflow-artifacts"');
    }
    return new ArtifactRoot(path);
  }
  private constructor(public readonly path: string) {}
  /** The `--artifacts-destination`: `file:///models/mlflow-artifacts`. */
  public get uri(): string {
    return `file://${this.path}`;
  }
}
