import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './k8s';
import { MANAGED_BY } from './labels';
import { sizeProp } from './quantity';
import { checkDnsSubdomain, checkInteger, checkQuantity, invalid, parseQuantity } from './validate';
import { bytesText, cpuText, stackUsage } from './stack-usage';
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
    this.node.addValidation({ validate: () => this.checkCoversStack(hard) });
    new k8s.KubeResourceQuota(this, 'Resource', {
      metadata: { name, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'quota', 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec: { hard: Object.fromEntries(Object.keys(hard).sort().map((k) => [k, k8s.Quantity.fromString(hard[k])])) },
    });
  }

  /**
   * A quota smaller than what the namespace's own stack takes (see stackUsage) would refuse its
   * pods or claims on the first sync or the first rolling update.
   */
  private checkCoversStack(hard: Record<string, string>): string[] {
    const chart = Chart.of(this);
    const usage = stackUsage(this, chart.namespace);
    const checks: Array<[string, string, number, (n: number) => string]> = [
      ['requests.cpu', 'requestsCpu', usage.requestsCpu, cpuText],
      ['requests.memory', 'requestsMemory', usage.requestsMemory, bytesText],
      ['limits.cpu', 'limitsCpu', usage.limitsCpu, cpuText],
      ['limits.memory', 'limitsMemory', usage.limitsMemory, bytesText],
      ['requests.storage', 'requestsStorage', usage.requestsStorage, bytesText],
      ['persistentvolumeclaims', 'persistentVolumeClaims', usage.persistentVolumeClaims, String],
      ['pods', 'pods', usage.pods, String],
    ];
    const errors: string[] = [];
    for (const [key, prop, needed, text] of checks) {
      if (hard[key] === undefined) continue;
      if (parseQuantity(hard[key])! + 1e-9 < needed) {
        try {
          invalid(this, prop, `is smaller than what the namespace's own stack takes (${text(needed)}: every replica, one rolling-update surge pod and the largest Job)`, hard[key],
            `raise ${prop} to at least ${text(needed)}, or lower the stack's resources`);
        } catch (e) {
          // cdk8s prefixes a validation message with the construct path itself.
          errors.push((e as Error).message.replace(`${this.node.path}: `, ''));
        }
      }
    }
    return errors;
  }
}
