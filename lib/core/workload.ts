import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { LibraryConstruct } from './library-construct';
import { ConnectionGraph, IWorkload, Peer } from './connections';
import { k8s } from './k8s';
import { NOT_SECRET_ENV_ANNOTATION, PodSpecOptions, notSecretEnv, restrictedPodSpec } from './pod';
import { ComponentIdentity, selectorLabels, standardLabels } from './labels';
import { Port } from './port';
import { renderServiceAccount } from './service';
import { ValidationError, checkDnsLabel, checkLabels, describeConstruct, invalid } from './validate';

/** What a spread constraint does when it cannot be met. */
export class SpreadPolicy {
  /** Never place a pod that would break the spread (a distributed MinIO: one pod per node). */
  public static readonly DO_NOT_SCHEDULE = new SpreadPolicy('DoNotSchedule');
  /** Prefer the spread, but schedule anyway (a small cluster, a stateless server). */
  public static readonly SCHEDULE_ANYWAY = new SpreadPolicy('ScheduleAnyway');
  private constructor(public readonly value: 'DoNotSchedule' | 'ScheduleAnyway') {}
}

/** How many pods of a workload a voluntary disruption (a node drain) may take down. */
export class DisruptionBudget {
  /** At least `n` pods stay up. */
  public static minAvailable(n: number): DisruptionBudget {
    return new DisruptionBudget({ minAvailable: k8s.IntOrString.fromNumber(n) });
  }
  /** At most `n` pods are down at once. */
  public static maxUnavailable(n: number): DisruptionBudget {
    return new DisruptionBudget({ maxUnavailable: k8s.IntOrString.fromNumber(n) });
  }
  private constructor(
    /** @internal */
    public readonly _spec: { minAvailable?: k8s.IntOrString; maxUnavailable?: k8s.IntOrString },
  ) {}
}

export interface WorkloadProps extends ComponentIdentity {
  /** Annotations of the ServiceAccount (for example the GKE Workload Identity binding). @default - none */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /**
   * The construct that is this workload for the connection graph, when a component holds the
   * workload as a child and implements {@link IWorkload} by delegation. The owner registers itself
   * with `ConnectionGraph.of(owner).register(owner)` once its fields are set.
   * @default - the workload itself (registered on construction)
   */
  readonly owner?: IWorkload;
}

/**
 * What every set of pods this library renders has in common: a stable name (the
 * `app.kubernetes.io/instance`), the standard labels, a selector made of the stable subset, its own
 * ServiceAccount (no token mounted), and a place in the {@link ConnectionGraph}.
 *
 * Components (`Postgres`, `TrackingServer`, ...) hold one as a child and implement `IWorkload` by
 * delegation, so the building blocks below are not on their public API.
 */
export class Workload extends LibraryConstruct implements IWorkload {
  public readonly workloadName: string;
  public readonly namespace: string;
  public readonly labels: Record<string, string>;
  public readonly podSelector: Record<string, string>;
  public readonly serviceAccountName: string;
  /** The construct connections are declared for: the owner, or this workload. */
  public readonly peer: IWorkload;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id, props);
    const describeAs = props.owner ?? this;
    this.workloadName = checkDnsLabel(describeAs, 'name', props.instance, 52);
    const chart = Chart.of(this);
    const namespace = chart.namespace;
    if (!namespace) {
      invalid(chart, 'namespace', `must be set on the Chart that holds ${describeConstruct(describeAs)} (its objects are namespaced)`, namespace,
        `create the Chart with a namespace, as in new Chart(app, '${chart.node.id}', { namespace: 'mlops' })`);
    }
    // An invalid namespace is the Chart's prop: blame it, not a prop derived from it (allowedHosts).
    this.namespace = checkDnsLabel(chart, 'namespace', namespace);
    checkLabels(describeAs, 'partOf', props.partOf === undefined ? undefined : { 'app.kubernetes.io/part-of': props.partOf });
    this.labels = standardLabels(props);
    this.podSelector = selectorLabels(props);
    this.serviceAccountName = this.workloadName;
    this.peer = props.owner ?? this;
    renderServiceAccount(this, 'ServiceAccount', this.serviceAccountName, this.labels, props.serviceAccountAnnotations);
    if (!props.owner) ConnectionGraph.of(this).register(this);
  }

  /** Declares that this workload opens connections to `peer` on `port`. */
  public connectTo(peer: Peer, port: Port, description: string): void {
    ConnectionGraph.of(this).allow(Peer.workload(this.peer), peer, port, description);
  }

  /** Declares that `peer` opens connections to this workload on `port`. */
  public allowFrom(peer: Peer | IWorkload, port: Port, description: string): void {
    const from = peer instanceof Peer ? peer : Peer.workload(peer);
    ConnectionGraph.of(this).allow(from, Peer.workload(this.peer), port, description);
  }

  /** A restricted pod template carrying this workload's labels and ServiceAccount. */
  public podTemplate(options: Omit<PodSpecOptions, 'serviceAccountName'>): k8s.PodTemplateSpec {
    const spec = restrictedPodSpec(this.peer, { ...options, serviceAccountName: this.serviceAccountName });
    const notSecret = notSecretEnv(options);
    return {
      metadata: { labels: this.labels, ...(notSecret.length ? { annotations: { [NOT_SECRET_ENV_ANNOTATION]: notSecret.join(',') } } : {}) },
      spec,
    };
  }

  /** Spreads this workload's pods across `topologyKey` (`kubernetes.io/hostname`, a zone). */
  public spreadAcross(topologyKey: string, policy: SpreadPolicy): k8s.TopologySpreadConstraint {
    return { maxSkew: 1, topologyKey, whenUnsatisfiable: policy.value, labelSelector: { matchLabels: this.podSelector } };
  }

  /** The PodDisruptionBudget, once {@link addDisruptionBudget} was called. */
  public get disruptionBudget(): k8s.KubePodDisruptionBudget | undefined {
    return this.node.tryFindChild('Pdb') as k8s.KubePodDisruptionBudget | undefined;
  }

  /** A PodDisruptionBudget for this workload's pods, named like the workload. One per workload. */
  public addDisruptionBudget(budget: DisruptionBudget): k8s.KubePodDisruptionBudget {
    if (this.disruptionBudget) {
      throw new ValidationError(`${describeConstruct(this.peer)}: already has a PodDisruptionBudget, got a second one. Fix: patch the existing one (disruptionBudget) instead of adding another.`, 'MLOPS_CONFLICT');
    }
    return new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: this.workloadName, labels: this.labels },
      spec: { ...budget._spec, selector: { matchLabels: this.podSelector } },
    });
  }

  /** A ReadWriteOnce volumeClaimTemplate with this workload's labels. */
  public claimTemplate(name: string, size: string, storageClass?: string): k8s.KubePersistentVolumeClaimProps {
    return {
      metadata: { name, labels: this.labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(storageClass ? { storageClassName: storageClass } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(size) } },
      },
    };
  }
}
