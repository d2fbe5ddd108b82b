export * from './manifest';
export * from './synth';
export * from './yaml';
export * from './manifest-checks';
export * from './machine-paths';
export * from './schema-validator';
export * from './app-validation';
export * from './cdk8s-plugin';
