import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { jobSidecarAnnotations, renderScriptJob } from '../core/batch';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { durationIn } from '../core/duration';
import { EnvValue } from '../core/pod';
import { readScript } from '../core/script-file';
import { checkInteger, invalid } from '../core/validate';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { ITrackingServer, TrackingServer } from './tracking-server';

/** What the smoke test expects of the REST API (`POST /api/2.0/mlflow/experiments/search`). */
export class SmokeTestApiCheck {
  /** The API answers without credentials: HTTP 200 and a JSON object (a server without auth). */
  public static anonymous(): SmokeTestApiCheck {
    return new SmokeTestApiCheck('anonymous');
  }
  /**
   * The API refuses a call without credentials: HTTP 401 or a redirect (302, 303, 307) to a login
   * page. An open API (HTTP 200) fails the test, so this also checks that authentication is on.
   */
  public static loginRequired(): SmokeTestApiCheck {
    return new SmokeTestApiCheck('login-required');
  }
  /** Only `/health` is checked. */
  public static skip(): SmokeTestApiCheck {
    return new SmokeTestApiCheck('skip');
  }
  private constructor(/** The script's `API_CHECK`. */ public readonly mode: 'anonymous' | 'login-required' | 'skip') {}
}

export interface TrackingServerSmokeTestProps {
  /** The server to test: a {@link TrackingServer} of this app, or `TrackingServer.fromExisting(...)`. */
  readonly server: ITrackingServer;
  /**
   * @default - SmokeTestApiCheck.loginRequired() for a TrackingServer with `auth`, else
   * SmokeTestApiCheck.anonymous()
   */
  readonly api?: SmokeTestApiCheck;
  /** Tries per check while the server is starting (refused, timed out, HTTP 5xx or 429). @default 30 */
  readonly attempts?: number;
  /** The pause between tries, in whole seconds. @default Duration.seconds(10) */
  readonly interval?: Duration;
  /** How long to wait for one answer, in whole seconds. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /**
   * Run the Job inside the mesh: a native Istio sidecar (`sidecar.istio.io/nativeSidecar`, Istio
   * 1.22+ on Kubernetes 1.29+) so the Job still completes. Needed when the server accepts only mTLS.
   * @default false
   */
  readonly mesh?: boolean;
  /** An image with `python3`. @default TrackingServerSmokeTest.DEFAULT_IMAGE (runs as 65534) */
  readonly image?: string;
  /** @default - none */
  readonly partOf?: string;
}

/**
 * The guides' validation as an Argo CD PostSync hook: a Job that, once every other object of the
 * sync is healthy, GETs `/health` (HTTP 200, `OK`) and calls the REST API
 * (`experiments/search`, max_results 1) through the server's Service, like a client in the
 * cluster, and fails the sync when either is wrong. See {@link SmokeTestApiCheck} for servers with
 * authentication: the Job holds no credentials. Its traffic is a declared connection, so the
 * namespace's default deny admits exactly it. The script is `lib/mlflow/scripts/smoke_test.py`.
 * With plain `kubectl apply -k` it runs once; delete the Job to run it again.
 */
export class TrackingServerSmokeTest extends WorkloadComponent {
  /** Python (standard library only), as the other smoke tests. */
  public static readonly DEFAULT_IMAGE = 'python:3.12.10-alpine3.21';
  /** The Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: TrackingServerSmokeTestProps) {
    const server = props?.server as unknown;
    if (server === null || typeof server !== 'object' || typeof (server as ITrackingServer).grantConnect !== 'function' || typeof (server as ITrackingServer).url !== 'string') {
      invalid(`${scope.node.path}/${id}`, 'server', 'must be a TrackingServer', typeof server === 'string' ? server : typeof server,
        'pass server: the TrackingServer construct, or TrackingServer.fromExisting(...)');
    }
    const s = server as ITrackingServer;
    super(scope, id);
    const instance = s instanceof TrackingServer ? `${s.workloadName}-smoke-test` : 'mlflow-smoke-test';
    const w = this.attachWorkload(new Workload(this, 'Workload', { owner: this, name: 'mlflow', instance, component: 'smoke-test', partOf: props.partOf }));
    if (props.api !== undefined && !(props.api instanceof SmokeTestApiCheck)) {
      invalid(this, 'api', 'must be a SmokeTestApiCheck', props.api, 'pass api: SmokeTestApiCheck.loginRequired(), .anonymous() or .skip()');
    }
    const api = props.api ?? (s instanceof TrackingServer && s.requiresLogin ? SmokeTestApiCheck.loginRequired() : SmokeTestApiCheck.anonymous());
    const attempts = checkInteger(this, 'attempts', props.attempts ?? 30, 1, 1000);
    const interval = durationIn(this, 'interval', props.interval ?? Duration.seconds(10), 'seconds', 1, 600);
    const timeout = durationIn(this, 'timeout', props.timeout ?? Duration.seconds(10), 'seconds', 1, 300);
    const image = ContainerImage.fromReference(props.image ?? TrackingServerSmokeTest.DEFAULT_IMAGE, this, 'image');
    s.grantConnect(this, 'smoke test: /health and the REST API');

    const checks = api.mode === 'skip' ? 1 : 2;
    this.resource = renderScriptJob(this, w, {
      file: 'smoke_test.py',
      text: readScript(__dirname, 'smoke_test.py'),
      name: 'smoke-test',
      image,
      runAs: { uid: 65534, gid: 65534 },
      env: [
        ['BASE_URL', EnvValue.literal(s.url)],
        ['API_CHECK', EnvValue.literal(api.mode)],
        ['ATTEMPTS', EnvValue.literal(String(attempts))],
        ['RETRY_SECONDS', EnvValue.literal(String(interval))],
        ['TIMEOUT_SECONDS', EnvValue.literal(String(timeout))],
      ],
      hook: 'PostSync',
      backoffLimit: 0,
      // Every try of every check, each waiting its timeout and the interval, plus the pod's start.
      activeDeadlineSeconds: checks * attempts * (timeout + interval) + 120,
      podAnnotations: jobSidecarAnnotations(props.mesh),
    });
    this.node.defaultChild = this.resource;
  }
}
