import { spawnSync } from 'child_process';
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { InferenceSmokeTest } from '../../lib/serving/inference-smoke-test';
import { InputSchema, V2Datatype } from '../../lib/serving/input-schema';
import { ServingMode } from '../../lib/serving/inference-service';
import { checkApp } from '../../lib/synth/manifest-checks';
import { literalEnv, runPython, stubServer } from '../support/run-script';
import { loadValidator } from '../support/schema';
import { container, exactly, find, synthChart } from '../support/synth';
import { PROFILE, seedService } from './fixtures';

const EXPECT = [{ shape: [1, 1], datatype: V2Datatype.INT64 }];
const objs = synthChart((chart) => {
  const { service } = seedService(chart);
  new InferenceSmokeTest(chart, 'smoke', { service, schema: InputSchema.BANK_CHURN, expect: EXPECT });
}, PROFILE);
const job = find(objs, 'Job', 'bankchurn-model-smoke-test');
const env = literalEnv(container(job, 'infer'));
const scriptFiles = find(objs, 'ConfigMap', 'bankchurn-model-smoke-test-script').data;
const script = scriptFiles['smoke_test.py'];
/** What the script imports from beside it in its ConfigMap. */
const beside = { 'steps.py': scriptFiles['steps.py'] };

describe('InferenceSmokeTest', () => {
  it('is an Argo CD PostSync hook posting the seed\'s ten features to the v2 endpoint', () => {
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('PostSync');
    expect(job.spec.backoffLimit).toBe(0);
    expect(env.URL).toBe('http://bankchurn-model-predictor.kubeflow-user-example-com.svc.cluster.local/v2/models/bankchurn-model/infer');
    const request = JSON.parse(env.REQUEST);
    expect(request.inputs.map((i: any) => i.name)).toEqual(['CreditScore', 'Geography', 'Gender', 'Age', 'Tenure', 'Balance', 'NumOfProducts', 'HasCrCard', 'IsActiveMember', 'EstimatedSalary']);
    expect(request.inputs[5]).toEqual({ name: 'Balance', datatype: 'FP64', shape: [1], data: [125510.82] });
    expect(JSON.parse(env.EXPECT)).toEqual([{ datatype: 'INT64', shape: [1, 1] }]);
  });

  it('retries as every smoke test does: ATTEMPTS, RETRY_SECONDS, TIMEOUT_SECONDS, a deadline over every try, no sidecar unless meshed', () => {
    expect(env).toMatchObject({ ATTEMPTS: '5', RETRY_SECONDS: '10', TIMEOUT_SECONDS: '10' });
    expect(job.spec.activeDeadlineSeconds).toBe(1 * 5 * (10 + 10) + 120);
    expect(job.spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
    const tuned = synthChart((chart) => {
      const { service } = seedService(chart);
      new InferenceSmokeTest(chart, 'smoke', { service, schema: InputSchema.BANK_CHURN, expect: EXPECT, attempts: 3, interval: Duration.seconds(4), timeout: Duration.seconds(6), mesh: true });
    }, PROFILE);
    const tunedJob = find(tuned, 'Job', 'bankchurn-model-smoke-test');
    expect(literalEnv(container(tunedJob, 'infer'))).toMatchObject({ ATTEMPTS: '3', RETRY_SECONDS: '4', TIMEOUT_SECONDS: '6' });
    expect(tunedJob.spec.activeDeadlineSeconds).toBe(3 * (6 + 4) + 120);
    expect(tunedJob.spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/nativeSidecar': 'true' });
  });

  it('its traffic is a declared connection: egress to the Knative gateway, which the predictor admits', () => {
    expect(find(objs, 'NetworkPolicy', 'bankchurn-model-smoke-test-egress').spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' } } }],
      ports: [{ protocol: 'TCP', port: 8081 }],
    }]);
  });

  it('in raw mode, the predictor admits the smoke test itself', () => {
    const raw = synthChart((chart) => {
      const { service } = seedService(chart, { mode: ServingMode.rawDeployment() });
      new InferenceSmokeTest(chart, 'smoke', { service, schema: InputSchema.BANK_CHURN, expect: EXPECT });
    }, PROFILE);
    expect(find(raw, 'NetworkPolicy', 'bankchurn-model-ingress').spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kserve', 'app.kubernetes.io/instance': 'bankchurn-model-smoke-test', 'app.kubernetes.io/component': 'smoke-test' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
  });

  it('validates strictly and passes the app checks', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
    expect(checkApp(objs)).toEqual([]);
  });

  it('script parses', () => {
    expect(spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: script, encoding: 'utf8' }).status).toBe(0);
  });

  it.each([
    [{ expect: [] }, 'test/s: expect must list at least one expected output, got []. Fix: pass expect: [{ shape: [1, 1], datatype: V2Datatype.INT64 }]'],
    [{ expect: [{ shape: [0] }] }, 'test/s: expect[0].shape must be a list of positive whole numbers, got [0]. Fix: write it as [1, 1]'],
    [{ schema: { features: [] } }, 'test/s: schema must be made with InputSchema.of(...), got "object". Fix: pass schema: InputSchema.BANK_CHURN or InputSchema.of([...])'],
  ])('refuses %j', (override, message) => {
    expect(() => synthChart((chart) => {
      const { service } = seedService(chart);
      new InferenceSmokeTest(chart, 's', { service, schema: InputSchema.BANK_CHURN, expect: EXPECT, ...(override as any) });
    }, PROFILE)).toThrowError(exactly(message));
  });

  it('InputSchema refuses an example of the wrong type', () => {
    expect(() => InputSchema.of([{ name: 'Age', datatype: V2Datatype.INT64, example: 43.5 }])).toThrowError(exactly(
      'InputSchema.of: features.Age.example must be a value of datatype INT64, got 43.5. Fix: write a number (a whole number for INT types)'));
  });
});

const GOOD = { model_name: 'bankchurn-model', id: 'x', parameters: { content_type: 'np' }, outputs: [{ name: 'output-1', shape: [1, 1], datatype: 'INT64', parameters: { content_type: 'np' }, data: [1] }] };

/** Runs the rendered script against a stub server answering `answer` (status, body), or never answering. */
async function smoke(answer: { status: number; body: unknown } | 'hang', extra: Record<string, string> = {}) {
  const server = await stubServer((_req, res) => {
    if (answer === 'hang') return; // never answers: the client must time out
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  try {
    const r = await runPython(script, { ...env, URL: `${server.url}/v2/models/bankchurn-model/infer`, RETRY_SECONDS: '0', ATTEMPTS: '2', TIMEOUT_SECONDS: '1', ...extra }, beside);
    return { ...r, requests: server.requests };
  } finally {
    await server.close();
  }
}

describe('smoke_test.py against a stub server on 127.0.0.1', () => {
  it('passes on the seed\'s expected answer, having posted the declared request', async () => {
    const r = await smoke({ status: 200, body: GOOD });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0].method).toBe('POST');
    expect(r.requests[0].url).toBe('/v2/models/bankchurn-model/infer');
    expect(r.requests[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.requests[0].body)).toEqual(JSON.parse(env.REQUEST));
  });

  it.each([
    ['a wrong shape', { ...GOOD, outputs: [{ ...GOOD.outputs[0], shape: [1] }] }, 'outputs[0].shape is [1], expected [1, 1]'],
    ['a wrong datatype', { ...GOOD, outputs: [{ ...GOOD.outputs[0], datatype: 'FP32' }] }, "outputs[0].datatype is 'FP32', expected 'INT64'"],
    ['missing data', { ...GOOD, outputs: [{ ...GOOD.outputs[0], data: [] }] }, 'outputs[0].data does not hold 1 values'],
    ['no outputs', { model_name: 'bankchurn-model' }, 'the answer has no outputs list'],
    ['two outputs', { ...GOOD, outputs: [GOOD.outputs[0], GOOD.outputs[0]] }, '2 outputs, expected 1'],
    ['another model', { ...GOOD, model_name: 'other' }, "model_name is 'other', expected 'bankchurn-model'"],
    ['a non-JSON answer', '<html>ok</html>', 'the answer is not JSON'],
  ])('fails at once on %s', async (_, body, message) => {
    const r = await smoke({ status: 200, body });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.requests).toHaveLength(1);
  });

  it('fails on an HTTP error after its retries', async () => {
    const r = await smoke({ status: 503, body: { error: 'model not ready' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('HTTP 503');
    expect(r.stderr).toContain('no answer after 2 attempts');
    expect(r.requests).toHaveLength(2);
  });

  it('fails when the server never answers (timeout)', async () => {
    const started = Date.now();
    const r = await smoke('hang');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no answer within 1s');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails when nothing listens', async () => {
    const r = await runPython(script, { ...env, URL: 'http://127.0.0.1:9/v2/models/m/infer', RETRY_SECONDS: '0', ATTEMPTS: '1', TIMEOUT_SECONDS: '1' }, beside);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no answer after 1 attempts');
  });
});
