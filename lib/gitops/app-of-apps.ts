import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain } from '../core/validate';
import { ArgoApplication, ArgoApplicationProps, checkGitSource, checkRepoPath, GitSource, resolveSyncPolicy, SyncPolicy } from './argo-application';
import { LibraryConstruct } from '../core/library-construct';

/**
 * The root Application of an app of apps.
 * @removedProps automated
 */
export interface AppOfAppsProps {
  readonly source: GitSource;
  /** The directory holding the Applications, which the root Application syncs: `dist/argocd`. */
  readonly path: string;
  /** @default "root" */
  readonly name?: string;
  /** The namespace Argo CD runs in, where Applications live. @default "argocd" */
  readonly argocdNamespace?: string;
  /** The sync policy of the root and of every Application added. @default SyncPolicy.automated() (prune and self-heal) */
  readonly syncPolicy?: SyncPolicy;
  /** @default "default" */
  readonly project?: string;
}

/** An Application of the app of apps: the source, project and sync policy come from the {@link AppOfApps}. */
export type ChildApplicationProps = Omit<ArgoApplicationProps, 'source' | 'project'>;

/**
 * Argo CD's app of apps: a root Application that syncs the directory of Applications (itself
 * included, so it manages its own definition), and one Application per deployable directory.
 * Bootstrap once with `kubectl apply -n argocd -f <path>/application-root.yaml`; from then on
 * adding an app to Git is enough. The root does not cascade-delete: deleting it leaves the apps.
 */
export class AppOfApps extends LibraryConstruct {
  public readonly root: ArgoApplication;
  private readonly props: AppOfAppsProps;
  private readonly syncPolicy: SyncPolicy;

  constructor(scope: Construct, id: string, props: AppOfAppsProps) {
    super(scope, id, props, 'pass { source, path } (see AppOfAppsProps)');
    checkGitSource(this, props.source);
    checkRepoPath(this, 'path', props.path);
    if (props.project !== undefined) checkDnsSubdomain(this, 'project', props.project);
    this.props = props;
    this.syncPolicy = resolveSyncPolicy(this, props);
    this.root = new ArgoApplication(this, 'root', {
      name: checkDnsLabel(this, 'name', props.name ?? 'root'),
      source: props.source,
      path: props.path,
      destinationNamespace: props.argocdNamespace ?? 'argocd',
      syncPolicy: this.syncPolicy,
      cascadeDelete: false,
      ...(props.project ? { project: props.project } : {}),
    });
  }

  /** Adds the Application of one deployable directory. */
  public addApplication(props: ChildApplicationProps): ArgoApplication {
    return new ArgoApplication(this, props.name, {
      syncPolicy: this.syncPolicy,
      ...props,
      source: this.props.source,
      ...(this.props.project ? { project: this.props.project } : {}),
    });
  }
}
