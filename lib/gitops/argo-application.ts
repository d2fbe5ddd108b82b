import { Construct, IConstruct } from 'constructs';
import { LibraryConstruct } from '../core/library-construct';
import type * as argoTypes from '../../imports/argoproj.io';
import { MANAGED_BY } from '../core/labels';
import { checkDnsLabel, checkDnsSubdomain, checkHostname, checkInteger, checkTypedValue, invalid, refuseRemovedProps } from '../core/validate';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argo = lazyModule<typeof argoTypes>(() => require('../../imports/argoproj.io'));

/** The Git repository Argo CD reads `dist/` from. */
export interface GitSource {
  /** `https://github.com/acme/mlops-platform.git` */
  readonly repoUrl: string;
  /** @default "main" */
  readonly targetRevision?: string;
}

/**
 * What an {@link ArgoApplication} syncs, and where.
 * @removedProps automated destinationServer destinationCluster
 */
export interface ArgoApplicationProps {
  /** The Application name (usually the dist/ directory name). */
  readonly name: string;
  readonly source: GitSource;
  /** Path in the repository, such as `dist/mlflow-minio-postgres`. */
  readonly path: string;
  /** The namespace objects without one are placed in. */
  readonly destinationNamespace: string;
  /**
   * The cluster: `ArgoDestination.inCluster()`, `.server(url)` or `.cluster(name)`.
   * @default ArgoDestination.inCluster() (the cluster Argo CD runs in)
   */
  readonly destination?: ArgoDestination;
  /** @default "default" */
  readonly project?: string;
  /**
   * `SyncPolicy.automated({ prune, selfHeal })` or `SyncPolicy.manual()`. Pruning is safe because
   * `dist/` is only ever replaced whole by a synth that succeeded.
   * @default SyncPolicy.automated() (prune and self-heal)
   */
  readonly syncPolicy?: SyncPolicy;
  /**
   * Delete the app's objects when the Application is deleted (the `resources-finalizer`). Objects
   * annotated `Delete=false` (namespaces, backup volumes) survive either way.
   * @default true
   */
  readonly cascadeDelete?: boolean;
  /** This Application's own `argocd.argoproj.io/sync-wave` in the app of apps. @default - none (wave 0) */
  readonly syncWave?: number;
}

/** What an automated sync may do. */
export interface AutomatedSync {
  /** Delete objects that are no longer in Git. @default true */
  readonly prune?: boolean;
  /** Revert changes made in the cluster by hand. @default true */
  readonly selfHeal?: boolean;
}

/** The `automated` block of an Application's sync policy. */
interface AutomatedBlock { readonly prune: boolean; readonly selfHeal: boolean; readonly allowEmpty: false }

/** How Argo CD syncs an Application: automatically (`SyncPolicy.automated()`) or by hand (`SyncPolicy.manual()`). */
export class SyncPolicy {
  /** Syncs on every change in Git; by default it also prunes what left Git and reverts edits made by hand. */
  public static automated(options: AutomatedSync = {}): SyncPolicy {
    if (options === null || typeof options !== 'object') {
      invalid('SyncPolicy.automated', 'options', 'must be an object', options, 'pass SyncPolicy.automated({ prune: true, selfHeal: true })');
    }
    for (const k of ['prune', 'selfHeal'] as const) {
      if (options[k] !== undefined && typeof options[k] !== 'boolean') invalid('SyncPolicy.automated', k, 'must be true or false', options[k], `write ${k}: true`);
    }
    return new SyncPolicy({ prune: options.prune ?? true, selfHeal: options.selfHeal ?? true, allowEmpty: false });
  }
  /** Syncs only when someone asks Argo CD to (the UI, `argocd app sync`). */
  public static manual(): SyncPolicy {
    return new SyncPolicy(undefined);
  }
  private constructor(
    /** The `automated` block, or undefined for manual sync. */
    public readonly automated: AutomatedBlock | undefined,
  ) {}
}

/** `syncPolicy` at the public boundary (the default when undefined); the removed `automated` is refused with the SyncPolicy to write. */
export function resolveSyncPolicy(scope: IConstruct, props: { syncPolicy?: SyncPolicy }): SyncPolicy {
  refuseRemovedProps(scope, '', props, { automated: (v) => `write syncPolicy: ${syncPolicyCall(v)}` });
  return checkTypedValue(scope, 'syncPolicy', props.syncPolicy ?? SyncPolicy.automated(), SyncPolicy, 'a SyncPolicy',
    `write syncPolicy: ${syncPolicyCall(props.syncPolicy)}`);
}

/** The factory call for what a JavaScript caller wrote as `automated` (`false`, `true`, `{ prune: false }`). */
function syncPolicyCall(v: unknown): string {
  if (v === false) return 'SyncPolicy.manual()';
  const o = v !== null && typeof v === 'object' ? v as Record<string, unknown> : {};
  const opts = (['prune', 'selfHeal'] as const).filter((k) => typeof o[k] === 'boolean').map((k) => `${k}: ${o[k]}`);
  return `SyncPolicy.automated(${opts.length ? `{ ${opts.join(', ')} }` : ''})`;
}

/** The API server of the cluster Argo CD runs in. */
const IN_CLUSTER = 'https://kubernetes.default.svc';

/** The cluster an Application deploys to. */
export class ArgoDestination {
  /** The cluster Argo CD runs in (`https://kubernetes.default.svc`). */
  public static inCluster(): ArgoDestination {
    return new ArgoDestination({ server: IN_CLUSTER });
  }
  /** A cluster by its API server URL, as `argocd cluster list` shows it. */
  public static server(url: string): ArgoDestination {
    checkServerUrl('ArgoDestination.server', url);
    return new ArgoDestination({ server: url });
  }
  /** A cluster by the name it was registered under in Argo CD (`argocd cluster add --name`). */
  public static cluster(name: string): ArgoDestination {
    return new ArgoDestination({ name: checkDnsSubdomain('ArgoDestination.cluster', 'name', name) });
  }
  private constructor(
    /** Exactly one of `server` and `name`, as the Application's `destination` takes them. */
    public readonly target: { readonly server: string } | { readonly name: string },
  ) {}
}

/** `destination` at the public boundary; the removed `destinationServer`/`destinationCluster` are refused with the call to write. */
export function resolveDestination(scope: IConstruct, props: { destination?: ArgoDestination }): ArgoDestination {
  refuseRemovedProps(scope, '', props, {
    destinationServer: (v) => `write destination: ArgoDestination.server(${JSON.stringify(v)})`,
    destinationCluster: (v) => `write destination: ArgoDestination.cluster(${JSON.stringify(v)})`,
  });
  return checkTypedValue(scope, 'destination', props.destination ?? ArgoDestination.inCluster(), ArgoDestination, 'an ArgoDestination',
    'write destination: ArgoDestination.inCluster(), ArgoDestination.server("https://...") or ArgoDestination.cluster("name")');
}

/** The sync options and retry every Application of this library uses. */
export const SYNC_OPTIONS = ['ServerSideApply=true', 'PruneLast=true'];
export const SYNC_RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

/** Checks a Git source at the public boundary. */
export function checkGitSource(scope: Construct, source: GitSource): void {
  if (!/^(https:\/\/|ssh:\/\/|git@)\S+$/.test(source?.repoUrl ?? '')) {
    invalid(scope, 'source.repoUrl', 'must be an https://, ssh:// or git@ repository URL', source?.repoUrl,
      'pass the URL Argo CD clones, such as "https://github.com/acme/mlops-platform.git"');
  }
  const rev = source.targetRevision;
  if (rev !== undefined && (typeof rev !== 'string' || !/^[A-Za-z0-9._\-/]+$/.test(rev) || rev.includes('..'))) {
    invalid(scope, 'source.targetRevision', 'must be a branch, tag or commit', rev, 'use "main", a tag such as "v1.2.0", or a commit sha');
  }
}

/** Checks a path inside the repository (with `*` only where a glob is allowed). */
export function checkRepoPath(scope: Construct, prop: string, value: string, allowGlob = false): void {
  if (!(allowGlob ? /^[A-Za-z0-9._\-/*]+$/ : /^[A-Za-z0-9._\-/]+$/).test(value ?? '') || value.startsWith('/') || value.split('/').includes('..')) {
    invalid(scope, prop, 'must be a relative path inside the repository', value, 'use "dist/<app>"');
  }
}

/** A cluster API server URL as Argo CD registers it: https, a host, an optional port and path. */
function checkServerUrl(scope: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (typeof value !== 'string' || !url || url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) {
    invalid(scope, 'url', 'must be an https:// API server URL without credentials, query or fragment', value,
      'use "https://kubernetes.default.svc" or the URL `argocd cluster list` shows');
  }
  const host = url.hostname;
  if (!/^\[.*\]$/.test(host) && !/^[0-9.]+$/.test(host) && host !== 'kubernetes.default.svc' && host.includes('.')) checkHostname(scope, 'url host', host);
}

/** An Argo CD `Application` that syncs one kustomize directory of dist/. */
export class ArgoApplication extends LibraryConstruct {
  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id, props);
    checkDnsLabel(this, 'name', props.name);
    checkDnsLabel(this, 'destinationNamespace', props.destinationNamespace);
    checkGitSource(this, props.source);
    checkRepoPath(this, 'path', props.path);
    const destination = resolveDestination(this, props);
    if (props.project !== undefined) checkDnsSubdomain(this, 'project', props.project);
    const automated = resolveSyncPolicy(this, props).automated;
    if (props.syncWave !== undefined) checkInteger(this, 'syncWave', props.syncWave, -100, 100);
    new argo.Application(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/managed-by': MANAGED_BY },
        ...(props.syncWave !== undefined ? { annotations: { 'argocd.argoproj.io/sync-wave': String(props.syncWave) } } : {}),
        ...(props.cascadeDelete ?? true ? { finalizers: ['resources-finalizer.argocd.argoproj.io'] } : {}),
      },
      spec: {
        project: props.project ?? 'default',
        source: { repoUrl: props.source.repoUrl, targetRevision: props.source.targetRevision ?? 'main', path: props.path },
        destination: {
          ...destination.target,
          namespace: props.destinationNamespace,
        },
        syncPolicy: {
          ...(automated ? { automated } : {}),
          syncOptions: SYNC_OPTIONS,
          retry: SYNC_RETRY,
        },
      },
    });
  }
}
