// The public API of lib/kubeflow: named exports only; internal helpers are imported by deep path.
export { WORKLOAD_IDENTITY_ANNOTATION, KFP_MYSQL_SECRET, KfpGcp } from './kfp-gcp';
export type { KfpWorkloadIdentity, KfpDatabases, KfpGcpSettings, KfpGcpProps } from './kfp-gcp';
