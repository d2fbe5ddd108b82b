export * from './argo-application';
export * from './app-of-apps';
export * from './directory-application-set';
