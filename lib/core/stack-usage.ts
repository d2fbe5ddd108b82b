import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { parseQuantity } from './validate';

/** What the workloads a chart renders into one namespace take, as a ResourceQuota counts it. */
export interface StackUsage {
  readonly requestsCpu: number;
  readonly requestsMemory: number;
  readonly limitsCpu: number;
  readonly limitsMemory: number;
  /** Bytes of PersistentVolumeClaims and StatefulSet claim templates (× replicas). */
  readonly requestsStorage: number;
  readonly persistentVolumeClaims: number;
  readonly pods: number;
  /** Every container, with its owner: for a per-container maximum (LimitRange `max`). */
  readonly containers: ReadonlyArray<{ readonly where: string; readonly cpu: number; readonly memory: number }>;
}

const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);
type Amounts = { requestsCpu: number; requestsMemory: number; limitsCpu: number; limitsMemory: number };
const ZERO: Amounts = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };

function amountsOf(c: any): Amounts {
  const q = (v: unknown) => (v === undefined ? 0 : parseQuantity(String(v)) ?? 0);
  return {
    requestsCpu: q(c?.resources?.requests?.cpu), requestsMemory: q(c?.resources?.requests?.memory),
    limitsCpu: q(c?.resources?.limits?.cpu), limitsMemory: q(c?.resources?.limits?.memory),
  };
}
const add = (a: Amounts, b: Amounts): Amounts => ({
  requestsCpu: a.requestsCpu + b.requestsCpu, requestsMemory: a.requestsMemory + b.requestsMemory,
  limitsCpu: a.limitsCpu + b.limitsCpu, limitsMemory: a.limitsMemory + b.limitsMemory,
});
const max = (a: Amounts, b: Amounts): Amounts => ({
  requestsCpu: Math.max(a.requestsCpu, b.requestsCpu), requestsMemory: Math.max(a.requestsMemory, b.requestsMemory),
  limitsCpu: Math.max(a.limitsCpu, b.limitsCpu), limitsMemory: Math.max(a.limitsMemory, b.limitsMemory),
});
const scale = (a: Amounts, n: number): Amounts => ({
  requestsCpu: a.requestsCpu * n, requestsMemory: a.requestsMemory * n, limitsCpu: a.limitsCpu * n, limitsMemory: a.limitsMemory * n,
});

/**
 * A pod's effective amounts as a ResourceQuota counts them: the larger of the sum of its
 * containers (with native sidecars, init containers with `restartPolicy: Always`) and its largest
 * other init container. (Kubernetes also adds the sidecars started before an init container to
 * that init container; ignored here, as no pod of this library starts a sidecar before an init step.)
 */
function podAmounts(spec: any): Amounts {
  const inits: any[] = spec?.initContainers ?? [];
  const sidecars = inits.filter((c) => c.restartPolicy === 'Always');
  const running = [...(spec?.containers ?? []), ...sidecars].map(amountsOf).reduce(add, ZERO);
  const initMax = inits.filter((c) => c.restartPolicy !== 'Always').map(amountsOf).reduce(max, ZERO);
  return max(running, initMax);
}

/**
 * What the chart of `scope` renders into `namespace` takes at once, counted generously: every
 * replica of its long-running workloads, one surge pod of the largest RollingUpdate Deployment,
 * and its largest Job or CronJob pod (sync hooks run beside the stack).
 */
export function stackUsage(scope: IConstruct, namespace: string | undefined): StackUsage {
  const chart = Chart.of(scope);
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson())
    .filter((o: any) => (o.metadata?.namespace ?? chart.namespace) === namespace);
  let steady = ZERO;
  let surge = ZERO;
  let oneOff = ZERO;
  let pods = 0;
  let surgePods = 0;
  let oneOffPods = 0;
  let storage = 0;
  let claims = 0;
  const containers: Array<{ where: string; cpu: number; memory: number }> = [];
  for (const o of objects as any[]) {
    const spec = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
    if (o.kind === 'PersistentVolumeClaim') {
      claims++;
      storage += parseQuantity(String(o.spec?.resources?.requests?.storage ?? '0')) ?? 0;
    }
    if (!spec) continue;
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      const a = amountsOf(c);
      containers.push({ where: `${o.kind} ${o.metadata.name} container ${c.name}`, cpu: Math.max(a.requestsCpu, a.limitsCpu), memory: Math.max(a.requestsMemory, a.limitsMemory) });
    }
    const pod = podAmounts(spec);
    if (LONG_RUNNING.has(o.kind)) {
      const replicas = o.spec?.replicas ?? 1;
      steady = add(steady, scale(pod, replicas));
      pods += replicas;
      for (const t of o.spec?.volumeClaimTemplates ?? []) {
        claims += replicas;
        storage += replicas * (parseQuantity(String(t.spec?.resources?.requests?.storage ?? '0')) ?? 0);
      }
      if (o.kind === 'Deployment' && (o.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        surge = max(surge, pod);
        surgePods = 1;
      }
    } else if (o.kind === 'Job' || o.kind === 'CronJob') {
      oneOff = max(oneOff, pod);
      oneOffPods = 1;
    }
  }
  const total = add(add(steady, surge), oneOff);
  return { ...total, requestsStorage: storage, persistentVolumeClaims: claims, pods: pods + surgePods + oneOffPods, containers };
}

/** `1.5` CPUs as `"1500m"`. */
export function cpuText(cpus: number): string {
  return `${Math.round(cpus * 1000)}m`;
}

/** Bytes as `"1536Mi"` (whole mebibytes, rounded up). */
export function bytesText(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20)}Mi`;
}
