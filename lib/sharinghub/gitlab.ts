import { Construct, IConstruct } from 'constructs';
import { IWorkload, Peer } from '../core/connections';
import { ExternalEndpoint, parseUrl } from '../core/external-endpoint';
import { checkHostname, invalid } from '../core/validate';
import { checkFactoryProps } from '../core/props-guard';

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
export class GitLabEndpoint extends ExternalEndpoint implements IGitLab {
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ExistingGitLabProps) {
    super(scope, id, props);
    const u = parseUrl(props.url);
    if (!u || u.protocol !== 'https:' || (u.pathname !== '/' && u.pathname !== '') || u.username || u.password || u.search) {
      invalid(this, 'url', 'must be an https URL with no path, query or credentials', u && (u.username || u.password) ? '<redacted>' : props.url,
        'write it as "https://gitlab.example.com"');
    }
    checkHostname(this, 'url host', u.hostname);
    this.url = `https://${u.host}`;
    this.reachAt(props.peer ?? Peer.host(u.hostname), u.port ? Number(u.port) : 443, u.host);
  }
}

/** Factories for GitLab instances. */
export class GitLab {
  /** A GitLab this app does not deploy (the EOEPCA MLOps building block's default: "can be an existing instance"). */
  public static fromExisting(scope: Construct, id: string, props: ExistingGitLabProps): IGitLab {
    checkFactoryProps('GitLab.fromExisting', scope, id, props);
    return new GitLabEndpoint(scope, id, props);
  }
}
