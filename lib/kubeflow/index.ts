export * from './kfp-gcp';
export * from './kfp-overlay';
