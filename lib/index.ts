// The public API of the package (`@mlops-cdk8s/platform`): constructs, their props, typed values
// and interfaces, the areas' named exports. Build tooling (safe synth, targets, checks, the
// validation plugin, README renderers, the diff engine) is the entry point
// `@mlops-cdk8s/platform/synth` (lib/synth/index.ts); the cdktf side is `@mlops-cdk8s/platform/infra`,
// so this one never loads cdktf.
export * from './core';
export * from './storage';
export * from './gitops';
export * from './mlflow';
export * from './kubeflow';
export * from './mesh';
export * from './identity';
export * from './serving';
export * from './sharinghub';
export * from './platform';
// Not exported here, but loaded: it registers the app checks (schemas, manifest checks) that every
// app holding one of these constructs runs when it validates (lib/core/app-checks.ts).
import './synth/app-validation';
// ... and the reachability check (lib/synth/reachability-check.ts) for apps that declare connections.
import './synth/reachability-check';
