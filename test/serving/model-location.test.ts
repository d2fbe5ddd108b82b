import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../lib/storage/object-store';
import { ModelLocation } from '../../lib/serving/model-location';
import { exactly } from '../support/synth';
import { RUN_ID } from './fixtures';

const chart = new Chart(new App(), 'c', { namespace: 'n' });
const store = ObjectStore.fromExisting(chart, 'minio', { endpointUrl: 'http://minio-service.kubeflow:9000' });
const uri = (l: ModelLocation) => l._storageUri(chart, 'model');

describe('ModelLocation', () => {
  it('lays a run\'s model out as MLflow does on S3 (the seed\'s storageUri)', () => {
    expect(uri(ModelLocation.run({ store, bucket: 'mlflow-artifacts', experimentId: '1', runId: RUN_ID })))
      .toBe('s3://mlflow-artifacts/1/d88a93df67ac4d8282894ebeadc0956a/artifacts/model/');
    expect(uri(ModelLocation.run({ store, bucket: 'ml-store', prefix: '/mlflow/', experimentId: '12', runId: RUN_ID, artifactPath: 'models/churn' })))
      .toBe('s3://ml-store/mlflow/12/d88a93df67ac4d8282894ebeadc0956a/artifacts/models/churn/');
  });

  it('lays an MLflow 3 logged model (a registered version\'s source) out under models/', () => {
    const l = ModelLocation.loggedModel({ store, bucket: 'mlflow-artifacts', experimentId: '1', modelId: 'm-0123456789abcdef0123456789abcdef', registeredAs: { name: 'bank-churn', version: 3 } });
    expect(uri(l)).toBe('s3://mlflow-artifacts/1/models/m-0123456789abcdef0123456789abcdef/artifacts/');
    expect(l.registeredAs).toEqual({ name: 'bank-churn', version: 3 });
  });

  it.each([
    ['a short run id', { runId: 'd88a93df' }, 'c: model.runId must be an MLflow run id (32 lower-case hexadecimal characters), got "d88a93df". Fix: copy the run id from the run page, such as "d88a93df67ac4d8282894ebeadc0956a"'],
    ['an upper-case run id', { runId: RUN_ID.toUpperCase() }, `c: model.runId must be an MLflow run id (32 lower-case hexadecimal characters), got "${RUN_ID.toUpperCase()}". Fix: copy the run id from the run page, such as "d88a93df67ac4d8282894ebeadc0956a"`],
    ['a bucket with upper case', { bucket: 'MLflow_Artifacts' }, 'c: model.bucket must be an S3 bucket name (3 to 63 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit, not an IP address), got "MLflow_Artifacts". Fix: use a name such as "mlflow-artifacts"'],
    ['a bucket given as a URI', { bucket: 's3://mlflow-artifacts' }, 'c: model.bucket must be an S3 bucket name (3 to 63 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit, not an IP address), got "s3://mlflow-artifacts". Fix: use a name such as "s3-mlflow-artifacts"'],
    ['a named experiment', { experimentId: 'churn' }, 'c: model.experimentId must be an MLflow experiment id (digits), got "churn". Fix: copy the experiment id from the MLflow UI, such as "1"'],
    ['an artifact path escaping the run', { artifactPath: '../other' }, 'c: model.artifactPath must be a relative artifact path of letters, digits, ".", "_" or "-" segments, got "../other". Fix: use the name given to log_model, such as "model"'],
  ])('refuses %s', (_, override, message) => {
    const l = ModelLocation.run({ store, bucket: 'mlflow-artifacts', experimentId: '1', runId: RUN_ID, ...override });
    expect(() => uri(l)).toThrowError(exactly(message));
  });

  it('refuses a bad logged model id', () => {
    expect(() => uri(ModelLocation.loggedModel({ store, bucket: 'b-1', experimentId: '1', modelId: RUN_ID }))).toThrowError(exactly(
      'c: model.modelId must be an MLflow logged model id ("m-" and 32 lower-case hexadecimal characters), got "d88a93df67ac4d8282894ebeadc0956a". Fix: copy the model id from the logged model page, such as "m-0123456789abcdef0123456789abcdef"'));
  });
});
