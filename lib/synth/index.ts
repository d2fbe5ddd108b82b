export * from './manifest';
export * from './synth';
export * from './yaml';
export * from './manifest-checks';
export * from './machine-paths';
export * from './sync-waves';
export * from './app-readme';
export * from './diff';
