import { IConstruct } from 'constructs';
import { k8s } from './k8s';
import { checkByteQuantity, checkQuantity, invalid, parseQuantity } from './validate';

/**
 * Compute resources of one container. A memory limit is required (an unbounded container
 * can take the node down); a CPU limit is optional.
 */
export interface ResourceRequirements {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: {
    /** @default - no CPU limit */
    readonly cpu?: string;
    readonly memory: string;
  };
}

/**
 * Validates and renders resources in the Kubernetes shape.
 * @internal
 */
export function renderResources(scope: IConstruct, prop: string, r: ResourceRequirements): k8s.ResourceRequirements {
  if (!r?.requests || !r?.limits) {
    invalid(scope, prop, 'must set requests.cpu, requests.memory and limits.memory', r,
      'pass { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } }');
  }
  checkQuantity(scope, `${prop}.requests.cpu`, r.requests.cpu, '100m');
  checkByteQuantity(scope, `${prop}.requests.memory`, r.requests.memory, '256Mi');
  checkByteQuantity(scope, `${prop}.limits.memory`, r.limits.memory, '1Gi');
  if (parseQuantity(r.limits.memory)! < parseQuantity(r.requests.memory)!) {
    invalid(scope, `${prop}.limits.memory`, `must be at least requests.memory (${r.requests.memory})`, r.limits.memory,
      `raise the limit or lower the request`);
  }
  const limits: Record<string, k8s.Quantity> = { memory: k8s.Quantity.fromString(r.limits.memory) };
  if (r.limits.cpu !== undefined) {
    checkQuantity(scope, `${prop}.limits.cpu`, r.limits.cpu, '1000m');
    if (parseQuantity(r.limits.cpu)! < parseQuantity(r.requests.cpu)!) {
      invalid(scope, `${prop}.limits.cpu`, `must be at least requests.cpu (${r.requests.cpu})`, r.limits.cpu,
        'raise the limit or lower the request');
    }
    limits.cpu = k8s.Quantity.fromString(r.limits.cpu);
  }
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits,
  };
}
