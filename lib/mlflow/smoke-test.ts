import { Construct } from 'constructs';
import { pythonStepsSources } from '../core/python-job';
import { SmokeTest, SmokeTestProps } from '../core/smoke-test';
import { invalid } from '../core/validate';
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

export interface TrackingServerSmokeTestProps extends SmokeTestProps {
  /** The server to test: a {@link TrackingServer} of this app, or `TrackingServer.fromExisting(...)`. */
  readonly server: ITrackingServer;
  /**
   * @default - SmokeTestApiCheck.loginRequired() for a TrackingServer with `auth`, else
   * SmokeTestApiCheck.anonymous()
   */
  readonly api?: SmokeTestApiCheck;
}

/**
 * The guides' validation as an Argo CD PostSync hook: a Job that, once every other object of the
 * sync is healthy, GETs `/health` (HTTP 200, `OK`) and calls the REST API
 * (`experiments/search`, max_results 1) through the server's Service, like a client in the
 * cluster, and fails the sync when either is wrong. See {@link SmokeTestApiCheck} for servers with
 * authentication: the Job holds no credentials. Its traffic is a declared connection, so the
 * namespace's default deny admits exactly it. The script is `lib/mlflow/scripts/smoke_test.py`.
 * With plain `kubectl apply -k` it runs once; delete the Job to run it again. Needs the server to
 * accept plain HTTP unless `mesh` is set (an image with `python3`, run as 65534).
 */
export class TrackingServerSmokeTest extends SmokeTest {
  /** Python (standard library only), as the other smoke tests. */
  public static readonly DEFAULT_IMAGE = SmokeTest.PYTHON.reference;
  /** Tries per check while the server is starting. */
  public static readonly DEFAULT_ATTEMPTS = 30;

  constructor(scope: Construct, id: string, props: TrackingServerSmokeTestProps) {
    const server = props?.server as unknown;
    super(scope, id, { name: 'mlflow', instance: server instanceof TrackingServer ? `${server.workloadName}-smoke-test` : 'mlflow-smoke-test' }, props);
    if (server === null || typeof server !== 'object' || typeof (server as ITrackingServer).grantConnect !== 'function' || typeof (server as ITrackingServer).url !== 'string') {
      invalid(this, 'server', 'must be a TrackingServer', typeof server === 'string' ? server : typeof server,
        'pass server: the TrackingServer construct, or TrackingServer.fromExisting(...)');
    }
    const s = server as ITrackingServer;
    if (props.api !== undefined && !(props.api instanceof SmokeTestApiCheck)) {
      invalid(this, 'api', 'must be a SmokeTestApiCheck', props.api, 'pass api: SmokeTestApiCheck.loginRequired(), .anonymous() or .skip()');
    }
    const api = props.api ?? (s instanceof TrackingServer && s.requiresLogin ? SmokeTestApiCheck.loginRequired() : SmokeTestApiCheck.anonymous());
    s.grantConnect(this, 'smoke test: /health and the REST API');
    this.renderSmokeTest(props, {
      areaDir: __dirname,
      file: 'smoke_test.py',
      sources: pythonStepsSources(),
      container: 'smoke-test',
      defaultImage: SmokeTest.PYTHON,
      attempts: TrackingServerSmokeTest.DEFAULT_ATTEMPTS,
      checks: api.mode === 'skip' ? 1 : 2,
      env: { BASE_URL: s.url, API_CHECK: api.mode },
    });
  }
}
