import { Construct, IConstruct } from 'constructs';
import type * as gwTypes from '../../imports/gateway.networking.k8s.io';
import { Peer } from './connections';
import { Port } from './port';
import { checkDnsLabel, checkDnsSubdomain, checkHostname, invalid } from './validate';
import { Workload } from './workload';
import { lazyModule } from './lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gw = lazyModule<typeof gwTypes>(() => require('../../imports/gateway.networking.k8s.io'));

/** The Gateway (gateway.networking.k8s.io/v1) a route attaches to; the Gateway's listener terminates TLS. */
export class GatewayRef {
  /**
   * A Gateway by name and namespace, optionally one listener (`sectionName`, such as `https`).
   * The Gateway's listener must allow routes from the route's namespace (`allowedRoutes`).
   */
  public static of(props: { name: string; namespace: string; sectionName?: string }): GatewayRef {
    checkDnsSubdomain('GatewayRef.of', 'name', props?.name);
    checkDnsLabel('GatewayRef.of', 'namespace', props.namespace);
    if (props.sectionName !== undefined) checkDnsLabel('GatewayRef.of', 'sectionName', props.sectionName);
    return new GatewayRef(props.name, props.namespace, props.sectionName);
  }
  private constructor(public readonly name: string, public readonly namespace: string, public readonly sectionName?: string) {}
}

/**
 * Exposure of an HTTP server through a Gateway API HTTPRoute, an alternative to the Ingress
 * (TrackingServer's `httpRoute`, and any front end that takes one).
 */
export interface HttpRouteExposure {
  /** `mlflow.example.com`; the Gateway's listener for it holds the certificate. */
  readonly hostnames: string[];
  readonly gateway: GatewayRef;
  /**
   * The gateway's data-plane pods, for the NetworkPolicy allow.
   * @default Peer.namespace(<the Gateway's namespace>)
   */
  readonly gatewayPods?: Peer;
}

/** @internal Checks the route's hostnames (also the server's allowed hosts). */
export function routeHostnames(scope: IConstruct, route: HttpRouteExposure | undefined): string[] {
  if (route === undefined) return [];
  if (!(route?.gateway instanceof GatewayRef)) {
    invalid(scope, 'httpRoute.gateway', 'must be a GatewayRef', typeof route?.gateway, 'pass gateway: GatewayRef.of({ name: "public", namespace: "gateway", sectionName: "https" })');
  }
  if (!Array.isArray(route.hostnames) || route.hostnames.length === 0) {
    invalid(scope, 'httpRoute.hostnames', 'must list at least one host name', route.hostnames, 'pass hostnames: ["mlflow.example.com"]');
  }
  return route.hostnames.map((h, i) => checkHostname(scope, `httpRoute.hostnames[${i}]`, h));
}

/**
 * @internal The HTTPRoute to the Service `name` on `port`, and the allow from the gateway's pods
 * to `podPort` (the Service's target, when it differs: an auth proxy in front).
 */
export function renderHttpRoute(scope: Construct, w: Workload, name: string, port: number, route: HttpRouteExposure, podPort = port,
  annotations?: Record<string, string>): gwTypes.HttpRoute {
  const hostnames = routeHostnames(scope, route);
  const g = route.gateway;
  w.allowFrom(route.gatewayPods ?? Peer.namespace(g.namespace), Port.tcp(podPort), 'gateway api');
  return new gw.HttpRoute(scope, 'HttpRoute', {
    metadata: { name, labels: w.labels, ...(annotations ? { annotations } : {}) },
    spec: {
      parentRefs: [{
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        name: g.name,
        namespace: g.namespace,
        ...(g.sectionName ? { sectionName: g.sectionName } : {}),
      }],
      hostnames,
      rules: [{
        matches: [{ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
        backendRefs: [{ kind: 'Service', name, port }],
      }],
    },
  });
}
