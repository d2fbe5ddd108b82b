import { Construct } from 'constructs';
import { k8s } from './k8s';
import { ContainerImage } from './image';
import { ContainerSpec, EnvValue, PodSpecOptions, RunAs } from './pod';
import { ResourceRequirements } from './resources';
import { checkCron, checkInteger, checkTimeZone } from './validate';
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
  checkCron(w.peer, 'schedule', spec.schedule);
  checkTimeZone(w.peer, 'timeZone', spec.timeZone);
  if (spec.activeDeadlineSeconds !== undefined) checkInteger(w.peer, 'activeDeadlineSeconds', spec.activeDeadlineSeconds, 1);
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

/** When Argo CD runs a hook Job. */
export type JobHook = 'Sync' | 'PostSync';

export interface JobOptions {
  /**
   * `Sync` runs with the other manifests; `PostSync` once they are all healthy (a smoke test, or a
   * Job that needs RBAC applied in the same sync).
   * @default "Sync"
   */
  readonly hook?: JobHook;
  /** @default 6 */
  readonly backoffLimit?: number;
  /** @default - none */
  readonly activeDeadlineSeconds?: number;
  /** Annotations of the pod template (`sidecar.istio.io/inject`). @default - none */
  readonly podAnnotations?: Record<string, string>;
}

/**
 * A Job that must be idempotent: Argo CD runs it as a hook, deleting the previous run first,
 * so every sync (and every change to its pod template, which is immutable) runs it again. With
 * plain `kubectl apply -k`, delete the finished Job before applying a changed one.
 * @internal
 */
export function renderJob(w: Workload, pod: Omit<PodSpecOptions, 'serviceAccountName' | 'longRunning'>, options: JobOptions = {}, scope: Construct = w): k8s.KubeJob {
  const template = w.podTemplate({ ...pod, longRunning: false });
  return new k8s.KubeJob(scope, 'Resource', {
    metadata: {
      name: w.workloadName,
      labels: w.labels,
      annotations: { 'argocd.argoproj.io/hook': options.hook ?? 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
    },
    spec: {
      backoffLimit: options.backoffLimit ?? 6,
      ...(options.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: options.activeDeadlineSeconds } : {}),
      template: options.podAnnotations
        ? { ...template, metadata: { ...template.metadata, annotations: { ...options.podAnnotations } } }
        : template,
    },
  });
}

/** Scripts a container runs from a ConfigMap: the volume, its read-only mount at `/scripts`, their paths. */
export interface ScriptVolume {
  readonly configMap: k8s.KubeConfigMap;
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
  /** `/scripts/<file>`, for a container's command. */
  path(file: string): string;
}

export interface ScriptVolumeOptions {
  /** The ConfigMap's name. */
  readonly name: string;
  /** File name → the script's text (`readScript(__dirname, file)` of the caller's area). */
  readonly files: Record<string, string>;
  /** @default "script" */
  readonly volumeName?: string;
}

/**
 * The ConfigMap holding the scripts a Job or CronJob runs, with the workload's labels, and the
 * read-only volume and mount at `/scripts` that carry them into the containers.
 * @internal
 */
export function renderScriptVolume(scope: Construct, id: string, w: Workload, options: ScriptVolumeOptions): ScriptVolume {
  const configMap = new k8s.KubeConfigMap(scope, id, {
    metadata: { name: options.name, labels: w.labels },
    data: { ...options.files },
  });
  const volumeName = options.volumeName ?? 'script';
  return {
    configMap,
    volume: { name: volumeName, configMap: { name: configMap.name } },
    mount: { name: volumeName, mountPath: '/scripts', readOnly: true },
    path: (file: string) => {
      if (!(file in options.files)) throw new Error(`renderScriptVolume: no script ${file} in ${options.name}`);
      return `/scripts/${file}`;
    },
  };
}

/** What {@link renderScriptJob} runs: one container executing one script file. */
export interface ScriptJobOptions extends JobOptions {
  /** The script's file name: `.py` runs with `python3`, `.sh` with `/bin/sh`. */
  readonly file: string;
  /** The script's text (`readScript(__dirname, file)` of the caller's area). */
  readonly text: string;
  /**
   * Files the script sources (`. "$(dirname "$0")/lib-wait.sh"`), file name → text, shipped beside
   * it in the same ConfigMap. @default - none
   */
  readonly sources?: Record<string, string>;
  /** The container's name. */
  readonly name: string;
  readonly image: ContainerImage;
  readonly runAs: RunAs;
  /** In order; a Python script also gets `PYTHONDONTWRITEBYTECODE=1` (the root filesystem is read-only). */
  readonly env: Array<[string, EnvValue]>;
  /** @default - 10m CPU and 32Mi requested, 200m CPU and 64Mi at most */
  readonly resources?: ResourceRequirements;
  /** The ConfigMap's name. @default "<workload name>-script" */
  readonly configMapName?: string;
  /** @default "script" */
  readonly volumeName?: string;
  /** Mounts besides the script's (read-only at `/scripts`) and the writable `/tmp`. @default - none */
  readonly volumeMounts?: k8s.VolumeMount[];
  /** Volumes besides the script's. @default - none */
  readonly volumes?: k8s.Volume[];
}

/**
 * A hook Job (see {@link renderJob}) whose one container runs a script from a ConfigMap, once
 * (`restartPolicy: Never`): smoke tests and one-off setup steps. The ConfigMap is the `Script`
 * child of `scope`, the Job its `Resource` child.
 * @internal
 */
export function renderScriptJob(scope: Construct, w: Workload, o: ScriptJobOptions): k8s.KubeJob {
  const python = o.file.endsWith('.py');
  if (!python && !o.file.endsWith('.sh')) throw new Error(`renderScriptJob: ${o.file} is neither a .py nor a .sh script`);
  const script = renderScriptVolume(scope, 'Script', w, {
    name: o.configMapName ?? `${w.workloadName}-script`,
    files: { ...o.sources, [o.file]: o.text },
    ...(o.volumeName !== undefined ? { volumeName: o.volumeName } : {}),
  });
  const container: ContainerSpec = {
    name: o.name,
    image: o.image,
    command: [python ? 'python3' : '/bin/sh', script.path(o.file)],
    env: python ? [...o.env, ['PYTHONDONTWRITEBYTECODE', EnvValue.literal('1')]] : o.env,
    resources: o.resources ?? { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
    volumeMounts: [script.mount, ...(o.volumeMounts ?? [])],
    writableDirs: ['/tmp'],
  };
  return renderJob(w, {
    runAs: o.runAs,
    containers: [container],
    volumes: [script.volume, ...(o.volumes ?? [])],
    restartPolicy: 'Never',
  }, o, scope);
}

/**
 * Pod annotations for a Job in a namespace that may inject Istio sidecars: in the mesh, a native
 * sidecar (`sidecar.istio.io/nativeSidecar`, Istio 1.22+ on Kubernetes 1.29+) so the Job still
 * completes; otherwise no sidecar at all.
 * @internal
 */
export function jobSidecarAnnotations(mesh: boolean | undefined): Record<string, string> {
  return mesh
    ? { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/nativeSidecar': 'true' }
    : { 'sidecar.istio.io/inject': 'false' };
}
