/**
 * Kubernetes 1.28 low-level bindings. cdk8s-plus-28 ships them generated from the same
 * OpenAPI definitions that `../shared/schemas/k8s-1.28-definitions.json` holds; we use only these
 * L1 classes (not cdk8s-plus' L2 constructs, whose selectors carry hash labels).
 */
export * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
