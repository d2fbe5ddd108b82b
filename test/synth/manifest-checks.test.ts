import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { mlflowMinioPostgres } from '../../apps/mlflow-minio-postgres';
import { checkApp } from '../../lib/synth/manifest-checks';
import { synthObjects } from '../../lib/synth/synth';

/** A fresh copy of the seed app's objects, to break one field at a time. */
function objects(): any[] {
  const app = new App();
  mlflowMinioPostgres(app, 'seed');
  return JSON.parse(JSON.stringify(synthObjects(app)));
}
const mlflow = (objs: any[]) => objs.find((o) => o.kind === 'Deployment').spec.template.spec;

describe('checkApp catches what would be unsafe in a cluster', () => {
  it('passes the untouched app', () => {
    expect(checkApp(objects())).toEqual([]);
  });

  const cases: Array<[string, (objs: any[]) => void, string]> = [
    ['privilege escalation', (o) => { mlflow(o).containers[0].securityContext.allowPrivilegeEscalation = true; }, 'Deployment "mlflow" container "mlflow": allowPrivilegeEscalation must be false'],
    ['capabilities kept', (o) => { mlflow(o).containers[0].securityContext.capabilities.drop = []; }, 'Deployment "mlflow" container "mlflow": must drop ALL capabilities'],
    ['writable root filesystem', (o) => { mlflow(o).containers[0].securityContext.readOnlyRootFilesystem = false; }, 'Deployment "mlflow" container "mlflow": readOnlyRootFilesystem must be true'],
    ['no seccomp', (o) => { delete mlflow(o).securityContext.seccompProfile; }, 'Deployment "mlflow": pod seccompProfile must be RuntimeDefault'],
    ['latest image', (o) => { mlflow(o).containers[0].image = 'burakince/mlflow:latest'; }, 'Deployment "mlflow" container "mlflow": image "burakince/mlflow:latest" is not pinned'],
    ['untagged image', (o) => { mlflow(o).containers[0].image = 'burakince/mlflow'; }, 'Deployment "mlflow" container "mlflow": image "burakince/mlflow" is not pinned'],
    ['no memory limit', (o) => { delete mlflow(o).containers[0].resources.limits.memory; }, 'Deployment "mlflow" container "mlflow": needs a memory limit'],
    ['no requests', (o) => { delete mlflow(o).containers[0].resources.requests; }, 'Deployment "mlflow" container "mlflow": needs cpu and memory requests'],
    ['no probes', (o) => { delete mlflow(o).containers[0].readinessProbe; }, 'Deployment "mlflow" container "mlflow": needs liveness and readiness probes'],
    ['literal password env', (o) => { mlflow(o).containers[0].env.push({ name: 'DB_PASSWORD2', value: 'hunter2' }); }, 'Deployment "mlflow" container "mlflow": env DB_PASSWORD2 holds a literal credential'],
    ['credential in URL', (o) => { mlflow(o).containers[0].args = ['--backend-store-uri', 'postgresql://mlflow:hunter2@db/mlflow']; }, 'Deployment "mlflow" container "mlflow": an argument embeds a credential'],
    ['a token value under a harmless name', (o) => { mlflow(o).containers[0].env.push({ name: 'SETTINGS', value: 'key=sk-live-abcdef1234567890' }); }, 'Deployment "mlflow" container "mlflow": env SETTINGS embeds a credential'],
    ['a percent-encoded password in a URL', (o) => { mlflow(o).containers[0].env.push({ name: 'UPSTREAM', value: 'https://svc:p%40ss%3Aword@api.example.com' }); }, 'Deployment "mlflow" container "mlflow": env UPSTREAM embeds a credential'],
    ['a private key', (o) => { mlflow(o).containers[0].env.push({ name: 'TLS', value: '-----BEGIN RSA PRIVATE KEY-----\nMIIE' }); }, 'Deployment "mlflow" container "mlflow": env TLS embeds a credential'],
    ['missing secret', (o) => { mlflow(o).containers[0].env.find((e: any) => e.name === 'AWS_SECRET_ACCESS_KEY').valueFrom.secretKeyRef.name = 'nope'; }, 'Deployment "mlflow": Secret "nope" is neither rendered nor a prerequisite'],
    ['missing configmap', (o) => { mlflow(o).volumes.find((v: any) => v.configMap).configMap.name = 'nope'; }, 'Deployment "mlflow": ConfigMap "nope" is neither rendered nor a prerequisite'],
    ['missing service account', (o) => { mlflow(o).serviceAccountName = 'nope'; }, 'Deployment "mlflow": ServiceAccount "nope" is not rendered'],
    ['service selects nothing', (o) => { o.find((x: any) => x.kind === 'Service' && x.metadata.name === 'mlflow').spec.selector = { app: 'nope' }; }, 'Service "mlflow": selects no pods'],
    ['service targets a missing port', (o) => { o.find((x: any) => x.kind === 'Service' && x.metadata.name === 'mlflow').spec.ports[0].targetPort = 'web'; }, 'Service "mlflow": port "http" targets "web", which no selected container exposes'],
    ['credential in a ConfigMap', (o) => { o.find((x: any) => x.kind === 'ConfigMap' && x.metadata.name === 'mlflow-scripts').data['x.ini'] = 'url = postgresql://mlflow:hunter2@db/mlflow'; }, 'ConfigMap "mlflow-scripts": $.data.x.ini embeds a credential'],
    ['credential in an annotation', (o) => { o.find((x: any) => x.kind === 'Service' && x.metadata.name === 'minio').metadata.annotations = { note: 'https://admin:s3cret@minio' }; }, 'Service "minio": $.metadata.annotations.note embeds a credential'],
    ['secret with data', (o) => { o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'mlops' }, stringData: { password: 'x' } }); }, 'Secret "leak": holds literal data; use SecretValue.fromSecret or an ExternalSecret'],
  ];
  for (const [what, breakIt, message] of cases) {
    it(`rejects ${what}`, () => {
      const objs = objects();
      breakIt(objs);
      expect(checkApp(objs)).toContain(message);
    });
  }

  it('honours the not-secret annotation for exactly the variables it names', () => {
    const objs = objects();
    const template = objs.find((x: any) => x.kind === 'Deployment' && x.metadata.name === 'mlflow').spec.template;
    template.spec.containers[0].env.push({ name: 'TOKEN_URL', value: 'https://idp.example.com/token' }, { name: 'API_TOKEN', value: 'x' });
    template.metadata.annotations = { 'mlops-cdk8s.io/not-secret-env': 'mlflow/TOKEN_URL' };
    expect(checkApp(objs)).toEqual(['Deployment "mlflow" container "mlflow": env API_TOKEN holds a literal credential']);
  });

  it('accepts a Secret declared as a prerequisite', () => {
    const objs = objects();
    mlflow(objs).containers[0].env.find((e: any) => e.name === 'AWS_SECRET_ACCESS_KEY').valueFrom.secretKeyRef.name = 'db-from-runbook';
    expect(checkApp(objs, { secrets: ['db-from-runbook'] })).toEqual([]);
  });
});
