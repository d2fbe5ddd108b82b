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
  return new EnvironmentDiagram(env).render();
}

const addressOf = (r: TfResource) => `${r.type}.${r.name}`;

/**
 * The drawing of one environment, in its phases: read the Terraform resources, then add the
 * Terraform edges, the overlay's nodes and edges, the install-config links and the IAM grants,
 * each by a method; {@link render} runs them in that order (extra KSA nodes appear in it).
 */
class EnvironmentDiagram {
  private readonly resources: TfResource[];
  private readonly drawn: TfResource[];
  private readonly drawnAddresses: Set<string>;
  private readonly objects: ReadonlyArray<readonly [string, ManifestObject]>;
  private readonly kustomization: Json;
  private readonly edges = new Map<string, { from: string; to: string; labels: Set<string> }>();
  private readonly ksas = new Set<string>();
  /** KSAs that grants or stores name but the overlay does not hold. */
  private readonly extraNodes: FlowNode[] = [];

  constructor(private readonly env: GcpKfpEnvironmentFiles) {
    const tf = JSON.parse(env.terraformJson) as { resource?: Record<string, Record<string, Json>> };
    this.resources = Object.entries(tf.resource ?? {})
      .flatMap(([type, byName]) => Object.entries(byName).map(([name, body]) => ({ type, name, body })))
      .sort((a, b) => byCodePoint(addressOf(a), addressOf(b)));
    this.drawn = this.resources.filter((r) => DRAWN_TYPES.includes(r.type))
      .sort((a, b) => DRAWN_TYPES.indexOf(a.type) - DRAWN_TYPES.indexOf(b.type) || byCodePoint(addressOf(a), addressOf(b)));
    this.drawnAddresses = new Set(this.drawn.map(addressOf));
    this.objects = env.overlay.filter(([f]) => f !== 'kustomization.yaml');
    this.kustomization = (env.overlay.find(([f]) => f === 'kustomization.yaml')?.[1] ?? {}) as Json;
  }

  public render(): { mermaid: string; notDrawn: Map<string, number> } {
    this.addTerraformEdges();
    const k8sNodes = this.k8sNodes();
    this.addK8sEdges();
    const configNodes = this.configNodes();
    const projectRoles = this.addIamEdges();
    const tfNodes = this.tfNodes(projectRoles);
    this.mergeWorkloadIdentityHalves();
    const order = [...configNodes, ...k8sNodes, ...this.extraNodes, ...tfNodes].map((n) => n.id);
    const flowEdges: FlowEdge[] = [...this.edges.values()]
      .sort((a, b) => order.indexOf(a.from) - order.indexOf(b.from) || order.indexOf(a.to) - order.indexOf(b.to))
      .map((e) => ({ from: e.from, to: e.to, label: [...e.labels].sort(byCodePoint).join(', ') }));
    const project = this.drawn.find((r) => r.type === 'google_container_cluster')?.body.project ?? '';
    const bases = ((this.kustomization.resources ?? []) as string[]).filter((r) => r.includes('://') || r.startsWith('github.com/'));
    const env = this.env.environment;
    const mermaid = renderFlowchart({
      nodes: this.extraNodes,
      groups: [
        { id: mermaidId('kfp', env), title: `kfp/${env}: overlay of ${bases.join(', ') || 'nothing'}`, nodes: [...configNodes, ...k8sNodes] },
        { id: mermaidId('terraform', env), title: `terraform/${env}: project ${project}`, nodes: tfNodes },
      ],
      edges: flowEdges,
    });
    return { mermaid, notDrawn: this.notDrawn() };
  }

  /** Resource types neither drawn, folded into a label, nor drawn as IAM arrows, with their counts. */
  private notDrawn(): Map<string, number> {
    const notDrawn = new Map<string, number>();
    for (const r of this.resources) {
      if (!this.drawnAddresses.has(addressOf(r)) && !(r.type in IAM_TARGET_FIELD) && !FOLDED_TYPES.includes(r.type)) notDrawn.set(r.type, (notDrawn.get(r.type) ?? 0) + 1);
    }
    return notDrawn;
  }

  private edge(from: string, to: string, label: string): void {
    const key = `${from} ${to}`;
    if (!this.edges.has(key)) this.edges.set(key, { from, to, labels: new Set() });
    this.edges.get(key)!.labels.add(label);
  }

  private byName(type: string, field: string, value: unknown): TfResource | undefined {
    return this.drawn.find((r) => r.type === type && r.body[field] === value);
  }

  /** The node of a KSA, added as an extra node when the overlay does not hold it. */
  private ksaNode(namespace: string, name: string): string {
    const id = ksaId(namespace, name);
    if (!this.ksas.has(id)) {
      this.ksas.add(id);
      this.extraNodes.push({ id, lines: [`KSA ${namespace}/${name}`, 'not in the overlay'], shape: 'round' });
    }
    return id;
  }

  /** References between drawn resources (a node pool → its cluster), labelled with the field; a secret → the instance whose user it holds. */
  private addTerraformEdges(): void {
    for (const r of this.drawn) {
      for (const [field, target] of fieldReferences(r.body)) if (this.drawnAddresses.has(target) && target !== addressOf(r)) this.edge(tfId(addressOf(r)), tfId(target), field);
    }
    for (const r of this.drawn.filter((d) => d.type === 'google_secret_manager_secret')) {
      const labels = (r.body.labels ?? {}) as Json;
      const instance = this.byName('google_sql_database_instance', 'name', labels['cloudsql-instance']);
      if (instance) this.edge(tfId(addressOf(r)), tfId(addressOf(instance)), `credentials of user ${labels['mysql-user']}`);
    }
  }

  /** The overlay's objects, a node each. */
  private k8sNodes(): FlowNode[] {
    const nodes: FlowNode[] = [];
    for (const [file, o] of this.objects) {
      const ns = o.metadata.namespace;
      const qualified = ns ? `${ns}/${o.metadata.name}` : o.metadata.name;
      const spec = (o.spec ?? {}) as Json;
      if (o.kind === 'ServiceAccount') {
        this.ksas.add(k8sId(o));
        nodes.push({ id: k8sId(o), lines: [`KSA ${qualified}`, ...(file.startsWith('patch-') ? ['patches upstream'] : [])] });
      } else if (o.kind === 'ExternalSecret') {
        const target = ((spec.target ?? {}) as Json).name ?? o.metadata.name;
        nodes.push({ id: k8sId(o), lines: [`ExternalSecret ${qualified}`, `makes Secret ${target}`] });
      } else {
        nodes.push({ id: k8sId(o), lines: [`${o.kind} ${qualified}`] });
      }
    }
    return nodes;
  }

  /** Workload Identity annotations, ExternalSecrets' stores and secrets, and the store's identity, linking the overlay to Terraform. */
  private addK8sEdges(): void {
    for (const [, o] of this.objects) {
      const spec = (o.spec ?? {}) as Json;
      const annotations = (o.metadata.annotations ?? {}) as Record<string, string>;
      if (o.kind === 'ServiceAccount' && annotations[GSA_ANNOTATION]) {
        const [account] = annotations[GSA_ANNOTATION].split('@');
        const gsa = this.byName('google_service_account', 'account_id', account);
        if (gsa) this.edge(k8sId(o), tfId(addressOf(gsa)), ANNOTATED);
      }
      if (o.kind === 'ExternalSecret') {
        const store = spec.secretStoreRef as { kind: string; name: string } | undefined;
        const storeObject = store && this.objects.find(([, s]) => s.kind === store.kind && s.metadata.name === store.name)?.[1];
        if (storeObject) this.edge(k8sId(o), k8sId(storeObject), 'store');
        for (const d of (spec.data ?? []) as Array<{ remoteRef: { key: string; property?: string } }>) {
          const secret = this.byName('google_secret_manager_secret', 'secret_id', d.remoteRef.key);
          if (secret) this.edge(k8sId(o), tfId(addressOf(secret)), `reads ${d.remoteRef.property ?? 'the value'}`);
        }
      }
      const sa = ((((spec.provider ?? {}) as Json).gcpsm as Json | undefined)?.auth as Json | undefined)?.workloadIdentity as Json | undefined;
      const ref = sa?.serviceAccountRef as { name: string; namespace: string } | undefined;
      if (ref) this.edge(k8sId(o), this.ksaNode(ref.namespace, ref.name), 'authenticates as');
      const cluster = sa && this.byName('google_container_cluster', 'name', sa.clusterName);
      if (cluster) this.edge(k8sId(o), tfId(addressOf(cluster)), 'token of cluster');
    }
  }

  /** The settings KFP merges into its install config that name a drawn resource. */
  private configNodes(): FlowNode[] {
    const config = ((this.kustomization.configMapGenerator ?? []) as Array<{ name: string; literals?: string[] }>);
    const nodes: FlowNode[] = [];
    for (const c of config) {
      const id = mermaidId('k8s', 'ConfigMap', c.name);
      let linked = false;
      for (const literal of c.literals ?? []) {
        const [key, value] = [literal.slice(0, literal.indexOf('=')), literal.slice(literal.indexOf('=') + 1)];
        const target = this.drawn.find((r) => r.body.name !== undefined && (value === r.body.name || value.startsWith(`gs://${r.body.name}/`)
          || (r.type === 'google_sql_database_instance' && value === `${r.body.project}:${r.body.region}:${r.body.name}`)));
        if (target) {
          this.edge(id, tfId(addressOf(target)), key);
          linked = true;
        }
      }
      if (linked) nodes.push({ id, lines: [`ConfigMap ${c.name}`, 'merged into upstream'] });
    }
    return nodes;
  }

  /**
   * IAM: member → resource, labelled with the roles; a Workload Identity member is a KSA.
   * Returns the project-wide roles per member, listed in the member's box (an arrow to the
   * project would cross everything).
   */
  private addIamEdges(): Map<string, string[]> {
    const gsaByMember = (member: unknown) => references(member).find((a) => this.drawnAddresses.has(a));
    const projectRoles = new Map<string, string[]>();
    for (const r of this.resources.filter((x) => x.type in IAM_TARGET_FIELD)) {
      const role = String(r.body.role).replace(/^roles\//, '');
      let to = references(r.body[IAM_TARGET_FIELD[r.type]]).find((a) => this.drawnAddresses.has(a));
      if (r.type === 'google_project_iam_member') {
        // A grant conditioned on one Cloud SQL instance points at that instance.
        const expression = String(((r.body.condition ?? {}) as Json).expression ?? '');
        const instance = this.drawn.find((d) => d.type === 'google_sql_database_instance' && expression.includes(`/instances/${d.body.name}"`));
        to = instance && addressOf(instance);
      }
      const wi = String(r.body.role) === WORKLOAD_IDENTITY_USER && /^serviceAccount:[^[]+\[([^/]+)\/([^\]]+)\]$/.exec(String(r.body.member));
      const member = gsaByMember(r.body.member);
      if (wi && to) this.edge(this.ksaNode(wi[1], wi[2]), tfId(to), BOUND);
      else if (member && to) this.edge(tfId(member), tfId(to), role);
      else if (member && r.type === 'google_project_iam_member') projectRoles.set(member, [...(projectRoles.get(member) ?? []), role]);
    }
    return projectRoles;
  }

  /** The drawn Terraform resources, a Cloud SQL instance with its databases, a member with its project roles. */
  private tfNodes(projectRoles: Map<string, string[]>): FlowNode[] {
    return this.drawn.map((r) => {
      const [, shape, label] = DRAWN.find(([t]) => t === r.type)!;
      const databases = this.resources.filter((d) => d.type === 'google_sql_database' && references(d.body.instance).includes(addressOf(r))).map((d) => String(d.body.name));
      const roles = projectRoles.get(addressOf(r))?.sort(byCodePoint);
      return { id: tfId(addressOf(r)), lines: [...label(r.body, databases.sort(byCodePoint)), ...(roles ? [`project: ${roles.join(', ')}`] : [])], shape };
    });
  }

  /** Workload Identity needs both halves: the KSA's annotation and the GSA's workloadIdentityUser grant. */
  private mergeWorkloadIdentityHalves(): void {
    for (const e of this.edges.values()) {
      const annotated = e.labels.delete(ANNOTATED);
      const bound = e.labels.delete(BOUND);
      if (annotated || bound) e.labels.add(annotated && bound ? 'Workload Identity' : annotated ? 'annotated only: no workloadIdentityUser grant' : 'workloadIdentityUser grant, KSA not annotated');
    }
  }
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
