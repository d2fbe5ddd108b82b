import { Construct, IConstruct } from 'constructs';
import { IWorkload, Peer } from './connections';
import { ExternalEndpoint, parseUrl } from './external-endpoint';
import { checkHost, invalid } from './validate';
import { checkFactoryProps } from './props-guard';

/** An HTTP API that workloads of this app call: where it is and how to be allowed in. */
export interface IHttpService extends IConstruct {
  /** The base URL clients use: `http://mlflow.mlops.svc.cluster.local:5000`. */
  readonly url: string;
  /** The port the URL points at. */
  readonly port: number;
  /** Declares that `client` calls this service (becomes NetworkPolicy allows). */
  grantConnect(client: IWorkload, description: string): void;
}

export interface ExistingHttpServiceProps {
  /** `https://mlflow.example.com`, `http://mlflow.team-a.svc.cluster.local:5000`: no path, no credentials. */
  readonly url: string;
  /**
   * Where the service is, for egress rules: `Peer.namespace('team-a', { app: 'mlflow' })` for one in
   * the cluster, `Peer.cidr(...)` for a known range.
   * @default Peer.cidr('<ip>/32') for an IPv4 URL, else Peer.anyAddress(); both on the URL's port
   */
  readonly peer?: Peer;
}

/** @internal */
export class ExistingHttpService extends ExternalEndpoint implements IHttpService {
  public readonly url: string;
  public readonly port: number;

  constructor(scope: Construct, id: string, props: ExistingHttpServiceProps) {
    super(scope, id, props);
    const url = parseUrl(props.url);
    if (!url || !/^https?:$/.test(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.username || url.password || url.search) {
      invalid(this, 'url', 'must be an http(s) URL with no path, query or credentials', props.url, 'write it as "https://mlflow.example.com"');
    }
    checkHost(this, 'url host', url.hostname);
    this.url = `${url.protocol}//${url.host}`;
    this.port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    this.reachAt(props.peer ?? Peer.host(url.hostname), this.port, url.host);
  }
}

/** Factories for HTTP services this app does not run. */
export class HttpService {
  /** An HTTP API run elsewhere (another team's namespace, a managed service). */
  public static fromExisting(scope: Construct, id: string, props: ExistingHttpServiceProps): IHttpService {
    checkFactoryProps('HttpService.fromExisting', scope, id, props);
    return new ExistingHttpService(scope, id, props);
  }
}
