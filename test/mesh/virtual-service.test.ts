import { App, Chart, Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Peer } from '../../lib/core/connections';
import { Port } from '../../lib/core/port';
import { Workload } from '../../lib/core/workload';
import { Kubeflow } from '../../lib/kubeflow/kubeflow-components';
import { IstioGateway } from '../../lib/mesh/istio-gateway';
import { istioIngressGateway } from '../../lib/mesh/istio-peers';
import { MeshNamespace } from '../../lib/mesh/mesh-namespace';
import { IRoutableService, VirtualService, VirtualServiceProps } from '../../lib/mesh/virtual-service';
import { PolicyScope } from '../../lib/core/namespace';
import { synthObjects } from '../../lib/synth/synth';
import { loadValidator } from '../support/schema';
import { find } from '../support/synth';

/** A workload with a Service URL, as a TrackingServer is. */
class Api extends Workload implements IRoutableService {
  public readonly url: string;
  constructor(scope: Chart, id: string, url?: string) {
    super(scope, id, { name: 'demo', instance: id, component: 'api' });
    this.url = url ?? `http://${id}.${this.namespace}.svc.cluster.local:5000`;
  }
}

function build(route = true, props: Partial<VirtualServiceProps> = {}): any[] {
  const app = new App();
  const chart = new Chart(app, 'kf', { namespace: 'kubeflow', disableResourceNameHashes: true });
  new MeshNamespace(chart, 'ns', { create: false, policyScope: PolicyScope.APP_PODS });
  const api = new Api(chart, 'mlflow');
  api.allowFrom(Peer.namespace('kubeflow-user-example-com'), Port.tcp(5000), 'notebooks');
  if (route) new VirtualService(chart, 'route', { gateway: Kubeflow.gateway(), destination: api, pathPrefix: '/mlflow/', ...props });
  return synthObjects(app);
}

const GATEWAY_PRINCIPAL = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
const gatewayNetworkPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
  podSelector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
};

describe('VirtualService on kubeflow/kubeflow-gateway', () => {
  const objs = build();
  const vs = find(objs, 'VirtualService', 'mlflow');

  it('redirects the bare prefix exactly, then rewrites the prefix to / and routes to the Service of the destination', () => {
    expect(vs.apiVersion).toBe('networking.istio.io/v1');
    expect(vs.metadata.namespace).toBe('kubeflow');
    expect(vs.spec.gateways).toEqual(['kubeflow/kubeflow-gateway']);
    expect(vs.spec.hosts).toEqual(['*']);
    expect(vs.spec.http).toEqual([
      { name: 'mlflow-redirect', match: [{ uri: { exact: '/mlflow' } }], redirect: { uri: '/mlflow/' } },
      {
        name: 'mlflow',
        match: [{ uri: { prefix: '/mlflow/' } }],
        rewrite: { uri: '/' },
        route: [{ destination: { host: 'mlflow.kubeflow.svc.cluster.local', port: { number: 5000 } } }],
        timeout: '300s',
      },
    ]);
  });

  it('admits the gateway pods into the destination in both the NetworkPolicy and the AuthorizationPolicy', () => {
    expect(find(objs, 'NetworkPolicy', 'mlflow-ingress').spec.ingress).toContainEqual({ from: [gatewayNetworkPeer], ports: [{ protocol: 'TCP', port: 5000 }] });
    expect(find(objs, 'AuthorizationPolicy', 'mlflow-ingress').spec.rules).toContainEqual({
      from: [{ source: { principals: [GATEWAY_PRINCIPAL] } }], to: [{ operation: { ports: ['5000'] } }],
    });
  });

  it('without the route, neither policy admits the gateway', () => {
    const without = build(false);
    expect(without.filter((o) => o.kind === 'VirtualService')).toEqual([]);
    expect(find(without, 'NetworkPolicy', 'mlflow-ingress').spec.ingress).not.toContainEqual(expect.objectContaining({ from: [gatewayNetworkPeer] }));
    expect(JSON.stringify(find(without, 'AuthorizationPolicy', 'mlflow-ingress').spec.rules)).not.toContain(GATEWAY_PRINCIPAL);
    // What remains is exactly the other declared connection.
    expect(find(without, 'AuthorizationPolicy', 'mlflow-ingress').spec.rules).toEqual([
      { from: [{ source: { namespaces: ['kubeflow-user-example-com'] } }], to: [{ operation: { ports: ['5000'] } }] },
    ]);
  });

  it('limits what the gateway may do when http is given, and takes hosts, timeout, no redirect', () => {
    const o = build(true, { http: { methods: ['GET', 'POST'] }, hosts: ['kubeflow.example.com'], timeout: Duration.seconds(60), redirectWithoutSlash: false });
    const v = find(o, 'VirtualService', 'mlflow');
    expect(v.spec.hosts).toEqual(['kubeflow.example.com']);
    expect(v.spec.http.map((r: any) => r.name)).toEqual(['mlflow']);
    expect(v.spec.http[0].timeout).toBe('60s');
    expect(find(o, 'AuthorizationPolicy', 'mlflow-ingress').spec.rules).toContainEqual({
      from: [{ source: { principals: [GATEWAY_PRINCIPAL] } }], to: [{ operation: { ports: ['5000'], methods: ['GET', 'POST'] } }],
    });
  });

  it('validates strictly against the Istio CRDs', () => {
    const validator = loadValidator();
    expect(objs.flatMap((x) => validator.validate(x))).toEqual([]);
  });
});

describe('VirtualService props', () => {
  const attempt = (props: Partial<VirtualServiceProps> | ((chart: Chart) => Partial<VirtualServiceProps>)) => () => {
    const app = new App();
    const chart = new Chart(app, 'kf', { namespace: 'kubeflow' });
    const api = new Api(chart, 'mlflow');
    const p = typeof props === 'function' ? props(chart) : props;
    new VirtualService(chart, 'route', { gateway: Kubeflow.gateway(), destination: api, pathPrefix: '/mlflow/', ...p });
  };

  it('refuses a host string as destination', () => {
    expect(attempt({ destination: 'mlflow.kubeflow.svc.cluster.local' as any })).toThrow(
      'kf/route: destination must be a Service of this app (a TrackingServer or another IRoutableService), never a host name, got "mlflow.kubeflow.svc.cluster.local". Fix: pass destination: the TrackingServer construct');
  });

  it('refuses a destination whose URL is not a Service of its namespace', () => {
    expect(attempt((chart) => ({ destination: new Api(chart, 'other', 'http://mlflow.example.com:5000') }))).toThrow(
      'kf/route: destination url must be the in-cluster http URL of a Service in namespace "kubeflow" (http://<service>.kubeflow.svc.cluster.local:<port>), got "http://mlflow.example.com:5000". Fix: route to a workload of this app that renders its own Service');
  });

  it('refuses a gateway given as a string', () => {
    expect(attempt({ gateway: 'kubeflow/kubeflow-gateway' as any })).toThrow(
      'kf/route: gateway must be an IstioGateway, got "kubeflow/kubeflow-gateway". Fix: pass gateway: Kubeflow.gateway() or IstioGateway.fromExisting(\'kubeflow\', \'kubeflow-gateway\')');
  });

  it('refuses a prefix without its trailing slash, and "/" alone', () => {
    expect(attempt({ pathPrefix: '/mlflow' })).toThrow(
      'kf/route: pathPrefix must be a path that starts and ends with "/" (such as "/mlflow/"; "/" alone would take every route of the gateway), got "/mlflow". Fix: write it as "/mlflow/"');
    expect(attempt({ pathPrefix: '/' })).toThrow('kf/route: pathPrefix must be a path that starts and ends with "/"');
  });

  it('refuses a bad rewrite, host and timeout', () => {
    expect(attempt({ rewrite: 'x' })).toThrow('kf/route: rewrite must be a path that starts and ends with "/", got "x". Fix: write it as "/"');
    expect(attempt({ hosts: ['Kubeflow'] })).toThrow('kf/route: hosts[0] must be a fully qualified lower-case host name without scheme, port or path, got "Kubeflow"');
    expect(attempt({ timeout: Duration.seconds(0) })).toThrow('kf/route: timeout must be a whole number of seconds from 1 to 3600, got "0 seconds". Fix: pass Duration.seconds(n) with n from 1 to 3600');
    expect(attempt({ timeout: 300 as any })).toThrow('kf/route: timeout must be a Duration, got a number. Fix: pass Duration.seconds(1)');
  });

  it('IstioGateway.fromExisting checks its names and pods', () => {
    expect(IstioGateway.fromExisting('kubeflow', 'kubeflow-gateway').reference).toBe('kubeflow/kubeflow-gateway');
    expect(IstioGateway.fromExisting('kubeflow', 'kubeflow-gateway').pods).toEqual(istioIngressGateway());
    expect(() => IstioGateway.fromExisting('Kubeflow', 'kubeflow-gateway')).toThrow('IstioGateway.fromExisting: namespace must be a DNS-1123 label');
    expect(() => IstioGateway.fromExisting('kubeflow', 'gw', { pods: Peer.cidr('10.0.0.0/8') })).toThrow(
      'IstioGateway.fromExisting: pods must be an external workload or namespace Peer (the gateway pods), got "10.0.0.0/8". Fix: pass pods: IstioGateway.ingressGatewayPeer({ namespace: "istio-system" })');
  });
});
