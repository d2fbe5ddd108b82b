import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { referenceAppBuilders } from '../../apps';
import { kubeflowMlflow } from '../../apps/kubeflow-mlflow';
import { thinkubeMlflow } from '../../apps/thinkube-mlflow';
import { ConnectionGraph, MeshNamespace, Namespace, Peer, Platform, PolicyScope, Port, Workload } from '../../lib';
import { ReachabilitySimulator, SimPod } from '../../lib/synth';
import { checkReachability, explainApp, reachabilityReport } from '../../lib/synth/reachability-check';
import { renderedObjects } from '../../lib/synth/app-validation';
import { Endpoint, PolicyObject } from '../../lib/platform/reachability';

const pod = (name: string, namespace: string, labels: Record<string, string>, sidecar: boolean, serviceAccount = 'default'): Endpoint =>
  ({ kind: 'pod', pod: { name, namespace, labels, serviceAccount, sidecar } as SimPod });
const nsLabels = (ns: string) => ({ 'kubernetes.io/metadata.name': ns });
const np = (name: string, namespace: string, spec: Record<string, unknown>): PolicyObject => ({ kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
const ap = (name: string, namespace: string, spec: Record<string, unknown>): PolicyObject => ({ kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec });

describe('ReachabilitySimulator', () => {
  const server = pod('server', 'app', { app: 'server' }, true, 'server');
  const client = pod('client', 'team', { app: 'client' }, true, 'client');
  const plain = pod('pipeline', 'team', { app: 'pipeline' }, false);
  const policies = [
    np('deny', 'app', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    np('server-ingress', 'app', { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team' } } }], ports: [{ protocol: 'TCP', port: 5000 }] }] }),
    ap('server-ingress', 'app', { selector: { matchLabels: { app: 'server' } }, action: 'ALLOW', rules: [{ from: [{ source: { namespaces: ['team'] } }], to: [{ operation: { ports: ['5000'] } }] }] }),
  ];
  const sim = new ReachabilitySimulator({ policies, namespaceLabels: nsLabels });

  it('allows a declared flow and names the policies that decided it', () => {
    const v = sim.evaluate([{ from: client, to: server, port: 5000 }]);
    expect(v.allowed).toBe(true);
    expect(v.hops[0].reasons).toEqual([
      'ALLOW egress of client: no NetworkPolicy selects it for egress',
      'ALLOW ingress of server: NetworkPolicy app/server-ingress',
      'ALLOW Istio at server: AuthorizationPolicy app/server-ingress',
    ]);
  });

  it('denies another port and another namespace, naming the NetworkPolicy', () => {
    expect(sim.evaluate([{ from: client, to: server, port: 5001 }]).blockedBy).toBe('DENY ingress of server: no rule of NetworkPolicy app/deny, app/server-ingress admits client on TCP/5001');
    expect(sim.evaluate([{ from: pod('x', 'other', {}, true), to: server, port: 5000 }]).allowed).toBe(false);
  });

  it('source.namespaces matches only mTLS peers: a sidecar-less pod of the namespace is denied by Istio', () => {
    const v = sim.evaluate([{ from: plain, to: server, port: 5000 }]);
    expect(v.allowed).toBe(false);
    expect(v.blockedBy).toBe('DENY Istio at server: no ALLOW AuthorizationPolicy matches pipeline without mTLS identity (plain text) on port 5000 (AuthorizationPolicy app/server-ingress)');
    const withPlain = new ReachabilitySimulator({ policies: [...policies, ap('plain', 'app', { selector: { matchLabels: { app: 'server' } }, rules: [{ from: [{ source: { notPrincipals: ['*'] } }], to: [{ operation: { ports: ['5000'] } }] }] })], namespaceLabels: nsLabels });
    expect(withPlain.evaluate([{ from: plain, to: server, port: 5000 }]).allowed).toBe(true);
    // notPrincipals ["*"] admits no mTLS peer of another namespace.
    expect(withPlain.evaluate([{ from: pod('y', 'other', {}, true), to: server, port: 5000 }]).allowed).toBe(false);
  });

  it('a deny-all in the root namespace needs a matching ALLOW everywhere, and DENY wins over ALLOW', () => {
    const gw = pod('gateway', 'istio-system', { app: 'gw' }, true);
    const deny = ap('global-deny-all', 'istio-system', {});
    const s1 = new ReachabilitySimulator({ policies: [deny], namespaceLabels: nsLabels });
    expect(s1.evaluate([{ from: client, to: gw, port: 8080 }]).blockedBy).toBe('DENY Istio at gateway: no ALLOW AuthorizationPolicy matches cluster.local/ns/team/sa/client on port 8080 (AuthorizationPolicy istio-system/global-deny-all)');
    const allowAll = ap('gw', 'istio-system', { selector: { matchLabels: { app: 'gw' } }, rules: [{}] });
    expect(new ReachabilitySimulator({ policies: [deny, allowAll], namespaceLabels: nsLabels }).evaluate([{ from: client, to: gw, port: 8080 }]).allowed).toBe(true);
    const denyTeam = ap('deny-team', 'istio-system', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['team'] } }] }] });
    expect(new ReachabilitySimulator({ policies: [deny, allowAll, denyTeam], namespaceLabels: nsLabels }).evaluate([{ from: client, to: gw, port: 8080 }]).blockedBy)
      .toBe('DENY Istio at gateway: AuthorizationPolicy istio-system/deny-team (DENY) matches');
  });

  it('an ipBlock matches pods only where the CNI says so (not under Cilium)', () => {
    const egress = [np('c-egress', 'team', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }] })];
    const ingress = pod('controller', 'ingress', { app: 'nginx' }, false);
    expect(new ReachabilitySimulator({ policies: egress, namespaceLabels: nsLabels }).evaluate([{ from: client, to: ingress, port: 443 }]).allowed).toBe(true);
    expect(new ReachabilitySimulator({ policies: egress, namespaceLabels: nsLabels, ipBlocksMatchPods: false }).evaluate([{ from: client, to: ingress, port: 443 }]).allowed).toBe(false);
    expect(new ReachabilitySimulator({ policies: egress, namespaceLabels: nsLabels, ipBlocksMatchPods: false }).evaluate([{ from: client, to: { kind: 'address', ip: '203.0.113.10', name: 'lb' }, port: 443 }]).allowed).toBe(true);
  });

  it('a hop through a gateway: every hop must be allowed', () => {
    const gw = pod('gateway', 'istio-system', { app: 'gw' }, true);
    const v = sim.evaluate([{ from: client, to: gw, port: 8081 }, { from: gw, to: server, port: 5000 }]);
    expect(v.hops[0].allowed).toBe(true);
    expect(v.allowed).toBe(false);
  });
});

describe('Platform presets', () => {
  it('DNS labels per cluster', () => {
    expect(Platform.generic().dnsPeer.toString()).toBe('namespace kube-system k8s-app=kube-dns');
    expect(Platform.canonicalKubernetes().dnsPeer.toString()).toBe('namespace kube-system k8s-app=coredns');
    expect(Platform.gkeDataplaneV2().dnsPeer.toString()).toBe('namespace kube-system k8s-app=kube-dns');
    expect(Platform.canonicalKubernetes().ipBlocksMatchPods).toBe(false);
    expect(Platform.gkeDataplaneV2().ipBlocksMatchPods).toBe(false);
    expect(Platform.generic().ipBlocksMatchPods).toBe(true);
  });

  it('public names lead to the controller pods with hairpin, else to the load balancer', () => {
    expect(Platform.canonicalKubernetes({ ingressController: { namespace: 'ingress', hairpin: true } }).publicEndpointPeer.toString())
      .toBe('namespace ingress app.kubernetes.io/component=controller,app.kubernetes.io/name=ingress-nginx');
    expect(Platform.generic({ ingressController: { hairpin: false } }).publicEndpointPeer.toString()).toBe('0.0.0.0/0');
    expect(Platform.generic({ ingressController: { hairpin: false, loadBalancerCidr: '198.51.100.0/28' } }).publicEndpointPeer.toString()).toBe('198.51.100.0/28');
    expect(() => Platform.generic({ ingressController: { loadBalancerCidr: 'nope' } })).toThrow(/loadBalancerCidr/);
  });

  it('no preset guesses hairpin: whether public names reach the controller pods depends on the load balancer', () => {
    // Under Dataplane V2 (Cilium) an ipBlock never matches the controller pods: a guessed "no hairpin"
    // would pass the check with 0.0.0.0/0 and be denied on the cluster.
    for (const [factory, p] of [['Platform.generic', Platform.generic()], ['Platform.gkeDataplaneV2', Platform.gkeDataplaneV2()],
      ['Platform.canonicalKubernetes', Platform.canonicalKubernetes()], ['Platform.kubeflow', Platform.kubeflow('1.11', { cluster: Platform.gkeDataplaneV2() })]] as const) {
      expect(p.ingressController.hairpin).toBeUndefined();
      expect(() => p.publicEndpointPeer).toThrow(new RegExp(`^${factory.replace('.', '\\.')}: ingressController\\.hairpin must be given when an app reaches public host names served by the cluster's ingress controller \\(.*\\), got undefined\\. Fix: pass ingressController: \\{ hairpin: true \\} when the controller's LoadBalancer Service reports an IP`));
    }
    expect(Platform.gkeDataplaneV2({ ingressController: { hairpin: true } }).publicEndpointPeer.toString())
      .toBe('namespace ingress-nginx app.kubernetes.io/component=controller,app.kubernetes.io/name=ingress-nginx');
    expect(() => Platform.gkeDataplaneV2({ ingressController: { hairpin: true, loadBalancerCidr: '198.51.100.7/32' } })).toThrow(
      'Platform.gkeDataplaneV2: ingressController.loadBalancerCidr is only used without hairpin (with hairpin, traffic goes to the controller pods), got "198.51.100.7/32". Fix: remove loadBalancerCidr, or set hairpin: false');
  });

  it('preset options are checked: misspelt names, hairpin that is not a boolean, labels, CIDRs', () => {
    const P = Platform as unknown as Record<string, (...a: unknown[]) => Platform>;
    expect(() => P.kubeflow('1.11', { clustr: Platform.generic() })).toThrow(
      /^Platform\.kubeflow: clustr is not a prop of Platform\.kubeflow, got .*\. Fix: did you mean cluster\? \(KubeflowPlatformOptions has cluster, namespace\)$/);
    expect(() => P.generic({ ingressControler: {} })).toThrow(
      'Platform.generic: ingressControler is not a prop of Platform.generic, got {}. Fix: did you mean ingressController? (ClusterOptions has ingressController)');
    expect(() => P.gkeDataplaneV2('x')).toThrow('Platform.gkeDataplaneV2: props must be an object, got a string. Fix: pass an object (see ClusterOptions), or no props');
    expect(() => P.generic({ ingressController: { hairpn: true } })).toThrow(
      'Platform.generic: ingressController.hairpn is not a prop of IngressControllerFacts, got true. Fix: did you mean ingressController.hairpin? (IngressControllerFacts has hairpin, loadBalancerCidr, namespace, podLabels)');
    expect(() => P.canonicalKubernetes({ ingressController: { hairpin: 'no' } })).toThrow(
      'Platform.canonicalKubernetes: ingressController.hairpin must be true or false, got "no". Fix: write hairpin: true (public names reach the controller pods inside the cluster) or hairpin: false');
    expect(() => P.generic({ ingressController: 'ingress-nginx' })).toThrow(/^Platform\.generic: ingressController must be an object, got "ingress-nginx"\. Fix: pass \{ hairpin, loadBalancerCidr, namespace, podLabels \}/);
    expect(() => P.generic({ ingressController: { podLabels: {} } })).toThrow(/^Platform\.generic: ingressController\.podLabels must be the labels of the controller pods/);
    expect(() => P.generic({ ingressController: { podLabels: { app: 'bad value!' } } })).toThrow(/^Platform\.generic: ingressController\.podLabels\.app must be a label value/);
    expect(() => P.generic({ ingressController: { hairpin: false, loadBalancerCidr: '198.51.100.0/33' } })).toThrow(/^Platform\.generic: ingressController\.loadBalancerCidr /);
    expect(() => P.kubeflow('1.11', { namespace: 'Kubeflow' })).toThrow(/^Platform\.kubeflow: namespace must be a DNS-1123 label/);
    // Undefined values change nothing (a spread of optional settings).
    expect(P.generic({ ingressController: { namespace: undefined, hairpin: undefined } }).ingressController.namespace).toBe('ingress-nginx');
  });

  it('Kubeflow 1.10 and 1.11: gateways, global-deny-all, and the store behind minio-service', () => {
    const k10 = Platform.kubeflow('1.10');
    const k11 = Platform.kubeflow('1.11', { cluster: Platform.canonicalKubernetes() });
    expect(k10.kubeflow?.objectStore.product).toBe('MinIO');
    expect(k10.kubeflow?.objectStore.podPort).toBe(9000);
    expect(k11.kubeflow?.objectStore.product).toBe('SeaweedFS');
    expect(k11.kubeflow?.objectStore.peer.toString()).toBe('seaweedfs (kubeflow, service account seaweedfs)');
    expect(k11.kubeflow?.objectStore.podPort).toBe(8333);
    expect(k11.dnsPeer.toString()).toBe('namespace kube-system k8s-app=coredns');
    expect(k10.clusterLocalGateway.toString()).toBe('cluster-local-gateway (istio-system, service account cluster-local-gateway-service-account)');
    expect(k10.istio?.clusterLocalGateway.labels).toEqual({ app: 'cluster-local-gateway', istio: 'cluster-local-gateway' });
    expect(k10.ingressGateway.toString()).toBe('istio-ingressgateway (istio-system, service account istio-ingressgateway-service-account)');
    const deny = k10.policies.find((p) => p.metadata.name === 'global-deny-all');
    expect(deny).toMatchObject({ kind: 'AuthorizationPolicy', metadata: { namespace: 'istio-system' }, spec: {} });
    expect(deny?.source).toBe('kubeflow/manifests v1.10.2, common/istio/istio-install/base/deny_all_authorizationpolicy.yaml');
    // v1.11.0's istio-system policy file lands in kubeflow (its kustomization's namespace override).
    expect(k11.policies.filter((p) => p.metadata.namespace === 'istio-system' && p.kind === 'NetworkPolicy')).toEqual([]);
    expect(k11.policies.map((p) => `${p.kind} ${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'AuthorizationPolicy istio-system/global-deny-all', 'AuthorizationPolicy istio-system/istio-ingressgateway', 'AuthorizationPolicy istio-system/cluster-local-gateway',
      'AuthorizationPolicy kubeflow/seaweedfs-service', 'NetworkPolicy kubeflow/default-allow-same-namespace', 'NetworkPolicy kubeflow/seaweedfs',
    ]);
    expect(k10.pipelinePods('team').toString()).toBe('namespace team (no sidecar)');
    expect(k10.addProfile('team').namespaceLabels('team')).toMatchObject({ 'app.kubernetes.io/part-of': 'kubeflow-profile', 'istio-injection': 'enabled' });
    expect(() => Platform.kubeflow('1.9' as '1.10')).toThrow('Platform.kubeflow: release must be a Kubeflow release with a preset ("1.10" or "1.11"), got "1.9". Fix: write Platform.kubeflow(\'1.11\')');
  });
});

describe('reachability check at synth', () => {
  for (const name of Object.keys(referenceAppBuilders)) {
    it(`${name}: every declared and implied flow is allowed, every sampled undeclared flow denied`, () => {
      const app = new App();
      referenceAppBuilders[name](app);
      const report = reachabilityReport(app)!;
      expect(report.flows.filter((f) => f.verdict.allowed !== f.expectAllowed).map((f) => f.description)).toEqual([]);
      expect(report.flows.some((f) => f.origin === 'undeclared')).toBe(true);
      expect(checkReachability(app)).toEqual([]);
    });
  }

  it('kubeflow-mlflow: pipeline run pods (no sidecar) reach MLflow; the predictor is called through the cluster-local gateway', () => {
    const app = new App();
    kubeflowMlflow(app, 'kf');
    const flows = reachabilityReport(app)!.flows;
    const pipeline = flows.find((f) => f.hops[0].startsWith('Kubeflow Pipelines run pod') && f.hops[0].includes('mlflow (mlflow) TCP/5000'))!;
    expect(pipeline.verdict.allowed).toBe(true);
    expect(pipeline.verdict.hops[0].reasons).toContain('ALLOW Istio at mlflow (mlflow): AuthorizationPolicy mlflow/mlflow-ingress');
    // The same plain text from any other pod without sidecar (of MLflow's namespace, of another one) is
    // refused by MLflow's NetworkPolicy; Istio alone would admit it.
    for (const ns of ['mlflow', 'reachability-outsider']) {
      const other = flows.find((f) => f.description === `undeclared: a pod without sidecar (${ns}) → mlflow (mlflow)`)!;
      expect(other.verdict.allowed).toBe(false);
      expect(other.verdict.hops[0].reasons).toContain('ALLOW Istio at mlflow (mlflow): AuthorizationPolicy mlflow/mlflow-ingress');
      expect(other.verdict.hops[0].reasons.join('\n')).toContain('DENY ingress of mlflow (mlflow): no rule of NetworkPolicy mlflow/default-deny-all, mlflow/mlflow-ingress admits');
    }
    const smoke = flows.find((f) => f.description === 'smoke test → cluster-local gateway → predictor')!;
    expect(smoke.hops).toEqual([
      'bankchurn-model-smoke-test (kubeflow-user-example-com) → cluster-local-gateway (istio-system) TCP/8081',
      'cluster-local-gateway (istio-system) → bankchurn-model (kubeflow-user-example-com) TCP/8012',
    ]);
    expect(smoke.verdict.allowed).toBe(true);
  });

  it('kubeflow-mlflow on Kubeflow 1.11: the predictor and MLflow reach SeaweedFS on 8333 (NetworkPolicies see the pod port, not 9000)', () => {
    const app = new App();
    kubeflowMlflow(app, 'kf', { platform: Platform.kubeflow('1.11') });
    expect(checkReachability(app)).toEqual([]);
    const model = reachabilityReport(app)!.flows.find((f) => f.description.includes('model download'))!;
    expect(model.hops[0]).toContain('seaweedfs (kubeflow) TCP/8333');
    expect(model.verdict.hops[0].reasons).toContain('ALLOW ingress of seaweedfs (kubeflow): NetworkPolicy kubeflow/seaweedfs-ingress-mlops-cdk8s');
    // MLflow, in its own namespace, reaches SeaweedFS only through the app's allow on the pod port.
    const objs0 = renderedObjects(app).map((o) => o.object as any);
    expect(objs0.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'seaweedfs-ingress-mlops-cdk8s').spec.ingress)
      .toContainEqual({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mlflow' } }, podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/instance': 'mlflow' }) } }], ports: [{ protocol: 'TCP', port: 8333 }] });
    // The same app with MinIO's port on 1.11 would be refused by the egress policy.
    const objs = renderedObjects(app).map((o) => o.object as any);
    expect(objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'bankchurn-model-egress').spec.egress)
      .toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } }, podSelector: { matchLabels: { app: 'seaweedfs' } } }], ports: [{ protocol: 'TCP', port: 8333 }] });
  });

  it('a synth error names the flow and the policy that blocks it: kube-dns labels on Canonical Kubernetes', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'mlops', disableResourceNameHashes: true });
    Platform.canonicalKubernetes().target(chart);
    new Namespace(chart, 'ns', { dns: Peer.namespace('kube-system', { 'k8s-app': 'kube-dns' }) });
    const api = new Workload(chart, 'api', { name: 'demo', instance: 'api', component: 'c' });
    api.connectTo(Peer.cidr('10.0.0.0/8'), Port.tcp(443), 'api → upstream');
    expect(checkReachability(app)).toEqual([
      // The source workload's construct path first, and the fix for DNS: the Namespace's dns peer.
      'c/api: flow "api (mlops): DNS lookups" is denied on Canonical Kubernetes (Cilium) (api (mlops) → CoreDNS (kube-system) UDP/53), '
      + 'got DENY egress of api (mlops): no rule of NetworkPolicy mlops/default-deny-all, mlops/allow-dns, mlops/api-egress admits CoreDNS (kube-system) on UDP/53. '
      + 'Fix: give namespace mlops the platform\'s DNS pods (CoreDNS: namespace kube-system, labels k8s-app=coredns): '
      + 'new Namespace(chart, \'namespace\', { name: \'mlops\', dns: platform.dnsPeer }), with platform the preset of your cluster.',
    ]);
    // app.synth() runs it as an app check.
    expect(() => app.synth()).toThrow(/^Validation failed with the following errors:\n {2}\[c\/mlops\.ConnectionGraph\] c\/api: flow "api \(mlops\): DNS lookups"|c\/api: flow "api \(mlops\): DNS lookups"/);
    // An app without connections has nothing to simulate.
    const other = new App();
    new Namespace(new Chart(other, 'c', { namespace: 'mlops' }), 'ns');
    expect(reachabilityReport(other)).toBeUndefined();
  });

  it('an app that declares connections but targets no platform is checked against Platform.generic(), and says so', () => {
    const build = (dns?: Peer) => {
      const app = new App();
      const chart = new Chart(app, 'c', { namespace: 'mlops', disableResourceNameHashes: true });
      new Namespace(chart, 'ns', dns ? { dns } : {});
      const api = new Workload(chart, 'api', { name: 'demo', instance: 'api', component: 'c' });
      api.connectTo(Peer.cidr('10.0.0.0/8'), Port.tcp(443), 'api → upstream');
      return app;
    };
    // The same wrong DNS peer as above, without Platform....target(chart): refused, not skipped.
    const wrong = build(Peer.namespace('kube-system', { 'k8s-app': 'coredns' }));
    expect(Platform.of(wrong)).toBeUndefined();
    const report = reachabilityReport(wrong)!;
    expect(report.assumed).toBe(true);
    expect(report.platform).toBe('generic Kubernetes (assumed: the app targets no platform)');
    const errors = checkReachability(wrong);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^c\/api: flow "api \(mlops\): DNS lookups" is denied on generic Kubernetes \(assumed: the app targets no platform\) \(api \(mlops\) → CoreDNS \(kube-system\) UDP\/53\), got DENY /);
    expect(errors[0]).toMatch(/Fix: give namespace mlops the platform's DNS pods \(CoreDNS: namespace kube-system, labels k8s-app=kube-dns\): .*, or target the platform the app runs on \(Platform\.kubeflow\('1\.11'\)\.target\(chart\) or the preset of your cluster\)\.$/);
    expect(() => wrong.synth()).toThrow(/c\/api: flow "api \(mlops\): DNS lookups" is denied/);
    // A valid app without a target passes, and explain says which platform it assumed.
    const valid = build();
    expect(checkReachability(valid)).toEqual([]);
    const explained = explainApp('demo', valid);
    expect(explained.exitCode).toBe(0);
    expect(explained.text.split('\n')[0]).toBe('demo on generic Kubernetes (assumed: the app targets no platform)');
  });

  it('two platforms with the same name and other facts in one app are refused, the same facts are one platform', () => {
    const app = new App();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    const first = Platform.generic({ ingressController: { namespace: 'ingress', hairpin: true } }).target(a);
    expect(() => Platform.generic({ ingressController: { namespace: 'ingress', hairpin: false } }).target(b)).toThrow(
      'b: platform is already generic Kubernetes with other facts (ingressController differ); an app targets one platform, '
      + 'got "generic Kubernetes with ingressController {\\"hairpin\\":false,\\"namespace\\":\\"ingress\\",\\"podLabels\\":{\\"app.kubernetes.io/component\\":\\"controller\\",\\"app.kubernetes.io/name\\":\\"ingress-nginx\\"}}". '
      + 'Fix: build the platform once and pass that object to every chart (const platform = Platform.generic({ ... }); platform.target(chart))');
    expect(Platform.of(app)).toBe(first);
    // Equal facts built twice are the same platform: the first one holds them.
    expect(Platform.generic({ ingressController: { hairpin: true, namespace: 'ingress' } }).target(b)).toBe(first);
    // Kubeflow on two different clusters: same release, other facts.
    const kf = new App();
    Platform.kubeflow('1.11').target(new Chart(kf, 'x'));
    expect(() => Platform.kubeflow('1.11', { cluster: Platform.generic({ ingressController: { namespace: 'nginx' } }) }).target(new Chart(kf, 'y')))
      .toThrow(/^y: platform is already Kubeflow 1\.11 on generic Kubernetes with other facts \(ingressController differ\)/);
  });

  it('an app targets one platform', () => {
    const app = new App();
    Platform.generic().target(app);
    expect(Platform.generic().target(app)).toBe(Platform.of(app));
    expect(() => Platform.canonicalKubernetes().target(app)).toThrow('app: platform is already generic Kubernetes; an app targets one platform, got "Canonical Kubernetes (Cilium)".');
  });

  it('thinkube-mlflow on Canonical Kubernetes: Keycloak through the hairpinned ingress controller is allowed', () => {
    const app = new App();
    thinkubeMlflow(app, 't');
    const kc = reachabilityReport(app)!.flows.find((f) => f.description === 'keycloak admin API (client setup)')!;
    expect(kc.hops[0]).toContain('(ingress) TCP/443');
    expect(kc.verdict.allowed).toBe(true);
  });

  it('npm run explain: every flow with ALLOW/DENY and the deciding policy; exit 1 when a declared flow is denied', () => {
    const app = new App();
    kubeflowMlflow(app, 'kubeflow-mlflow');
    const ok = explainApp('kubeflow-mlflow', app);
    expect(ok.exitCode).toBe(0);
    expect(ok.text.split('\n')[0]).toBe('kubeflow-mlflow on Kubeflow 1.10 on generic Kubernetes');
    expect(ok.text).toContain('ALLOW [declared] mlflow client\n    Kubeflow Pipelines run pod (kubeflow-user-example-com) → mlflow (mlflow) TCP/5000\n');
    expect(ok.text).toContain('      ALLOW Istio at mlflow (mlflow): AuthorizationPolicy mlflow/mlflow-ingress');
    // Plain text reaches MLflow only from the profile: a sidecar-less pod of its own namespace is refused.
    expect(ok.text).toContain('DENY  [undeclared] undeclared: a pod without sidecar (mlflow) → mlflow (mlflow)\n');
    expect(ok.text).toMatch(/\n\d+ flows, 0 not as expected$/);
    const bad = new App();
    const chart = new Chart(bad, 'c', { namespace: 'mlops', disableResourceNameHashes: true });
    Platform.canonicalKubernetes().target(chart);
    new Namespace(chart, 'ns', { dns: Peer.namespace('kube-system', { 'k8s-app': 'kube-dns' }) });
    new Workload(chart, 'api', { name: 'demo', instance: 'api', component: 'c' }).connectTo(Peer.cidr('10.0.0.0/8'), Port.tcp(443), 'api → upstream');
    const denied = explainApp('bad', bad);
    expect(denied.exitCode).toBe(1);
    expect(denied.text).toContain('DENY  (UNEXPECTED) [implied] api (mlops): DNS lookups\n    api (mlops) → CoreDNS (kube-system) UDP/53\n');
    expect(explainApp('x', new App()).exitCode).toBe(0);
  });

  it('npm run explain covers every cdk8s app of dist/: mlflow-teams explains each team (exit 0), an unknown name exits 2', () => {
    const root = path.join(__dirname, '..', '..');
    const teams = fs.readdirSync(path.join(root, 'dist', 'mlflow-teams'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(teams.length).toBeGreaterThan(1);
    // dist/ minus the Argo CD app-of-apps and gcp-kfp (Terraform and kustomize patches of Kubeflow's own ServiceAccounts: no pods, no connections).
    const apps = fs.readdirSync(path.join(root, 'dist'), { withFileTypes: true }).filter((d) => d.isDirectory() && !['argocd', 'gcp-kfp'].includes(d.name))
      .flatMap((d) => (d.name === 'mlflow-teams' ? teams.map((t) => `mlflow-teams/${t}`) : [d.name])).sort();
    expect(Object.keys(referenceAppBuilders).sort()).toEqual(apps);
    // The real command line (build/ is fresh: npm test builds first).
    const script = path.join(root, 'build', 'scripts', 'explain.js');
    const out = execFileSync(process.execPath, [script, 'mlflow-teams'], { encoding: 'utf8' });
    for (const t of teams) expect(out).toContain(`mlflow-teams/${t} on generic Kubernetes\n`);
    expect(out.match(/\d+ flows, 0 not as expected/g)).toHaveLength(teams.length);
    const bad = spawnSync(process.execPath, [script, 'mlflow-team'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^explain: app must be one of .*mlflow-teams, mlflow-teams\/nlp.*, got mlflow-team\. Fix: npm run explain -- /);
  });
});

describe('undeclared sample: sidecar-less pods where a platform NetworkPolicy admits them', () => {
  // Kubeflow admits every pod of `kubeflow` to every other (default-allow-same-namespace), and many of
  // its pods there run without sidecar: an AuthorizationPolicy rule for plain text (notPrincipals: ["*"])
  // on a workload in `kubeflow` admits all of them, whatever the app's own NetworkPolicy says.
  function plainTextClientIn(namespace: string) {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace, disableResourceNameHashes: true });
    const platform = Platform.kubeflow('1.10').target(chart).addProfile('team');
    new MeshNamespace(chart, 'ns', { create: namespace !== 'kubeflow', policyScope: namespace === 'kubeflow' ? PolicyScope.APP_PODS : PolicyScope.ALL_PODS, dns: platform.dnsPeer });
    const api = new Workload(chart, 'api', { name: 'demo', instance: 'api', component: 'c' });
    ConnectionGraph.of(chart).allow(platform.pipelinePods('team'), Peer.workload(api), Port.tcp(5000), 'pipeline pods → api');
    new ApiObject(chart, 'pods', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, spec: { template: { metadata: { labels: { ...api.podSelector } } } } });
    return app;
  }

  it('a workload in kubeflow that admits plain text fails the check: a sidecar-less kubeflow pod reaches it', () => {
    const app = plainTextClientIn('kubeflow');
    const flow = reachabilityReport(app)!.flows.find((f) => f.description === 'undeclared: a pod without sidecar (kubeflow) → api (kubeflow)')!;
    expect(flow.origin).toBe('undeclared');
    expect(flow.verdict.allowed).toBe(true);
    expect(flow.verdict.hops[0].reasons).toContain('ALLOW ingress of api (kubeflow): NetworkPolicy kubeflow/default-allow-same-namespace');
    expect(checkReachability(app).join('\n')).toContain('undeclared flow "undeclared: a pod without sidecar (kubeflow) → api (kubeflow)"');
  });

  it('the same workload in a namespace of its own passes: only the profile\'s pods reach it in plain text', () => {
    const app = plainTextClientIn('mlflow');
    const flows = reachabilityReport(app)!.flows;
    const own = flows.find((f) => f.description === 'undeclared: a pod without sidecar (mlflow) → api (mlflow)')!;
    expect(own.verdict.allowed).toBe(false);
    expect(checkReachability(app)).toEqual([]);
  });
});
