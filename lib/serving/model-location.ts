import { IConstruct } from 'constructs';
import { checkS3BucketName, invalid } from '../core/validate';
import { IObjectStore } from '../storage/object-store';

const RUN_ID = /^[0-9a-f]{32}$/;
const MODEL_ID = /^m-[0-9a-f]{32}$/;
const EXPERIMENT_ID = /^[0-9]{1,19}$/;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * Files logged as a run's artifacts, as MLflow lays them out on an S3 artifact store. Not where an
 * MLflow 3 client's `log_model` puts a model (see {@link LoggedModelLocation}).
 */
export interface RunArtifactLocation {
  /** The object store MLflow writes artifacts to (`--artifacts-destination`). */
  readonly store: IObjectStore;
  readonly bucket: string;
  /**
   * The key prefix of MLflow's artifact root inside the bucket (`s3://<bucket>/<prefix>`).
   * @default - the bucket root, as `--artifacts-destination s3://mlflow-artifacts`
   */
  readonly prefix?: string;
  /** The experiment id: a number (`"1"`). */
  readonly experimentId: string;
  /** The run id: 32 lower-case hexadecimal characters. */
  readonly runId: string;
  /**
   * The path of the model directory inside the run's artifacts: what an MLflow 2.x client's
   * `log_model(..., artifact_path="model")`, or `mlflow.log_artifacts(dir, "model")`, wrote.
   * @default "model"
   */
  readonly artifactPath?: string;
}

/** Where MLflow 3 stores a logged model, which a registered model version points to. */
export interface LoggedModelLocation {
  readonly store: IObjectStore;
  readonly bucket: string;
  /** @default - the bucket root */
  readonly prefix?: string;
  /** The experiment the model was logged in. */
  readonly experimentId: string;
  /**
   * The logged model id, `m-` and 32 hexadecimal characters. For a registered model version it
   * is the `m-...` of the version's source `models:/m-...` (shown on the version page).
   */
  readonly modelId: string;
  /** The registered model name and version this is, for the record (labels). @default - none */
  readonly registeredAs?: { readonly name: string; readonly version: number };
}

/**
 * Where a served model's files are, built from typed parts: KServe gets an `s3://` storageUri that
 * nobody pastes. Checked when an {@link InferenceService} uses it, so errors name that construct.
 *
 * MLflow 3 (the tracking servers of this library run 3.14) stores what `mlflow.<flavor>.log_model`
 * logs as a logged model, under `<experiment artifact location>/models/<model id>/artifacts/`, no
 * longer among the run's artifacts (mlflow/mlflow, mlflow/store/tracking/sqlalchemy_store.py
 * `create_logged_model`: `append_to_uri_path(experiment.artifact_location, "models", model_id, "artifacts")`,
 * read through code search at unidentified 3.x versions, not at v3.14.0, which cannot be read here;
 * MLflow 3 migration guide, "Model Artifacts Storage Location"). So a model logged from a notebook
 * against such a server is a {@link ModelLocation.loggedModel}; {@link ModelLocation.run} is for
 * files logged as run artifacts (an MLflow 2.x client's `log_model`, or `log_artifacts`).
 */
export class ModelLocation {
  /**
   * Files logged as a run's artifacts: `s3://<bucket>[/<prefix>]/<experimentId>/<runId>/artifacts/<artifactPath>/`.
   * Not a model an MLflow 3 client logged with `log_model`: use {@link ModelLocation.loggedModel}.
   */
  public static run(location: RunArtifactLocation): ModelLocation {
    return new ModelLocation('run', { ...location });
  }

  /**
   * A model an MLflow 3 client logged with `log_model` (also what a registered model version
   * resolves to): `s3://<bucket>[/<prefix>]/<experimentId>/models/<modelId>/artifacts/`.
   */
  public static loggedModel(location: LoggedModelLocation): ModelLocation {
    return new ModelLocation('logged-model', { ...location });
  }

  private constructor(private readonly kind: 'run' | 'logged-model', private readonly location: RunArtifactLocation | LoggedModelLocation) {}

  /** The object store the model is on. */
  public get store(): IObjectStore {
    return this.location.store;
  }

  /** The registered model this is, if given. */
  public get registeredAs(): { readonly name: string; readonly version: number } | undefined {
    return this.kind === 'logged-model' ? (this.location as LoggedModelLocation).registeredAs : undefined;
  }

  /**
   * The checked `s3://` URI, with a trailing "/" (KServe downloads the directory).
   * @internal
   */
  public _storageUri(scope: IConstruct, prop = 'model'): string {
    const l = this.location;
    if (!l?.store || typeof (l.store as IObjectStore).grantConnect !== 'function') {
      invalid(scope, `${prop}.store`, 'must be an object store (an IObjectStore from lib/storage)', typeof l?.store,
        'pass store: minio, or ObjectStore.fromExisting(...)');
    }
    checkS3BucketName(scope, `${prop}.bucket`, l.bucket);
    const prefix = (l.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix && !prefix.split('/').every((s) => SEGMENT.test(s))) {
      invalid(scope, `${prop}.prefix`, 'must be "/"-separated path segments of letters, digits, ".", "_" or "-"', l.prefix, 'write it as "mlflow/artifacts", or leave it unset');
    }
    if (typeof l.experimentId !== 'string' || !EXPERIMENT_ID.test(l.experimentId)) {
      invalid(scope, `${prop}.experimentId`, 'must be an MLflow experiment id (digits)', l.experimentId, 'copy the experiment id from the MLflow UI, such as "1"');
    }
    const root = `s3://${l.bucket}${prefix ? `/${prefix}` : ''}/${l.experimentId}`;
    if (this.kind === 'run') {
      const r = l as RunArtifactLocation;
      if (typeof r.runId !== 'string' || !RUN_ID.test(r.runId)) {
        invalid(scope, `${prop}.runId`, 'must be an MLflow run id (32 lower-case hexadecimal characters)', r.runId,
          'copy the run id from the run page, such as "d88a93df67ac4d8282894ebeadc0956a"');
      }
      const artifactPath = (r.artifactPath ?? 'model').replace(/^\/+|\/+$/g, '');
      if (!artifactPath || !artifactPath.split('/').every((s) => SEGMENT.test(s))) {
        invalid(scope, `${prop}.artifactPath`, 'must be a relative artifact path of letters, digits, ".", "_" or "-" segments', r.artifactPath,
          'use the name given to log_model, such as "model"');
      }
      return `${root}/${r.runId}/artifacts/${artifactPath}/`;
    }
    const m = l as LoggedModelLocation;
    if (typeof m.modelId !== 'string' || !MODEL_ID.test(m.modelId)) {
      invalid(scope, `${prop}.modelId`, 'must be an MLflow logged model id ("m-" and 32 lower-case hexadecimal characters)', m.modelId,
        'copy the model id from the logged model page, such as "m-0123456789abcdef0123456789abcdef"');
    }
    if (m.registeredAs) {
      const { name, version } = m.registeredAs;
      if (typeof name !== 'string' || name.trim() === '') invalid(scope, `${prop}.registeredAs.name`, 'must be the registered model name', name, 'write it as "bank-churn"');
      if (!Number.isInteger(version) || version < 1) invalid(scope, `${prop}.registeredAs.version`, 'must be a model version (an integer from 1)', version, 'write it as 3');
    }
    return `${root}/models/${m.modelId}/artifacts/`;
  }
}
