export { ExpectedOutput, Feature, InputSchema, V2Datatype } from './input-schema';
export { LoggedModelLocation, ModelLocation, RunArtifactLocation } from './model-location';
export { ModelStorageCredentials, ModelStorageCredentialsProps } from './storage-credentials';
export { InferenceService, InferenceServiceProps, ServingMode } from './inference-service';
export { InferenceSmokeTest, InferenceSmokeTestProps } from './inference-smoke-test';
