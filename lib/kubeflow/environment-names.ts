// The environment names of a GCP Kubeflow Pipelines deployment, free of cdktf: the main entry
// exports them, so apps/ lists the deployables of the gcp-kfp target without loading cdktf and the
// Google provider (the synth renders that target in a worker thread; see apps/gcp-kfp-prestart.ts).
// lib/infra/environments.ts re-exports them for `@mlops-cdk8s/platform/infra`.

/** The environments one definition produces, each in its own project. */
export type EnvironmentName = 'development' | 'staging' | 'production';

/** Every environment, in promotion order. */
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ['development', 'staging', 'production'];
