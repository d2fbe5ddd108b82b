import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { renderCronJob, renderJob } from '../../lib/core/batch';
import { ContainerImage } from '../../lib/core/image';
import { renderService } from '../../lib/core/service';
import { Workload } from '../../lib/core/workload';
import { exactly, find, synthChart } from '../support/synth';

const identity = { name: 'demo', instance: 'demo-app', component: 'server', partOf: 'platform' };
const pod = {
  runAs: { uid: 1000, gid: 1000 },
  containers: [{ name: 'main', image: ContainerImage.fromReference('busybox:1.36'), resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '64Mi' } } }],
};

describe('Workload', () => {
  const objs = synthChart((chart) => {
    const w = new Workload(chart, 'app', { ...identity, serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'demo@p.iam.gserviceaccount.com' } });
    renderService(w, 'Service', { name: 'demo-app', labels: w.labels, selector: w.podSelector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    // The Service's pods must expose the port it targets (the app checks refuse it otherwise).
    renderJob(w, { ...pod, containers: [{ ...pod.containers[0], ports: { http: 8080 } }] });
    const cron = new Workload(chart, 'cron', { name: 'demo', instance: 'demo-cron', component: 'backup' });
    renderCronJob(cron, { schedule: '0 1 * * *', timeZone: 'Europe/Paris', pod });
  });

  it('renders a ServiceAccount that mounts no token, with the given annotations', () => {
    expect(find(objs, 'ServiceAccount', 'demo-app')).toMatchObject({
      automountServiceAccountToken: false,
      metadata: { namespace: 'test', annotations: { 'iam.gke.io/gcp-service-account': 'demo@p.iam.gserviceaccount.com' } },
    });
  });

  it('labels objects with the standard labels and selects on the stable subset', () => {
    const svc = find(objs, 'Service', 'demo-app');
    expect(svc.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': 'demo-app', 'app.kubernetes.io/component': 'server',
      'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/managed-by': 'mlops-cdk8s',
    });
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': 'demo-app', 'app.kubernetes.io/component': 'server' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  it('renders re-appliable Jobs and never-overlapping CronJobs', () => {
    const job = find(objs, 'Job', 'demo-app');
    // A Sync hook: Argo CD deletes the previous run and runs it on every sync (pod templates are immutable).
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(job.spec).toMatchObject({ backoffLimit: 6 });
    expect(job.spec.template.spec).toMatchObject({ serviceAccountName: 'demo-app', restartPolicy: 'OnFailure' });
    const cron = find(objs, 'CronJob', 'demo-cron');
    expect(cron.spec).toMatchObject({
      schedule: '0 1 * * *', timeZone: 'Europe/Paris', concurrencyPolicy: 'Forbid',
      jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 3600, template: { spec: { serviceAccountName: 'demo-cron' } } } },
    });
  });

  it('matches the snapshot', () => {
    expect(objs).toMatchSnapshot();
  });
});

describe('Workload validation', () => {
  it('rejects a name longer than 52 characters (StatefulSet pod names need room)', () => {
    const long = 'a'.repeat(53);
    expect(() => synthChart((chart) => new Workload(chart, 'w', { ...identity, instance: long }))).toThrowError(exactly(
      `test/w: name must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 52 characters), got "${long}". Fix: use a name such as "${'a'.repeat(52)}"`));
  });

  it('requires a Chart namespace', () => {
    const chart = new Chart(new App(), 'nons');
    expect(() => new Workload(chart, 'w', identity)).toThrowError(exactly(
      'nons: namespace must be set on the Chart that holds nons/w (its objects are namespaced), got undefined. Fix: create the Chart with a namespace, as in new Chart(app, \'nons\', { namespace: \'mlops\' })'));
  });

  it('refuses two workloads with the same name in one namespace', () => {
    expect(() => synthChart((chart) => {
      new Workload(chart, 'one', identity);
      new Workload(chart, 'two', identity);
    })).toThrowError(exactly(
      'test/two: name "demo-app" is already used in namespace "test" by test/one. Fix: give one of them another name prop.'));
  });

  it('checks Service names and ports', () => {
    expect(() => synthChart((chart) => {
      const w = new Workload(chart, 'w', identity);
      renderService(w, 'Service', { name: 'demo', labels: {}, selector: {}, ports: [{ name: 'http', port: 70000, targetPort: 'http' }] });
    })).toThrowError(exactly('test/w: ports.http must be an integer from 1 to 65535, got 70000. Fix: use a port such as 5000'));
  });
});
