// The public API of lib/gitops: named exports only; internal helpers are imported by deep path.
export { ArgoApplication, ArgoDestination, SyncPolicy } from './argo-application';
export type { GitSource, ArgoApplicationProps, AutomatedSync } from './argo-application';
export { AppOfApps } from './app-of-apps';
export type { AppOfAppsProps, ChildApplicationProps } from './app-of-apps';
export { DirectoryApplicationSet } from './directory-application-set';
export type { DirectoryApplicationSetProps } from './directory-application-set';
