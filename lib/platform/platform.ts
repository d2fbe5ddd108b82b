import { IConstruct } from 'constructs';
import { Peer } from '../core/connections';
import { checkNestedProps, checkOptionsProps } from '../core/props-guard';
import { checkCidr, checkDnsLabel, checkLabels, invalid } from '../core/validate';
import { ExpectedRoute, expectFlow, expectRoute, FlowHop } from './flows';

/** A group of pods the platform runs, for the reachability check: who they are to a policy. */
export interface PlatformPods {
  /** For messages: `Kubeflow Pipelines run pod`. */
  readonly description: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  /** Whether the pods run an Istio proxy (a sidecar or a gateway's Envoy): they speak mTLS. */
  readonly sidecar: boolean;
}

/** An Istio gateway of the platform: the pods that serve it, and the port they listen on. */
export interface PlatformGateway extends PlatformPods {
  /** The container port the gateway's Service forwards to. */
  readonly port: number;
}

/** Where public host names of the cluster's own ingress controller lead. */
export interface IngressControllerFacts {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  /**
   * Whether a pod that opens a public host name served by this controller reaches the controller
   * pods inside the cluster. It does when the controller's Service of type LoadBalancer reports an
   * IP in `status.loadBalancer.ingress[].ip` and kube-proxy runs: it DNATs that IP to the Service's
   * endpoints in KUBE-SERVICES, which pods' packets traverse too (kube-proxy's iptables mode,
   * pkg/proxy/iptables/proxier.go, "Capture load-balancer ingress": read in kubernetes/kubernetes
   * through code search at versions other than the 1.28 we target, since no v1.28 tag of that
   * repository can be read here; not confirmed at v1.28). In the 1.28 API a load-balancer ingress
   * point has only `hostname`, `ip` and `ports` (cdk8s' Kubernetes v1.28.0 definitions, the ones
   * crds/sources.json pins: io.k8s.api.core.v1.LoadBalancerIngress), so at 1.28 every reported IP
   * is captured; the `ipMode: Proxy` opt-out (KEP-1860, pkg/proxy/util/utils.go `IsVIPMode`) is
   * newer than 1.28 and not checked at a tag. It does not when the load balancer is known by host
   * name, reports `ipMode: Proxy` on a newer cluster that honours it,
   * or sits in front of the cluster without being the Service's status (EOEPCA's guide): then the
   * traffic leaves the cluster for the load balancer's addresses, {@link loadBalancerCidr}. What a
   * kube-proxy replacement (Cilium, GKE Dataplane V2) does with the load balancer's IP is not
   * checked here.
   *
   * Which one holds depends on the load balancer, so no preset assumes it: reading
   * {@link Platform.publicEndpointPeer} without it fails synth. Under Cilium (Canonical Kubernetes,
   * GKE Dataplane V2) a wrong guess is not harmless: an ipBlock never matches the controller pods
   * there, so "no hairpin" would pass the check with `0.0.0.0/0` and be denied on the cluster.
   * @default - not known: an app that reaches public names must say
   */
  readonly hairpin?: boolean;
  /** The load balancer's addresses, when traffic to them leaves the cluster. @default - any address */
  readonly loadBalancerCidr?: string;
}

/** Options of {@link Platform.generic} and the other cluster presets. */
export interface ClusterOptions {
  /**
   * The cluster's ingress controller, when an app reaches public host names it serves (a Keycloak,
   * a GitLab, an S3 endpoint behind the same ingress).
   * @default - ingress-nginx from its official manifests: namespace `ingress-nginx`, labels
   * `app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller`; `hairpin` not
   * known (an app that reaches public names through it must say, see {@link IngressControllerFacts.hairpin})
   */
  readonly ingressController?: Partial<IngressControllerFacts>;
}

/** The Kubeflow releases with a preset. */
export type KubeflowRelease = '1.10' | '1.11';

/** Options of {@link Platform.kubeflow}. */
export interface KubeflowPlatformOptions {
  /** The Kubernetes cluster Kubeflow runs on. @default Platform.generic() */
  readonly cluster?: Platform;
  /** Kubeflow's namespace. @default "kubeflow" */
  readonly namespace?: string;
}

/** The object store behind Kubeflow Pipelines' `minio-service`. */
export interface KubeflowObjectStore {
  /** `MinIO` or `SeaweedFS`. */
  readonly product: string;
  /** The pods behind `minio-service` (their labels and service account). */
  readonly peer: Peer;
  /** The port those pods listen on (NetworkPolicies see it, not the Service's 9000). */
  readonly podPort: number;
}

/** What a Kubeflow installation adds to the cluster. */
export interface KubeflowFacts {
  readonly release: KubeflowRelease;
  readonly namespace: string;
  readonly objectStore: KubeflowObjectStore;
}

/** What a platform's own policy object is: a plain Kubernetes object (NetworkPolicy, AuthorizationPolicy). */
export interface PlatformObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Record<string, string> };
  readonly spec: Record<string, unknown>;
  /** Where the object comes from: repository, tag, file. */
  readonly source: string;
}

interface PlatformData {
  readonly name: string;
  /** The factory that made it (`Platform.generic`), for messages. */
  readonly factory: string;
  readonly dns: PlatformPods;
  readonly ipBlocksMatchPods: boolean;
  readonly ingressController: IngressControllerFacts;
  readonly istio?: { readonly rootNamespace: string; readonly ingressGateway: PlatformGateway; readonly clusterLocalGateway: PlatformGateway; readonly istiod: PlatformPods };
  readonly kubeflow?: KubeflowFacts;
  readonly namespaceLabels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Namespaces whose labels the platform sets on every matching namespace (Kubeflow profiles). */
  readonly profileNamespaceLabels?: Readonly<Record<string, string>>;
  readonly policies: readonly PlatformObject[];
}

const bound = new WeakMap<IConstruct, Platform>();

// ingress-nginx's own manifests (kubernetes/ingress-nginx, tag controller-v1.12.8, the version the
// reachability check and the README assume; deploy/static/provider/cloud/deploy.yaml): namespace
// ingress-nginx, controller pods labelled app.kubernetes.io/name=ingress-nginx,
// app.kubernetes.io/component=controller, Service ingress-nginx-controller of type LoadBalancer. Whether in-cluster clients of a public name hairpin depends on what the load
// balancer reports (see IngressControllerFacts.hairpin), so it has no default here.
const INGRESS_NGINX: IngressControllerFacts = {
  namespace: 'ingress-nginx',
  podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
};

/** Every prop of IngressControllerFacts (the compiler keeps it complete): what `ingressController` may name. */
const INGRESS_CONTROLLER_KEYS: Readonly<Record<keyof IngressControllerFacts, true>> = { namespace: true, podLabels: true, hairpin: true, loadBalancerCidr: true };

/**
 * The facts about the cluster an app runs on that decide whether its traffic flows: where DNS runs,
 * how the CNI treats ipBlocks, the ingress controller and whether public names hairpin, the Istio
 * gateways, which pods run without a sidecar, the platform's own deny and allow policies, the
 * object store behind Kubeflow's `minio-service`. Every fact cites its upstream source.
 *
 * An app targets one platform (`Platform.kubeflow('1.11').target(chart)`); its constructs take
 * their peers from it (`platform.dnsPeer`, `platform.clusterLocalGateway`), and the reachability
 * check evaluates the app's flows against the platform's policies.
 */
export class Platform {
  /**
   * Records a flow the app's guide implies but no single declared connection shows (a browser
   * through the ingress gateway to MLflow); the reachability check requires every hop to be allowed.
   */
  public static expectFlow(scope: IConstruct, description: string, ...hops: FlowHop[]): void {
    expectFlow(scope, description, ...hops);
  }

  /**
   * Records a request through ingress-nginx that the guide implies (`/mlflow/` reaches MLflow);
   * the reachability check selects the location as ingress-nginx does.
   */
  public static expectRoute(scope: IConstruct, route: ExpectedRoute): void {
    expectRoute(scope, route);
  }

  /**
   * A kubeadm-style cluster whose CNI treats ipBlocks by address (Calico, kube-proxy): CoreDNS in
   * `kube-system` labelled `k8s-app: kube-dns`.
   */
  public static generic(options: ClusterOptions = {}): Platform {
    checkOptionsProps('Platform.generic', options);
    return Platform.cluster('Platform.generic', options, {
      name: 'generic Kubernetes',
      // kubeadm keeps the kube-dns label for CoreDNS (kubernetes/kubernetes at 008b3652,
      // cmd/kubeadm/app/phases/addons/dns/manifests.go: pods k8s-app: kube-dns, service account coredns).
      dns: { description: 'CoreDNS', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, serviceAccount: 'coredns', sidecar: false },
      // Kubernetes leaves ipBlock for cluster traffic to the plugin; Calico matches pod addresses
      // (after kube-proxy's DNAT) like any other address.
      ipBlocksMatchPods: true,
    });
  }

  /**
   * Canonical Kubernetes (k8s-snap) with its default Cilium CNI: CoreDNS labelled `k8s-app: coredns`,
   * and ipBlocks never match cluster endpoints, so `0.0.0.0/0` does not cover a public host name
   * that hairpins to the cluster's own ingress controller.
   */
  public static canonicalKubernetes(options: ClusterOptions = {}): Platform {
    checkOptionsProps('Platform.canonicalKubernetes', options);
    return Platform.cluster('Platform.canonicalKubernetes', options, {
      name: 'Canonical Kubernetes (Cilium)',
      // canonical/k8s-snap (main, d924cc27f "prep 1.36 release"): CoreDNS from its bundled chart
      // k8s/manifests/charts/coredns-1.39.2.tgz, whose templates/_helpers.tpl labels pods
      // k8s-app: <chart name> = coredns; tests/integration/tests/test_dns.py selects
      // `-n kube-system -l k8s-app=coredns` and expects service account coredns.
      dns: { description: 'CoreDNS', namespace: 'kube-system', labels: { 'k8s-app': 'coredns' }, serviceAccount: 'coredns', sidecar: false },
      // Cilium maps every address of a cluster endpoint to its identity, so an ipBlock never selects a
      // pod: "ipBlock set with a pod IP" is a known missing feature (cilium/cilium#9209, listed in
      // Documentation/concepts/kubernetes/policy.rst by #12783; a maintainer in #19601: "Cilium doesn't
      // support using ipBlock statements to match on pod IPs"). Calico does match them (projectcalico/calico#6634).
      ipBlocksMatchPods: false,
    });
  }

  /** GKE with Dataplane V2 (Cilium-based): kube-dns labelled `k8s-app: kube-dns`; ipBlocks never match pods. */
  public static gkeDataplaneV2(options: ClusterOptions = {}): Platform {
    checkOptionsProps('Platform.gkeDataplaneV2', options);
    return Platform.cluster('Platform.gkeDataplaneV2', options, {
      name: 'GKE Dataplane V2',
      // GKE Standard runs kube-dns (not CoreDNS) in kube-system (docs.cloud.google.com/kubernetes-engine/docs/
      // concepts/kube-dns), the Kubernetes kube-dns addon whose pods carry k8s-app: kube-dns. (With Cloud DNS
      // for GKE there are no kube-dns pods; that mode needs another preset.)
      dns: { description: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, serviceAccount: 'kube-dns', sidecar: false },
      // Dataplane V2 is Cilium: ipBlocks never select pods (see canonicalKubernetes).
      ipBlocksMatchPods: false,
    });
  }

  /** A cluster preset: its name, DNS pods and ipBlock behaviour, with the user's options (checked by the caller). */
  private static cluster(factory: string, options: ClusterOptions, facts: Pick<PlatformData, 'name' | 'dns' | 'ipBlocksMatchPods'>): Platform {
    return new Platform({
      ...facts,
      factory,
      ingressController: ingressController(factory, options?.ingressController),
      namespaceLabels: {},
      policies: [],
    });
  }

  /**
   * Kubeflow `release` (kubeflow/manifests at tag v1.10.2 or v1.11.0) on `cluster`: Istio with the
   * ingress and cluster-local gateways, `istio-system/global-deny-all`, sidecar-less pipeline pods
   * in profile namespaces, Kubeflow's NetworkPolicies, and MinIO (1.10) or SeaweedFS (1.11) behind
   * `minio-service`.
   */
  public static kubeflow(release: KubeflowRelease, options: KubeflowPlatformOptions = {}): Platform {
    if (release !== '1.10' && release !== '1.11') {
      invalid('Platform.kubeflow', 'release', 'must be a Kubeflow release with a preset ("1.10" or "1.11")', release, "write Platform.kubeflow('1.11')");
    }
    checkOptionsProps('Platform.kubeflow', options);
    options ??= {};
    const cluster = options.cluster ?? Platform.generic();
    if (!(cluster instanceof Platform) || cluster.kubeflow) {
      invalid('Platform.kubeflow', 'cluster', 'must be a cluster preset (Platform.generic(), Platform.canonicalKubernetes(), Platform.gkeDataplaneV2())',
        cluster instanceof Platform ? cluster.name : typeof cluster, 'pass cluster: Platform.generic()');
    }
    const ns = checkDnsLabel('Platform.kubeflow', 'namespace', options.namespace ?? 'kubeflow');
    const tag = release === '1.10' ? 'v1.10.2' : 'v1.11.0';
    const src = (file: string) => `kubeflow/manifests ${tag}, ${file}`;
    const { ingressGateway, clusterLocalGateway } = kubeflowGateways();
    const objectStore = kubeflowObjectStore(release, ns);
    const policies = kubeflowPolicies(release, ns, src, ingressGateway, clusterLocalGateway, objectStore);
    return new Platform({
      ...cluster.data,
      name: `Kubeflow ${release} on ${cluster.name}`,
      factory: 'Platform.kubeflow',
      istio: {
        // Istio's root namespace defaults to the istiod namespace (istio/api 1.24.6, mesh/v1alpha1/config.proto,
        // root_namespace); a policy there without selector applies to every workload
        // (security/v1beta1/authorization_policy.proto, AuthorizationPolicy.selector).
        rootNamespace: 'istio-system',
        ingressGateway,
        clusterLocalGateway,
        istiod: { description: 'istiod', namespace: 'istio-system', labels: { app: 'istiod' }, serviceAccount: 'istiod', sidecar: false },
      },
      kubeflow: { release, namespace: ns, objectStore },
      namespaceLabels: {
        // common/kubeflow-namespace/base/namespace.yaml: istio-injection: enabled.
        [ns]: { 'istio-injection': 'enabled' },
        // common/istio/istio-namespace/base/namespace.yaml: istio-injection: disabled.
        'istio-system': { 'istio-injection': 'disabled' },
        // common/knative/knative-serving/base/patches/namespace-injection.yaml: istio-injection: enabled.
        'knative-serving': { 'istio-injection': 'enabled' },
      },
      // applications/profiles/upstream/base/namespace-labels.yaml (app.kubernetes.io/part-of: kubeflow-profile);
      // the profile controller adds istio-injection: enabled (kubeflow/dashboard,
      // components/profile-controller/controllers/profile_controller.go, istioInjectionLabel).
      profileNamespaceLabels: { 'app.kubernetes.io/part-of': 'kubeflow-profile', 'pipelines.kubeflow.org/enabled': 'true', 'istio-injection': 'enabled' },
      policies: [...cluster.data.policies, ...policies],
    });
  }

  /** The platform an app targets, set by {@link Platform.target}. */
  public static of(scope: IConstruct): Platform | undefined {
    return bound.get(scope.node.root);
  }

  private constructor(private readonly data: PlatformData) {}

  /** `Kubeflow 1.11 on generic Kubernetes`. */
  public get name(): string {
    return this.data.name;
  }

  /**
   * Makes the app of `scope` target this platform: its reachability check evaluates its flows
   * against this platform's facts and policies. Returns the platform.
   */
  public target(scope: IConstruct): Platform {
    const existing = bound.get(scope.node.root);
    if (existing && existing !== this) {
      if (existing.name !== this.name) {
        invalid(scope.node.path || 'app', 'platform', `is already ${existing.name}; an app targets one platform`, this.name, `pass the same platform to every part of the app (${existing.name})`);
      }
      // Two presets of the same name must hold the same facts: else the second chart would be
      // checked against the first one's (another ingress controller, another load balancer).
      const differ = differingFacts(existing.data, this.data);
      if (differ.length) {
        invalid(scope.node.path || 'app', 'platform', `is already ${existing.name} with other facts (${differ.join(', ')} differ); an app targets one platform`,
          `${this.name} with ${differ.map((k) => `${k} ${stableJson(this.data[k as keyof PlatformData])}`).join(', ')}`,
          `build the platform once and pass that object to every chart (const platform = ${this.data.factory}({ ... }); platform.target(chart))`);
      }
    }
    // Several charts of one app may each target the same preset: the first one holds the facts.
    if (existing) return existing;
    bound.set(scope.node.root, this);
    return this;
  }

  /** Where cluster DNS runs, as a Namespace's `dns` peer. */
  public get dnsPeer(): Peer {
    return Peer.namespace(this.data.dns.namespace, { ...this.data.dns.labels });
  }

  /** The DNS pods. */
  public get dns(): PlatformPods {
    return this.data.dns;
  }

  /** Whether the CNI lets an ipBlock match pod addresses (false under Cilium). */
  public get ipBlocksMatchPods(): boolean {
    return this.data.ipBlocksMatchPods;
  }

  /** The cluster's ingress controller. */
  public get ingressController(): IngressControllerFacts {
    return this.data.ingressController;
  }

  /** The ingress controller's pods as a peer. */
  public get ingressControllerPeer(): Peer {
    return Peer.namespace(this.data.ingressController.namespace, { ...this.data.ingressController.podLabels });
  }

  /**
   * Where a pod's connection to a public host name served by the cluster's own ingress controller
   * goes: the controller pods when names hairpin, else the load balancer's addresses (any address
   * when they are not given).
   */
  public get publicEndpointPeer(): Peer {
    const ic = this.data.ingressController;
    if (ic.hairpin === undefined) {
      invalid(this.data.factory, 'ingressController.hairpin', `must be given when an app reaches public host names served by the cluster's ingress controller (${this.name})`, undefined,
        'pass ingressController: { hairpin: true } when the controller\'s LoadBalancer Service reports an IP (kube-proxy routes it to the controller pods inside the cluster), '
        + 'or { hairpin: false, loadBalancerCidr } when the load balancer is known by host name, reports ipMode Proxy or sits in front of the cluster');
    }
    if (ic.hairpin) return this.ingressControllerPeer;
    return ic.loadBalancerCidr ? Peer.cidr(ic.loadBalancerCidr) : Peer.anyAddress();
  }

  /** Istio facts, when the platform runs Istio. */
  public get istio(): PlatformData['istio'] {
    return this.data.istio;
  }

  /** Kubeflow facts, when the platform is Kubeflow. */
  public get kubeflow(): KubeflowFacts | undefined {
    return this.data.kubeflow;
  }

  /** The pods of an Istio gateway as a peer. */
  public gatewayPeer(gateway: PlatformGateway, name: string): Peer {
    return Peer.externalWorkload({ name, namespace: gateway.namespace, serviceAccount: gateway.serviceAccount, podLabels: { ...gateway.labels } });
  }

  /** The Istio ingress gateway pods (Kubeflow's `kubeflow-gateway`). */
  public get ingressGateway(): Peer {
    return this.gatewayPeer(this.requireIstio('ingressGateway').ingressGateway, 'istio-ingressgateway');
  }

  /** The pods behind Knative's `knative-local-gateway` (KServe's in-cluster traffic). */
  public get clusterLocalGateway(): Peer {
    return this.gatewayPeer(this.requireIstio('clusterLocalGateway').clusterLocalGateway, 'cluster-local-gateway');
  }

  /**
   * Kubeflow Pipelines' run pods in a profile namespace: they run without an Istio sidecar (plain
   * text), so AuthorizationPolicies cannot name them by namespace or principal.
   */
  public pipelinePods(profile: string): Peer {
    this.requireKubeflow('pipelinePods');
    // kubeflow/manifests v1.10.2 minio/options/istio/istio-authorization-policy.yaml and v1.11.0
    // seaweedfs/istio/istio-authorization-policy.yaml: "User Pipeline Pods, which don't have a sidecar".
    return Peer.namespace(checkDnsLabel('Platform.pipelinePods', 'profile', profile), undefined, { withoutSidecar: true });
  }

  /**
   * Pods the platform runs in `namespace` that stand for its clients in the reachability check:
   * in a Kubeflow profile, a notebook (sidecar) and a pipeline run pod (no sidecar).
   */
  public representativePods(namespace: string): PlatformPods[] {
    if (this.data.kubeflow && this.isProfileNamespace(namespace)) {
      return [
        { description: 'notebook pod', namespace, labels: { 'notebook-name': 'notebook' }, serviceAccount: 'default-editor', sidecar: true },
        { description: 'Kubeflow Pipelines run pod', namespace, labels: { 'pipelines.kubeflow.org/v2_component': 'true' }, serviceAccount: 'default-editor', sidecar: false },
      ];
    }
    return [];
  }

  /** Labels the platform puts on `namespace` (with `kubernetes.io/metadata.name`). */
  public namespaceLabels(namespace: string): Record<string, string> {
    const profile = this.data.kubeflow && this.isProfileNamespace(namespace) ? this.data.profileNamespaceLabels ?? {} : {};
    return { ...profile, ...this.data.namespaceLabels[namespace], 'kubernetes.io/metadata.name': namespace };
  }

  /** The platform's own policies (NetworkPolicies, AuthorizationPolicies), each with its source. */
  public get policies(): readonly PlatformObject[] {
    return this.data.policies;
  }

  private profiles = new Set<string>();

  /** Records that `namespace` is a Kubeflow profile (the profile controller labels it). */
  public addProfile(namespace: string): Platform {
    this.requireKubeflow('addProfile');
    this.profiles.add(checkDnsLabel('Platform.addProfile', 'namespace', namespace));
    return this;
  }

  private isProfileNamespace(namespace: string): boolean {
    return this.profiles.has(namespace);
  }

  private requireIstio(what: string): NonNullable<PlatformData['istio']> {
    if (!this.data.istio) invalid(`Platform ${this.name}`, what, 'needs a platform with Istio', this.name, "use Platform.kubeflow('1.11')");
    return this.data.istio;
  }

  private requireKubeflow(what: string): KubeflowFacts {
    if (!this.data.kubeflow) invalid(`Platform ${this.name}`, what, 'needs a Kubeflow platform', this.name, "use Platform.kubeflow('1.11')");
    return this.data.kubeflow;
  }
}

function ingressController(where: string, o: Partial<IngressControllerFacts> | undefined): IngressControllerFacts {
  checkNestedProps(where, 'ingressController', 'IngressControllerFacts', INGRESS_CONTROLLER_KEYS, o);
  const given = Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<IngressControllerFacts>;
  const merged = { ...INGRESS_NGINX, ...given };
  checkDnsLabel(where, 'ingressController.namespace', merged.namespace);
  if (merged.podLabels === null || typeof merged.podLabels !== 'object' || Array.isArray(merged.podLabels) || !Object.keys(merged.podLabels).length) {
    invalid(where, 'ingressController.podLabels', 'must be the labels of the controller pods (a non-empty object)', merged.podLabels, "pass podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' }");
  }
  checkLabels(where, 'ingressController.podLabels', merged.podLabels);
  if (merged.hairpin !== undefined && typeof merged.hairpin !== 'boolean') {
    invalid(where, 'ingressController.hairpin', 'must be true or false', merged.hairpin, 'write hairpin: true (public names reach the controller pods inside the cluster) or hairpin: false');
  }
  if (merged.loadBalancerCidr !== undefined) checkCidr(where, 'ingressController.loadBalancerCidr', merged.loadBalancerCidr);
  if (merged.loadBalancerCidr !== undefined && merged.hairpin) {
    invalid(where, 'ingressController.loadBalancerCidr', 'is only used without hairpin (with hairpin, traffic goes to the controller pods)', merged.loadBalancerCidr, 'remove loadBalancerCidr, or set hairpin: false');
  }
  return merged;
}

/** JSON with sorted keys: equal facts give equal text. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v)) ?? 'undefined';
}

/** The facts (top-level keys of PlatformData) in which two platforms differ. */
function differingFacts(a: PlatformData, b: PlatformData): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => stableJson(a[k as keyof PlatformData]) !== stableJson(b[k as keyof PlatformData]));
}

/** Kubeflow's Istio gateways (the same in 1.9-1.11). */
function kubeflowGateways(): { ingressGateway: PlatformGateway; clusterLocalGateway: PlatformGateway } {
  // common/istio/istio-install/base/install.yaml: the ingress gateway pods (app: istio-ingressgateway,
  // istio: ingressgateway), service account istio-ingressgateway-service-account, HTTP on 8080.
  const ingressGateway: PlatformGateway = {
    description: 'Istio ingress gateway', namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    serviceAccount: 'istio-ingressgateway-service-account', sidecar: true, port: 8080,
  };
  // common/istio/cluster-local-gateway/base/cluster-local-gateway.yaml: pods app/istio: cluster-local-gateway,
  // service account cluster-local-gateway-service-account. common/knative/knative-serving/overlays/gateways/
  // patches/gateway-selector-in-istio-system.yaml points Knative's knative-local-gateway Service (port 80 ->
  // targetPort 8081, common/knative/knative-serving/base/upstream/net-istio.yaml) at these pods: KServe's
  // cluster-local traffic goes through them, not the ingress gateway (also in v1.9.0).
  const clusterLocalGateway: PlatformGateway = {
    description: 'Istio cluster-local gateway', namespace: 'istio-system', labels: { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' },
    serviceAccount: 'cluster-local-gateway-service-account', sidecar: true, port: 8081,
  };
  return { ingressGateway, clusterLocalGateway };
}

/** The store behind Kubeflow Pipelines' `minio-service`. */
function kubeflowObjectStore(release: KubeflowRelease, ns: string): KubeflowObjectStore {
  return release === '1.10'
    // applications/pipeline/upstream/third-party/minio/base/minio-service.yaml: selector app: minio, targetPort 9000.
    ? { product: 'MinIO', peer: Peer.externalWorkload({ name: 'minio', namespace: ns, serviceAccount: 'default', podLabels: { app: 'minio' } }), podPort: 9000 }
    // applications/pipeline/upstream/third-party/seaweedfs/base/seaweedfs/minio-service.yaml: minio-service
    // selects app: seaweedfs, port 9000 -> targetPort 8333; seaweedfs-deployment.yaml: service account seaweedfs.
    : { product: 'SeaweedFS', peer: Peer.externalWorkload({ name: 'seaweedfs', namespace: ns, serviceAccount: 'seaweedfs', podLabels: { app: 'seaweedfs' } }), podPort: 8333 };
}

/** Kubeflow's own policies that decide the app's flows, each with its source file. */
function kubeflowPolicies(release: KubeflowRelease, ns: string, src: (file: string) => string, ingressGateway: PlatformGateway,
  clusterLocalGateway: PlatformGateway, objectStore: KubeflowObjectStore): PlatformObject[] {
  const store = objectStore.peer.data as { podLabels: Record<string, string> };
  const storeLabel = store.podLabels.app;
  const policies: PlatformObject[] = [
    {
      // common/istio/istio-install/base/deny_all_authorizationpolicy.yaml: an ALLOW policy without rules in
      // the root namespace: every workload of the mesh needs an ALLOW policy that matches.
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'global-deny-all', namespace: 'istio-system' }, spec: {},
      source: src('common/istio/istio-install/base/deny_all_authorizationpolicy.yaml'),
    },
    {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
      spec: { action: 'ALLOW', selector: { matchLabels: { ...ingressGateway.labels } }, rules: [{}] },
      source: src('common/istio/istio-install/base/gateway_authorizationpolicy.yaml'),
    },
    {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'cluster-local-gateway', namespace: 'istio-system' },
      spec: { action: 'ALLOW', selector: { matchLabels: { ...clusterLocalGateway.labels } }, rules: [{}] },
      source: src('common/istio/cluster-local-gateway/base/gateway-authorizationpolicy.yaml'),
    },
    {
      // The store admits ml-pipeline, ml-pipeline-ui and, with an empty rule, everyone ("User Pipeline Pods,
      // which don't have a sidecar").
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: release === '1.10' ? 'minio-service' : 'seaweedfs-service', namespace: ns },
      spec: { action: 'ALLOW', selector: { matchLabels: { app: storeLabel } }, rules: [{}] },
      source: src(release === '1.10' ? 'applications/pipeline/upstream/third-party/minio/options/istio/istio-authorization-policy.yaml'
        : 'applications/pipeline/upstream/third-party/seaweedfs/istio/istio-authorization-policy.yaml'),
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-allow-same-namespace', namespace: ns },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
      source: src('common/networkpolicies/base/default-allow-same-namespace.yaml'),
    },
    release === '1.10' ? {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'minio', namespace: ns },
      spec: {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['minio'] }] },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [
            { namespaceSelector: { matchExpressions: [{ key: 'app.kubernetes.io/part-of', operator: 'In', values: ['kubeflow-profile'] }] } },
            { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['istio-system'] }] } },
            { podSelector: {} },
          ],
        }],
      },
      source: src('common/networkpolicies/base/minio.yaml'),
    } : {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'seaweedfs', namespace: ns },
      spec: {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['seaweedfs'] }] },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ namespaceSelector: { matchExpressions: [{ key: 'app.kubernetes.io/part-of', operator: 'In', values: ['kubeflow-profile'] }] } }], ports: [{ port: 8333 }] },
          { from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['istio-system'] }] } }] },
          { from: [{ podSelector: {} }], ports: [{ port: 8333 }] },
        ],
      },
      source: src('applications/pipeline/upstream/third-party/seaweedfs/base/seaweedfs/seaweedfs-networkpolicy.yaml'),
    },
  ];
  // Not here: common/networkpolicies/base/default-allow-same-namespace-istio-system.yaml (1.11). Its
  // kustomization.yaml sets `namespace: kubeflow`, which moves it into kubeflow (a duplicate of
  // default-allow-same-namespace), so v1.11.0 installs no NetworkPolicy in istio-system; the override
  // was removed after the release (fcd884f7, kubeflow/manifests#3342).
  return policies;
}
