import { k8s } from '../core/k8s';
import { ContainerSpec, EnvValue } from '../core/pod';
import { checkDnsLabel, checkDnsSubdomain, invalid } from '../core/validate';
import { IConstruct } from 'constructs';

/**
 * Typed escape hatches for a pod: what the charts expose as `extraEnvVars`, `extraVolumes`,
 * `extraVolumeMounts`, `extraContainers`, `initContainers`, `podAnnotations`, `podLabels`,
 * `tolerations`, `affinity`, `nodeSelector` and `priorityClassName`. Containers are
 * {@link ContainerSpec}s, so they get the restricted security context, and long-running sidecars
 * need probes; literal env values whose names look like credentials are refused, as everywhere.
 * For any other field, use `node.defaultChild` and a JSON patch (see the README).
 */
export interface PodExtras {
  /** Extra environment of the main container, after the built-in variables. @default - none */
  readonly env?: Record<string, EnvValue>;
  /**
   * Extra volumes. The types Pod Security "restricted" allows: configMap, secret, emptyDir (with a
   * sizeLimit), persistentVolumeClaim, projected, downwardAPI, csi, ephemeral.
   * @default - none
   */
  readonly volumes?: k8s.Volume[];
  /** Mounts of those volumes into the main container. @default - none */
  readonly volumeMounts?: k8s.VolumeMount[];
  /** Containers beside the main one (they need liveness and readiness probes). @default - none */
  readonly sidecars?: ContainerSpec[];
  /** Init containers, run before the built-in ones. @default - none */
  readonly initContainers?: ContainerSpec[];
  /** Pod template labels (not the `app.kubernetes.io/*` ones this library sets). @default - none */
  readonly labels?: Record<string, string>;
  /** Pod template annotations. @default - none */
  readonly annotations?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: k8s.Toleration[];
  /** @default - none (replicas are spread across nodes and zones by topology constraints) */
  readonly affinity?: k8s.Affinity;
  /** @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** @default - the cluster default */
  readonly priorityClassName?: string;
}

/** @internal The container-level extras, checked. */
export interface ResolvedPodExtras {
  readonly env: Array<[string, EnvValue]>;
  readonly volumes: k8s.Volume[];
  readonly volumeMounts: k8s.VolumeMount[];
  readonly sidecars: ContainerSpec[];
  readonly initContainers: ContainerSpec[];
}

const RESTRICTED_VOLUME_TYPES = ['configMap', 'secret', 'emptyDir', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'csi', 'ephemeral'];
const RESERVED_VOLUMES = ['scripts', 'auth'];
// w-: writable directories; v-: the server's claim volumes.

function checkMetadataMap(w: IConstruct, prop: string, m: Record<string, string> | undefined, reserved: (k: string) => boolean): Record<string, string> {
  if (m === undefined) return {};
  if (m === null || typeof m !== 'object' || Array.isArray(m)) invalid(w, prop, 'must be an object of strings', m, `pass ${prop.split('.').pop()}: { "team": "ml" }`);
  for (const [k, v] of Object.entries(m)) {
    if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(k)) {
      invalid(w, `${prop} key`, 'must be a qualified name ([prefix/]name)', k, 'use a key such as "example.com/team"');
    }
    if (typeof v !== 'string') invalid(w, `${prop}.${k}`, 'must be a string', v, `quote it: "${String(v)}"`);
    if (reserved(k)) invalid(w, `${prop}.${k}`, 'is set by this library (selectors and identity depend on it)', v, 'use a key outside app.kubernetes.io/ and azure.workload.identity/');
  }
  return m;
}

/**
 * @internal Checks `extras`, builds the template with the container-level ones through `build`,
 * then adds the pod-level ones (labels, annotations, scheduling).
 */
export function applyPodExtras(w: IConstruct, prop: string, extras: PodExtras | undefined, identityLabels: Record<string, string> | undefined,
  build: (resolved: ResolvedPodExtras) => k8s.PodTemplateSpec): k8s.PodTemplateSpec {
  const e = extras ?? {};
  if (e === null || typeof e !== 'object') invalid(w, prop, 'must be an object', e, 'pass pod: { tolerations: [...] }');
  const env = Object.entries(e.env ?? {}).map(([name, v], i) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) invalid(w, `${prop}.env key`, 'must be an environment variable name', name, 'use a name such as "MLFLOW_GCS_DEFAULT_TIMEOUT"');
    if (!(v instanceof EnvValue)) {
      invalid(w, `${prop}.env.${name}`, 'must be an EnvValue', typeof v === 'string' ? '<redacted>' : v, `pass EnvValue.literal("...") or EnvValue.fromSecret(...)`);
    }
    void i;
    return [name, v] as [string, EnvValue];
  });
  const volumes = (e.volumes ?? []).map((v, i) => {
    checkDnsLabel(w, `${prop}.volumes[${i}].name`, v?.name);
    if (RESERVED_VOLUMES.includes(v.name) || v.name.startsWith('w-') || v.name.startsWith('v-')) {
      invalid(w, `${prop}.volumes[${i}].name`, 'is used by the library', v.name, 'choose another name, such as "extra-config"');
    }
    const types = Object.keys(v).filter((k) => k !== 'name');
    const bad = types.filter((t) => !RESTRICTED_VOLUME_TYPES.includes(t));
    if (types.length !== 1 || bad.length) {
      invalid(w, `${prop}.volumes[${i}]`, `must be exactly one of ${RESTRICTED_VOLUME_TYPES.join(', ')} (Pod Security "restricted")`, types.join(', ') || 'none',
        'use a persistentVolumeClaim instead of a hostPath or node-local volume');
    }
    if (v.emptyDir && !v.emptyDir.sizeLimit) {
      invalid(w, `${prop}.volumes[${i}].emptyDir.sizeLimit`, 'is required (an unbounded emptyDir can fill the node)', undefined, 'pass emptyDir: { sizeLimit: k8s.Quantity.fromString("1Gi") }');
    }
    return v;
  });
  const names = new Set(volumes.map((v) => v.name));
  const volumeMounts = (e.volumeMounts ?? []).map((m, i) => {
    if (!names.has(m?.name)) invalid(w, `${prop}.volumeMounts[${i}].name`, 'must name one of pod.volumes', m?.name, 'add the volume to pod.volumes');
    if (!/^\/[^:]*$/.test(m.mountPath ?? '') || ['/scripts', '/tmp', '/'].includes(m.mountPath)) {
      invalid(w, `${prop}.volumeMounts[${i}].mountPath`, 'must be an absolute path that the library does not mount', m.mountPath, 'mount under a path of its own, such as "/etc/mlflow-extra"');
    }
    return m;
  });
  const labels = checkMetadataMap(w, `${prop}.labels`, e.labels, (k) => k.startsWith('app.kubernetes.io/') || k.startsWith('azure.workload.identity/'));
  const annotations = checkMetadataMap(w, `${prop}.annotations`, e.annotations, () => false);
  const nodeSelector = checkMetadataMap(w, `${prop}.nodeSelector`, e.nodeSelector, () => false);
  if (e.priorityClassName !== undefined) checkDnsSubdomain(w, `${prop}.priorityClassName`, e.priorityClassName);
  if (e.tolerations !== undefined && !Array.isArray(e.tolerations)) invalid(w, `${prop}.tolerations`, 'must be an array', e.tolerations, 'pass tolerations: [{ key: "dedicated", operator: "Equal", value: "ml", effect: "NoSchedule" }]');

  const template = build({ env, volumes, volumeMounts, sidecars: e.sidecars ?? [], initContainers: e.initContainers ?? [] });
  const allLabels = { ...labels, ...identityLabels };
  return {
    metadata: {
      ...template.metadata,
      labels: { ...allLabels, ...template.metadata?.labels },
      ...(Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
    },
    spec: {
      ...template.spec!,
      ...(e.tolerations?.length ? { tolerations: e.tolerations } : {}),
      ...(e.affinity ? { affinity: e.affinity } : {}),
      ...(Object.keys(nodeSelector).length ? { nodeSelector: { ...nodeSelector } } : {}),
      ...(e.priorityClassName ? { priorityClassName: e.priorityClassName } : {}),
    },
  };
}
