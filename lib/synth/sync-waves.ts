import type { ManifestObject } from './manifest';

/** The Argo CD annotation that orders objects within a sync phase (lowest first). */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';

/**
 * A step of an Argo CD sync. Argo CD applies one wave, waits until its objects are healthy (a
 * StatefulSet rolled out, a Job finished), then applies the next; PostSync hooks (smoke tests) run
 * after the last wave is healthy.
 */
export class SyncWave {
  /** CustomResourceDefinitions: everything that uses them comes later. */
  public static readonly CRDS = new SyncWave(-3, 'CRDs');
  /** Namespaces, so that nothing waits for its namespace. */
  public static readonly NAMESPACES = new SyncWave(-2, 'namespaces');
  /** Identity, policy, configuration, secrets and volumes: what pods mount or are constrained by. */
  public static readonly FOUNDATION = new SyncWave(-1, 'service accounts, policies, quotas, configuration, secrets, volume claims');
  /** Databases and object stores (StatefulSets) and every Service. */
  public static readonly DATA = new SyncWave(0, 'databases, object stores, services');
  /** Setup Jobs run as Sync hooks (buckets, users): they need the data tier up. */
  public static readonly SETUP = new SyncWave(1, 'setup jobs');
  /** Servers (Deployments) and what guards them. */
  public static readonly SERVERS = new SyncWave(2, 'servers');
  /** What exposes, watches or schedules the servers. */
  public static readonly EDGE = new SyncWave(3, 'ingress, monitoring, schedules');

  /** Every wave, in sync order. */
  public static readonly ALL: readonly SyncWave[] = [
    SyncWave.CRDS, SyncWave.NAMESPACES, SyncWave.FOUNDATION, SyncWave.DATA, SyncWave.SETUP, SyncWave.SERVERS, SyncWave.EDGE,
  ];

  private constructor(public readonly value: number, public readonly description: string) {}

  public toString(): string {
    return String(this.value);
  }
}

/**
 * The one table of waves: object kind → wave. A Job is in {@link SyncWave.SETUP} (it is a Sync
 * hook); a kind not listed goes with the servers, so it never runs before the data tier.
 */
export const SYNC_WAVE_BY_KIND: Readonly<Record<string, SyncWave>> = {
  CustomResourceDefinition: SyncWave.CRDS,
  Namespace: SyncWave.NAMESPACES,
  ServiceAccount: SyncWave.FOUNDATION,
  Role: SyncWave.FOUNDATION,
  RoleBinding: SyncWave.FOUNDATION,
  ClusterRole: SyncWave.FOUNDATION,
  ClusterRoleBinding: SyncWave.FOUNDATION,
  ConfigMap: SyncWave.FOUNDATION,
  Secret: SyncWave.FOUNDATION,
  ExternalSecret: SyncWave.FOUNDATION,
  SecretStore: SyncWave.FOUNDATION,
  Certificate: SyncWave.FOUNDATION,
  NetworkPolicy: SyncWave.FOUNDATION,
  AuthorizationPolicy: SyncWave.FOUNDATION,
  PeerAuthentication: SyncWave.FOUNDATION,
  DestinationRule: SyncWave.FOUNDATION,
  ResourceQuota: SyncWave.FOUNDATION,
  LimitRange: SyncWave.FOUNDATION,
  PersistentVolumeClaim: SyncWave.FOUNDATION,
  StatefulSet: SyncWave.DATA,
  Service: SyncWave.DATA,
  Job: SyncWave.SETUP,
  Deployment: SyncWave.SERVERS,
  DaemonSet: SyncWave.SERVERS,
  PodDisruptionBudget: SyncWave.SERVERS,
  HorizontalPodAutoscaler: SyncWave.SERVERS,
  Ingress: SyncWave.EDGE,
  ServiceMonitor: SyncWave.EDGE,
  PodMonitor: SyncWave.EDGE,
  CronJob: SyncWave.EDGE,
};

/** Kinds that get no wave: an Application's order is the root's business (ArgoApplication `syncWave`). */
const UNWAVED = new Set(['Application', 'ApplicationSet', 'AppProject']);

/** True for an apiVersion served by Kubernetes itself (`v1`, `apps/v1`, `*.k8s.io/*`), not by a CRD. */
export function isBuiltInApiVersion(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * The wave of an object: its own `argocd.argoproj.io/sync-wave` if it sets one, else its
 * kind's, else {@link SyncWave.SERVERS}; undefined for PostSync/PreSync hooks and Applications.
 */
export function syncWaveOf(obj: ManifestObject): SyncWave | number | undefined {
  const annotations = (obj.metadata.annotations ?? {}) as Record<string, string>;
  if (annotations[SYNC_WAVE_ANNOTATION] !== undefined) return Number(annotations[SYNC_WAVE_ANNOTATION]);
  if (UNWAVED.has(obj.kind)) return undefined;
  const hook = annotations[HOOK_ANNOTATION];
  if (hook !== undefined && hook !== 'Sync') return undefined;
  return SYNC_WAVE_BY_KIND[obj.kind] ?? SyncWave.SERVERS;
}

/**
 * The object as Argo CD should get it: with its sync wave, and, for a custom resource, the sync
 * option `SkipDryRunOnMissingResource=true` (its CRD may be installed by an earlier wave of the
 * same sync). Returns a copy; objects that set a wave themselves keep it. Applied by the writer
 * (`renderKustomizeDir`) to every object it writes.
 */
export function withSyncWave(obj: ManifestObject): ManifestObject {
  const wave = syncWaveOf(obj);
  const custom = !isBuiltInApiVersion(obj.apiVersion) && !UNWAVED.has(obj.kind);
  if (wave === undefined && !custom) return obj;
  const annotations = { ...((obj.metadata.annotations ?? {}) as Record<string, string>) };
  if (wave !== undefined) annotations[SYNC_WAVE_ANNOTATION] = String(wave);
  if (custom) {
    const options = (annotations[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').filter(Boolean);
    if (!options.includes('SkipDryRunOnMissingResource=true')) options.push('SkipDryRunOnMissingResource=true');
    annotations[SYNC_OPTIONS_ANNOTATION] = options.join(',');
  }
  // Keys in code-point order, as cdk8s writes them.
  return { ...obj, metadata: sortedKeys({ ...obj.metadata, annotations: sortedKeys(annotations) }) as ManifestObject['metadata'] };
}

function sortedKeys<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort(byCodePointOrder)) out[k] = o[k];
  return out as T;
}

function byCodePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
