import { Construct } from 'constructs';
import type * as argoTypes from '../../imports/argoproj.io';
import { MANAGED_BY } from '../core/labels';
import { checkDnsLabel, checkDnsSubdomain, invalid } from '../core/validate';
import { ArgoApplicationProps, checkGitSource, checkRepoPath, resolveDestination, resolveSyncPolicy, SYNC_OPTIONS, SYNC_RETRY } from './argo-application';
import { LibraryConstruct } from '../core/library-construct';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argo = lazyModule<typeof argoTypes>(() => require('../../imports/argoproj.io'));

/**
 * The source, destination, project and sync policy mean for every generated Application what they
 * mean for one {@link ArgoApplication}.
 * @removedProps automated destinationServer destinationCluster
 */
export interface DirectoryApplicationSetProps extends Pick<ArgoApplicationProps, 'source' | 'destination' | 'syncPolicy' | 'project'> {
  /** The ApplicationSet name. */
  readonly name: string;
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
}

/**
 * An Argo CD ApplicationSet with a Git directory generator: one Application per matching
 * directory of the repository, all with the same destination and sync policy. It fits
 * many alike directories (one per team); the app of apps fits deployments that differ (their own
 * cluster, namespace, name).
 */
export class DirectoryApplicationSet extends LibraryConstruct {
  constructor(scope: Construct, id: string, props: DirectoryApplicationSetProps) {
    super(scope, id, props, 'pass { name, source, directories } (see DirectoryApplicationSetProps)');
    checkDnsLabel(this, 'name', props.name);
    checkGitSource(this, props.source);
    if (!Array.isArray(props.directories) || props.directories.length === 0) {
      invalid(this, 'directories', 'must list at least one directory', props.directories, 'pass ["dist/<app>/*"]');
    }
    props.directories.forEach((d, i) => checkRepoPath(this, `directories[${i}]`, d, true));
    checkDnsLabel(this, 'destinationNamespace', props.destinationNamespace ?? 'default');
    if (props.project !== undefined) checkDnsSubdomain(this, 'project', props.project);
    if (props.applicationName !== undefined) {
      // Go template actions ({{ ... }}) are filled per directory; what is around them must already fit an object name.
      const literal = typeof props.applicationName === 'string' ? props.applicationName.replace(/\{\{[^}]*\}\}/g, 'x') : '';
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(literal) || literal.length > 253) {
        invalid(this, 'applicationName', 'must be a DNS-1123 subdomain around its {{ }} template actions', props.applicationName, 'write it as "{{ .path.basenameNormalized }}" or "team-{{ .path.basenameNormalized }}"');
      }
    }
    const destination = resolveDestination(this, props);
    const automated = resolveSyncPolicy(this, props).automated;
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
            destination: { ...destination.target, namespace: props.destinationNamespace ?? 'default' },
            syncPolicy: { ...(automated ? { automated } : {}), syncOptions: SYNC_OPTIONS, retry: SYNC_RETRY },
          },
        },
      },
    });
  }
}
