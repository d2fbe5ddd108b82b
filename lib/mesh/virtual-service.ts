import { Construct } from 'constructs';
import type * as netTypes from '../../imports/networking.istio.io';
import { ConnectionGraph, IWorkload, Peer } from '../core/connections';
import { standardLabels } from '../core/labels';
import { HttpAccess, Port } from '../core/port';
import { checkDnsLabel, checkHostname, invalid } from '../core/validate';
import { IstioGateway } from './istio-gateway';
import { LibraryConstruct } from '../core/library-construct';
import { ApiObject, Duration } from 'cdk8s';
import { durationIn } from '../core/duration';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = lazyModule<typeof netTypes>(() => require('../../imports/networking.istio.io'));

/**
 * An HTTP Service of this app that a gateway can route to: a workload (so the route becomes a
 * declared connection) with the in-cluster URL of its Service. A `TrackingServer` is one.
 */
export interface IRoutableService extends IWorkload {
  /** The Service's base URL: `http://mlflow.kubeflow.svc.cluster.local:5000`. */
  readonly url: string;
}

export interface VirtualServiceProps {
  /** The Gateway the route is attached to: `Kubeflow.gateway()` or `IstioGateway.fromExisting(...)`. */
  readonly gateway: IstioGateway;
  /** Where requests go (never a host string): a TrackingServer, or any {@link IRoutableService}. */
  readonly destination: IRoutableService;
  /** The path on the gateway, starting and ending with "/": `/mlflow/`. */
  readonly pathPrefix: string;
  /** What the prefix is replaced with before the request reaches the destination. @default "/" */
  readonly rewrite?: string;
  /**
   * Redirects the prefix without its trailing slash (`/mlflow` → `/mlflow/`). Without it, Kubeflow's
   * dashboard catch-all route answers `/mlflow`, and a UI with relative asset URLs stays blank.
   * @default true
   */
  readonly redirectWithoutSlash?: boolean;
  /** Host names the route matches. @default ["*"] (every host the gateway serves, as Kubeflow's own routes) */
  readonly hosts?: string[];
  /**
   * Upper bound of one request (large artifact uploads through the tracking server take long), in
   * whole seconds.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * What the gateway may do on the destination's port, enforced by the destination's
   * AuthorizationPolicy (methods and paths as seen after the rewrite).
   * @default - any method and path
   */
  readonly http?: HttpAccess;
  /** @default - the destination's workload name */
  readonly name?: string;
}

/**
 * An Istio `VirtualService` (`networking.istio.io/v1`) that publishes one HTTP Service of the app
 * under a path of an existing gateway: an exact redirect of the bare prefix, then the prefix
 * rewritten and routed to the Service's cluster name and port. The route is a declared connection
 * from the gateway pods to the destination, so its NetworkPolicy and AuthorizationPolicy admit the
 * gateway and nothing is written by hand.
 */
export class VirtualService extends LibraryConstruct {
  public readonly name: string;
  /** The destination host: `mlflow.kubeflow.svc.cluster.local`. */
  public readonly destinationHost: string;
  public readonly destinationPort: number;
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: VirtualServiceProps) {
    super(scope, id, props);
    if (!(props?.gateway instanceof IstioGateway)) {
      invalid(this, 'gateway', 'must be an IstioGateway', typeof props?.gateway === 'string' ? props.gateway : typeof props?.gateway,
        "pass gateway: Kubeflow.gateway() or IstioGateway.fromExisting('kubeflow', 'kubeflow-gateway')");
    }
    const d = props.destination as IRoutableService | undefined;
    if (typeof d !== 'object' || d === null || typeof d.url !== 'string' || typeof d.workloadName !== 'string') {
      invalid(this, 'destination', 'must be a Service of this app (a TrackingServer or another IRoutableService), never a host name', typeof d === 'string' ? d : typeof d,
        'pass destination: the TrackingServer construct');
    }
    let url: URL | undefined;
    try {
      url = new URL(d.url);
    } catch {
      url = undefined;
    }
    const clusterSuffix = `.${d.namespace}.svc.cluster.local`;
    if (!url || url.protocol !== 'http:' || !url.hostname.endsWith(clusterSuffix) || (url.pathname !== '/' && url.pathname !== '')) {
      invalid(this, 'destination url', `must be the in-cluster http URL of a Service in namespace "${d.namespace}" (http://<service>${clusterSuffix}:<port>)`, d.url,
        'route to a workload of this app that renders its own Service');
    }
    this.destinationHost = url.hostname;
    this.destinationPort = url.port ? Number(url.port) : 80;
    this.name = checkDnsLabel(this, 'name', props.name ?? d.workloadName);

    const prefix = props.pathPrefix;
    if (typeof prefix !== 'string' || !/^\/([A-Za-z0-9._~-]+\/)+$/.test(prefix)) {
      invalid(this, 'pathPrefix', 'must be a path that starts and ends with "/" (such as "/mlflow/"; "/" alone would take every route of the gateway)', prefix,
        'write it as "/mlflow/"');
    }
    const rewrite = props.rewrite ?? '/';
    if (typeof rewrite !== 'string' || !/^\/([A-Za-z0-9._~-]+\/)*$/.test(rewrite)) {
      invalid(this, 'rewrite', 'must be a path that starts and ends with "/"', rewrite, 'write it as "/"');
    }
    const hosts = props.hosts ?? ['*'];
    if (!Array.isArray(hosts) || hosts.length === 0) invalid(this, 'hosts', 'must list at least one host', hosts, 'leave hosts unset for ["*"]');
    hosts.forEach((h, i) => {
      if (h !== '*') checkHostname(this, `hosts[${i}]`, typeof h === 'string' && h.startsWith('*.') ? h.slice(2) : h);
    });
    const timeout = durationIn(this, 'timeout', props.timeout ?? Duration.minutes(5), 'seconds', 1, 3600);
    const port = props.http ? Port.tcp(this.destinationPort, this, 'destination port').withHttp(props.http) : Port.tcp(this.destinationPort, this, 'destination port');

    ConnectionGraph.of(this).allow(props.gateway.pods, Peer.workload(d), port, `${props.gateway.reference} ${prefix} → ${d.workloadName}`);

    const bare = prefix.slice(0, -1);
    this.resource = new net.VirtualService(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: standardLabels({ name: 'istio', instance: this.name, component: 'virtual-service' }),
      },
      spec: {
        gateways: [props.gateway.reference],
        hosts: [...hosts],
        http: [
          ...(props.redirectWithoutSlash ?? true ? [{
            name: `${this.name}-redirect`,
            match: [{ uri: { exact: bare } }],
            redirect: { uri: prefix },
          }] : []),
          {
            name: this.name,
            match: [{ uri: { prefix } }],
            rewrite: { uri: rewrite },
            route: [{ destination: { host: this.destinationHost, port: { number: this.destinationPort } } }],
            timeout: `${timeout}s`,
          },
        ],
      },
    });
  }
}
