import { Construct } from 'constructs';
import { ConnectionGraph, IWorkload } from './connections';
import { Workload } from './workload';
import { enableAppChecks } from './app-checks';

/**
 * A component that runs pods (`Postgres`, `TrackingServer`, a backup CronJob): it holds its
 * {@link Workload} as a child and is an {@link IWorkload} by delegation, so connections name the
 * component while the workload's building blocks (pod template, claim templates, spread
 * constraints, disruption budget) stay off its public API.
 *
 * A subclass creates its workload with `owner: this` and hands it to {@link attachWorkload}.
 */
export abstract class WorkloadComponent extends Construct implements IWorkload {
  private attached?: Workload;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    enableAppChecks(this);
  }

  /** The workload of this component (labels, ServiceAccount, pod template, connections). */
  protected get workload(): Workload {
    if (!this.attached) throw new Error(`${this.node.path}: attachWorkload() was not called`);
    return this.attached;
  }

  /** Records the workload and registers this component with the connection graph. */
  protected attachWorkload<T extends Workload>(workload: T): T {
    this.attached = workload;
    ConnectionGraph.of(this).register(this);
    return workload;
  }

  public get workloadName(): string {
    return this.workload.workloadName;
  }
  public get namespace(): string {
    return this.workload.namespace;
  }
  public get podSelector(): Record<string, string> {
    return this.workload.podSelector;
  }
  public get serviceAccountName(): string {
    return this.workload.serviceAccountName;
  }
}
