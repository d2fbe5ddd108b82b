// The public API of lib/gitops: named exports only; internal helpers are imported by deep path.
export { ArgoApplication } from './argo-application';
export type { GitSource, ArgoApplicationProps } from './argo-application';
