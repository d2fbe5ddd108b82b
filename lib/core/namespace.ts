import { Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { enableAppChecks } from './app-checks';
import { ConnectionGraph, Peer } from './connections';
import { k8s } from './k8s';
import { networkPolicyPeer, networkPolicyPort } from './network-policy-renderer';
import { ARGOCD_SYNC_OPTIONS, KEEP_ON_DELETE, MANAGED_BY } from './labels';
import { Port } from './port';
import { checkDnsLabel, invalid } from './validate';

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
}

/**
 * A namespace enforcing the Pod Security Standards "restricted" profile, with default-deny
 * ingress and egress NetworkPolicies and an egress allow for DNS. Every other allow comes from
 * the {@link ConnectionGraph}.
 */
export class Namespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: NamespaceProps = {}) {
    super(scope, id);
    enableAppChecks(this);
    const chart = Chart.of(this);
    if (props.name === undefined && !chart.namespace) {
      // The usual cause is a Chart created without `namespace`, not a bad name.
      invalid(this, 'name', 'is needed because its Chart has no namespace', undefined,
        `create the Chart with a namespace, new Chart(app, '${chart.node.id}', { namespace: 'mlops' }), or pass name: 'mlops'`);
    }
    this.name = checkDnsLabel(this, 'name', props.name ?? chart.namespace!);
    const managed = { 'app.kubernetes.io/managed-by': MANAGED_BY };

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
      metadata: { name: 'default-deny-all', namespace: this.name, labels: managed },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    const dns = networkPolicyPeer(props.dns ?? Peer.namespace('kube-system', { 'k8s-app': 'kube-dns' }), this.name);
    new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', namespace: this.name, labels: managed },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [dns],
          ports: [Port.udp(53), Port.tcp(53)].map(networkPolicyPort),
        }],
      },
    });
    ConnectionGraph.of(this).guardNamespace(this.name);
  }
}
