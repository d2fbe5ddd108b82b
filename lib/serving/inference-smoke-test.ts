import { Construct } from 'constructs';
import { pythonStepsSources } from '../core/python-job';
import { SmokeTest, SmokeTestProps } from '../core/smoke-test';
import { invalid } from '../core/validate';
import { InferenceService } from './inference-service';
import { ExpectedOutput, InputSchema, V2Datatype } from './input-schema';

export interface InferenceSmokeTestProps extends SmokeTestProps {
  /** The model to test. */
  readonly service: InferenceService;
  /** The model's declared input; the request is one row of its examples. */
  readonly schema: InputSchema;
  /** The outputs the answer must have, in order. */
  readonly expect: ExpectedOutput[];
}

/**
 * An Argo CD PostSync hook Job that posts a v2 inference request built from the model's
 * {@link InputSchema} and fails unless the answer has the expected outputs (count, names, datatypes,
 * shapes). Its traffic is a declared connection of the graph, so the namespace's default deny
 * admits exactly it; set `mesh` when the gateway or the predictor accept only mTLS. With
 * `kubectl apply -k` it runs once; delete the Job to run it again.
 */
export class InferenceSmokeTest extends SmokeTest {
  public static readonly DEFAULT_IMAGE = SmokeTest.PYTHON.reference;
  /** Tries on HTTP errors and timeouts (a model may still be loading). */
  public static readonly DEFAULT_ATTEMPTS = 5;

  constructor(scope: Construct, id: string, props: InferenceSmokeTestProps) {
    const service = props?.service as unknown;
    super(scope, id, { name: 'kserve', instance: `${service instanceof InferenceService ? service.workloadName : 'kserve'}-smoke-test` }, props);
    if (!(service instanceof InferenceService)) {
      invalid(this, 'service', 'must be an InferenceService', typeof service, 'pass service: the InferenceService construct');
    }
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
    props.service.allowFrom(this, 'smoke test');
    this.renderSmokeTest(props, {
      areaDir: __dirname,
      file: 'smoke_test.py',
      sources: pythonStepsSources(),
      container: 'infer',
      defaultImage: SmokeTest.PYTHON,
      attempts: InferenceSmokeTest.DEFAULT_ATTEMPTS,
      checks: 1,
      env: {
        URL: props.service.inferUrl,
        MODEL_NAME: props.service.workloadName,
        REQUEST: JSON.stringify(props.schema.inferenceRequest()),
        EXPECT: JSON.stringify(expect),
      },
    });
  }
}
