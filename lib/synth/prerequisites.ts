import type { Connection } from '../core/peer';
import type { ManifestObject } from './manifest';
import { podOf } from './manifest-checks';

/** One thing an app relies on but does not render, as its README lists it. */
export interface Prerequisite {
  /** `CRD`, `ClusterIssuer`, `Issuer`, `ClusterSecretStore`, `SecretStore`, `Secret`, `ConfigMap`, `Service` or `Endpoint`. */
  readonly kind: string;
  /** The name (a Secret's, a kind's, a peer's). */
  readonly name: string;
  /** Where: `namespace kubeflow`, an API group, a port. */
  readonly where: string;
  /** Who needs it and why. */
  readonly usedBy: string;
}

/** API groups of Kubernetes itself: kinds from any other group need a CRD and its operator. */
const BUILT_IN_GROUP = /^(|apps|batch|policy|autoscaling|[a-z0-9.-]+\.k8s\.io)$/;

/** The operator behind a CRD group (for the reader: the CRD alone does nothing). */
const OPERATORS: Readonly<Record<string, string>> = {
  'external-secrets.io': 'External Secrets Operator',
  'k8s.keycloak.org': 'Keycloak Operator',
  'networking.istio.io': 'Istio',
  'security.istio.io': 'Istio',
  'serving.kserve.io': 'KServe',
  'kubeflow.org': 'Kubeflow (Profiles, PodDefaults admission webhook)',
  'argoproj.io': 'Argo CD',
  'cert-manager.io': 'cert-manager',
};

/**
 * The issuer cert-manager's ingress-shim uses for an Ingress's TLS Secret: a ClusterIssuer
 * (`cert-manager.io/cluster-issuer`) or an Issuer of the Ingress's namespace (`cert-manager.io/issuer`).
 */
function issuerOf(o: ManifestObject): { kind: string; name: string; where: string } | undefined {
  const a = (o.metadata.annotations ?? {}) as Record<string, string>;
  if (a['cert-manager.io/cluster-issuer']) return { kind: 'ClusterIssuer', name: a['cert-manager.io/cluster-issuer'], where: 'cert-manager' };
  if (a['cert-manager.io/issuer']) return { kind: 'Issuer', name: a['cert-manager.io/issuer'], where: nsText(o.metadata.namespace) };
  return undefined;
}

/** Kubernetes publishes these in every namespace itself (the root CA of the API server). */
const ALWAYS_PRESENT_CONFIG_MAPS = new Set(['kube-root-ca.crt']);

/** The order of the README's rows: operators first, then what the cluster admin creates, then peers. */
const KIND_ORDER = ['CRD', 'ClusterIssuer', 'Issuer', 'ClusterSecretStore', 'SecretStore', 'Secret', 'ConfigMap', 'Service', 'Endpoint'];

const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
const nsText = (ns: string | undefined) => (ns ? `namespace ${ns}` : 'cluster');

/**
 * Everything the app's objects reference that the app does not render: Secrets (env, envFrom,
 * volumes, projected volumes, image pull Secrets, Ingress TLS without cert-manager, a
 * ServiceAccount's secrets, Keycloak import placeholders), ConfigMaps, secret stores, the CRDs
 * (and operators) of its kinds, and the services outside the app its connections reach.
 * Deterministic: in object order, each once.
 */
export function prerequisitesOf(objects: readonly ManifestObject[], connections: readonly Connection[] = []): Prerequisite[] {
  const out = new Map<string, Prerequisite>();
  const add = (p: Prerequisite) => {
    const k = `${p.kind}|${p.where}|${p.name}`;
    if (!out.has(k)) out.set(k, p);
  };
  const rendered = (kind: string) => new Set(objects.filter((o) => o.kind === kind).map((o) => key(o.metadata.namespace, o.metadata.name)));
  const secrets = new Set([
    ...rendered('Secret'),
    ...objects.filter((o) => o.kind === 'ExternalSecret').map((o) => key(o.metadata.namespace, (o as any).spec?.target?.name ?? o.metadata.name)),
    // Issued by cert-manager for an Ingress of the app (its issuer is the prerequisite instead).
    ...objects.filter((o) => o.kind === 'Ingress' && issuerOf(o)).flatMap((o) => ((o as any).spec?.tls ?? []).map((t: any) => key(o.metadata.namespace, t.secretName))),
  ]);
  const configMaps = rendered('ConfigMap');
  const stores = new Set([...rendered('SecretStore'), ...rendered('ClusterSecretStore')]);
  const secret = (ns: string | undefined, name: string | undefined, usedBy: string) => {
    if (name && !secrets.has(key(ns, name))) add({ kind: 'Secret', name, where: nsText(ns), usedBy });
  };
  const configMap = (ns: string | undefined, name: string | undefined, usedBy: string) => {
    if (name && !configMaps.has(key(ns, name)) && !ALWAYS_PRESENT_CONFIG_MAPS.has(name)) add({ kind: 'ConfigMap', name, where: nsText(ns), usedBy });
  };

  for (const o of objects) {
    const ns = o.metadata.namespace;
    const who = `${o.kind} ${o.metadata.name}`;
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    if (!BUILT_IN_GROUP.test(group)) {
      const operator = Object.entries(OPERATORS).find(([g]) => group === g || group.endsWith(`.${g}`))?.[1];
      add({ kind: 'CRD', name: o.kind, where: `${group}/${version}`, usedBy: operator ?? 'its operator' });
    }
    podReferences(o, who, secret, configMap);
    const spec = (o as any).spec;
    if (o.kind === 'Ingress') {
      const issuer = issuerOf(o);
      for (const t of spec?.tls ?? []) {
        if (!t.secretName) continue;
        if (issuer) add({ ...issuer, usedBy: `${who} (cert-manager issues its TLS Secret \`${t.secretName}\`)` });
        else secret(ns, t.secretName, `${who} (TLS)`);
      }
    }
    if (o.kind === 'ServiceAccount') for (const ref of (o as any).secrets ?? []) secret(ns, ref.name, `${who} (secrets)`);
    if (o.kind === 'KeycloakRealmImport') {
      for (const [variable, p] of Object.entries((spec?.placeholders ?? {}) as Record<string, { secret?: { name?: string } }>)) secret(ns, p.secret?.name, `${who} (placeholder ${variable})`);
    }
    if (o.kind === 'ExternalSecret' && spec?.secretStoreRef?.name) {
      const storeKind = spec.secretStoreRef.kind ?? 'SecretStore';
      const storeNs = storeKind === 'ClusterSecretStore' ? undefined : ns;
      if (!stores.has(key(storeNs, spec.secretStoreRef.name))) add({ kind: storeKind, name: spec.secretStoreRef.name, where: nsText(storeNs), usedBy: who });
    }
  }
  // Services outside the app its connections reach (databases, stores, identity providers, gateways).
  // The address clients use where a construct knows it (an existing database's host), for every
  // connection to that peer and port, with the pods behind it (the port is theirs: NetworkPolicies see it).
  const services = new Map<string, string>();
  for (const c of connections) if (c.service && !services.has(`${c.to}|${c.port.number}`)) services.set(`${c.to}|${c.port.number}`, c.service);
  for (const c of connections) {
    if (c.to.workload) continue;
    // An address block stands for many hosts: only its own connection names one.
    const service = c.service ?? (c.to.data.kind === 'cidr' ? undefined : services.get(`${c.to}|${c.port.number}`));
    // An address block is an endpoint outside the cluster (a host name resolves to any address).
    add({ kind: c.to.data.kind === 'cidr' ? 'Endpoint' : 'Service', name: service ?? String(c.to), where: `${c.port.protocol} ${c.port.number}${service ? ` at ${c.to}` : ''}`, usedBy: c.description });
  }
  const rank = (p: Prerequisite) => (KIND_ORDER.indexOf(p.kind) + KIND_ORDER.length + 1) % (KIND_ORDER.length + 1);
  // Stable: object order within a kind.
  return [...out.values()].map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
}

type Reference = (ns: string | undefined, name: string | undefined, usedBy: string) => void;

/** The Secrets and ConfigMaps a workload's pod template names: image pull, volumes (projected too), env, envFrom. */
function podReferences(o: ManifestObject, who: string, secret: Reference, configMap: Reference): void {
  const s = podOf(o)?.spec;
  if (!s) return;
  const ns = o.metadata.namespace;
  for (const ref of s.imagePullSecrets ?? []) secret(ns, ref.name, `${who} (image pull)`);
  for (const v of s.volumes ?? []) {
    secret(ns, v.secret?.secretName, `${who} (volume ${v.name})`);
    configMap(ns, v.configMap?.name, `${who} (volume ${v.name})`);
    for (const src of v.projected?.sources ?? []) {
      secret(ns, src.secret?.name, `${who} (volume ${v.name})`);
      configMap(ns, src.configMap?.name, `${who} (volume ${v.name})`);
    }
  }
  for (const c of [...(s.initContainers ?? []), ...(s.containers ?? [])]) {
    for (const e of c.env ?? []) {
      secret(ns, e.valueFrom?.secretKeyRef?.name, `${who} (env ${e.name})`);
      configMap(ns, e.valueFrom?.configMapKeyRef?.name, `${who} (env ${e.name})`);
    }
    for (const f of c.envFrom ?? []) {
      secret(ns, f.secretRef?.name, `${who} (envFrom)`);
      configMap(ns, f.configMapRef?.name, `${who} (envFrom)`);
    }
  }
}

/** The README's "Prerequisites" section (lines, without a trailing blank). */
export function renderPrerequisites(prereqs: readonly Prerequisite[]): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['## Prerequisites', ''];
  if (!prereqs.length) {
    lines.push('None: the app renders every Secret, ConfigMap and custom resource it uses.');
    return lines;
  }
  lines.push(
    'What the app relies on but does not render: create these (or install the operators) before the first sync.',
    '',
    '| Kind | Name | Where | Used by |',
    '|---|---|---|---|',
    ...prereqs.map((p) => `| ${p.kind} | \`${cell(p.name)}\` | ${cell(p.where)} | ${cell(p.usedBy)} |`),
  );
  return lines;
}
