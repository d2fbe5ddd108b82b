import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { enableAppChecks } from './app-checks';
import { ConnectionGraph, IWorkload, Peer } from './connections';
import { k8s } from './k8s';
import { PodSpecOptions, restrictedPodSpec } from './pod';
import { ComponentIdentity, selectorLabels, standardLabels } from './labels';
import { Port } from './port';
import { renderServiceAccount } from './service';
import { checkDnsLabel, describeConstruct, ValidationError } from './validate';

/**
 * What every set of pods this library renders has in common: a stable name (the
 * `app.kubernetes.io/instance`), the standard labels, a selector made of the stable subset, its own
 * ServiceAccount (no token mounted), and a place in the {@link ConnectionGraph}.
 */
export class Workload extends Construct implements IWorkload {
  public readonly workloadName: string;
  public readonly namespace: string;
  public readonly labels: Record<string, string>;
  public readonly podSelector: Record<string, string>;
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, identity: ComponentIdentity, serviceAccountAnnotations?: Record<string, string>) {
    super(scope, id);
    enableAppChecks(this);
    this.workloadName = checkDnsLabel(this, 'name', identity.instance, 52);
    const namespace = Chart.of(this).namespace;
    if (!namespace) {
      throw new ValidationError(`${describeConstruct(this)}: its Chart has no namespace, got undefined. Fix: create the chart as new Chart(app, 'mlops', { namespace: 'mlops' }).`);
    }
    this.namespace = namespace;
    this.labels = standardLabels(identity);
    this.podSelector = selectorLabels(identity);
    this.serviceAccountName = this.workloadName;
    renderServiceAccount(this, 'ServiceAccount', this.serviceAccountName, this.labels, serviceAccountAnnotations);
    ConnectionGraph.of(this).register(this);
  }

  /** Declares that this workload opens connections to `peer` on `port`. */
  public connectTo(peer: Peer, port: Port, description: string): void {
    ConnectionGraph.of(this).allow(Peer.workload(this), peer, port, description);
  }

  /** Declares that `peer` opens connections to this workload on `port`. */
  public allowFrom(peer: Peer | IWorkload, port: Port, description: string): void {
    const from = peer instanceof Peer ? peer : Peer.workload(peer);
    ConnectionGraph.of(this).allow(from, Peer.workload(this), port, description);
  }

  /** A restricted pod template carrying this workload's labels and ServiceAccount. */
  public podTemplate(options: Omit<PodSpecOptions, 'serviceAccountName'>): k8s.PodTemplateSpec {
    return {
      metadata: { labels: this.labels },
      spec: restrictedPodSpec(this, { ...options, serviceAccountName: this.serviceAccountName }),
    };
  }

  /** Spreads this workload's pods across `topologyKey` (`kubernetes.io/hostname`, a zone). */
  public spreadAcross(topologyKey: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway'): k8s.TopologySpreadConstraint {
    return { maxSkew: 1, topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: this.podSelector } };
  }

  /** A PodDisruptionBudget for this workload's pods, named like the workload. */
  public addDisruptionBudget(budget: { minAvailable: number } | { maxUnavailable: number }): k8s.KubePodDisruptionBudget {
    const spec = 'minAvailable' in budget
      ? { minAvailable: k8s.IntOrString.fromNumber(budget.minAvailable) }
      : { maxUnavailable: k8s.IntOrString.fromNumber(budget.maxUnavailable) };
    return new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: this.workloadName, labels: this.labels },
      spec: { ...spec, selector: { matchLabels: this.podSelector } },
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
