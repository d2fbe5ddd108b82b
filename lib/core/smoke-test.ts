import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { jobSidecarAnnotations, renderScriptJob, ScriptJobOptions } from './batch';
import { durationIn } from './duration';
import { ContainerImage } from './image';
import { k8s } from './k8s';
import { EnvValue } from './pod';
import { PYTHON_JOB_IMAGE, ScriptImage } from './python-job';
import { readScript } from './script-file';
import { checkInteger } from './validate';
import { ComponentIdentity } from './labels';
import { Workload } from './workload';
import { WorkloadComponent } from './workload-component';

/** What every smoke test lets you tune: how it retries while its target starts, where it runs. */
export interface SmokeTestProps {
  /**
   * Tries per check while the target is starting (refused, timed out, a transient HTTP status).
   * @default - the test's DEFAULT_ATTEMPTS
   */
  readonly attempts?: number;
  /** The pause between tries, in whole seconds. @default Duration.seconds(10) */
  readonly interval?: Duration;
  /** How long to wait for one answer, in whole seconds. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /**
   * Run the Job inside the mesh: a native Istio sidecar (`sidecar.istio.io/nativeSidecar`, Istio
   * 1.22+ on Kubernetes 1.29+) so the Job still completes. Needed when the target accepts only mTLS.
   * Otherwise the pod gets no sidecar (one would keep the Job from completing).
   * @default false
   */
  readonly mesh?: boolean;
  /** The Job's image. @default - the test's DEFAULT_IMAGE */
  readonly image?: string;
  /** @default - none */
  readonly partOf?: string;
}

/** The script a smoke test runs and what it passes besides the retry settings. */
export interface SmokeTestScript extends Pick<ScriptJobOptions, 'sources' | 'resources' | 'configMapName' | 'volumeName'> {
  /** The caller's `__dirname`: the script is `lib/<area>/scripts/<file>` (see `readScript`). */
  readonly areaDir: string;
  /** `.py` runs with `python3`, `.sh` with `/bin/sh`. */
  readonly file: string;
  /** The container's name. */
  readonly container: string;
  /** The image the script runs on unless the test's `image` is set, and the user it runs as: {@link SmokeTest.PYTHON}. */
  readonly defaultImage: ScriptImage;
  /** Tries per check when `attempts` is not set. */
  readonly attempts: number;
  /**
   * How many checks run one after the other, each with its own tries (for the Job's deadline).
   */
  readonly checks: number;
  /**
   * The test's own settings, in order; `ATTEMPTS`, `RETRY_SECONDS` and `TIMEOUT_SECONDS` follow.
   * Plain values only: a smoke test checks what anyone may reach and holds no credentials.
   */
  readonly env: Record<string, string>;
}

/**
 * A smoke test: an Argo CD PostSync hook Job that runs one script once every other object of the
 * sync is healthy, retries each check `attempts` times `interval` apart (each try waiting at most
 * `timeout`), and fails the sync when a check fails. No retries of the pod (`backoffLimit: 0`),
 * and a deadline that covers every try of every check plus two minutes for the pod to start. With
 * plain `kubectl apply -k` it runs once; delete the Job to run it again.
 *
 * A subclass validates its own props, declares its connections, and calls {@link renderSmokeTest}.
 */
export abstract class SmokeTest extends WorkloadComponent {
  /** The image of the Python smoke tests: Python with the standard library, nothing else needed, as nobody. */
  public static readonly PYTHON: ScriptImage = PYTHON_JOB_IMAGE;

  private job?: k8s.KubeJob;

  constructor(scope: Construct, id: string, identity: Omit<ComponentIdentity, 'component' | 'partOf'>, props: SmokeTestProps | undefined) {
    super(scope, id, props);
    this.attachWorkload(new Workload(this, 'Workload', { owner: this, ...identity, component: 'smoke-test', partOf: props?.partOf }));
  }

  /** The Job (also `node.defaultChild`). */
  public get resource(): k8s.KubeJob {
    if (!this.job) throw new Error(`${this.node.path}: renderSmokeTest() was not called`);
    return this.job;
  }

  /** Validates the retry settings and the image of `props` and renders the Job running `script`. */
  protected renderSmokeTest(props: SmokeTestProps, script: SmokeTestScript): k8s.KubeJob {
    const attempts = checkInteger(this, 'attempts', props.attempts ?? script.attempts, 1, 1000);
    const interval = durationIn(this, 'interval', props.interval ?? Duration.seconds(10), 'seconds', 1, 600);
    const timeout = durationIn(this, 'timeout', props.timeout ?? Duration.seconds(10), 'seconds', 1, 300);
    const settings: Record<string, string> = { ...script.env, ATTEMPTS: String(attempts), RETRY_SECONDS: String(interval), TIMEOUT_SECONDS: String(timeout) };
    this.job = renderScriptJob(this, this.workload, {
      file: script.file,
      text: readScript(script.areaDir, script.file),
      name: script.container,
      image: ContainerImage.fromReference(props.image ?? script.defaultImage.reference, this, 'image'),
      runAs: script.defaultImage.runAs,
      env: Object.entries(settings).map(([name, value]) => [name, EnvValue.literal(value)]),
      ...(script.sources ? { sources: script.sources } : {}),
      ...(script.resources ? { resources: script.resources } : {}),
      ...(script.configMapName ? { configMapName: script.configMapName } : {}),
      ...(script.volumeName ? { volumeName: script.volumeName } : {}),
      hook: 'PostSync',
      backoffLimit: 0,
      activeDeadlineSeconds: script.checks * attempts * (timeout + interval) + 120,
      podAnnotations: jobSidecarAnnotations(props.mesh),
    });
    return this.job;
  }
}
