import { ConnectionGraph, IWorkload } from './connections';
import { LibraryConstruct } from './library-construct';
import { Workload, WorkloadProps } from './workload';

/**
 * A component that runs pods (`Postgres`, `TrackingServer`, a backup CronJob): it holds its
 * {@link Workload} as a child and is an {@link IWorkload} by delegation, so connections name the
 * component while the workload's building blocks (pod template, claim templates, spread
 * constraints, disruption budget) stay off its public API.
 *
 * A subclass creates its workload with {@link createWorkload}, or with `owner: this` and hands it
 * to {@link attachWorkload}. Given a `fix`, the constructor refuses props that are not an object.
 */
export abstract class WorkloadComponent extends LibraryConstruct implements IWorkload {
  private attached?: Workload;

  /** The workload of this component (labels, ServiceAccount, pod template, connections). */
  protected get workload(): Workload {
    if (!this.attached) throw new Error(`${this.node.path}: attachWorkload() was not called`);
    return this.attached;
  }

  /** Creates the workload of this component (child `Workload`, `owner: this`) and attaches it. */
  protected createWorkload(props: Omit<WorkloadProps, 'owner'>): Workload {
    return this.attachWorkload(new Workload(this, 'Workload', { ...props, owner: this }));
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
