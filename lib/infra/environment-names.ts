// The environment names on their own, free of cdktf: apps/index.ts lists the deployables of the
// gcp-kfp target from them without loading cdktf and the Google provider (the synth renders that
// target in a worker thread; see apps/gcp-kfp-prestart.ts). environments.ts re-exports them.

/** The environments one definition produces, each in its own project. */
export type EnvironmentName = 'development' | 'staging' | 'production';

/** Every environment, in promotion order. */
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ['development', 'staging', 'production'];
