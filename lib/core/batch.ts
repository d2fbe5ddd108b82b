import { Construct } from 'constructs';
import { k8s } from './k8s';
import { PodSpecOptions } from './pod';
import { Workload } from './workload';

export interface CronJobSpec {
  readonly schedule: string;
  readonly timeZone: string;
  readonly pod: Omit<PodSpecOptions, 'serviceAccountName' | 'longRunning'>;
  /** @default 3600 */
  readonly activeDeadlineSeconds?: number;
}

/**
 * A CronJob for a {@link Workload}: never two runs at once, a short history, bounded retries.
 * Created as the `Resource` child of `scope` (the component, so it is its `node.defaultChild`).
 * @internal
 */
export function renderCronJob(w: Workload, spec: CronJobSpec, scope: Construct = w): k8s.KubeCronJob {
  return new k8s.KubeCronJob(scope, 'Resource', {
    metadata: { name: w.workloadName, labels: w.labels },
    spec: {
      schedule: spec.schedule,
      timeZone: spec.timeZone,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: w.labels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: spec.activeDeadlineSeconds ?? 3600,
          template: w.podTemplate({ ...spec.pod, longRunning: false }),
        },
      },
    },
  });
}

/**
 * A Job that must be idempotent: Argo CD runs it as a Sync hook, deleting the previous run first,
 * so every sync (and every change to its pod template, which is immutable) runs it again. With
 * plain `kubectl apply -k`, delete the finished Job before applying a changed one.
 * @internal
 */
export function renderJob(w: Workload, pod: Omit<PodSpecOptions, 'serviceAccountName' | 'longRunning'>, scope: Construct = w): k8s.KubeJob {
  return new k8s.KubeJob(scope, 'Resource', {
    metadata: {
      name: w.workloadName,
      labels: w.labels,
      annotations: { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
    },
    spec: {
      backoffLimit: 6,
      template: w.podTemplate({ ...pod, longRunning: false }),
    },
  });
}
