import { Construct } from 'constructs';
import { ConnectionGraph, Peer } from '../core/connections';
import { renderScriptJob } from '../core/batch';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { EnvValue } from '../core/pod';
import { Port } from '../core/port';
import { checkInteger, checkProps, invalid } from '../core/validate';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { MLFLOW_SHARINGHUB_PATH, MlflowSharingHub } from './mlflow-sharing-hub';
import { readScript } from '../core/script-file';
import { SharingHub } from './sharing-hub';
import { Duration } from 'cdk8s';
import { durationIn } from '../core/duration';

export interface SharingHubSmokeTestProps {
  readonly sharingHub: SharingHub;
  /** The MLflow served under `/mlflow` (its health is checked there). */
  readonly mlflow: MlflowSharingHub;
  /** @default "sharinghub-smoke-test" */
  readonly name?: string;
  /** Tries per check. @default 30 */
  readonly attempts?: number;
  /** The pause between tries, in whole seconds. @default Duration.seconds(10) */
  readonly interval?: Duration;
  /** An image with `curl` and `/bin/sh`. @default "curlimages/curl:8.11.1" (uid 100, gid 101) */
  readonly image?: string;
  /** @default - none */
  readonly partOf?: string;
}

/**
 * The guide's validation (`validation.sh` and its curl example) as an Argo CD PostSync hook: a
 * Job that, through the public URL, GETs `/api/stac/collections` as JSON and `/mlflow/health`,
 * and fails the sync when either does not answer 200 in time. Its script is
 * `lib/sharinghub/scripts/smoke-test.sh`. With plain `kubectl apply`, it runs once; delete the Job
 * to run it again.
 */
export class SharingHubSmokeTest extends WorkloadComponent {
  public static readonly DEFAULT_IMAGE = 'curlimages/curl:8.11.1';
  /** The Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: SharingHubSmokeTestProps) {
    super(scope, id);
    checkProps(this, props, 'pass { sharingHub, mlflow } (see SharingHubSmokeTestProps)');
    const name = props.name ?? 'sharinghub-smoke-test';
    this.attachWorkload(new Workload(this, 'Workload', { owner: this, name: 'sharinghub-smoke-test', instance: name, component: 'smoke-test', partOf: props.partOf }));
    if (!(props.sharingHub instanceof SharingHub) || !(props.mlflow instanceof MlflowSharingHub)) {
      invalid(this, props.sharingHub instanceof SharingHub ? 'mlflow' : 'sharingHub', 'must be the construct itself', undefined,
        'pass sharingHub: <SharingHub> and mlflow: <MlflowSharingHub>');
    }
    const attempts = checkInteger(this, 'attempts', props.attempts ?? 30, 1, 1000);
    const interval = durationIn(this, 'interval', props.interval ?? Duration.seconds(10), 'seconds', 1, 600);
    const image = ContainerImage.fromReference(props.image ?? SharingHubSmokeTest.DEFAULT_IMAGE, this, 'image');
    const hub = props.sharingHub;
    // Through the ingress controller, like a user.
    ConnectionGraph.of(this).allow(Peer.workload(this), hub.controller, Port.tcp(443), 'smoke test: SharingHub and /mlflow through the Ingress');

    this.resource = renderScriptJob(this, this.workload, {
      file: 'smoke-test.sh',
      text: readScript(__dirname, 'smoke-test.sh'),
      configMapName: name,
      volumeName: 'scripts',
      name: 'smoke-test',
      image,
      runAs: { uid: 100, gid: 101 },
      env: [
        ['BASE_URL', EnvValue.literal(hub.url)],
        ['MLFLOW_PATH', EnvValue.literal(MLFLOW_SHARINGHUB_PATH)],
        ['ATTEMPTS', EnvValue.literal(String(attempts))],
        ['INTERVAL', EnvValue.literal(String(interval))],
      ],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
      hook: 'PostSync',
      backoffLimit: 0,
      activeDeadlineSeconds: attempts * (interval + 10) * 2 + 60,
    });
  }
}
