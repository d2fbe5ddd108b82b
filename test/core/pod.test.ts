import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ContainerImage } from '../../lib/core/image';
import { ContainerSpec, EnvValue, PodSpecOptions, restrictedPodSpec, restrictedSecurityContext, writableVolumeName } from '../../lib/core/pod';
import { Probe } from '../../lib/core/probe';
import { exactly, secretRef } from '../support/synth';

class Thing extends Construct {}
const scope = new Thing(new App(), 'thing');
/** The pod spec as plain JSON (quantities and int-or-strings resolved). */
const render = (o: Partial<PodSpecOptions> & { containers: ContainerSpec[] }): any => JSON.parse(JSON.stringify(
  restrictedPodSpec(scope, { serviceAccountName: 'sa', runAs: { uid: 1000, gid: 1000 }, longRunning: false, ...o }),
  (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && 'value' in v ? v.value : v)));

const RESOURCES = { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } };
const image = ContainerImage.fromReference('busybox:1.36');
const c = (extra: Partial<ContainerSpec> = {}): ContainerSpec => ({ name: 'main', image, resources: RESOURCES, ...extra });

describe('restrictedPodSpec', () => {
  it('meets the restricted Pod Security Standard on the pod and every container', () => {
    const spec = render({ containers: [c()], initContainers: [c({ name: 'init' })] });
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const container of [...spec.initContainers, ...spec.containers]) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
        runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
    expect(spec.serviceAccountName).toBe('sa');
    expect(restrictedSecurityContext({ uid: 7, gid: 8 })).toMatchObject({ runAsUser: 7, runAsGroup: 8 });
  });

  it('restarts long-running pods always and others on failure, unless told otherwise', () => {
    const probes = { liveness: Probe.tcpSocket('http'), readiness: Probe.tcpSocket('http') };
    expect(render({ containers: [c(probes)], longRunning: true }).restartPolicy).toBe('Always');
    expect(render({ containers: [c()] }).restartPolicy).toBe('OnFailure');
    expect(render({ containers: [c()], restartPolicy: 'Never' }).restartPolicy).toBe('Never');
  });

  it('gives each writable directory one emptyDir, shared between containers', () => {
    const spec = render({
      containers: [c({ writableDirs: ['/tmp', '/var/run/postgresql'] })],
      initContainers: [c({ name: 'init', writableDirs: ['/tmp'] })],
      volumes: [{ name: 'data', emptyDir: {} }],
    });
    expect(spec.volumes).toEqual([
      { name: 'data', emptyDir: {} },
      { name: 'w-tmp', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'w-var-run-postgresql', emptyDir: { sizeLimit: '1Gi' } },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'w-tmp', mountPath: '/tmp' },
      { name: 'w-var-run-postgresql', mountPath: '/var/run/postgresql' },
    ]);
    expect(writableVolumeName('/Var/Lib/x.y/')).toBe('w-var-lib-x-y');
  });

  it('sizes a writable directory as asked, the largest size winning when containers share it', () => {
    const spec = render({
      containers: [c({ writableDirs: [{ path: '/tmp', sizeLimit: '10Gi' }] })],
      initContainers: [c({ name: 'init', writableDirs: ['/tmp'] })],
    });
    expect(spec.volumes).toEqual([{ name: 'w-tmp', emptyDir: { sizeLimit: '10Gi' } }]);
    expect(spec.initContainers[0].volumeMounts).toEqual([{ name: 'w-tmp', mountPath: '/tmp' }]);
    expect(() => render({ containers: [c({ writableDirs: [{ path: '/tmp', sizeLimit: 'lots' }] })] })).toThrowError(exactly(
      'thing: writableDirs /tmp sizeLimit must be a positive Kubernetes quantity, got "lots". Fix: write it as "10Gi"'));
  });

  it('renders env in order: literals, secret references and pod fields', () => {
    const spec = render({ containers: [c({ env: [
      ['A', EnvValue.literal('1')],
      ['DB_PASSWORD', EnvValue.fromSecret(secretRef('db', 'password'))],
      ['POD_NAMESPACE', EnvValue.fromField('metadata.namespace')],
    ] })] });
    expect(spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
  });

  it('renders named TCP ports, pinned images and probes', () => {
    const spec = render({ containers: [c({
      ports: { http: 8080 },
      command: ['run'],
      args: ['--flag'],
      liveness: Probe.httpGet('/health', 'http', { initialDelaySeconds: 5 }),
      readiness: Probe.exec(['true']),
    })] });
    const main = spec.containers[0];
    expect(main.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect([main.image, main.imagePullPolicy, main.command, main.args]).toEqual(['busybox:1.36', 'IfNotPresent', ['run'], ['--flag']]);
    expect(main.livenessProbe).toEqual({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(main.readinessProbe).toEqual({ exec: { command: ['true'] }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
  });

  it('matches the snapshot', () => {
    expect(render({
      containers: [c({ ports: { http: 8080 }, env: [['MODE', EnvValue.literal('x')]], writableDirs: ['/tmp'], liveness: Probe.tcpSocket('http'), readiness: Probe.tcpSocket('http') })],
      longRunning: true,
    })).toMatchSnapshot();
  });
});

describe('restrictedPodSpec validation', () => {
  it('refuses a credential-looking literal env value', () => {
    expect(() => render({ containers: [c({ env: [['AWS_SECRET_ACCESS_KEY', EnvValue.literal('hunter2')]] })] })).toThrowError(exactly(
      'thing: containers[0].env.AWS_SECRET_ACCESS_KEY looks like a credential and must not be a literal value, got "<redacted>". Fix: pass EnvValue.fromSecret(SecretValue.fromSecret(name, key)) or an ExternalSecret value'));
  });

  it.each(['PGPASSWORD', 'api_token', 'MY_PRIVATE_KEY', 'GOOGLE_CREDENTIALS'])('refuses a literal %s', (name) => {
    expect(() => render({ containers: [c({ env: [[name, EnvValue.literal('')]] })] })).toThrowError(/looks like a credential/);
  });

  it('refuses root', () => {
    expect(() => render({ containers: [c()], runAs: { uid: 0, gid: 1000 } })).toThrowError(exactly(
      'thing: runAs must not be root (uid/gid 0), got {"uid":0,"gid":1000}. Fix: run as the image\'s non-root user, such as { uid: 1000, gid: 1000 }'));
    expect(() => render({ containers: [c()], runAs: { uid: 1000, gid: 0 } })).toThrowError(/runAs must not be root/);
  });

  it('requires liveness and readiness probes on long-running containers', () => {
    expect(() => render({ containers: [c({ liveness: Probe.tcpSocket('http') })], longRunning: true })).toThrowError(exactly(
      'thing: containers[0].liveness/readiness must both be set for a long-running container, got "main". Fix: pass liveness and readiness probes (Probe.httpGet, Probe.tcpSocket or Probe.exec)'));
  });

  it('checks container names, port names and port numbers', () => {
    expect(() => render({ containers: [c()], initContainers: [c({ name: 'Init_1' })] })).toThrowError(exactly(
      'thing: initContainers[0].name must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "Init_1". Fix: use a name such as "init-1"'));
    expect(() => render({ containers: [c({ ports: { 'metrics-endpoint-1': 9090 } })] })).toThrowError(exactly(
      'thing: containers[0].ports name must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 15 characters), got "metrics-endpoint-1". Fix: use a name such as "metrics-endpoin"'));
    expect(() => render({ containers: [c({ ports: { http: 0 } })] })).toThrowError(exactly(
      'thing: containers[0].ports.http must be an integer from 1 to 65535, got 0. Fix: use a port such as 5000'));
  });

  it('checks each container\'s resources', () => {
    expect(() => render({ containers: [c({ resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '1Gi' } } })] })).toThrowError(exactly(
      'thing: containers[0].resources.limits.memory must be at least requests.memory (2Gi), got "1Gi". Fix: raise the limit or lower the request'));
  });
});
