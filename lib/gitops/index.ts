export * from './synth';
export * from './argo-application';
export * from './manifest-checks';
export * from './machine-paths';
