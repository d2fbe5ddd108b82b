import { Construct } from 'constructs';
import { enableAppChecks } from '../core/app-checks';
import * as argo from '../../imports/argoproj.io';
import { MANAGED_BY } from '../core/labels';
import { checkDnsLabel, checkDnsSubdomain, checkHostname, checkInteger, invalid } from '../core/validate';

/** The Git repository Argo CD reads `dist/` from. */
export interface GitSource {
  /** `https://github.com/acme/mlops-platform.git` */
  readonly repoUrl: string;
  /** @default "main" */
  readonly targetRevision?: string;
}

export interface ArgoApplicationProps {
  /** The Application name (usually the dist/ directory name). */
  readonly name: string;
  readonly source: GitSource;
  /** Path in the repository, such as `dist/mlflow-minio-postgres`. */
  readonly path: string;
  /** The namespace objects without one are placed in. */
  readonly destinationNamespace: string;
  /**
   * The cluster, by API server URL. Conflicts with `destinationCluster`.
   * @default "https://kubernetes.default.svc" (the cluster Argo CD runs in)
   */
  readonly destinationServer?: string;
  /** The cluster, by the name it was registered under in Argo CD. @default - destinationServer */
  readonly destinationCluster?: string;
  /** @default "default" */
  readonly project?: string;
  /**
   * Automated sync; `false` for manual sync. `true` means pruning and self-heal on. Pruning is
   * safe because `dist/` is only ever replaced whole by a synth that succeeded.
   * @default true
   */
  readonly automated?: boolean | AutomatedSync;
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

/** The `automated` block of a sync policy, or undefined for manual sync. */
export function automatedSyncPolicy(automated: boolean | AutomatedSync | undefined): { prune: boolean; selfHeal: boolean; allowEmpty: false } | undefined {
  if (automated === false) return undefined;
  const a = automated === true || automated === undefined ? {} : automated;
  return { prune: a.prune ?? true, selfHeal: a.selfHeal ?? true, allowEmpty: false };
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
function checkServerUrl(scope: Construct, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) {
    invalid(scope, 'destinationServer', 'must be an https:// API server URL without credentials, query or fragment', value,
      'use "https://kubernetes.default.svc" or the URL `argocd cluster list` shows');
  }
  const host = url.hostname;
  if (!/^\[.*\]$/.test(host) && !/^[0-9.]+$/.test(host) && host !== 'kubernetes.default.svc' && host.includes('.')) checkHostname(scope, 'destinationServer host', host);
}

/** An Argo CD `Application` that syncs one kustomize directory of dist/. */
export class ArgoApplication extends Construct {
  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id);
    enableAppChecks(this);
    checkDnsLabel(this, 'name', props.name);
    checkDnsLabel(this, 'destinationNamespace', props.destinationNamespace);
    checkGitSource(this, props.source);
    checkRepoPath(this, 'path', props.path);
    if (props.destinationServer !== undefined) checkServerUrl(this, props.destinationServer);
    if (props.destinationCluster !== undefined) checkDnsSubdomain(this, 'destinationCluster', props.destinationCluster);
    if (props.project !== undefined) checkDnsSubdomain(this, 'project', props.project);
    if (props.destinationServer !== undefined && props.destinationCluster !== undefined) {
      invalid(this, 'destinationCluster', 'conflicts with destinationServer (Argo CD takes one of them)', props.destinationCluster,
        'remove destinationServer or destinationCluster');
    }
    const automated = automatedSyncPolicy(props.automated);
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
          ...(props.destinationCluster ? { name: props.destinationCluster } : { server: props.destinationServer ?? 'https://kubernetes.default.svc' }),
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
