import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KUBEFLOW_MLFLOW_PREREQUISITES, kubeflowMlflow, KubeflowMlflowOptions } from '../../apps/kubeflow-mlflow';
import { checkApp } from '../../lib/synth/manifest-checks';
import { synthObjects, toYaml } from '../../lib/synth/synth';
import { loadValidator } from '../support/schema';
import { find, ofKind } from '../support/synth';

function synth(options: KubeflowMlflowOptions = {}): any[] {
  const app = new App();
  kubeflowMlflow(app, 'kubeflow-mlflow', options);
  return synthObjects(app);
}
const principal = (ns: string, sa: string) => `cluster.local/ns/${ns}/sa/${sa}`;
const PROFILE = 'kubeflow-user-example-com';
const sources = (ap: any) => ap.spec.rules.flatMap((r: any) => r.from.map((f: any) => f.source));

describe('apps/kubeflow-mlflow (seed 004)', () => {
  const objs = synth({ kubeflowHost: 'kubeflow.example.org' });

  it('validates strictly: Kubernetes, Istio, KServe, PodDefault and External Secrets kinds', () => {
    const validator = loadValidator();
    expect(objs.flatMap((o) => validator.validate(o).map((e) => `${o.kind}/${o.metadata.name}: ${e}`))).toEqual([]);
    const kinds = new Set(objs.map((o) => `${o.apiVersion}/${o.kind}`));
    for (const k of ['security.istio.io/v1/AuthorizationPolicy', 'networking.istio.io/v1/VirtualService', 'networking.istio.io/v1/DestinationRule',
      'serving.kserve.io/v1beta1/InferenceService', 'kubeflow.org/v1alpha1/PodDefault', 'external-secrets.io/v1/ExternalSecret']) {
      expect(kinds.has(k), k).toBe(true);
    }
  });

  it('passes the app checks with Kubeflow\'s mysql-secret as its only prerequisite', () => {
    expect(checkApp(objs, KUBEFLOW_MLFLOW_PREREQUISITES)).toEqual([]);
    expect(checkApp(objs, {}).join('\n')).toContain('Secret "mysql-secret" is neither rendered nor a prerequisite');
  });

  it('holds no secret value: no Secret, no stringData, no seed credential', () => {
    expect(ofKind(objs, 'Secret')).toEqual([]);
    const text = objs.map((o) => toYaml(o)).join('\n');
    expect(text).not.toMatch(/stringData|minio123|mlflow_password123|AWS_SECRET_ACCESS_KEY: "?\w/);
  });

  it('routes /mlflow/ on kubeflow/kubeflow-gateway to the synthesized MLflow Service, with the exact redirect', () => {
    const vs = find(objs, 'VirtualService', 'mlflow');
    expect(vs.spec.gateways).toEqual(['kubeflow/kubeflow-gateway']);
    expect(vs.spec.http[0]).toEqual({ name: 'mlflow-redirect', match: [{ uri: { exact: '/mlflow' } }], redirect: { uri: '/mlflow/' } });
    expect(vs.spec.http[1]).toMatchObject({ match: [{ uri: { prefix: '/mlflow/' } }], rewrite: { uri: '/' }, timeout: '300s' });
    // Every destination is a Service this app renders, on one of its ports.
    for (const route of ofKind(objs, 'VirtualService').flatMap((v) => v.spec.http.flatMap((h: any) => h.route ?? []))) {
      const [name, ns] = route.destination.host.split('.');
      const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === ns);
      expect(svc, route.destination.host).toBeDefined();
      expect(svc.spec.ports.map((p: any) => p.port)).toContain(route.destination.port.number);
    }
  });

  it('every policy selector selects pods this app renders or a named Kubeflow component', () => {
    const templates = objs.filter((o) => ['Deployment', 'Job'].includes(o.kind)).map((o) => ({ ns: o.metadata.namespace, labels: o.spec.template.metadata.labels }));
    const isvcs = ofKind(objs, 'InferenceService').map((o) => ({ ns: o.metadata.namespace, labels: { 'serving.kserve.io/inferenceservice': o.metadata.name, ...o.metadata.labels } }));
    const kubeflowComponents = [{ ns: 'kubeflow', labels: { app: 'mysql' } }, { ns: 'kubeflow', labels: { app: 'minio' } }];
    const pods = [...templates, ...isvcs, ...kubeflowComponents];
    const selects = (ns: string, sel: Record<string, string>) => pods.some((p) => p.ns === ns && Object.entries(sel).every(([k, v]) => p.labels[k] === v));
    const policies = [...ofKind(objs, 'NetworkPolicy').map((p) => [p, p.spec.podSelector.matchLabels] as const), ...ofKind(objs, 'AuthorizationPolicy').map((p) => [p, p.spec.selector?.matchLabels] as const)];
    for (const [p, sel] of policies) {
      // Only in the app's own namespace `mlflow` may a policy be namespace-wide: the others belong to Kubeflow.
      if (p.metadata.namespace === 'mlflow' && (sel === undefined || Object.keys(sel).length === 0)) continue;
      expect(sel, `${p.kind}/${p.metadata.name}`).toBeDefined();
      expect(selects(p.metadata.namespace, sel), `${p.kind}/${p.metadata.name} ${JSON.stringify(sel)}`).toBe(true);
    }
  });

  it('admits into MySQL the seed\'s Kubeflow Pipelines accounts plus MLflow and its setup Job, because they connect', () => {
    const ap = find(objs, 'AuthorizationPolicy', 'mysql-ingress');
    expect(ap.spec.selector).toEqual({ matchLabels: { app: 'mysql' } });
    expect(sources(ap).flatMap((s: any) => s.principals)).toEqual([
      principal('kubeflow', 'mlflow-db-setup'), principal('mlflow', 'mlflow'), ...['kubeflow-pipelines-cache', 'metadata-grpc-server', 'ml-pipeline-persistenceagent',
      'ml-pipeline-scheduledworkflow', 'ml-pipeline-ui', 'ml-pipeline-viewer-crd-service-account', 'ml-pipeline',
    ].map((sa) => principal('kubeflow', sa))]);
    for (const ns of ['kubeflow', 'mlflow']) {
      expect(objs.find((o) => o.kind === 'DestinationRule' && o.metadata.name === 'mlflow-mysql' && o.metadata.namespace === ns).spec)
        .toEqual({ host: 'mysql.kubeflow.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    }
    // Kubeflow isolates its pods in `kubeflow` (default-allow-same-namespace): MLflow, in `mlflow`, gets
    // an allow into MySQL and MinIO of its own, with exactly the declared clients.
    const mlflowPods = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mlflow' } }, podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/instance': 'mlflow' }) } };
    const mysqlNp = find(objs, 'NetworkPolicy', 'mysql-ingress-mlops-cdk8s');
    expect(mysqlNp.metadata.namespace).toBe('kubeflow');
    expect(mysqlNp.spec.podSelector).toEqual({ matchLabels: { app: 'mysql' } });
    expect(mysqlNp.spec.ingress).toContainEqual({ from: [mlflowPods], ports: [{ protocol: 'TCP', port: 3306 }] });
    const minioNp = find(objs, 'NetworkPolicy', 'minio-ingress-mlops-cdk8s');
    expect(minioNp.spec.podSelector).toEqual({ matchLabels: { app: 'minio' } });
    expect(minioNp.spec.ingress).toContainEqual({ from: [mlflowPods], ports: [{ protocol: 'TCP', port: 9000 }] });
    expect(minioNp.spec.ingress.every((r: any) => r.from.every((f: any) => f.podSelector))).toBe(true);
  });

  it('renders the NetworkPolicy and AuthorizationPolicy pair of every connection into MLflow: the gateway and the profile only', () => {
    const np = find(objs, 'NetworkPolicy', 'mlflow-ingress');
    expect(np.spec.ingress.map((r: any) => [r.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], r.ports[0].port])).toEqual([['istio-system', 5000], [PROFILE, 5000]]);
    expect(sources(find(objs, 'AuthorizationPolicy', 'mlflow-ingress'))).toEqual([
      { principals: [principal('istio-system', 'istio-ingressgateway-service-account')] },
      { namespaces: [PROFILE] },
      // Kubeflow Pipelines run pods have no sidecar: admitted as requests without a peer identity
      // (the NetworkPolicy above narrows them to the profile).
      { notPrincipals: ['*'] },
    ]);
    // Unlike the seed's allow-mlflow-all-sources: no rule without a source.
    expect(ofKind(objs, 'AuthorizationPolicy').flatMap((p) => p.spec.rules ?? []).every((r: any) => r.from?.length)).toBe(true);
    // MLflow may reach MySQL and MinIO, and nothing else.
    const kubeflowNs = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } } };
    expect(find(objs, 'NetworkPolicy', 'mlflow-egress').spec.egress).toEqual([
      { to: [{ ...kubeflowNs, podSelector: { matchLabels: { app: 'minio' } } }], ports: [{ protocol: 'TCP', port: 9000 }] },
      { to: [{ ...kubeflowNs, podSelector: { matchLabels: { app: 'mysql' } } }], ports: [{ protocol: 'TCP', port: 3306 }] },
    ]);
    // MLflow's namespace is the app's own: everything is denied but the declared allows.
    expect(find(objs, 'Namespace', 'mlflow').metadata.labels).toMatchObject({ 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'mlflow' && o.metadata.name === 'default-deny-all').spec)
      .toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('runs MLflow on Kubeflow\'s MySQL and MinIO with its own ServiceAccount, knowing the Kubeflow host', () => {
    const dep = find(objs, 'Deployment', 'mlflow');
    expect(dep.spec.template.spec.serviceAccountName).toBe('mlflow');
    expect(find(objs, 'ServiceAccount', 'mlflow').metadata.namespace).toBe('mlflow');
    for (const [kind, name] of [['Deployment', 'mlflow'], ['Service', 'mlflow'], ['VirtualService', 'mlflow'], ['Job', 'mlflow-artifacts-bucket-setup']]) {
      expect(find(objs, kind, name).metadata.namespace, `${kind}/${name}`).toBe('mlflow');
    }
    // The database setup Job reads Kubeflow's mysql-secret, so it stays in kubeflow.
    expect(find(objs, 'Job', 'mlflow-db-setup').metadata.namespace).toBe('kubeflow');
    const env = Object.fromEntries(dep.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.MLFLOW_S3_ENDPOINT_URL).toBe('http://minio-service.kubeflow.svc.cluster.local:9000');
    expect(env.MLFLOW_SERVER_ALLOWED_HOSTS).toContain('kubeflow.example.org');
    expect(JSON.stringify(dep)).toContain('mysql+pymysql');
    expect(dep.spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/nativeSidecar': 'true' });
    expect(find(objs, 'Job', 'mlflow-artifacts-bucket-setup').spec.template.spec.containers[0].env).toContainEqual({ name: 'BUCKETS', value: 'mlflow-artifacts' });
  });

  it('gives the profile its PodDefaults, RoleBinding and a served model with its smoke test', () => {
    expect(find(objs, 'PodDefault', 'access-ml-pipeline').metadata.namespace).toBe(PROFILE);
    expect(find(objs, 'PodDefault', 'access-mlflow').spec.env).toEqual([{ name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.mlflow.svc.cluster.local:5000' }]);
    // Not the seed's kubeflow-edit (Secrets and exec in kubeflow): a Role that may only get the mlflow Service.
    const rb = find(objs, 'RoleBinding', `allow-${PROFILE}-mlflow-view`);
    expect(rb.metadata.namespace).toBe('mlflow');
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'default-editor', namespace: PROFILE }]);
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `allow-${PROFILE}-mlflow-view` });
    expect(objs.some((o: any) => o.kind === 'RoleBinding' && o.roleRef.name === 'kubeflow-edit')).toBe(false);
    const isvc = find(objs, 'InferenceService', 'bankchurn-model');
    expect(isvc.metadata.namespace).toBe(PROFILE);
    expect(isvc.spec.predictor.serviceAccountName).toBe('sa-minio-kserve');
    // MLflow 3's layout for a model logged with log_model (a placeholder id until one is set).
    expect(isvc.spec.predictor.model.storageUri).toBe(`s3://mlflow-artifacts/1/models/m-${'0'.repeat(32)}/artifacts/`);
    expect(find(objs, 'ServiceAccount', 'sa-minio-kserve').secrets).toEqual([{ name: 'minio-kserve-secret' }]);
    expect(find(objs, 'ExternalSecret', 'minio-kserve-secret').metadata.namespace).toBe(PROFILE);
    expect(find(objs, 'Job', 'bankchurn-model-smoke-test').metadata.annotations['argocd.argoproj.io/hook']).toBe('PostSync');
    expect(find(objs, 'Job', 'dashboard-link-mlflow').metadata.namespace).toBe('kubeflow');
  });

  it('renders the seed\'s kubeflow-edit binding only when asked to', () => {
    const o = synth({ seedKubeflowEdit: true });
    expect(find(o, 'RoleBinding', `allow-${PROFILE}-kubeflow-edit`).roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-edit' });
    expect(o.some((x: any) => x.kind === 'Role' && x.metadata.name === `allow-${PROFILE}-mlflow-view`)).toBe(false);
  });

  it('serves the logged model given in the options, where MLflow 3 stores it', () => {
    const o = synth({ model: { experimentId: '4', modelId: `m-${'a'.repeat(32)}` } });
    expect(find(o, 'InferenceService', 'bankchurn-model').spec.predictor.model.storageUri).toBe(`s3://mlflow-artifacts/4/models/m-${'a'.repeat(32)}/artifacts/`);
  });

  it('refuses the run options of an earlier release (MLflow 2\'s layout) with the exact message', () => {
    expect(() => synth({ model: { runId: 'a'.repeat(32) } } as any)).toThrow(
      `kubeflow-mlflow-profile: model.runId is no longer an option (MLflow 3 stores a model logged with log_model under models/<model id>/, not in the run's artifacts), got "${'a'.repeat(32)}". `
      + 'Fix: pass model: { experimentId, modelId: "m-..." } with the logged model id from the run page');
  });

  it('refuses a bad run id, Kubeflow host and profile with exact messages', () => {
    expect(() => synth({ model: { modelId: 'm-d88a93df' } })).toThrow(
      'kubeflow-mlflow-profile/model: model.modelId must be an MLflow logged model id ("m-" and 32 lower-case hexadecimal characters), got "m-d88a93df". Fix: copy the model id from the logged model page, such as "m-0123456789abcdef0123456789abcdef"');
    expect(() => synth({ kubeflowHost: 'https://kubeflow.example.org' })).toThrow(
      'kubeflow-mlflow: kubeflowHost must be a fully qualified lower-case host name without scheme, port or path, got "https://kubeflow.example.org". Fix: write it as "mlflow.example.com"');
    expect(() => synth({ profile: 'kubeflow' })).toThrow(
      'kubeflow-mlflow: profile must be a Kubeflow profile namespace, not "kubeflow" itself, got "kubeflow". Fix: write profile: "kubeflow-user-example-com"');
  });

  it('matches the snapshot', () => {
    expect(objs.map((o) => toYaml(o)).join('---\n')).toMatchSnapshot();
  });
});
