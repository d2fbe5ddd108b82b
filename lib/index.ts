// The public API of the package (`@mlops-cdk8s/platform`): the areas' named exports. The cdktf
// side is a separate entry point (`@mlops-cdk8s/platform/infra`), so this one never loads cdktf.
export * from './core';
export * from './storage';
export * from './synth';
export * from './gitops';
export * from './mlflow';
export * from './kubeflow';
export * from './mesh';
export * from './identity';
export * from './serving';
export * from './sharinghub';
