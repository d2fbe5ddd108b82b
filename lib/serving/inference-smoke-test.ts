import { Construct } from 'constructs';
import { jobSidecarAnnotations, renderScriptJob } from '../core/batch';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { EnvValue } from '../core/pod';
import { readScript } from '../core/script-file';
import { checkInteger, invalid } from '../core/validate';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { InferenceService } from './inference-service';
import { ExpectedOutput, InputSchema, V2Datatype } from './input-schema';
import { Duration } from 'cdk8s';
import { durationIn } from '../core/duration';

export interface InferenceSmokeTestProps {
  /** The model to test. */
  readonly service: InferenceService;
  /** The model's declared input; the request is one row of its examples. */
  readonly schema: InputSchema;
  /** The outputs the answer must have, in order. */
  readonly expect: ExpectedOutput[];
  /** How long to wait for one answer, in whole seconds. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** Tries before failing on HTTP errors and timeouts (a model may still be loading). @default 5 */
  readonly attempts?: number;
  /**
   * Run the Job inside the mesh: a native Istio sidecar (`sidecar.istio.io/nativeSidecar`, Istio
   * 1.22+ on Kubernetes 1.29+) so the Job still completes. Needed when the gateway or the predictor
   * accept only mTLS.
   * @default false
   */
  readonly mesh?: boolean;
  /** @default InferenceSmokeTest.DEFAULT_IMAGE */
  readonly image?: string;
}

/**
 * An Argo CD PostSync hook Job that posts a v2 inference request built from the model's
 * {@link InputSchema} and fails unless the answer has the expected outputs (count, names, datatypes,
 * shapes). Its traffic is a declared connection of the graph, so the namespace's default deny
 * admits exactly it. With `kubectl apply -k` it runs once; delete the Job to run it again.
 */
export class InferenceSmokeTest extends WorkloadComponent {
  public static readonly DEFAULT_IMAGE = 'python:3.12.10-alpine3.21';
  /** The Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: InferenceSmokeTestProps) {
    if (!(props?.service instanceof InferenceService)) {
      invalid(`${scope.node.path}/${id}`, 'service', 'must be an InferenceService', typeof props?.service, 'pass service: the InferenceService construct');
    }
    super(scope, id);
    const w = this.attachWorkload(new Workload(this, 'Workload', {
      owner: this, name: 'kserve', instance: `${props.service.workloadName}-smoke-test`, component: 'smoke-test',
    }));
    if (!(props.schema instanceof InputSchema)) {
      invalid(this, 'schema', 'must be made with InputSchema.of(...)', typeof props.schema, 'pass schema: InputSchema.BANK_CHURN or InputSchema.of([...])');
    }
    if (!Array.isArray(props.expect) || props.expect.length === 0) {
      invalid(this, 'expect', 'must list at least one expected output', props.expect, 'pass expect: [{ shape: [1, 1], datatype: V2Datatype.INT64 }]');
    }
    const expect = props.expect.map((o, i) => {
      if (!Array.isArray(o?.shape) || o.shape.length === 0 || !o.shape.every((d) => Number.isInteger(d) && d >= 1)) {
        invalid(this, `expect[${i}].shape`, 'must be a list of positive whole numbers', o?.shape, 'write it as [1, 1]');
      }
      if (o.datatype !== undefined && !Object.values(V2Datatype).includes(o.datatype)) {
        invalid(this, `expect[${i}].datatype`, 'must be a V2Datatype', o.datatype, 'use V2Datatype.INT64');
      }
      return { ...(o.name ? { name: o.name } : {}), ...(o.datatype ? { datatype: o.datatype } : {}), shape: [...o.shape] };
    });
    const timeout = durationIn(this, 'timeout', props.timeout ?? Duration.seconds(10), 'seconds', 1, 300);
    const attempts = checkInteger(this, 'attempts', props.attempts ?? 5, 1, 60);
    props.service.allowFrom(this, 'smoke test');

    this.resource = renderScriptJob(this, w, {
      file: 'smoke_test.py',
      text: readScript(__dirname, 'smoke_test.py'),
      name: 'infer',
      image: ContainerImage.fromReference(props.image ?? InferenceSmokeTest.DEFAULT_IMAGE, this, 'image'),
      runAs: { uid: 65534, gid: 65534 },
      env: [
        ['URL', EnvValue.literal(props.service.inferUrl)],
        ['MODEL_NAME', EnvValue.literal(props.service.workloadName)],
        ['REQUEST', EnvValue.literal(JSON.stringify(props.schema.inferenceRequest()))],
        ['EXPECT', EnvValue.literal(JSON.stringify(expect))],
        ['TIMEOUT_SECONDS', EnvValue.literal(String(timeout))],
        ['ATTEMPTS', EnvValue.literal(String(attempts))],
        ['RETRY_SECONDS', EnvValue.literal('10')],
      ],
      hook: 'PostSync',
      backoffLimit: 0,
      activeDeadlineSeconds: attempts * (timeout + 10) + 60,
      podAnnotations: jobSidecarAnnotations(props.mesh),
    });
  }
}
