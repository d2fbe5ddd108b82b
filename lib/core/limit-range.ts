import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './k8s';
import { MANAGED_BY } from './labels';
import { sizeProp } from './quantity';
import { checkDnsSubdomain, checkQuantity, invalid, parseQuantity } from './validate';
import { bytesText, cpuText, stackUsage } from './stack-usage';
import { LibraryConstruct } from './library-construct';

/** CPU and memory of one container. */
export interface ContainerAmounts {
  /** A CPU quantity: `"500m"`, `"2"`. */
  readonly cpu: string;
  /** `Size.mebibytes(512)` */
  readonly memory: Size;
}

export interface LimitRangeProps {
  /** @default "container-defaults" */
  readonly name?: string;
  /** Requests of a container that sets none. */
  readonly defaultRequest: ContainerAmounts;
  /** Limits of a container that sets none (at least `defaultRequest`). */
  readonly defaultLimit: ContainerAmounts;
  /** The most one container may ask for. @default - no maximum */
  readonly max?: ContainerAmounts;
}

/**
 * A LimitRange for the chart's namespace: defaults for containers that set no resources (so a
 * {@link ResourceQuota} can count them) and an optional per-container maximum. The library's own
 * pods always set their resources; this covers what teams run beside them.
 */
export class LimitRange extends LibraryConstruct {
  constructor(scope: Construct, id: string, props: LimitRangeProps) {
    super(scope, id, props, 'pass { defaultRequest, defaultLimit } (see LimitRangeProps)');
    const name = checkDnsSubdomain(this, 'name', props.name ?? 'container-defaults');
    const render = (prop: string, a: ContainerAmounts) => {
      if (!a || typeof a !== 'object') invalid(this, prop, 'must set cpu and memory', a, 'pass { cpu: "500m", memory: Size.mebibytes(512) }');
      return { cpu: checkQuantity(this, `${prop}.cpu`, a.cpu, '500m'), memory: sizeProp(this, `${prop}.memory`, a.memory, undefined, Size.mebibytes(512)) };
    };
    const request = render('defaultRequest', props.defaultRequest);
    const limit = render('defaultLimit', props.defaultLimit);
    const max = props.max ? render('max', props.max) : undefined;
    for (const r of ['cpu', 'memory'] as const) {
      if (parseQuantity(limit[r])! < parseQuantity(request[r])!) {
        invalid(this, `defaultLimit.${r}`, `must be at least defaultRequest.${r} (${request[r]})`, limit[r], `raise defaultLimit.${r} or lower defaultRequest.${r}`);
      }
      if (max && parseQuantity(max[r])! < parseQuantity(limit[r])!) {
        invalid(this, `max.${r}`, `must be at least defaultLimit.${r} (${limit[r]})`, max[r], `raise max.${r} or lower defaultLimit.${r}`);
      }
    }
    if (max) this.node.addValidation({ validate: () => this.checkMaxCoversStack(max) });
    const q = (a: { cpu: string; memory: string }) => ({ cpu: k8s.Quantity.fromString(a.cpu), memory: k8s.Quantity.fromString(a.memory) });
    new k8s.KubeLimitRange(this, 'Resource', {
      metadata: { name, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'limits', 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec: { limits: [{ type: 'Container', defaultRequest: q(request), default: q(limit), ...(max ? { max: q(max) } : {}) }] },
    });
  }

  /** A `max` below a container of the namespace's own stack would refuse that container's pod. */
  private checkMaxCoversStack(max: { cpu: string; memory: string }): string[] {
    const containers = stackUsage(this, Chart.of(this).namespace).containers;
    const errors: string[] = [];
    for (const [r, text] of [['cpu', cpuText], ['memory', bytesText]] as const) {
      const biggest = [...containers].sort((a, b) => b[r] - a[r])[0];
      if (biggest && parseQuantity(max[r])! + 1e-9 < biggest[r]) {
        try {
          invalid(this, `max.${r}`, `is smaller than a container of the namespace's own stack (${biggest.where}: ${text(biggest[r])})`, max[r],
            `raise max.${r} to at least ${text(biggest[r])}, or remove max`);
        } catch (e) {
          // cdk8s prefixes a validation message with the construct path itself.
          errors.push((e as Error).message.replace(`${this.node.path}: `, ''));
        }
      }
    }
    return errors;
  }
}
