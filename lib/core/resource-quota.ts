import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './k8s';
import { MANAGED_BY } from './labels';
import { sizeProp } from './quantity';
import { checkDnsSubdomain, checkInteger, checkQuantity, invalid, parseQuantity } from './validate';
import { LibraryConstruct } from './library-construct';

export interface ResourceQuotaProps {
  /** @default "compute" */
  readonly name?: string;
  /** Total CPU all pods of the namespace may request, such as `"4"`. */
  readonly requestsCpu: string;
  /** Total memory all pods may request: `Size.gibibytes(8)`. */
  readonly requestsMemory: Size;
  /** Total CPU limit. @default - no CPU limit quota */
  readonly limitsCpu?: string;
  /** Total memory limit (every pod has one): `Size.gibibytes(16)`. */
  readonly limitsMemory: Size;
  /** Total storage all PersistentVolumeClaims may request: `Size.gibibytes(200)`. @default - no storage quota */
  readonly requestsStorage?: Size;
  /** @default - no limit */
  readonly persistentVolumeClaims?: number;
  /** @default - no limit */
  readonly pods?: number;
}

/**
 * A ResourceQuota for the chart's namespace: what all its pods and volume claims may take
 * together. A pod that would exceed it is refused at creation; pair it with a {@link LimitRange}
 * so containers without explicit resources get defaults the quota can count.
 */
export class ResourceQuota extends LibraryConstruct {
  constructor(scope: Construct, id: string, props: ResourceQuotaProps) {
    super(scope, id, props, 'pass { requestsCpu, requestsMemory, limitsMemory } (see ResourceQuotaProps)');
    const name = checkDnsSubdomain(this, 'name', props.name ?? 'compute');
    const hard: Record<string, string> = {
      'requests.cpu': checkQuantity(this, 'requestsCpu', props.requestsCpu, '4'),
      'requests.memory': sizeProp(this, 'requestsMemory', props.requestsMemory, undefined, Size.gibibytes(8)),
      'limits.memory': sizeProp(this, 'limitsMemory', props.limitsMemory, undefined, Size.gibibytes(16)),
    };
    if (parseQuantity(hard['limits.memory'])! < parseQuantity(hard['requests.memory'])!) {
      invalid(this, 'limitsMemory', `must be at least requestsMemory (${hard['requests.memory']})`, hard['limits.memory'], 'raise limitsMemory or lower requestsMemory');
    }
    if (props.limitsCpu !== undefined) {
      hard['limits.cpu'] = checkQuantity(this, 'limitsCpu', props.limitsCpu, '8');
      if (parseQuantity(props.limitsCpu)! < parseQuantity(props.requestsCpu)!) {
        invalid(this, 'limitsCpu', `must be at least requestsCpu (${props.requestsCpu})`, props.limitsCpu, 'raise limitsCpu or lower requestsCpu');
      }
    }
    if (props.requestsStorage !== undefined) hard['requests.storage'] = sizeProp(this, 'requestsStorage', props.requestsStorage, undefined, Size.gibibytes(200));
    if (props.persistentVolumeClaims !== undefined) hard.persistentvolumeclaims = String(checkInteger(this, 'persistentVolumeClaims', props.persistentVolumeClaims, 0));
    if (props.pods !== undefined) hard.pods = String(checkInteger(this, 'pods', props.pods, 0));
    new k8s.KubeResourceQuota(this, 'Resource', {
      metadata: { name, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'quota', 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec: { hard: Object.fromEntries(Object.keys(hard).sort().map((k) => [k, k8s.Quantity.fromString(hard[k])])) },
    });
  }
}
