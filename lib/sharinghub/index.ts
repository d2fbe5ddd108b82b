// SharingHub: the EOEPCA MLOps building block (SharingHub, MLflow SharingHub, GitLab).
export { SharingHubAlertType, SharingHubLogLevel } from './config';
export type { SharingHubAlert, SharingHubCategory, SharingHubCategoryFeatures, SharingHubConfigProps, SharingHubExternalUrl, SharingHubLocale } from './config';
export type { SharingHubStac, SharingHubStacRoot, SharingHubTags, SharingHubTagSection } from './config';
export { GitLab } from './gitlab';
export type { ExistingGitLabProps, IGitLab } from './gitlab';
export { SharingHub } from './sharing-hub';
export type { SharingHubIngress, SharingHubOAuth, SharingHubProps, SharingHubStore } from './sharing-hub';
export { MlflowSharingHub, MlflowSharingHubAuth } from './mlflow-sharing-hub';
export type { MlflowGitLabAuthOptions, MlflowSharingHubProps } from './mlflow-sharing-hub';
export { SharingHubSmokeTest } from './smoke-test';
export type { SharingHubSmokeTestProps } from './smoke-test';
export { GitLabChart } from './gitlab-chart';
export type { GitLabChartProps, GitLabObjectStorage } from './gitlab-chart';
