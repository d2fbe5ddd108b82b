import { byCodePoint, FlowEdge, FlowNode, FlowShape, markdownTableCell as cell, mermaidId, renderFlowchart } from '../lib/synth';
import type { ManifestObject } from '../lib/synth';

/** One environment of a Terraform + KFP overlay target, as written to dist/. */
export interface GcpKfpEnvironmentFiles {
  readonly environment: string;
  /** The text of `terraform/<environment>/main.tf.json`. */
  readonly terraformJson: string;
  /** `kfp/<environment>/`: file name → object, `kustomization.yaml` included. */
  readonly overlay: ReadonlyArray<readonly [string, ManifestObject]>;
}

type Json = Record<string, unknown>;

/** A Terraform resource of main.tf.json. */
interface TfResource {
  readonly type: string;
  readonly name: string;
  readonly body: Json;
}

/**
 * The resource types drawn as nodes, in drawing order, with their label and shape. Everything
 * else (network plumbing, project APIs, SQL users, secret versions) is counted under the diagram;
 * IAM members are drawn as arrows.
 */
const DRAWN: ReadonlyArray<[string, FlowShape, (b: Json, databases: string[]) => string[]]> = [
  ['google_container_cluster', 'box', (b) => [`GKE cluster ${b.name}`, String(b.location)]],
  ['google_container_node_pool', 'box', (b) => {
    const nc = (b.node_config ?? {}) as Json;
    const as = (b.autoscaling ?? {}) as Json;
    return [`node pool ${b.name}`, `${nc.machine_type}, ${as.min_node_count}-${as.max_node_count} nodes`];
  }],
  ['google_compute_network', 'box', (b) => [`VPC ${b.name}`]],
  ['google_sql_database_instance', 'cylinder', (b, databases) => [`Cloud SQL ${b.name}`, `${b.database_version}, private IP`, `databases: ${databases.join(', ')}`]],
  ['google_storage_bucket', 'cylinder', (b) => [`GCS bucket ${b.name}`]],
  ['google_secret_manager_secret', 'cylinder', (b) => [`Secret Manager ${b.secret_id}`]],
  ['google_service_account', 'box', (b) => [`GSA ${b.account_id}`]],
];
const DRAWN_TYPES = DRAWN.map(([t]) => t);
/** Shown inside the label of what they belong to (databases in their Cloud SQL instance). */
const FOLDED_TYPES = ['google_sql_database'];

/** IAM members: arrows from the member to the resource named by this field, labelled with the role. */
const IAM_TARGET_FIELD: Readonly<Record<string, string>> = {
  google_storage_bucket_iam_member: 'bucket',
  google_secret_manager_secret_iam_member: 'secret_id',
  google_service_account_iam_member: 'service_account_id',
  google_project_iam_member: 'project',
};

const REFERENCE = /\$\{(google_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}/g;
const WORKLOAD_IDENTITY_USER = 'roles/iam.workloadIdentityUser';
const GSA_ANNOTATION = 'iam.gke.io/gcp-service-account';
/** Markers of the two halves of a Workload Identity binding, before they become one label. */
const ANNOTATED = '\0annotated';
const BOUND = '\0bound';

/** The `type.name` addresses a value references (`${google_x.y.attr}`), in order. */
function references(value: unknown): string[] {
  return [...JSON.stringify(value ?? null).matchAll(REFERENCE)].map((m) => `${m[1]}.${m[2]}`);
}

/** The references under each field of `body` (nested ones too), as [field name, address]. */
function fieldReferences(body: Json): Array<[string, string]> {
  return Object.entries(body).filter(([k]) => k !== 'depends_on').flatMap(([k, v]): Array<[string, string]> => {
    if (v && typeof v === 'object' && !Array.isArray(v)) return fieldReferences(v as Json);
    return references(v).map((a) => [k, a]);
  });
}

const tfId = (address: string) => mermaidId('tf', address);
const k8sId = (o: ManifestObject) => mermaidId('k8s', o.kind, o.metadata.namespace ?? '', o.metadata.name);
const ksaId = (namespace: string, name: string) => mermaidId('k8s', 'ServiceAccount', namespace, name);

/** The Mermaid flowchart of one environment, and what it did not draw. */
export function renderGcpKfpEnvironmentMermaid(env: GcpKfpEnvironmentFiles): { mermaid: string; notDrawn: Map<string, number> } {
  const tf = JSON.parse(env.terraformJson) as { resource?: Record<string, Record<string, Json>> };
  const resources: TfResource[] = Object.entries(tf.resource ?? {})
    .flatMap(([type, byName]) => Object.entries(byName).map(([name, body]) => ({ type, name, body })))
    .sort((a, b) => byCodePoint(`${a.type}.${a.name}`, `${b.type}.${b.name}`));
  const address = (r: TfResource) => `${r.type}.${r.name}`;
  const drawn = resources.filter((r) => DRAWN_TYPES.includes(r.type))
    .sort((a, b) => DRAWN_TYPES.indexOf(a.type) - DRAWN_TYPES.indexOf(b.type) || byCodePoint(address(a), address(b)));
  const drawnAddresses = new Set(drawn.map(address));
  const notDrawn = new Map<string, number>();
  for (const r of resources) {
    if (!drawnAddresses.has(address(r)) && !(r.type in IAM_TARGET_FIELD) && !FOLDED_TYPES.includes(r.type)) notDrawn.set(r.type, (notDrawn.get(r.type) ?? 0) + 1);
  }

  const edges = new Map<string, { from: string; to: string; labels: Set<string> }>();
  const edge = (from: string, to: string, label: string) => {
    const key = `${from} ${to}`;
    if (!edges.has(key)) edges.set(key, { from, to, labels: new Set() });
    edges.get(key)!.labels.add(label);
  };

  // Terraform: references between drawn resources (a node pool → its cluster), labelled with the field.
  for (const r of drawn) {
    for (const [field, target] of fieldReferences(r.body)) if (drawnAddresses.has(target) && target !== address(r)) edge(tfId(address(r)), tfId(target), field);
  }
  const byName = (type: string, field: string, value: unknown) => drawn.find((r) => r.type === type && r.body[field] === value);
  // A secret labelled with the Cloud SQL instance and user it holds the credentials of.
  for (const r of drawn.filter((d) => d.type === 'google_secret_manager_secret')) {
    const labels = (r.body.labels ?? {}) as Json;
    const instance = byName('google_sql_database_instance', 'name', labels['cloudsql-instance']);
    if (instance) edge(tfId(address(r)), tfId(address(instance)), `credentials of user ${labels['mysql-user']}`);
  }

  // Kubernetes: the overlay's objects; Workload Identity and IAM grants link them to Terraform.
  const objects = env.overlay.filter(([f]) => f !== 'kustomization.yaml');
  const k8sNodes: FlowNode[] = [];
  const ksas = new Set<string>();
  const extraNodes: FlowNode[] = [];
  const ksaNode = (namespace: string, name: string): string => {
    const id = ksaId(namespace, name);
    if (!ksas.has(id)) {
      ksas.add(id);
      extraNodes.push({ id, lines: [`KSA ${namespace}/${name}`, 'not in the overlay'], shape: 'round' });
    }
    return id;
  };
  for (const [file, o] of objects) {
    const ns = o.metadata.namespace;
    const qualified = ns ? `${ns}/${o.metadata.name}` : o.metadata.name;
    const spec = (o.spec ?? {}) as Json;
    if (o.kind === 'ServiceAccount') {
      ksas.add(k8sId(o));
      k8sNodes.push({ id: k8sId(o), lines: [`KSA ${qualified}`, ...(file.startsWith('patch-') ? ['patches upstream'] : [])] });
    } else if (o.kind === 'ExternalSecret') {
      const target = ((spec.target ?? {}) as Json).name ?? o.metadata.name;
      k8sNodes.push({ id: k8sId(o), lines: [`ExternalSecret ${qualified}`, `makes Secret ${target}`] });
    } else {
      k8sNodes.push({ id: k8sId(o), lines: [`${o.kind} ${qualified}`] });
    }
  }
  const kustomization = (env.overlay.find(([f]) => f === 'kustomization.yaml')?.[1] ?? {}) as Json;
  const bases = ((kustomization.resources ?? []) as string[]).filter((r) => r.includes('://') || r.startsWith('github.com/'));
  for (const [, o] of objects) {
    const spec = (o.spec ?? {}) as Json;
    const annotations = (o.metadata.annotations ?? {}) as Record<string, string>;
    if (o.kind === 'ServiceAccount' && annotations[GSA_ANNOTATION]) {
      const [account] = annotations[GSA_ANNOTATION].split('@');
      const gsa = byName('google_service_account', 'account_id', account);
      if (gsa) edge(k8sId(o), tfId(address(gsa)), ANNOTATED);
    }
    if (o.kind === 'ExternalSecret') {
      const store = spec.secretStoreRef as { kind: string; name: string } | undefined;
      const storeObject = store && objects.find(([, s]) => s.kind === store.kind && s.metadata.name === store.name)?.[1];
      if (storeObject) edge(k8sId(o), k8sId(storeObject), 'store');
      for (const d of (spec.data ?? []) as Array<{ remoteRef: { key: string; property?: string } }>) {
        const secret = byName('google_secret_manager_secret', 'secret_id', d.remoteRef.key);
        if (secret) edge(k8sId(o), tfId(address(secret)), `reads ${d.remoteRef.property ?? 'the value'}`);
      }
    }
    const sa = ((((spec.provider ?? {}) as Json).gcpsm as Json | undefined)?.auth as Json | undefined)?.workloadIdentity as Json | undefined;
    const ref = sa?.serviceAccountRef as { name: string; namespace: string } | undefined;
    if (ref) edge(k8sId(o), ksaNode(ref.namespace, ref.name), 'authenticates as');
    const cluster = sa && byName('google_container_cluster', 'name', sa.clusterName);
    if (cluster) edge(k8sId(o), tfId(address(cluster)), 'token of cluster');
  }
  // The settings KFP merges into its install config that name a drawn resource.
  const config = ((kustomization.configMapGenerator ?? []) as Array<{ name: string; literals?: string[] }>);
  const configNodes: FlowNode[] = [];
  for (const c of config) {
    const id = mermaidId('k8s', 'ConfigMap', c.name);
    let linked = false;
    for (const literal of c.literals ?? []) {
      const [key, value] = [literal.slice(0, literal.indexOf('=')), literal.slice(literal.indexOf('=') + 1)];
      const target = drawn.find((r) => r.body.name !== undefined && (value === r.body.name || value.startsWith(`gs://${r.body.name}/`)
        || (r.type === 'google_sql_database_instance' && value === `${r.body.project}:${r.body.region}:${r.body.name}`)));
      if (target) {
        edge(id, tfId(address(target)), key);
        linked = true;
      }
    }
    if (linked) configNodes.push({ id, lines: [`ConfigMap ${c.name}`, 'merged into upstream'] });
  }

  // IAM: member → resource, labelled with the roles; a Workload Identity member is a KSA.
  const gsaByMember = (member: unknown) => references(member).find((a) => drawnAddresses.has(a));
  // Project-wide roles are listed in the member's box (an arrow to the project would cross everything).
  const projectRoles = new Map<string, string[]>();
  for (const r of resources.filter((x) => x.type in IAM_TARGET_FIELD)) {
    const role = String(r.body.role).replace(/^roles\//, '');
    let to = references(r.body[IAM_TARGET_FIELD[r.type]]).find((a) => drawnAddresses.has(a));
    if (r.type === 'google_project_iam_member') {
      // A grant conditioned on one Cloud SQL instance points at that instance.
      const expression = String(((r.body.condition ?? {}) as Json).expression ?? '');
      const instance = drawn.find((d) => d.type === 'google_sql_database_instance' && expression.includes(`/instances/${d.body.name}"`));
      to = instance && address(instance);
    }
    const wi = String(r.body.role) === WORKLOAD_IDENTITY_USER && /^serviceAccount:[^[]+\[([^/]+)\/([^\]]+)\]$/.exec(String(r.body.member));
    const member = gsaByMember(r.body.member);
    if (wi && to) edge(ksaNode(wi[1], wi[2]), tfId(to), BOUND);
    else if (member && to) edge(tfId(member), tfId(to), role);
    else if (member && r.type === 'google_project_iam_member') projectRoles.set(member, [...(projectRoles.get(member) ?? []), role]);
  }
  const tfNodes: FlowNode[] = drawn.map((r) => {
    const [, shape, label] = DRAWN.find(([t]) => t === r.type)!;
    const databases = resources.filter((d) => d.type === 'google_sql_database' && references(d.body.instance).includes(address(r))).map((d) => String(d.body.name));
    const roles = projectRoles.get(address(r))?.sort(byCodePoint);
    return { id: tfId(address(r)), lines: [...label(r.body, databases.sort(byCodePoint)), ...(roles ? [`project: ${roles.join(', ')}`] : [])], shape };
  });

  // Workload Identity needs both halves: the KSA's annotation and the GSA's workloadIdentityUser grant.
  for (const e of edges.values()) {
    const annotated = e.labels.delete(ANNOTATED);
    const bound = e.labels.delete(BOUND);
    if (annotated || bound) e.labels.add(annotated && bound ? 'Workload Identity' : annotated ? 'annotated only: no workloadIdentityUser grant' : 'workloadIdentityUser grant, KSA not annotated');
  }
  const order = [...configNodes, ...k8sNodes, ...extraNodes, ...tfNodes].map((n) => n.id);
  const flowEdges: FlowEdge[] = [...edges.values()]
    .sort((a, b) => order.indexOf(a.from) - order.indexOf(b.from) || order.indexOf(a.to) - order.indexOf(b.to))
    .map((e) => ({ from: e.from, to: e.to, label: [...e.labels].sort(byCodePoint).join(', ') }));
  const project = drawn.find((r) => r.type === 'google_container_cluster')?.body.project ?? '';
  const mermaid = renderFlowchart({
    nodes: extraNodes,
    groups: [
      { id: mermaidId('kfp', env.environment), title: `kfp/${env.environment}: overlay of ${bases.join(', ') || 'nothing'}`, nodes: [...configNodes, ...k8sNodes] },
      { id: mermaidId('terraform', env.environment), title: `terraform/${env.environment}: project ${project}`, nodes: tfNodes },
    ],
    edges: flowEdges,
  });
  return { mermaid, notDrawn };
}

/**
 * The generated `dist/gcp-kfp/README.md`: per environment, a Mermaid diagram of what
 * `terraform/<environment>/main.tf.json` creates (GKE cluster and node pool, VPC, Cloud SQL,
 * GCS bucket, Secret Manager secret, Google service accounts) and what the `kfp/<environment>/`
 * overlay adds to the upstream Kubeflow Pipelines manifests, and how they connect: Kubernetes
 * service accounts → Google service accounts (Workload Identity) → the resources they are granted
 * (roles on the arrows). Read from the rendered Terraform JSON and objects; deterministic.
 */
export function renderGcpKfpReadme(name: string, environments: readonly GcpKfpEnvironmentFiles[]): string {
  const lines = [
    `# ${name}`,
    '',
    '<!-- Generated by `npm run synth`; do not edit. -->',
    '',
    'Kubeflow Pipelines on Google Cloud, one project per environment. `terraform/<environment>/main.tf.json`',
    '(plain Terraform JSON: `terraform init && terraform apply`) creates the cloud side; `kfp/<environment>/` is a',
    'kustomize overlay of the upstream KFP GCP manifests with that environment\'s values, which Argo CD deploys to',
    'the environment\'s cluster. KFP reaches Cloud SQL and GCS only as Google service accounts it is bound to by',
    'Workload Identity (no keys): follow an arrow from a KSA to its GSA, then to what the GSA is granted.',
    '',
  ];
  const rendered = environments.map((env) => ({ env, ...renderGcpKfpEnvironmentMermaid(env) }));
  const outputsOf = (env: GcpKfpEnvironmentFiles) => ((JSON.parse(env.terraformJson) as { output?: Record<string, { value: unknown }> }).output ?? {});
  const outputNames = [...new Set(environments.flatMap((e) => Object.keys(outputsOf(e))))].sort(byCodePoint);
  if (outputNames.length) {
    lines.push(
      `| Environment | ${outputNames.map(cell).join(' | ')} |`,
      `|---|${outputNames.map(() => '---|').join('')}`,
      ...environments.map((e) => `| ${cell(e.environment)} | ${outputNames.map((o) => cell(String(outputsOf(e)[o]?.value ?? ''))).join(' | ')} |`),
      '',
      'The columns are the Terraform outputs.',
      '',
    );
  }
  for (const { env, mermaid, notDrawn } of rendered) {
    const others = [...notDrawn].sort(([a], [b]) => byCodePoint(a, b)).map(([t, n]) => `${t} ×${n}`);
    lines.push(
      `## ${env.environment}`,
      '',
      '```mermaid',
      mermaid.trimEnd(),
      '```',
      '',
      `Not drawn: ${others.length ? others.join(', ') : 'nothing'}.`,
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
