import { Construct, IConstruct } from 'constructs';
import { ConnectionGraph, IWorkload, Peer } from '../core/connections';
import { Port } from '../core/port';
import { checkHostname, invalid } from '../core/validate';
import { enableAppChecks } from '../core/app-checks';

/**
 * A GitLab instance SharingHub builds its catalog from. Its URL is used both by the servers (API
 * calls) and by browsers (OAuth redirects), so it is the public URL.
 */
export interface IGitLab extends IConstruct {
  /** `https://gitlab.example.com` (no trailing slash). */
  readonly url: string;
  /** Declares that `client` calls the GitLab API: an egress allow. */
  grantConnect(client: IWorkload, description: string): void;
}

export interface ExistingGitLabProps {
  /** `https://gitlab.example.com`: https, no path, no credentials. */
  readonly url: string;
  /**
   * Where GitLab is, for egress rules: `Peer.cidr('203.0.113.7/32')`, or the ingress controller
   * (`Peer.namespace('ingress-nginx')`) for a GitLab served by this cluster's ingress.
   * @default Peer.cidr('<ip>/32') for an IPv4 host, else Peer.anyAddress(); on the URL's port
   */
  readonly peer?: Peer;
}

/** @internal the shared implementation of a GitLab reached at a public URL. */
export class GitLabEndpoint extends Construct implements IGitLab {
  public readonly url: string;
  private readonly peer: Peer;
  private readonly port: number;

  constructor(scope: Construct, id: string, props: ExistingGitLabProps) {
    super(scope, id);
    enableAppChecks(this);
    let u: URL | undefined;
    try {
      u = new URL(props.url);
    } catch {
      u = undefined;
    }
    if (!u || u.protocol !== 'https:' || (u.pathname !== '/' && u.pathname !== '') || u.username || u.password || u.search) {
      invalid(this, 'url', 'must be an https URL with no path, query or credentials', u && (u.username || u.password) ? '<redacted>' : props.url,
        'write it as "https://gitlab.example.com"');
    }
    checkHostname(this, 'url host', u.hostname);
    this.url = `https://${u.host}`;
    this.port = u.port ? Number(u.port) : 443;
    this.peer = props.peer ?? Peer.host(u.hostname);
  }

  public grantConnect(client: IWorkload, description: string): void {
    ConnectionGraph.of(this).allow(Peer.workload(client), this.peer, Port.tcp(this.port), description);
  }
}

/** Factories for GitLab instances. */
export class GitLab {
  /** A GitLab this app does not deploy (the seed's default: "can be an existing instance"). */
  public static fromExisting(scope: Construct, id: string, props: ExistingGitLabProps): IGitLab {
    return new GitLabEndpoint(scope, id, props);
  }
}
