import { describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { InferenceService, ServingMode } from '../../lib/serving/inference-service';
import { ModelLocation } from '../../lib/serving/model-location';
import { checkApp } from '../../lib/synth/manifest-checks';
import { loadValidator } from '../support/schema';
import { exactly, find, ofKind, synthChart } from '../support/synth';
import { PROFILE, seedService } from './fixtures';

describe('InferenceService (the seed\'s bankchurn-model)', () => {
  const objs = synthChart((chart) => { seedService(chart); }, PROFILE);
  const isvc = find(objs, 'InferenceService', 'bankchurn-model');

  it('serves the MLflow model over v2 from a storageUri built from its location', () => {
    expect(isvc.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Serverless', 'sidecar.istio.io/inject': 'false' });
    expect(isvc.spec.predictor).toMatchObject({
      serviceAccountName: 'sa-minio-kserve',
      minReplicas: 1,
      maxReplicas: 1,
      model: {
        modelFormat: { name: 'mlflow' },
        protocolVersion: 'v2',
        storageUri: 's3://mlflow-artifacts/1/d88a93df67ac4d8282894ebeadc0956a/artifacts/model/',
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } },
      },
    });
  });

  it('runs the predictor under the restricted profile\'s pod and container settings', () => {
    expect(isvc.spec.predictor.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(isvc.spec.predictor.model.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('takes its S3 credentials from an ExternalSecret annotated for KServe, listed by its ServiceAccount', () => {
    const es = find(objs, 'ExternalSecret', 'minio-kserve-secret');
    expect(es.spec.target).toEqual({
      name: 'minio-kserve-secret',
      creationPolicy: 'Owner',
      template: {
        metadata: {
          annotations: {
            'serving.kserve.io/s3-endpoint': 'minio-service.kubeflow.svc.cluster.local:9000',
            'serving.kserve.io/s3-region': 'us-east-1',
            'serving.kserve.io/s3-useanoncredential': 'false',
            'serving.kserve.io/s3-usehttps': '0',
          },
        },
      },
    });
    expect(es.spec.data.map((d: any) => d.secretKey)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(find(objs, 'ServiceAccount', 'sa-minio-kserve')).toMatchObject({ secrets: [{ name: 'minio-kserve-secret' }], automountServiceAccountToken: false });
    expect(ofKind(objs, 'Secret')).toEqual([]);
    expect(JSON.stringify(objs)).not.toContain('stringData');
  });

  it('admits the Knative gateway and activator, and lets the predictor reach only the store', () => {
    const ingress = find(objs, 'NetworkPolicy', 'bankchurn-model-ingress');
    expect(ingress.spec.podSelector).toEqual({ matchLabels: { 'serving.kserve.io/inferenceservice': 'bankchurn-model' } });
    const ns = (n: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } });
    expect(ingress.spec.ingress).toEqual([
      // Kubeflow 1.9-1.11: knative-local-gateway is served by the cluster-local gateway pods.
      { from: [{ ...ns('istio-system'), podSelector: { matchLabels: { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' } } }], ports: [{ protocol: 'TCP', port: 8012 }] },
      { from: [{ ...ns('knative-serving'), podSelector: { matchLabels: { app: 'activator' } } }], ports: [{ protocol: 'TCP', port: 8012 }] },
      { from: [{ ...ns('knative-serving'), podSelector: { matchLabels: { app: 'autoscaler' } } }], ports: [{ protocol: 'TCP', port: 9090 }] },
    ]);
    expect(find(objs, 'NetworkPolicy', 'bankchurn-model-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 9000 }] },
    ]);
  });

  it('validates strictly against the KServe and External Secrets CRDs', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
    expect(checkApp(objs)).toEqual([]);
  });

  it('matches the snapshot', () => {
    expect(isvc).toMatchSnapshot();
  });
});

describe('InferenceService options', () => {
  it('raw deployment: clients reach the predictor on 8080, no Knative rules', () => {
    const objs = synthChart((chart) => {
      seedService(chart, { mode: ServingMode.rawDeployment(), minReplicas: 2, maxReplicas: 4, clients: [Peer.namespace('apps')], sidecarInjection: undefined });
    }, PROFILE);
    const isvc = find(objs, 'InferenceService', 'bankchurn-model');
    expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'RawDeployment' });
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
    expect(find(objs, 'NetworkPolicy', 'bankchurn-model-ingress').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
  });

  it.each([
    ['a pasted storage URI', { model: 's3://mlflow-artifacts/1/x/artifacts/model/' },
      'test/model: model must be made with ModelLocation.run(...) or ModelLocation.loggedModel(...), got "s3://mlflow-artifacts/1/x/artifacts/model/". Fix: pass model: ModelLocation.loggedModel({ store, bucket, experimentId, modelId })'],
    ['more minimum than maximum replicas', { minReplicas: 3, maxReplicas: 2 },
      'test/model: maxReplicas must be an integer from 3 to 1000, got 2. Fix: use a whole number from 3 to 1000'],
    ['scale to zero in raw mode', { minReplicas: 0, mode: ServingMode.rawDeployment() },
      'test/model: minReplicas must be an integer from 1 to 1000, got 0. Fix: use a whole number from 1 to 1000'],
    ['a bad name', { name: 'Bank_Churn' },
      'test/model: name must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 45 characters), got "Bank_Churn". Fix: use a name such as "bank-churn"'],
  ])('refuses %s', (_, overrides, message) => {
    expect(() => synthChart((chart) => { seedService(chart, overrides as any); }, PROFILE)).toThrowError(exactly(message));
  });

  it('refuses an object store endpoint on port 0', () => {
    expect(() => synthChart((chart) => { seedService(chart, {}, 'http://minio-service.kubeflow:0'); }, PROFILE)).toThrowError(exactly(
      'test/kserve-s3: store endpointUrl port must be an integer from 1 to 65535, got 0. Fix: use a port such as 5000'));
  });

  it('refuses a run id that is not 32 hexadecimal characters, naming the InferenceService', () => {
    expect(() => synthChart((chart) => {
      const { store, credentials } = seedService(chart);
      new InferenceService(chart, 'other', {
        name: 'other', credentials,
        model: ModelLocation.run({ store, bucket: 'mlflow-artifacts', experimentId: '1', runId: 'latest' }),
      });
    }, PROFILE)).toThrowError(exactly(
      'test/other: model.runId must be an MLflow run id (32 lower-case hexadecimal characters), got "latest". Fix: copy the run id from the run page, such as "d88a93df67ac4d8282894ebeadc0956a"'));
  });
});

describe('InferenceService in a mesh namespace', () => {
  it('admits the gateway and Knative by their service-account principals, on the declared ports', async () => {
    const { MeshNamespace } = await import('../../lib/mesh/mesh-namespace');
    const objs = synthChart((chart) => { new MeshNamespace(chart, 'mesh'); seedService(chart); }, PROFILE);
    const allow = objs.filter((o) => o.kind === 'AuthorizationPolicy' && JSON.stringify(o.spec.selector ?? {}).includes('bankchurn-model'));
    expect(allow).toHaveLength(1);
    const principals = allow[0].spec.rules.flatMap((r: any) => r.from.flatMap((f: any) => f.source.principals ?? []));
    expect(principals.sort()).toEqual([
      'cluster.local/ns/istio-system/sa/cluster-local-gateway-service-account',
      'cluster.local/ns/knative-serving/sa/controller',
      'cluster.local/ns/knative-serving/sa/controller',
    ]);
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });
});
