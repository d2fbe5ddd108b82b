// Serving: KServe InferenceServices for MLflow models, their storage credentials and smoke tests.
export { InputSchema, V2Datatype } from './input-schema';
export type { ExpectedOutput, Feature } from './input-schema';
export { ModelLocation } from './model-location';
export type { LoggedModelLocation, RunArtifactLocation } from './model-location';
export { ModelStorageCredentials } from './storage-credentials';
export type { ModelStorageCredentialsProps } from './storage-credentials';
export { InferenceService, ServingMode } from './inference-service';
export type { InferenceServiceProps, ServerlessOptions } from './inference-service';
export { InferenceSmokeTest } from './inference-smoke-test';
export type { InferenceSmokeTestProps } from './inference-smoke-test';
