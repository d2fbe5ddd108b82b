export * from './core';
export * from './storage';
export * from './synth';
export * from './gitops';
export * from './mlflow';
export * from './kubeflow';
export * from './mesh';
export * from './identity';
