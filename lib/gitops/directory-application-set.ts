import { Construct } from 'constructs';
import * as argo from '../../imports/argoproj.io';
import { MANAGED_BY } from '../core/labels';
import { checkDnsLabel, invalid } from '../core/validate';
import { automatedSyncPolicy, AutomatedSync, checkGitSource, checkRepoPath, GitSource, SYNC_OPTIONS, SYNC_RETRY } from './argo-application';
import { enableAppChecks } from '../core/app-checks';

export interface DirectoryApplicationSetProps {
  /** The ApplicationSet name. */
  readonly name: string;
  readonly source: GitSource;
  /**
   * The directories that become Applications: paths or globs (`dist/mlflow-teams/*`). A new
   * directory matching a glob becomes an Application with no change to Argo CD's objects.
   */
  readonly directories: string[];
  /**
   * The Application name, a Go template over the generator's `path` (`{{.path.basename}}`).
   * @default "{{ .path.basenameNormalized }}" (the directory name)
   */
  readonly applicationName?: string;
  /** @default "default" */
  readonly destinationNamespace?: string;
  /** @default true (prune and self-heal) */
  readonly automated?: boolean | AutomatedSync;
  /** @default "default" */
  readonly project?: string;
}

/**
 * An Argo CD ApplicationSet with a Git directory generator: one Application per matching
 * directory of the repository, all with the same in-cluster destination and sync policy. It fits
 * many alike directories (one per team); the app of apps fits deployments that differ (their own
 * cluster, namespace, name).
 */
export class DirectoryApplicationSet extends Construct {
  constructor(scope: Construct, id: string, props: DirectoryApplicationSetProps) {
    super(scope, id);
    enableAppChecks(this);
    checkDnsLabel(this, 'name', props.name);
    checkGitSource(this, props.source);
    if (!Array.isArray(props.directories) || props.directories.length === 0) {
      invalid(this, 'directories', 'must list at least one directory', props.directories, 'pass ["dist/<app>/*"]');
    }
    props.directories.forEach((d, i) => checkRepoPath(this, `directories[${i}]`, d, true));
    const automated = automatedSyncPolicy(props.automated);
    new argo.ApplicationSet(this, 'Resource', {
      metadata: { name: props.name, labels: { 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{
          git: {
            repoUrl: props.source.repoUrl,
            revision: props.source.targetRevision ?? 'main',
            directories: [...props.directories].sort().map((path) => ({ path })),
          },
        }],
        template: {
          metadata: {
            name: props.applicationName ?? '{{ .path.basenameNormalized }}',
            labels: { 'app.kubernetes.io/part-of': props.name, 'app.kubernetes.io/managed-by': MANAGED_BY },
            finalizers: ['resources-finalizer.argocd.argoproj.io'],
          },
          spec: {
            project: props.project ?? 'default',
            source: { repoUrl: props.source.repoUrl, targetRevision: props.source.targetRevision ?? 'main', path: '{{ .path.path }}' },
            destination: { server: 'https://kubernetes.default.svc', namespace: props.destinationNamespace ?? 'default' },
            syncPolicy: { ...(automated ? { automated } : {}), syncOptions: SYNC_OPTIONS, retry: SYNC_RETRY },
          },
        },
      },
    });
  }
}
