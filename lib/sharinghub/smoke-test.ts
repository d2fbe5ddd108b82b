import { Construct } from 'constructs';
import { ConnectionGraph, Peer } from '../core/connections';
import { Port } from '../core/port';
import { SmokeTest, SmokeTestProps } from '../core/smoke-test';
import { invalid } from '../core/validate';
import { MLFLOW_SHARINGHUB_PATH, MlflowSharingHub } from './mlflow-sharing-hub';
import { SharingHub } from './sharing-hub';

export interface SharingHubSmokeTestProps extends SmokeTestProps {
  readonly sharingHub: SharingHub;
  /** The MLflow served under `/mlflow` (its health is checked there). */
  readonly mlflow: MlflowSharingHub;
  /** @default "sharinghub-smoke-test" */
  readonly name?: string;
}

/**
 * The guide's validation (`validation.sh` and its curl example) as an Argo CD PostSync hook: a
 * Job that, through the public URL, GETs `/api/stac/collections` as JSON and `/mlflow/health`,
 * and fails the sync when either does not answer 200 in time. Its script is
 * `lib/sharinghub/scripts/smoke-test.sh`; its image needs `curl` and `/bin/sh` (the default runs
 * as uid 100, gid 101). With plain `kubectl apply`, it runs once; delete the Job to run it again.
 */
export class SharingHubSmokeTest extends SmokeTest {
  public static readonly DEFAULT_IMAGE = 'curlimages/curl:8.11.1';
  /** Tries per check (certificates and pods take time). */
  public static readonly DEFAULT_ATTEMPTS = 30;

  constructor(scope: Construct, id: string, props: SharingHubSmokeTestProps) {
    const name = props?.name ?? 'sharinghub-smoke-test';
    super(scope, id, { name: 'sharinghub-smoke-test', instance: name }, props);
    if (!(props.sharingHub instanceof SharingHub) || !(props.mlflow instanceof MlflowSharingHub)) {
      invalid(this, props.sharingHub instanceof SharingHub ? 'mlflow' : 'sharingHub', 'must be the construct itself', undefined,
        'pass sharingHub: <SharingHub> and mlflow: <MlflowSharingHub>');
    }
    const hub = props.sharingHub;
    // Through the public URL, like a user (the controller pods where names hairpin, else the load balancer).
    ConnectionGraph.of(this).allow(Peer.workload(this), hub.publicEndpoint, Port.tcp(443), 'smoke test: SharingHub and /mlflow through the Ingress');
    this.renderSmokeTest(props, {
      areaDir: __dirname,
      file: 'smoke-test.sh',
      container: 'smoke-test',
      defaultImage: { reference: SharingHubSmokeTest.DEFAULT_IMAGE, runAs: { uid: 100, gid: 101 } },
      attempts: SharingHubSmokeTest.DEFAULT_ATTEMPTS,
      checks: 2,
      env: { BASE_URL: hub.url, MLFLOW_PATH: MLFLOW_SHARINGHUB_PATH },
      configMapName: name,
      volumeName: 'scripts',
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
    });
  }
}
