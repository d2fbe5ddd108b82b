export * from './kfp-gcp';
export { AccessMlPipelineOptions, PodDefault, PodDefaultMount, PodDefaultProps, PodDefaultVolume, ServiceAccountTokenOptions } from './pod-default';
export { ProfileAccess, ProfileAccessProps } from './profile-access';
export { CentralDashboardLink, CentralDashboardLinkProps, DashboardMenuItem } from './central-dashboard-link';
