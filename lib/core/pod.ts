import { IConstruct } from 'constructs';
import { ContainerImage } from './image';
import { k8s } from './k8s';
import { Probe } from './probe';
import { ResourceRequirements, renderResources } from './resources';
import { SecretValue } from './secret-value';
import { checkDnsLabel, checkPort, checkQuantity, invalid, looksLikeCredentialName, parseQuantity } from './validate';

/** The value of one environment variable: a literal, a secret reference, or a pod field. */
export class EnvValue {
  /** A plain value. Names that look like credentials are refused: use {@link EnvValue.fromSecret}. */
  public static literal(value: string): EnvValue {
    return new EnvValue({ value });
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
  private constructor(public readonly source: { value?: string; valueFrom?: k8s.EnvVarSource }) {}
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
  const env = (c.env ?? []).map(([name, v]) => {
    if (v.source.value !== undefined && looksLikeCredentialName(name)) {
      invalid(scope, `${prefix}.env.${name}`, 'looks like a credential and must not be a literal value', v.source.value,
        'pass EnvValue.fromSecret(SecretValue.fromSecret(name, key)) or an ExternalSecret value');
    }
    return { name, ...v.source } as k8s.EnvVar;
  });
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
 * A pod spec that meets the Pod Security Standards "restricted" profile: non-root user,
 * no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, read-only root
 * filesystem with an emptyDir per writable directory, and no service-account token mounted.
 * @internal
 */
export function restrictedPodSpec(scope: IConstruct, o: PodSpecOptions): k8s.PodSpec {
  if (o.runAs.uid === 0 || o.runAs.gid === 0) {
    invalid(scope, 'runAs', 'must not be root (uid/gid 0)', o.runAs, 'run as the image\'s non-root user, such as { uid: 1000, gid: 1000 }');
  }
  const all = [...(o.initContainers ?? []), ...o.containers];
  const volumes = new Map<string, k8s.Volume>();
  for (const v of o.volumes ?? []) volumes.set(v.name, v);
  for (const c of all) {
    for (const dir of c.writableDirs ?? []) {
      const name = writableVolumeName(dirPath(dir));
      const size = typeof dir === 'string' ? '1Gi' : checkQuantity(scope, `writableDirs ${dir.path} sizeLimit`, dir.sizeLimit, '10Gi');
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
