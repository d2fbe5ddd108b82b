import { Construct } from 'constructs';
import { k8s } from './k8s';
import { PodSpecOptions } from './pod';
import { renderService, ServicePortSpec } from './service';
import { Workload, WorkloadProps } from './workload';
import { WorkloadComponent } from './workload-component';
import { LibraryConstruct } from './library-construct';

/** How a StatefulSet starts and stops its pods. */
export class PodManagementPolicy {
  /** One at a time, in order (a single database). */
  public static readonly ORDERED_READY = new PodManagementPolicy('OrderedReady');
  /** All at once (peers that must find each other to form a cluster, such as distributed MinIO). */
  public static readonly PARALLEL = new PodManagementPolicy('Parallel');
  private constructor(public readonly value: 'OrderedReady' | 'Parallel') {}
}

/** One volumeClaimTemplate: a ReadWriteOnce PVC per pod. */
export interface ClaimTemplate {
  /** The volume name, mounted by the containers. */
  readonly name: string;
  /** A Kubernetes quantity such as `10Gi`. */
  readonly size: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClass?: string;
}

/** The pod of a {@link StatefulWorkload}: always long-running. */
export type StatefulPodOptions = Omit<PodSpecOptions, 'serviceAccountName' | 'longRunning'>;

export interface StatefulWorkloadProps extends WorkloadProps {
  /** The Service (and headless Service) ports, each targeting a named container port. */
  readonly ports: ServicePortSpec[];
  /** @default - the same ports as the Service */
  readonly headlessPorts?: ServicePortSpec[];
  /** @default 1 */
  readonly replicas?: number;
  /** @default - not rendered (Kubernetes uses OrderedReady) */
  readonly podManagementPolicy?: PodManagementPolicy;
  /** The pod, built once the workload (labels, namespace, selector) exists. */
  readonly pod: (workload: Workload) => StatefulPodOptions;
  /** One PVC per pod and claim. */
  readonly claims: ClaimTemplate[];
}

/**
 * What every stateful component has: a {@link Workload}, a ClusterIP Service `<name>`, the
 * governing headless Service `<name>-hl` (stable pod DNS `<name>-0.<name>-hl`), and a StatefulSet
 * whose volumeClaimTemplates are retained when it is deleted or scaled down, so deleting the
 * construct never deletes its data. A new stateful component (MySQL, Redis) supplies ports, a pod
 * and claims.
 */
export class StatefulWorkload extends LibraryConstruct {
  public readonly workload: Workload;
  public readonly service: k8s.KubeService;
  public readonly headlessService: k8s.KubeService;
  /** The StatefulSet (also `node.defaultChild`). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** `<name>-hl` */
  public readonly headlessServiceName: string;
  /** `<name>.<namespace>.svc.cluster.local` */
  public readonly host: string;

  constructor(scope: Construct, id: string, props: StatefulWorkloadProps) {
    super(scope, id, props);
    const { owner, name: appName, instance, component, partOf, serviceAccountAnnotations } = props;
    const w = this.workload = new Workload(this, 'Workload', { owner, name: appName, instance, component, partOf, serviceAccountAnnotations });
    const name = w.workloadName;
    this.headlessServiceName = `${name}-hl`;
    this.host = `${name}.${w.namespace}.svc.cluster.local`;
    const base = { labels: w.labels, selector: w.podSelector };
    this.service = renderService(this, 'Service', { ...base, name, ports: props.ports });
    this.headlessService = renderService(this, 'HeadlessService', {
      ...base, name: this.headlessServiceName, headless: true, ports: props.headlessPorts ?? props.ports,
    });
    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name, labels: w.labels },
      spec: {
        serviceName: this.headlessServiceName,
        replicas: props.replicas ?? 1,
        ...(props.podManagementPolicy ? { podManagementPolicy: props.podManagementPolicy.value } : {}),
        selector: { matchLabels: w.podSelector },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: w.podTemplate({ ...props.pod(w), longRunning: true }),
        volumeClaimTemplates: props.claims.map((c) => w.claimTemplate(c.name, c.size, c.storageClass)),
      },
    });
  }
}

/**
 * A component whose pods are a {@link StatefulWorkload} (Postgres, MySQL, MinIO): it creates it
 * with {@link attachStateful} and exposes its Service and StatefulSet.
 */
export abstract class StatefulComponent extends WorkloadComponent {
  private stateful?: StatefulWorkload;

  /**
   * Creates the StatefulWorkload (child `Stateful`, owned by this component), attaches its
   * workload and makes the StatefulSet `node.defaultChild`.
   */
  protected attachStateful(props: Omit<StatefulWorkloadProps, 'owner'>): StatefulWorkload {
    const stateful = this.stateful = new StatefulWorkload(this, 'Stateful', { ...props, owner: this });
    this.attachWorkload(stateful.workload);
    this.node.defaultChild = stateful.statefulSet;
    return stateful;
  }

  private get attachedStateful(): StatefulWorkload {
    if (!this.stateful) throw new Error(`${this.node.path}: attachStateful() was not called`);
    return this.stateful;
  }

  /** The ClusterIP Service clients connect to. */
  public get service(): k8s.KubeService {
    return this.attachedStateful.service;
  }

  /** The StatefulSet (also `node.defaultChild`), for escape hatches such as `addJsonPatch`. */
  public get resource(): k8s.KubeStatefulSet {
    return this.attachedStateful.statefulSet;
  }

  /** `<name>.<namespace>.svc.cluster.local` */
  protected get statefulHost(): string {
    return this.attachedStateful.host;
  }
}
