import { IConstruct } from 'constructs';
import { IWorkload, Peer } from '../core/connections';
import { Port } from '../core/port';
import { invalid } from '../core/validate';

/** One hop of an expected flow. */
export interface FlowHop {
  readonly from: Peer | IWorkload;
  readonly to: Peer | IWorkload;
  readonly port: Port;
}

/**
 * A flow a guide implies but no single declared connection shows: a browser through the ingress
 * gateway to MLflow, a smoke test through the cluster-local gateway to the predictor. The
 * reachability check requires every hop to be allowed by the rendered and the platform's policies.
 */
export interface ExpectedFlow {
  readonly description: string;
  readonly hops: readonly FlowHop[];
}

const flows = new WeakMap<IConstruct, ExpectedFlow[]>();

/** Records a flow the app's guide implies; the reachability check evaluates it at synth. */
export function expectFlow(scope: IConstruct, description: string, ...hops: FlowHop[]): void {
  if (typeof description !== 'string' || description === '') {
    invalid(scope, 'description', 'must name the flow', description, "write Platform.expectFlow(chart, 'browser → MLflow', ...)");
  }
  if (hops.length === 0) invalid(scope, 'hops', 'must list at least one hop', hops.length, 'pass { from, to, port }');
  const root = scope.node.root;
  const list = flows.get(root) ?? [];
  list.push({ description, hops });
  flows.set(root, list);
}

/** The flows recorded with {@link expectFlow} for the app of `scope`. */
export function expectedFlows(scope: IConstruct): readonly ExpectedFlow[] {
  return flows.get(scope.node.root) ?? [];
}

/** The peer of a hop end. */
export function hopPeer(end: Peer | IWorkload): Peer {
  return end instanceof Peer ? end : Peer.workload(end);
}

/** An address outside the cluster: a browser, a client on the internet. */
export const INTERNET: Peer = Peer.cidr('0.0.0.0/0');

/** A request a guide implies through the ingress controller, and where it must end up. */
export interface ExpectedRoute {
  readonly description: string;
  /** `sharinghub.example.com` */
  readonly host: string;
  /** The request path: `/mlflow/`. */
  readonly path: string;
  /** The Service that must receive it (unless `redirect`). */
  readonly service?: string;
  /** The path the Service must receive. @default - not checked */
  readonly backendPath?: string;
  /** The redirect that must answer it instead. */
  readonly redirect?: string;
  /** @default "nginx" */
  readonly ingressClass?: string;
}

const routes = new WeakMap<IConstruct, ExpectedRoute[]>();

/**
 * Records a request through ingress-nginx that the guide implies (`/mlflow/` reaches MLflow, `/`
 * SharingHub); the reachability check selects the location as ingress-nginx does.
 */
export function expectRoute(scope: IConstruct, route: ExpectedRoute): void {
  if (typeof route?.path !== 'string' || !route.path.startsWith('/')) {
    invalid(scope, 'route.path', 'must be a request path starting with "/"', route?.path, "write path: '/mlflow/'");
  }
  if ((route.service === undefined) === (route.redirect === undefined)) {
    invalid(scope, 'route', 'must name exactly one of service and redirect', JSON.stringify(route), "write service: 'mlflow-sharinghub'");
  }
  const root = scope.node.root;
  const list = routes.get(root) ?? [];
  list.push({ ...route });
  routes.set(root, list);
}

/** The routes recorded with {@link expectRoute} for the app of `scope`. */
export function expectedRoutes(scope: IConstruct): readonly ExpectedRoute[] {
  return routes.get(scope.node.root) ?? [];
}
