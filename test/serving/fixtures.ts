import { Chart } from 'cdk8s';
import { SecretStoreRef } from '../../lib/core/external-secret';
import { ObjectStore } from '../../lib/storage/object-store';
import { InferenceService, InferenceServiceProps } from '../../lib/serving/inference-service';
import { ModelLocation } from '../../lib/serving/model-location';
import { ModelStorageCredentials } from '../../lib/serving/storage-credentials';

export const PROFILE = 'kubeflow-user-example-com';
export const RUN_ID = 'd88a93df67ac4d8282894ebeadc0956a';

/** The seed's serving setup: Kubeflow's MinIO, its credentials by reference, the bank-churn model. */
export function seedService(chart: Chart, overrides: Partial<InferenceServiceProps> = {}, endpointUrl = 'http://minio-service.kubeflow.svc.cluster.local:9000') {
  const store = ObjectStore.fromExisting(chart, 'minio', { endpointUrl });
  const credentials = new ModelStorageCredentials(chart, 'kserve-s3', {
    store,
    secretStore: SecretStoreRef.cluster('platform-secrets'),
    accessKeyId: { remoteKey: 'kubeflow/minio', property: 'kserve-access-key' },
    secretAccessKey: { remoteKey: 'kubeflow/minio', property: 'kserve-secret-key' },
    secretName: 'minio-kserve-secret',
    serviceAccountName: 'sa-minio-kserve',
  });
  const service = new InferenceService(chart, 'model', {
    name: 'bankchurn-model',
    model: ModelLocation.run({ store, bucket: 'mlflow-artifacts', experimentId: '1', runId: RUN_ID }),
    credentials,
    sidecarInjection: false,
    ...overrides,
  });
  return { store, credentials, service };
}
