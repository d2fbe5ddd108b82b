import { App, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ContainerImage } from '../../lib/core/image';
import { ContainerSpec, EnvValue, PodSpecOptions, restrictedPodSpec, restrictedSecurityContext, writableVolumeName } from '../../lib/core/pod';
import { Probe } from '../../lib/core/probe';
import { Workload } from '../../lib/core/workload';
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
      liveness: Probe.httpGet('/health', 'http', { initialDelay: Duration.seconds(5) }),
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
      'thing: containers[0].env.AWS_SECRET_ACCESS_KEY is named like a credential and must not be a literal value, got "<redacted>". Fix: pass EnvValue.fromSecret(SecretValue.fromSecret("<secret>", "<key>")) or an ExternalSecret value; if it is not a secret, EnvValue.notSecret(value, "<why>")'));
  });

  it.each(['PGPASSWORD', 'api_token', 'MY_PRIVATE_KEY', 'GOOGLE_CREDENTIALS', 'DB_PASS', 'API_KEY', 'apikey', 'MYSQL_PWD'])('refuses a literal %s', (name) => {
    expect(() => render({ containers: [c({ env: [[name, EnvValue.literal('')]] })] })).toThrowError(/is named like a credential and must not be a literal value, got "<redacted>"/);
  });

  it.each(['PWD', 'PASSTHROUGH', 'AUTHOR', 'KEYCLOAK_URL', 'DB_USER', 'PGPASSFILE', 'OIDC_PROVISION_ON_BEARER_AUTH'])('accepts a literal %s (not a credential name)', (name) => {
    expect(() => render({ containers: [c({ env: [[name, EnvValue.literal('x')]] })] })).not.toThrow();
  });

  it.each([
    ['a URL with a password', 'postgresql://mlflow:hunter2@db:5432/mlflow'],
    ['a URL with a password', 'https://svc:p%40ss%3Aw0rd@api.example.com/v1'],
    ['an API key (sk-)', 'sk-live-4f9a8b7c6d5e'],
    ['an API key (sk-)', 'Bearer sk-proj-abcdefghijklmnop'],
    ['a GitHub token', 'ghp_0123456789abcdefABCDEF0123456789abcd'],
    ['a GitLab token', 'glpat-0123456789abcdefghij'],
    ['a Slack token', 'xoxb-1234567890-abcdefghij'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['a private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE='],
  ])('refuses a literal that holds %s, by value, without echoing it (%s)', (kind, value) => {
    let message = '';
    try {
      render({ containers: [c({ env: [['SETTINGS', EnvValue.literal(value)]] })] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`thing: containers[0].env.SETTINGS holds ${kind} and must not be a literal value, got "<redacted>". Fix: pass EnvValue.fromSecret(SecretValue.fromSecret("<secret>", "<key>")) or an ExternalSecret value; if it is not a secret, EnvValue.notSecret(value, "<why>")`);
    expect(message).not.toContain(value.slice(4, 12));
  });

  it.each(['http://$(DB_USER):$(DB_PASSWORD)@db/x', 'https://user@example.com', 'sk-learn', 'postgres://u:%s@h/db', 'see https://example.com/a:b@c'])('accepts the literal %s (a placeholder or no credential)', (value) => {
    expect(() => render({ containers: [c({ env: [['SETTINGS', EnvValue.literal(value)]] })] })).not.toThrow();
  });

  it('refuses a credential in an argument, without echoing it', () => {
    expect(() => render({ containers: [c({ args: ['--token', 'ghp_0123456789abcdefABCDEF0123456789abcd'] })] })).toThrowError(exactly(
      'thing: containers[0].args[1] holds a GitHub token; an argument is visible in /proc and in the manifest, got "<redacted>". Fix: pass the credential through an environment variable from EnvValue.fromSecret(...) and read it there'));
  });

  it('lets one named variable opt out, and records it for the manifest checks', () => {
    const w = new Workload(new Chart(new App(), 'c', { namespace: 'c' }), 'w', { name: 'w', instance: 'w', component: 'x' });
    const t = w.podTemplate({ runAs: { uid: 1000, gid: 1000 }, longRunning: false, containers: [c({ env: [
      ['OIDC_TOKEN_URL', EnvValue.notSecret('https://idp.example.com/token', 'public OIDC endpoint')],
      ['LOG_LEVEL', EnvValue.literal('info')],
    ] })] });
    expect(t.spec!.containers[0].env).toEqual([{ name: 'OIDC_TOKEN_URL', value: 'https://idp.example.com/token' }, { name: 'LOG_LEVEL', value: 'info' }]);
    expect(t.metadata!.annotations).toEqual({ 'mlops-cdk8s.io/not-secret-env': 'main/OIDC_TOKEN_URL' });
    expect(() => EnvValue.notSecret('x', '')).toThrowError(exactly(
      'EnvValue.notSecret: reason must say why the value is not a secret, got "". Fix: pass a reason such as "public OIDC token endpoint"'));
  });

  it('gives JavaScript callers a clear error for a wrong env shape', () => {
    expect(() => render({ containers: [c({ env: [['LOG_LEVEL', 'info' as never]] })] })).toThrowError(exactly(
      'thing: containers[0].env.LOG_LEVEL must be an EnvValue, got a string. Fix: pass EnvValue.literal("..."), EnvValue.fromSecret(secret) or EnvValue.fromField("...")'));
    expect(() => EnvValue.literal(5 as never)).toThrowError(exactly(
      'EnvValue.literal: value must be a string, got 5. Fix: pass a string (String(n) for numbers), or EnvValue.fromSecret(...) for a secret'));
    expect(() => render({ containers: [c({ image: 'postgres:16' as never })] })).toThrowError(exactly(
      'thing: containers[0].image must be a ContainerImage, got a string. Fix: pass ContainerImage.fromReference("postgres:16.6-bookworm")'));
  });

  it('renders probe Durations as whole seconds', () => {
    expect(Probe.tcpSocket('api', { initialDelay: Duration.minutes(1), period: Duration.seconds(15), timeout: Duration.seconds(2), failureThreshold: 4 }).render())
      .toMatchObject({ initialDelaySeconds: 60, periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 4 });
    expect(Probe.exec(['true'], { period: Duration.seconds(5) }).render()).toEqual({ exec: { command: ['true'] }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 });
  });

  it('refuses probe timings that are not whole seconds in range, strings, and the removed numbers of seconds', () => {
    expect(() => Probe.httpGet('/health', 'http', { timeout: Duration.millis(1500) })).toThrowError(exactly(
      'Probe.httpGet: timeout must be a whole number of seconds from 1 to 3600, got "1 second 500 millis". Fix: pass Duration.seconds(n) with n from 1 to 3600'));
    expect(() => Probe.httpGet('/health', 'http', { period: Duration.seconds(0) })).toThrowError(exactly(
      'Probe.httpGet: period must be a whole number of seconds from 1 to 3600, got "0 seconds". Fix: pass Duration.seconds(n) with n from 1 to 3600'));
    expect(() => Probe.tcpSocket('api', { initialDelay: Duration.minutes(90) })).toThrowError(exactly(
      'Probe.tcpSocket: initialDelay must be a whole number of seconds from 0 to 3600, got "1 hour 30 minutes". Fix: pass Duration.seconds(n) with n from 0 to 3600'));
    expect(() => Probe.tcpSocket('api', { period: '10s' as never })).toThrowError(exactly(
      'Probe.tcpSocket: period must be a Duration, not a string, got "10s". Fix: write period: Duration.seconds(10)'));
    expect(() => Probe.tcpSocket('api', { periodSeconds: 15 } as never)).toThrowError(exactly(
      'Probe.tcpSocket: periodSeconds is no longer a prop, got 15. Fix: write period: Duration.seconds(15)'));
    expect(() => Probe.httpGet('/health', 'http', { timeoutSeconds: -1 } as never)).toThrowError(exactly(
      'Probe.httpGet: timeoutSeconds is no longer a prop, got -1. Fix: write timeout: Duration.seconds(5)'));
    expect(() => Probe.exec(['true'], { period: Duration.seconds(5), initialDelaySeconds: 30 } as never)).toThrowError(exactly(
      'Probe.exec: initialDelaySeconds is no longer a prop, got 30. Fix: write initialDelay: Duration.seconds(30)'));
  });

  it('refuses a probe on an unnamed port or path', () => {
    expect(() => Probe.httpGet('health', 'http')).toThrowError(exactly('Probe.httpGet: path must be an absolute URL path, got "health". Fix: write it as "/health"'));
    expect(() => Probe.httpGet('/health', '5000')).toThrowError(exactly(
      'Probe.httpGet: port must name a container port (it holds a letter), got "5000". Fix: pass the name of a port in ContainerSpec.ports, such as "http"'));
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
