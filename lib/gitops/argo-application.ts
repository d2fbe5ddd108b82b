import { Construct } from 'constructs';
import { enableAppChecks } from '../core/app-checks';
import * as argo from '../../imports/argoproj.io';
import { MANAGED_BY } from '../core/labels';
import { checkDnsLabel, invalid } from '../core/validate';

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
   * Automated sync with pruning and self-heal. Pruning is safe because `dist/` is only ever
   * replaced whole by a synth that succeeded.
   * @default true
   */
  readonly automated?: boolean;
}

/** An Argo CD `Application` that syncs one kustomize directory of dist/. */
export class ArgoApplication extends Construct {
  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id);
    enableAppChecks(this);
    checkDnsLabel(this, 'name', props.name);
    checkDnsLabel(this, 'destinationNamespace', props.destinationNamespace);
    if (!/^(https:\/\/|ssh:\/\/|git@)\S+$/.test(props.source?.repoUrl ?? '')) {
      invalid(this, 'source.repoUrl', 'must be an https://, ssh:// or git@ repository URL', props.source?.repoUrl,
        'pass the URL Argo CD clones, such as "https://github.com/acme/mlops-platform.git"');
    }
    if (!/^[A-Za-z0-9._\-/]+$/.test(props.path ?? '') || props.path.startsWith('/') || props.path.split('/').includes('..')) {
      invalid(this, 'path', 'must be a relative path inside the repository', props.path, 'use "dist/<app>"');
    }
    if (props.destinationServer !== undefined && props.destinationCluster !== undefined) {
      invalid(this, 'destinationCluster', 'conflicts with destinationServer (Argo CD takes one of them)', props.destinationCluster,
        'remove destinationServer or destinationCluster');
    }
    const automated = props.automated ?? true;
    new argo.Application(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/managed-by': MANAGED_BY },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: props.project ?? 'default',
        source: { repoUrl: props.source.repoUrl, targetRevision: props.source.targetRevision ?? 'main', path: props.path },
        destination: {
          ...(props.destinationCluster ? { name: props.destinationCluster } : { server: props.destinationServer ?? 'https://kubernetes.default.svc' }),
          namespace: props.destinationNamespace,
        },
        syncPolicy: {
          ...(automated ? { automated: { prune: true, selfHeal: true, allowEmpty: false } } : {}),
          syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
        },
      },
    });
  }
}
