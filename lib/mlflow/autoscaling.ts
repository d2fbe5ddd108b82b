import { Construct, IConstruct } from 'constructs';
import { k8s } from '../core/k8s';
import { ResourceRequirements } from '../core/resources';
import { checkInteger, invalid } from '../core/validate';
import { Workload } from '../core/workload';
import { Duration } from 'cdk8s';
import { durationIn } from '../core/duration';

/** A HorizontalPodAutoscaler for the tracking server (what the charts' `autoscaling` block sets). */
export interface TrackingServerAutoscaling {
  /** At least 2 keeps a pod serving through a node drain (the PodDisruptionBudget allows one down). @default 2 */
  readonly minReplicas?: number;
  /** At most 50. */
  readonly maxReplicas: number;
  /** Average CPU use as a percentage of the CPU request. @default 80 */
  readonly cpuUtilization?: number;
  /** Average memory use as a percentage of the memory request. @default 80 */
  readonly memoryUtilization?: number;
  /** How long the load must stay low before pods are removed, in whole seconds (at most 1 hour). @default Duration.minutes(5) */
  readonly scaleDownStabilization?: Duration;
}

/** @internal Autoscaling with defaults applied and checked. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization: number;
  readonly memoryUtilization: number;
  readonly scaleDownStabilizationSeconds: number;
}

/** @internal Checks autoscaling against `replicas` and `resources`; undefined when it is not set. */
export function resolveAutoscaling(w: IConstruct, a: TrackingServerAutoscaling | undefined, replicas: number | undefined,
  resources: ResourceRequirements | undefined): ResolvedAutoscaling | undefined {
  if (a === undefined) return undefined;
  if (a === null || typeof a !== 'object') invalid(w, 'autoscaling', 'must be an object', a, 'pass autoscaling: { maxReplicas: 5 }');
  if (replicas !== undefined) {
    invalid(w, 'replicas', 'conflicts with autoscaling (the autoscaler owns the replica count)', replicas,
      `remove replicas and set autoscaling.minReplicas: ${Math.max(replicas, 1)}`);
  }
  const minReplicas = checkInteger(w, 'autoscaling.minReplicas', a.minReplicas ?? 2, 1, 50);
  const maxReplicas = checkInteger(w, 'autoscaling.maxReplicas', a.maxReplicas, 1, 50);
  if (maxReplicas <= minReplicas) {
    invalid(w, 'autoscaling.maxReplicas', `must be greater than minReplicas (${minReplicas})`, maxReplicas,
      `pass maxReplicas: ${minReplicas + 1} or more, or drop autoscaling and set replicas: ${minReplicas}`);
  }
  if (resources !== undefined && (!resources.requests?.cpu || !resources.requests?.memory)) {
    invalid(w, 'resources.requests', 'must set cpu and memory with autoscaling (utilization is measured against the requests)', resources.requests,
      'pass resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } }');
  }
  return {
    minReplicas,
    maxReplicas,
    cpuUtilization: checkInteger(w, 'autoscaling.cpuUtilization', a.cpuUtilization ?? 80, 10, 100),
    memoryUtilization: checkInteger(w, 'autoscaling.memoryUtilization', a.memoryUtilization ?? 80, 10, 100),
    scaleDownStabilizationSeconds: durationIn(w, 'autoscaling.scaleDownStabilization', a.scaleDownStabilization ?? Duration.minutes(5), 'seconds', 0, 3600),
  };
}

/** @internal The HorizontalPodAutoscaler for the Deployment `name`. */
export function renderAutoscaler(scope: Construct, w: Workload, name: string, a: ResolvedAutoscaling): k8s.KubeHorizontalPodAutoscalerV2 {
  const target = (resource: 'cpu' | 'memory', averageUtilization: number): k8s.MetricSpecV2 => ({
    type: 'Resource',
    resource: { name: resource, target: { type: 'Utilization', averageUtilization } },
  });
  return new k8s.KubeHorizontalPodAutoscalerV2(scope, 'Autoscaler', {
    metadata: { name, labels: w.labels },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [target('cpu', a.cpuUtilization), target('memory', a.memoryUtilization)],
      behavior: { scaleDown: { stabilizationWindowSeconds: a.scaleDownStabilizationSeconds } },
    },
  });
}
