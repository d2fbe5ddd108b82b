/**
 * Kubernetes 1.28 low-level bindings (`k8s.KubeDeployment`, `k8s.Quantity`, ...): the L1 classes of
 * `imports/k8s.ts`, which `npm run import` generates from the Kubernetes v1.28.0 OpenAPI definitions
 * that cdk8s publishes (pinned in crds/sources.json) with cdk8s-cli's generator, for the kinds in `builtinKinds` only and
 * the types they reference. The same code `cdk8s import k8s` emits (and cdk8s-plus-28 ships) for
 * those kinds; no L2 constructs (their selectors carry hash labels).
 */
export * as k8s from '../../imports/k8s';
