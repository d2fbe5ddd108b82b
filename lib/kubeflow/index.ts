export * from './kfp-gcp';
