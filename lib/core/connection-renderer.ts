import { Connection, Peer } from './peer';

/**
 * What a renderer reads of the connection graph: the finished list of edges. ConnectionGraph
 * implements it; renderers depend on this view only, so the graph (which adds the NetworkPolicy
 * renderer) and the renderers import no cycle.
 */
export interface IConnectionGraph {
  /** Every declared connection, once each, in a stable order (from, to, port). */
  readonly connections: Connection[];
  /** The connections that end at `peer`, in a stable order. */
  connectionsTo(peer: Peer): Connection[];
  /** The connections that start at `peer`, in a stable order. */
  connectionsFrom(peer: Peer): Connection[];
  /** Whether a {@link Namespace} of this app renders default-deny policies for `namespace`. */
  isGuarded(namespace: string): boolean;
}

/**
 * A backend that turns the graph into API objects (NetworkPolicy, Istio AuthorizationPolicy).
 *
 * cdk8s synthesizes the API objects that exist in the tree, so a renderer creates each object it
 * needs when the first connection that needs it is declared, and computes its content lazily (a
 * cdk8s `Lazy`) from {@link IConnectionGraph.connections}, which is complete when it is resolved.
 * Objects are never created in a validation hook: cdk8s lists the tree before it validates.
 */
export interface IConnectionRenderer {
  /**
   * Called once per connection, in declaration order; connections declared before the renderer
   * was added are replayed to it.
   */
  connectionAdded(connection: Connection, graph: IConnectionGraph): void;
}
