/** The value of `app.kubernetes.io/managed-by` on every object this library renders. */
export const MANAGED_BY = 'mlops-cdk8s';

/** The Argo CD annotation for per-object sync options. */
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Sync options for stateful objects: Argo CD never deletes or prunes them (delete them by hand). */
export const KEEP_ON_DELETE = 'Delete=false,Prune=false';

/** What a component is, for its `app.kubernetes.io/*` labels. */
export interface ComponentIdentity {
  /** The application: `mlflow`, `postgresql`, `minio`. */
  readonly name: string;
  /** This instance, unique in its namespace: the stable object name, such as `mlflow-postgres`. */
  readonly instance: string;
  /** The role within the application: `server`, `database`, `backup`. */
  readonly component: string;
  /**
   * The larger platform this belongs to.
   * @default - no `app.kubernetes.io/part-of` label
   */
  readonly partOf?: string;
}

/** The full label set for objects and pod templates. */
export function standardLabels(id: ComponentIdentity): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
    'app.kubernetes.io/component': id.component,
  };
  if (id.partOf) labels['app.kubernetes.io/part-of'] = id.partOf;
  labels['app.kubernetes.io/managed-by'] = MANAGED_BY;
  return labels;
}

/**
 * The stable subset used in selectors: it never changes for the life of the object, so a
 * Deployment's immutable `spec.selector` survives upgrades.
 */
export function selectorLabels(id: ComponentIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
    'app.kubernetes.io/component': id.component,
  };
}

/**
 * The `app.kubernetes.io/*` labels this library puts on what it renders, for escape hatches that
 * add objects of their own (`Labels.standard({ name, instance, component })`).
 */
export class Labels {
  /** The value of `app.kubernetes.io/managed-by` on every object this library renders. */
  public static readonly MANAGED_BY = MANAGED_BY;

  /** The full label set for objects and pod templates. */
  public static standard(id: ComponentIdentity): Record<string, string> {
    return standardLabels(id);
  }

  /** The stable subset used in selectors (name, instance, component): it never changes for the life of the object. */
  public static selector(id: ComponentIdentity): Record<string, string> {
    return selectorLabels(id);
  }

  private constructor() {}
}
