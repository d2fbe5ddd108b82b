import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { renderScriptJob } from '../core/batch';
import { ConnectionGraph, Peer } from '../core/connections';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { EnvValue } from '../core/pod';
import { Port } from '../core/port';
import { PYTHON_JOB_IMAGE, pythonScript } from '../core/python-job';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { checkDnsLabel, checkDnsSubdomain, invalid } from '../core/validate';
import { checkFactoryProps } from '../core/props-guard';

/** One item of the dashboard's left-hand menu (`links.menuLinks[]` of `centraldashboard-config`). */
export interface DashboardMenuItem {
  /** The menu text. */
  readonly text: string;
  /** A path on the Kubeflow gateway, starting with "/"; the dashboard shows it in its iframe. */
  readonly link: string;
  /** A Polymer iron-icon: `icons:cached`, `kubeflow:katib`, `book`. */
  readonly icon: string;
}

export interface CentralDashboardLinkProps {
  readonly item: DashboardMenuItem;
  /** The Job, ServiceAccount and Role name. @default - `dashboard-link-<text in lower case>` */
  readonly name?: string;
  /** @default "centraldashboard-config" */
  readonly configMapName?: string;
  /** The namespace of the central dashboard; the chart must have it. @default "kubeflow" */
  readonly dashboardNamespace?: string;
  /**
   * Where the Kubernetes API server is, for the Job's egress rule. NetworkPolicies see the API
   * server's endpoint after the `kubernetes` Service is translated, so the rule allows ports 443
   * and 6443 (kubeadm, RKE2 and k3s serve on 6443, GKE and EKS on 443). Narrow it to your
   * control plane with `Peer.cidr('10.0.0.10/32')` where you know the address.
   * @default Peer.anyAddress() on 443 and 6443
   */
  readonly apiServer?: Peer;
  /** A Python 3 image (standard library only). @default CentralDashboardLink.DEFAULT_IMAGE */
  readonly image?: string;
}

const ICON = /^[a-z0-9-]+(:[a-z0-9-]+)?$/;

/**
 * Adds a menu entry to Kubeflow's central dashboard. The dashboard's `centraldashboard-config`
 * ConfigMap belongs to the Kubeflow installation, and its `links` value is one JSON document, so
 * neither a second ConfigMap nor a kustomize patch (which only patches objects of the same
 * kustomization) can add to it. Instead an idempotent Job reads the ConfigMap, appends the item to
 * `menuLinks` unless an item with the same link exists, and writes it back with a merge patch
 * guarded by the resourceVersion it read. It runs as an Argo CD PostSync hook (after its RBAC is
 * applied) and equally under `kubectl apply -k`; re-running it changes nothing. Its Role can only
 * get and patch that one ConfigMap (`resourceNames`).
 *
 * The ConfigMap's name, namespace and `links.menuLinks[]` item shape (`type`, `link`, `text`,
 * `icon`) are Kubeflow's: kubeflow/manifests v1.10.0 apps/centraldashboard/upstream/base/configmap.yaml,
 * the same in v1.11.0 (applications/centraldashboard/upstream/base/configmap.yaml). Note that
 * Kubeflow's own sync (kustomize apply of that file) would put its `links` back.
 *
 * The entry is not removed when the app is deleted: remove it from the ConfigMap by hand.
 */
export class CentralDashboardLink extends WorkloadComponent {
  /** Python with the standard library: all the script needs. */
  public static readonly DEFAULT_IMAGE = PYTHON_JOB_IMAGE.reference;
  /** The MLflow-in-Kubeflow guide's MLflow entry. */
  public static readonly MLFLOW: DashboardMenuItem = { text: 'MLflow', link: '/mlflow/#', icon: 'icons:cached' };

  /** The MLflow-in-Kubeflow guide's menu entry for MLflow (`/mlflow/#`, `MLflow`, `icons:cached`). */
  public static mlflow(scope: Construct, id: string, props: Omit<CentralDashboardLinkProps, 'item'> = {}): CentralDashboardLink {
    checkFactoryProps('CentralDashboardLink.mlflow', scope, id, props);
    return new CentralDashboardLink(scope, id, { ...props, item: CentralDashboardLink.MLFLOW });
  }

  public readonly item: DashboardMenuItem;
  public readonly configMapName: string;
  /** The Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: CentralDashboardLinkProps) {
    const item = props?.item;
    const slug = typeof item?.text === 'string' ? item.text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 37) : '';
    super(scope, id, props);
    const w = this.attachWorkload(new Workload(this, 'Workload', {
      owner: this, name: 'kubeflow', instance: props?.name ?? `dashboard-link-${slug || 'item'}`, component: 'dashboard-link',
    }));
    if (!item || typeof item.text !== 'string' || item.text.trim() === '' || item.text.length > 64) {
      invalid(this, 'item.text', 'must be a non-empty menu text of at most 64 characters', item?.text, 'write it as "MLflow"');
    }
    if (typeof item.link !== 'string' || !/^\/[^\s"'<>\\]*$/.test(item.link) || item.link.startsWith('//')) {
      invalid(this, 'item.link', 'must be a path on the Kubeflow gateway, starting with a single "/"', item.link, 'write it as "/mlflow/#"');
    }
    if (typeof item.icon !== 'string' || !ICON.test(item.icon)) {
      invalid(this, 'item.icon', 'must be an iron-icon name ([set:]name)', item.icon, 'use an icon such as "icons:cached"');
    }
    this.item = { text: item.text, link: item.link, icon: item.icon };
    const dashboardNamespace = checkDnsLabel(this, 'dashboardNamespace', props.dashboardNamespace ?? 'kubeflow');
    if (Chart.of(this).namespace !== dashboardNamespace) {
      invalid(this, 'chart namespace', `must be the dashboard's namespace "${dashboardNamespace}" (the Job patches a ConfigMap there)`, Chart.of(this).namespace,
        `create it in a Chart with namespace: '${dashboardNamespace}', or set dashboardNamespace`);
    }
    this.configMapName = checkDnsSubdomain(this, 'configMapName', props.configMapName ?? 'centraldashboard-config');
    if (props.apiServer !== undefined && !(props.apiServer instanceof Peer)) {
      invalid(this, 'apiServer', 'must be a Peer', typeof props.apiServer, "pass Peer.cidr('10.0.0.10/32')");
    }
    const apiServer = props.apiServer ?? Peer.anyAddress();
    for (const port of [443, 6443]) {
      ConnectionGraph.of(this).allow(Peer.workload(this), apiServer, Port.tcp(port), `${this.item.text} menu entry: Kubernetes API (${this.configMapName})`);
    }

    const role = new k8s.KubeRole(this, 'Role', {
      metadata: { name: w.workloadName, labels: w.labels },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [this.configMapName], verbs: ['get', 'patch'] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: w.workloadName, labels: w.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }],
    });
    this.resource = renderScriptJob(this, w, {
      ...pythonScript(__dirname, 'dashboard_link.py'),
      name: 'add-link',
      image: ContainerImage.fromReference(props.image ?? CentralDashboardLink.DEFAULT_IMAGE, this, 'image'),
      env: [
        ['NAMESPACE', EnvValue.literal(this.namespace)],
        ['CONFIGMAP', EnvValue.literal(this.configMapName)],
        ['ENTRY', EnvValue.literal(JSON.stringify({ type: 'item', link: this.item.link, text: this.item.text, icon: this.item.icon }))],
      ],
      volumeMounts: [{ name: 'api-token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
      volumes: [
        // What automounting would give, but explicit and short-lived: the token, the cluster CA.
        {
          name: 'api-token',
          projected: {
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 600 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        },
      ],
      hook: 'PostSync',
      backoffLimit: 2,
      activeDeadlineSeconds: 600,
      // Kubeflow's namespace has sidecar injection on; a sidecar would keep the Job from completing.
      podAnnotations: { 'sidecar.istio.io/inject': 'false' },
    });
  }
}
