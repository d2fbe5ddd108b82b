import { ConnectionGraph, IWorkload, Peer } from './connections';
import { LibraryConstruct } from './library-construct';
import { Port } from './port';
import { checkConstruct } from './validate';

/**
 * A service this app does not run (`fromExisting` of a database, object store, HTTP API, GitLab),
 * reached at a peer on one port: `grantConnect` declares the client's egress edge to it. Not
 * exported from the package: the `fromExisting` factories return the interfaces.
 */
export abstract class ExternalEndpoint extends LibraryConstruct {
  private target?: { readonly peer: Peer; readonly port: number; readonly service: string };

  /**
   * Where clients connect; a subclass calls it once its props are checked. `service` is the address
   * clients use (`host:port` of its URL), which the app README's Prerequisites name.
   */
  protected reachAt(peer: Peer, port: number, service: string): void {
    this.target = { peer, port, service };
  }

  public grantConnect(client: IWorkload, description: string): void {
    checkConstruct(this, 'grantConnect(client)', client, 'pass a workload of this app, such as a TrackingServer');
    if (!this.target) throw new Error(`${this.node.path}: reachAt() was not called`);
    ConnectionGraph.of(this).allow(Peer.workload(client), this.target.peer, Port.tcp(this.target.port), description, this.target.service);
  }
}

/** `text` as a URL, or undefined when it is none. @internal */
export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
