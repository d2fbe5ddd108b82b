import { Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ContainerImage } from './image';
import { k8s } from './k8s';
import { Probe } from './probe';
import { ResourceRequirements, renderResources } from './resources';
import { SecretValue } from './secret-value';
import {
  checkByteQuantity, checkDnsLabel, checkInstance, credentialInValue, describeShape, invalid, looksLikeCredentialName, parseQuantity,
  checkPort,
} from './validate';

/** The value of one environment variable: a literal, a secret reference, or a pod field. */
export class EnvValue {
  /**
   * A plain value. A value that looks like a credential (a URL with a password, a known token
   * prefix, a private key), or any value of a variable whose name looks like one (`DB_PASS`,
   * `API_KEY`), fails synth: use {@link EnvValue.fromSecret}, or {@link EnvValue.notSecret} for a
   * value you know is not a secret.
   */
  public static literal(value: string): EnvValue {
    if (typeof value !== 'string') {
      invalid('EnvValue.literal', 'value', 'must be a string', typeof value === 'number' || typeof value === 'boolean' ? value : describeShape(value),
        'pass a string (String(n) for numbers), or EnvValue.fromSecret(...) for a secret');
    }
    return new EnvValue({ value });
  }
  /**
   * A literal computed at synth, for values that grow after construction (the buckets of a store).
   * The same credential checks apply when it is produced.
   */
  public static lazy(produce: () => string): EnvValue {
    return new EnvValue({
      value: Lazy.any({
        produce: () => {
          const value = produce();
          const kind = credentialInValue(value);
          if (kind) invalid('EnvValue.lazy', 'value', `holds ${kind} and must not be a literal value`, '<redacted>', 'pass EnvValue.fromSecret(...)');
          return value;
        },
      }) as unknown as string,
    });
  }
  /**
   * A literal that is not a secret although its name or value looks like one (`TOKEN_URL`, a public
   * key): the opt-out for one variable. `reason` says why, for reviewers; it is recorded in the pod
   * template's `mlops-cdk8s.io/not-secret-env` annotation, which the manifest checks honour.
   */
  public static notSecret(value: string, reason: string): EnvValue {
    if (typeof reason !== 'string' || reason.trim().length < 3) {
      invalid('EnvValue.notSecret', 'reason', 'must say why the value is not a secret', reason, 'pass a reason such as "public OIDC token endpoint"');
    }
    const v = EnvValue.literal(value);
    return new EnvValue(v.source, true);
  }
  /** A `secretKeyRef`: the pod reads the value at start; the manifest holds only the reference. */
  public static fromSecret(secret: SecretValue): EnvValue {
    return new EnvValue({ valueFrom: secret.toEnvSource() });
  }
  /**
   * A `configMapKeyRef`: for a setting whose variable name looks like a credential but whose
   * value is not one (a flag such as `SHARINGHUB_AUTH_DEFAULT_TOKEN=false`).
   */
  public static fromConfigMap(configMapName: string, key: string): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key } } });
  }
  /** A pod field such as `metadata.namespace`. */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }
  private constructor(
    public readonly source: { value?: string; valueFrom?: k8s.EnvVarSource },
    /** True for {@link EnvValue.notSecret}: the credential checks skip it. */
    public readonly declaredNotSecret = false,
  ) {}
}


/** A writable directory with an explicit size limit. */
export interface WritableDir {
  readonly path: string;
  /** The emptyDir `sizeLimit`, such as "10Gi". */
  readonly sizeLimit: string;
}

const dirPath = (d: string | WritableDir) => (typeof d === 'string' ? d : d.path);

/** The user and group a pod's containers run as; never root. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** One container, always rendered with the restricted security context. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: ContainerImage;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** @default - the image's command */
  readonly args?: string[];
  /** In order: later values may refer to earlier ones as `$(NAME)`. @default - none */
  readonly env?: Array<[string, EnvValue]>;
  /** Named container ports. @default - none */
  readonly ports?: Record<string, number>;
  readonly resources: ResourceRequirements;
  /** Required for long-running containers (see {@link PodSpecOptions.longRunning}). */
  readonly liveness?: Probe;
  readonly readiness?: Probe;
  /** @default - none */
  readonly startup?: Probe;
  /** @default - none */
  readonly volumeMounts?: k8s.VolumeMount[];
  /**
   * Directories the image writes to; each gets an emptyDir (1Gi unless a size is given), since the
   * root filesystem is read-only.
   * @default - none
   */
  readonly writableDirs?: Array<string | WritableDir>;
  /**
   * The user and group of this container, when its image has a non-root user of its own (a
   * distroless sidecar runs as 65532).
   * @default - the pod's runAs
   */
  readonly runAs?: RunAs;
}

export interface PodSpecOptions {
  readonly serviceAccountName: string;
  readonly runAs: RunAs;
  readonly containers: ContainerSpec[];
  /** @default - none */
  readonly initContainers?: ContainerSpec[];
  /** @default - none */
  readonly volumes?: k8s.Volume[];
  /** Servers need liveness and readiness probes; Jobs do not. */
  readonly longRunning: boolean;
  /** @default - none */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /** @default "Always" for long-running pods, "OnFailure" otherwise */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

/**
 * The container security context of the Pod Security Standards "restricted" profile.
 * @internal
 */
export function restrictedSecurityContext(runAs: RunAs): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: runAs.uid,
    runAsGroup: runAs.gid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * A volume name for a writable directory: `/var/run/postgresql` → `var-run-postgresql`.
 * @internal
 */
export function writableVolumeName(path: string): string {
  return `w-${path.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
}

function renderContainer(scope: IConstruct, prefix: string, c: ContainerSpec, podRunAs: RunAs, longRunning: boolean): k8s.Container {
  checkDnsLabel(scope, `${prefix}.name`, c.name);
  const runAs = c.runAs ?? podRunAs;
  if (!Number.isInteger(runAs.uid) || !Number.isInteger(runAs.gid) || runAs.uid <= 0 || runAs.gid <= 0) {
    invalid(scope, `${prefix}.runAs`, 'must be a non-root uid and gid (positive integers)', runAs, 'run as the image\'s non-root user, such as { uid: 65532, gid: 65532 }');
  }
  if (longRunning && (!c.liveness || !c.readiness)) {
    invalid(scope, `${prefix}.liveness/readiness`, 'must both be set for a long-running container', c.name,
      'pass liveness and readiness probes (Probe.httpGet, Probe.tcpSocket or Probe.exec)');
  }
  checkInstance(scope, `${prefix}.image`, c.image, ContainerImage, 'a ContainerImage', 'pass ContainerImage.fromReference("postgres:16.6-bookworm")');
  const env = (c.env ?? []).map((entry, i) => {
    const [name, v] = Array.isArray(entry) ? entry : [undefined, undefined];
    if (typeof name !== 'string' || !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) {
      invalid(scope, `${prefix}.env[${i}] name`, 'must be a C identifier-like name (letters, digits, "_", "-", ".", not starting with a digit)', name, 'use a name such as "LOG_LEVEL"');
    }
    checkInstance(scope, `${prefix}.env.${name}`, v, EnvValue, 'an EnvValue', 'pass EnvValue.literal("..."), EnvValue.fromSecret(secret) or EnvValue.fromField("...")');
    checkLiteralIsNotSecret(scope, `${prefix}.env.${name}`, name, v);
    return { name, ...v.source } as k8s.EnvVar;
  });
  for (const [what, list] of [['command', c.command], ['args', c.args]] as const) {
    (list ?? []).forEach((a, i) => {
      const kind = credentialInValue(a);
      if (kind) {
        invalid(scope, `${prefix}.${what}[${i}]`, `holds ${kind}; an argument is visible in /proc and in the manifest`, '<redacted>',
          'pass the credential through an environment variable from EnvValue.fromSecret(...) and read it there');
      }
    });
  }
  const ports = Object.entries(c.ports ?? {}).map(([name, containerPort]) => {
    checkDnsLabel(scope, `${prefix}.ports name`, name, 15);
    checkPort(scope, `${prefix}.ports.${name}`, containerPort);
    return { name, containerPort, protocol: 'TCP' } as k8s.ContainerPort;
  });
  const mounts = [
    ...(c.volumeMounts ?? []),
    ...(c.writableDirs ?? []).map((d) => ({ name: writableVolumeName(dirPath(d)), mountPath: dirPath(d) })),
  ];
  return {
    name: c.name,
    image: c.image.reference,
    imagePullPolicy: 'IfNotPresent',
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    ...(env.length ? { env } : {}),
    ...(ports.length ? { ports } : {}),
    resources: renderResources(scope, `${prefix}.resources`, c.resources),
    ...(c.liveness ? { livenessProbe: c.liveness.render() } : {}),
    ...(c.readiness ? { readinessProbe: c.readiness.render() } : {}),
    ...(c.startup ? { startupProbe: c.startup.render() } : {}),
    securityContext: restrictedSecurityContext(runAs),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
  } as k8s.Container;
}

/**
 * Refuses a literal that is, or is named like, a credential, unless it was declared with
 * {@link EnvValue.notSecret}. The message never shows the value.
 */
export function checkLiteralIsNotSecret(scope: IConstruct | string, prop: string, name: string, v: EnvValue): void {
  if (v.source.value === undefined || v.declaredNotSecret) return;
  const fix = `pass EnvValue.fromSecret(SecretValue.fromSecret("<secret>", "<key>")) or an ExternalSecret value; if it is not a secret, EnvValue.notSecret(value, "<why>")`;
  if (looksLikeCredentialName(name)) invalid(scope, prop, 'is named like a credential and must not be a literal value', '<redacted>', fix);
  const kind = credentialInValue(v.source.value);
  if (kind) invalid(scope, prop, `holds ${kind} and must not be a literal value`, '<redacted>', fix);
}

/** The annotation that lists `<container>/<VAR>` literals declared {@link EnvValue.notSecret}. */
export const NOT_SECRET_ENV_ANNOTATION = 'mlops-cdk8s.io/not-secret-env';

/** The `<container>/<VAR>` entries of `o` declared with {@link EnvValue.notSecret}, sorted. */
export function notSecretEnv(o: Pick<PodSpecOptions, 'containers' | 'initContainers'>): string[] {
  return [...(o.initContainers ?? []), ...o.containers]
    .flatMap((c) => (c.env ?? []).filter(([, v]) => v?.declaredNotSecret).map(([n]) => `${c.name}/${n}`)).sort();
}

/**
 * A pod spec that meets the Pod Security Standards "restricted" profile: non-root user,
 * no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, read-only root
 * filesystem with an emptyDir per writable directory, and no service-account token mounted.
 * @internal
 */
export function restrictedPodSpec(scope: IConstruct, o: PodSpecOptions): k8s.PodSpec {
  if (!o || !Array.isArray(o.containers) || o.containers.length === 0) {
    invalid(scope, 'containers', 'must list at least one container', o?.containers, 'pass containers: [{ name, image, resources, ... }]');
  }
  if (!o.runAs || !Number.isInteger(o.runAs.uid) || !Number.isInteger(o.runAs.gid) || o.runAs.uid < 0 || o.runAs.gid < 0) {
    invalid(scope, 'runAs', 'must be { uid, gid } with non-negative integers', o.runAs, 'run as the image\'s non-root user, such as { uid: 1000, gid: 1000 }');
  }
  if (o.runAs.uid === 0 || o.runAs.gid === 0) {
    invalid(scope, 'runAs', 'must not be root (uid/gid 0)', o.runAs, 'run as the image\'s non-root user, such as { uid: 1000, gid: 1000 }');
  }
  const all = [...(o.initContainers ?? []), ...o.containers];
  const volumes = new Map<string, k8s.Volume>();
  for (const v of o.volumes ?? []) volumes.set(v.name, v);
  for (const c of all) {
    for (const dir of c.writableDirs ?? []) {
      const name = writableVolumeName(dirPath(dir));
      const size = typeof dir === 'string' ? '1Gi' : checkByteQuantity(scope, `writableDirs ${dir.path} sizeLimit`, dir.sizeLimit, '10Gi');
      const existing = volumes.get(name)?.emptyDir?.sizeLimit?.value;
      // Shared by init and main containers: the largest size asked for wins.
      if (!existing || (parseQuantity(size) ?? 0) > (parseQuantity(String(existing)) ?? 0)) {
        volumes.set(name, { name, emptyDir: { sizeLimit: k8s.Quantity.fromString(size) } });
      }
    }
  }
  return {
    serviceAccountName: o.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    restartPolicy: o.restartPolicy ?? (o.longRunning ? 'Always' : 'OnFailure'),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: o.runAs.uid,
      runAsGroup: o.runAs.gid,
      fsGroup: o.runAs.gid,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(o.initContainers?.length ? { initContainers: o.initContainers.map((c, i) => renderContainer(scope, `initContainers[${i}]`, c, o.runAs, false)) } : {}),
    containers: o.containers.map((c, i) => renderContainer(scope, `containers[${i}]`, c, o.runAs, o.longRunning)),
    ...(o.topologySpreadConstraints?.length ? { topologySpreadConstraints: o.topologySpreadConstraints } : {}),
    ...(volumes.size ? { volumes: [...volumes.values()] } : {}),
  };
}
