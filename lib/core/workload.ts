import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ConnectionGraph, IWorkload, Peer } from './connections';
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
}
