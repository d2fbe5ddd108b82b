// The public API of lib/kubeflow: named exports only; internal helpers are imported by deep path.
export { ENVIRONMENT_NAMES } from './environment-names';
export type { EnvironmentName } from './environment-names';
export { KfpGcp } from './kfp-gcp';
export type { KfpWorkloadIdentity, KfpDatabases, KfpGcpSettings, KfpGcpProps } from './kfp-gcp';
// Kubeflow profiles, notebooks and the central dashboard.
export { PodDefault, PodDefaultVolume } from './pod-default';
export type { AccessMlPipelineOptions, PodDefaultMount, PodDefaultProps, ServiceAccountTokenOptions } from './pod-default';
export { ProfileAccess } from './profile-access';
export type { ProfileAccessProps } from './profile-access';
export { CentralDashboardLink } from './central-dashboard-link';
export type { CentralDashboardLinkProps, DashboardMenuItem } from './central-dashboard-link';
export { Kubeflow } from './kubeflow-components';
export type { KubeflowComponentOptions } from './kubeflow-components';
