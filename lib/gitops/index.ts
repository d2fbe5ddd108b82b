export * from './argo-application';
