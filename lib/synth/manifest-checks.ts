import { NOT_SECRET_ENV_ANNOTATION } from '../core/pod';
import { credentialInValue, looksLikeCredentialName } from '../core/validate';
import type { ManifestObject } from './manifest';

/** Objects that live outside the app and may be referenced: the runbook's prerequisites. */
export interface Prerequisites {
  /** Secrets created out of band (`kind/name` not needed: just the Secret name). @default - none */
  readonly secrets?: string[];
  /** @default - none */
  readonly configMaps?: string[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet', 'Pod']);
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
/** user:password@ in a URL (not a `$VAR` or `%s` placeholder), a --password flag, a PGPASSWORD assignment. */
const CREDENTIAL_IN_TEXT = /:\/\/[^/\s:@$%]+:[^@\s$%]+@|--password[= ]\S|PGPASSWORD=\S/;

/**
 * True when text embeds a credential (the check every synth runs; `npm run diff` masks the same).
 * Each alternative of the pattern starts with a literal ("://", "--password", "PGPASSWORD="): a
 * string holding none of them cannot match, and most strings are ruled out by those quick scans.
 */
export function embedsCredential(text: string): boolean {
  return (text.includes('://') || text.includes('--password') || text.includes('PGPASSWORD=')) && CREDENTIAL_IN_TEXT.test(text);
}

/**
 * The JSON path of every string in an object that embeds a credential. A path is built only for a
 * string that matches (the walk keeps the keys and indices on a stack).
 */
function credentialPaths(value: unknown, at: Array<string | number>, out: string[]): void {
  if (typeof value === 'string') {
    if (embedsCredential(value)) out.push(`$${at.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('')}`);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      credentialPaths(value[i], at, out);
      at.pop();
    }
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      at.push(k);
      credentialPaths((value as Record<string, unknown>)[k], at, out);
      at.pop();
    }
  }
}

type Pod = { spec: any; labels: Record<string, string>; annotations?: Record<string, string>; kind: string; name: string; namespace?: string };

/** The pod template of a workload object. */
export function podOf(obj: ManifestObject): Pod | undefined {
  const o = obj as any;
  const meta = { kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
  switch (obj.kind) {
    case 'Pod': return { spec: o.spec, labels: o.metadata.labels ?? {}, annotations: o.metadata.annotations, ...meta };
    case 'CronJob': {
      const t = o.spec?.jobTemplate?.spec?.template;
      return { spec: t?.spec, labels: t?.metadata?.labels ?? {}, annotations: t?.metadata?.annotations, ...meta };
    }
    default: return WORKLOAD_KINDS.has(obj.kind)
      ? { spec: o.spec?.template?.spec, labels: o.spec?.template?.metadata?.labels ?? {}, annotations: o.spec?.template?.metadata?.annotations, ...meta }
      : undefined;
  }
}

function containersOf(spec: any): Array<{ c: any; init: boolean }> {
  return [...(spec?.initContainers ?? []).map((c: any) => ({ c, init: true })), ...(spec?.containers ?? []).map((c: any) => ({ c, init: false }))];
}

/** Pod Security Standards "restricted", pinned images, requests, memory limit, probes, no literal credentials. */
export function checkPod(pod: Pod): string[] {
  const where = `${pod.kind} "${pod.name}"`;
  const errors: string[] = [];
  const s = pod.spec ?? {};
  const psc = s.securityContext ?? {};
  if (s.hostNetwork || s.hostPID || s.hostIPC) errors.push(`${where}: uses host namespaces`);
  if (psc.seccompProfile?.type !== 'RuntimeDefault' && psc.seccompProfile?.type !== 'Localhost') errors.push(`${where}: pod seccompProfile must be RuntimeDefault`);
  for (const v of s.volumes ?? []) if (v.hostPath) errors.push(`${where}: volume "${v.name}" is a hostPath`);
  // Literals declared EnvValue.notSecret(...) by the construct that rendered the pod.
  const notSecret = new Set((pod.annotations?.[NOT_SECRET_ENV_ANNOTATION] ?? '').split(',').filter(Boolean));
  for (const { c, init } of containersOf(s)) {
    const at = `${where} container "${c.name}"`;
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) errors.push(`${at}: allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) errors.push(`${at}: must drop ALL capabilities`);
    if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== 'NET_BIND_SERVICE')) errors.push(`${at}: adds capabilities`);
    if (sc.privileged) errors.push(`${at}: is privileged`);
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) errors.push(`${at}: runAsNonRoot must be true`);
    if ((sc.runAsUser ?? psc.runAsUser) === 0) errors.push(`${at}: runs as uid 0`);
    if (sc.readOnlyRootFilesystem !== true) errors.push(`${at}: readOnlyRootFilesystem must be true`);
    const image: string = c.image ?? '';
    if (!/@sha256:[a-f0-9]{64}$/.test(image) && (!/:[^/]+$/.test(image) || image.endsWith(':latest'))) errors.push(`${at}: image "${image}" is not pinned`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) errors.push(`${at}: needs cpu and memory requests`);
    if (!c.resources?.limits?.memory) errors.push(`${at}: needs a memory limit`);
    if (!init && LONG_RUNNING.has(pod.kind) && (!c.livenessProbe || !c.readinessProbe)) errors.push(`${at}: needs liveness and readiness probes`);
    for (const e of c.env ?? []) {
      if (notSecret.has(`${c.name}/${e.name}`)) continue;
      if (e.value !== undefined && looksLikeCredentialName(e.name)) errors.push(`${at}: env ${e.name} holds a literal credential`);
      else if (typeof e.value === 'string' && (embedsCredential(e.value) || credentialInValue(e.value))) errors.push(`${at}: env ${e.name} embeds a credential`);
    }
    for (const a of [...(c.command ?? []), ...(c.args ?? [])]) {
      if (embedsCredential(a) || credentialInValue(a)) errors.push(`${at}: an argument embeds a credential`);
    }
  }
  return errors;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export interface CheckAppOptions {
  /**
   * Treat every Secret and ConfigMap the app does not render as a prerequisite (for an app whose
   * runbook is not known, such as a plain `app.synth()`).
   * @default false
   */
  readonly assumePrerequisites?: boolean;
}

/**
 * Checks that hold across the objects of one app (one dist/<app> directory):
 * every pod is secure (see {@link checkPod}); no Secret carries data; every Service selects pods
 * and targets a port those pods expose; every Secret, ConfigMap, PVC and ServiceAccount a pod
 * references is rendered by the app or declared as a prerequisite.
 */
export function checkApp(objects: ManifestObject[], prerequisites: Prerequisites = {}, options: CheckAppOptions = {}): string[] {
  const errors: string[] = [];
  const prerequisite = (kind: 'secrets' | 'configMaps', name: string) => options.assumePrerequisites === true || (prerequisites[kind] ?? []).includes(name);
  const pods = objects.map(podOf).filter((p): p is Pod => p !== undefined);
  const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  const have = (kind: string) => new Set(objects.filter((o) => o.kind === kind).map((o) => key(o.metadata.namespace, o.metadata.name)));
  const secrets = new Set([
    ...objects.filter((o) => o.kind === 'ExternalSecret').map((o) => key(o.metadata.namespace, (o as any).spec?.target?.name ?? o.metadata.name)),
    ...have('Secret'),
  ]);
  const configMaps = have('ConfigMap');
  const serviceAccounts = have('ServiceAccount');
  const pvcs = have('PersistentVolumeClaim');

  for (const o of objects) {
    // Anywhere else (ConfigMap data, annotations, CRD specs): a credential embedded in text.
    const found: string[] = [];
    credentialPaths(o, [], found);
    for (const at of found) {
      if (!/\.(containers|initContainers)\[\d+\]\.(env|command|args)/.test(at)) {
        errors.push(`${o.kind} "${o.metadata.name}": ${at} embeds a credential`);
      }
    }
    if (o.kind === 'Secret' && ((o as any).data || (o as any).stringData)) {
      errors.push(`Secret "${o.metadata.name}": holds literal data; use SecretValue.fromSecret or an ExternalSecret`);
    }
  }
  for (const pod of pods) {
    errors.push(...checkPod(pod));
    const where = `${pod.kind} "${pod.name}"`;
    const ns = pod.namespace;
    const sa = pod.spec?.serviceAccountName;
    if (sa && sa !== 'default' && !serviceAccounts.has(key(ns, sa))) errors.push(`${where}: ServiceAccount "${sa}" is not rendered`);
    const claimTemplates = new Set(((objects.find((o) => o.kind === pod.kind && o.metadata.name === pod.name) as any)?.spec?.volumeClaimTemplates ?? []).map((t: any) => t.metadata.name));
    for (const v of pod.spec?.volumes ?? []) {
      if (v.configMap && !configMaps.has(key(ns, v.configMap.name)) && !prerequisite('configMaps', v.configMap.name)) errors.push(`${where}: ConfigMap "${v.configMap.name}" is neither rendered nor a prerequisite`);
      if (v.secret && !secrets.has(key(ns, v.secret.secretName)) && !prerequisite('secrets', v.secret.secretName)) errors.push(`${where}: Secret "${v.secret.secretName}" is neither rendered nor a prerequisite`);
      if (v.persistentVolumeClaim && !pvcs.has(key(ns, v.persistentVolumeClaim.claimName))) errors.push(`${where}: PVC "${v.persistentVolumeClaim.claimName}" is not rendered`);
    }
    for (const { c } of containersOf(pod.spec)) {
      for (const m of c.volumeMounts ?? []) {
        if (!(pod.spec.volumes ?? []).some((v: any) => v.name === m.name) && !claimTemplates.has(m.name)) errors.push(`${where}: mount "${m.name}" has no volume`);
      }
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef?.name;
        if (ref && !secrets.has(key(ns, ref)) && !prerequisite('secrets', ref)) errors.push(`${where}: Secret "${ref}" is neither rendered nor a prerequisite`);
        const cm = e.valueFrom?.configMapKeyRef?.name;
        if (cm && !configMaps.has(key(ns, cm)) && !prerequisite('configMaps', cm)) errors.push(`${where}: ConfigMap "${cm}" is neither rendered nor a prerequisite`);
      }
    }
  }
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const spec = (svc as any).spec ?? {};
    if (spec.type === 'ExternalName') continue;
    const selected = pods.filter((p) => p.namespace === svc.metadata.namespace && spec.selector && matches(spec.selector, p.labels));
    if (!selected.length) {
      errors.push(`Service "${svc.metadata.name}": selects no pods`);
      continue;
    }
    for (const port of spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const ok = selected.some((p) => containersOf(p.spec).some(({ c, init }) => !init && (c.ports ?? []).some((cp: any) => cp.name === target || cp.containerPort === target)));
      if (!ok) errors.push(`Service "${svc.metadata.name}": port "${port.name ?? port.port}" targets ${JSON.stringify(target)}, which no selected container exposes`);
    }
  }
  return errors;
}
