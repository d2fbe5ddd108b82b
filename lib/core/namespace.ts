import { Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { LibraryConstruct } from './library-construct';
import { ConnectionGraph, Peer } from './connections';
import { k8s } from './k8s';
import { ExternalWorkloadIngressRenderer, networkPolicyPeer, networkPolicyPort } from './network-policy-renderer';
import { ARGOCD_SYNC_OPTIONS, KEEP_ON_DELETE, MANAGED_BY } from './labels';
import { Port } from './port';
import { checkDnsLabel, checkInstance, checkLabels, invalid } from './validate';

export interface NamespaceProps {
  /**
   * The namespace name.
   * @default - the namespace of the enclosing Chart
   */
  readonly name?: string;
  /**
   * Whether to render the Namespace object itself. Set `false` when the namespace is created
   * elsewhere (by the cluster team); the default-deny policies are rendered either way.
   * @default true
   */
  readonly create?: boolean;
  /**
   * Where cluster DNS runs, for the egress allow every pod needs.
   * @default Peer.namespace('kube-system', { 'k8s-app': 'kube-dns' })
   */
  readonly dns?: Peer;
  /** Extra labels for the Namespace object (for example `istio-injection: enabled`). @default - none */
  readonly labels?: Record<string, string>;
  /**
   * Which pods the default-deny and the namespace-wide allows (DNS) select. In a namespace the app
   * owns, every pod. In a namespace another installation owns (Kubeflow's `kubeflow`, a Kubeflow
   * profile), a namespace-wide deny would cut off that installation's pods, whose traffic this app
   * does not declare: use {@link PolicyScope.APP_PODS} there, with `create: false`.
   * @default PolicyScope.ALL_PODS
   */
  readonly policyScope?: PolicyScope;
  /**
   * Whether the installation that owns this namespace already isolates its pods with NetworkPolicies
   * of its own (Kubeflow's `default-allow-same-namespace` selects every pod of `kubeflow`). Then each
   * of its pods the app connects to (a `Peer.externalWorkload` with `podLabels` here) gets an ingress
   * NetworkPolicy `<name>-ingress` (in scope {@link PolicyScope.APP_PODS}: `<name>-ingress-mlops-cdk8s`)
   * with exactly the declared connections to it; without one, clients in other namespaces are refused.
   * Leave it off where those pods are not isolated: the first policy selecting them would isolate them.
   * @default false
   */
  readonly admitToExternalWorkloads?: boolean;
}

/** The pods a {@link Namespace}'s default-deny and namespace-wide allows apply to. */
export class PolicyScope {
  /** Every pod of the namespace (`podSelector: {}`): the namespace belongs to the app. */
  public static readonly ALL_PODS = new PolicyScope('all pods', {}, '');
  /**
   * Only the pods this library renders, which all carry `app.kubernetes.io/managed-by:
   * mlops-cdk8s` (KServe copies an InferenceService's labels to its pods): for a namespace the app
   * shares with another installation, whose pods keep the policies that installation gives them.
   */
  public static readonly APP_PODS = new PolicyScope('the app\'s pods', { 'app.kubernetes.io/managed-by': MANAGED_BY }, `-${MANAGED_BY}`);
  private constructor(
    /** For messages: `all pods`. */
    public readonly description: string,
    /** The `matchLabels` of the selected pods; empty for every pod. */
    public readonly podLabels: Readonly<Record<string, string>>,
    private readonly suffix: string,
  ) {}

  /**
   * The name of a namespace-wide policy in this scope: `default-deny-all`, or in a shared namespace
   * `default-deny-all-mlops-cdk8s`, so it never replaces an object of the same name that the other
   * installation owns.
   */
  public policyName(base: string): string {
    return `${base}${this.suffix}`;
  }

  /** The selector as a NetworkPolicy `podSelector`. */
  public get podSelector(): k8s.LabelSelector {
    return Object.keys(this.podLabels).length ? { matchLabels: { ...this.podLabels } } : {};
  }
}

/**
 * A namespace enforcing the Pod Security Standards "restricted" profile, with default-deny
 * ingress and egress NetworkPolicies and an egress allow for DNS. Every other allow comes from
 * the {@link ConnectionGraph}.
 */
export class Namespace extends LibraryConstruct {
  public readonly name: string;
  /** The pods the default deny selects. */
  public readonly policyScope: PolicyScope;

  constructor(scope: Construct, id: string, props: NamespaceProps = {}) {
    super(scope, id, props);
    const chart = Chart.of(this);
    if (props.name === undefined && !chart.namespace) {
      // The usual cause is a Chart created without `namespace`, not a bad name.
      invalid(this, 'name', 'is needed because its Chart has no namespace', undefined,
        `create the Chart with a namespace, new Chart(app, '${chart.node.id}', { namespace: 'mlops' }), or pass name: 'mlops'`);
    }
    // A name taken from the Chart is the Chart's namespace prop: blame that, not `name`.
    this.name = checkDnsLabel(props.name === undefined ? chart : this, props.name === undefined ? 'namespace' : 'name', props.name ?? chart.namespace!);
    checkLabels(this, 'labels', props.labels);
    if (props.dns !== undefined) checkInstance(this, 'dns', props.dns, Peer, 'a Peer', "pass Peer.namespace('kube-system', { 'k8s-app': 'kube-dns' })");
    const managed = { 'app.kubernetes.io/managed-by': MANAGED_BY };
    if (props.policyScope !== undefined && !(props.policyScope instanceof PolicyScope)) {
      invalid(this, 'policyScope', 'must be PolicyScope.ALL_PODS or PolicyScope.APP_PODS', props.policyScope, 'write policyScope: PolicyScope.APP_PODS');
    }
    this.policyScope = props.policyScope ?? PolicyScope.ALL_PODS;
    const podSelector = this.policyScope.podSelector;

    if (props.create ?? true) {
      const ns = new k8s.KubeNamespace(this, 'Resource', {
        metadata: {
          name: this.name,
          // Deleting or pruning the Argo CD Application must never delete the namespace, and with it
          // every PersistentVolumeClaim (databases, object stores) in it.
          annotations: { [ARGOCD_SYNC_OPTIONS]: KEEP_ON_DELETE },
          labels: {
            ...props.labels,
            ...managed,
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'v1.28',
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
        },
      });
      // A Namespace is cluster-scoped: drop the namespace the Chart stamps on every object.
      if (chart.namespace) ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }

    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: this.policyScope.policyName('default-deny-all'), namespace: this.name, labels: managed },
      spec: { podSelector, policyTypes: ['Ingress', 'Egress'] },
    });

    const dns = networkPolicyPeer(props.dns ?? Peer.namespace('kube-system', { 'k8s-app': 'kube-dns' }), this.name);
    new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: this.policyScope.policyName('allow-dns'), namespace: this.name, labels: managed },
      spec: {
        podSelector,
        policyTypes: ['Egress'],
        egress: [{
          to: [dns],
          ports: [Port.udp(53), Port.tcp(53)].map(networkPolicyPort),
        }],
      },
    });
    ConnectionGraph.of(this).guardNamespace(this.name);
    if (props.admitToExternalWorkloads) {
      ConnectionGraph.of(this).addRenderer(new ExternalWorkloadIngressRenderer(this, this.name, (n) => this.policyScope.policyName(n)));
    }
  }
}
