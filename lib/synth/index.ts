export * from './manifest';
export * from './synth';
export * from './yaml';
export * from './manifest-checks';
export * from './machine-paths';
