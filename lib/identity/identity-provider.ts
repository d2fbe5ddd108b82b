import { Construct, IConstruct } from 'constructs';
import { ConnectionGraph, IWorkload, Peer } from '../core/connections';
import { LibraryConstruct } from '../core/library-construct';
import { Port } from '../core/port';
import { SecretValue } from '../core/secret-value';
import { checkHost, checkSecretValue, invalid } from '../core/validate';
import { checkFactoryProps } from '../core/props-guard';

/**
 * An OpenID Connect provider and one confidential client registered with it: what a relying
 * party (MLflow's OIDC plugin, oauth2-proxy) needs to log users in, and how its pods are allowed
 * to reach the issuer. Implemented by {@link KeycloakRealm} (a realm this app imports) and by
 * {@link IdentityProvider.fromIssuer} / {@link IdentityProvider.fromExisting} (a provider run
 * elsewhere).
 */
export interface IIdentityProvider extends IConstruct {
  /** The issuer, exactly as tokens carry it in `iss`: `https://keycloak.example.com/realms/thinkube`. */
  readonly issuerUrl: string;
  /** `<issuer>/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /**
   * The token endpoint, when it is known without reading the discovery document (Keycloak:
   * `<issuer>/protocol/openid-connect/token`).
   * @default - read it from the discovery document
   */
  readonly tokenEndpoint?: string;
  /** The OAuth client id of the relying party. */
  readonly clientId: string;
  /**
   * The client secret, as a reference. For a {@link KeycloakRealm} it is the same Secret the
   * realm import reads; a relying party in another namespace needs a Secret of its own holding
   * the same value (an ExternalSecret of the same remote key).
   */
  readonly clientSecret: SecretValue;
  /** Where the issuer is, for egress rules of the relying party. */
  readonly peer: Peer;
  /** The port the relying party connects to (443 for an https issuer without a port). */
  readonly port: Port;
  /** Declares that `client` calls the issuer (discovery, JWKS, token endpoint): an egress allow. */
  grantConnect(client: IWorkload, description: string): void;
}

/** Any OIDC issuer: Keycloak, Dex, Entra ID, Okta, Google. */
export interface IssuerProps {
  /** The issuer URL as tokens carry it (https, no query, no trailing slash needed). */
  readonly issuerUrl: string;
  readonly clientId: string;
  /** The client secret, as a Secret reference in the relying party's namespace. */
  readonly clientSecret: SecretValue;
  /**
   * The token endpoint, for non-interactive clients.
   * @default - none (read it from the discovery document)
   */
  readonly tokenEndpoint?: string;
  /**
   * Where the issuer is, for egress rules: `Peer.cidr('203.0.113.10/32')`, or
   * `Peer.namespace('keycloak', { app: 'keycloak' })` for one in the cluster.
   * @default Peer.cidr('<host>/32') when the host is an IPv4 address, else Peer.anyAddress();
   * both restricted to the issuer's port
   */
  readonly peer?: Peer;
  /**
   * The port the relying party's pods connect to (differs from the URL's when `peer` is an
   * in-cluster Service behind the public ingress, for example 8443).
   * @default - the issuer URL's port (443 for https)
   */
  readonly port?: number;
}

/** A Keycloak realm that exists already (this app does not import it). */
export interface ExistingKeycloakProps extends Omit<IssuerProps, 'issuerUrl' | 'tokenEndpoint'> {
  /** Keycloak's public base URL, the host tokens are issued for: `https://keycloak.example.com`. */
  readonly keycloakUrl: string;
  /** The realm: `thinkube`. */
  readonly realm: string;
}

/** Parses and normalises an https base URL; returns it without a trailing slash, and its host and port. */
export function parseHttpsUrl(scope: IConstruct | string, prop: string, value: string, example: string): { url: string; host: string; port: number } {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.search || parsed.hash || value.includes('${')) {
    invalid(scope, prop, 'must be an https URL without credentials, query or fragment', value, `write it as "${example}"`);
  }
  const host = parsed.hostname;
  checkHost(scope, `${prop} host`, host);
  const url = `${parsed.protocol}//${parsed.host}${parsed.pathname}`.replace(/\/+$/, '');
  return { url, host, port: parsed.port ? Number(parsed.port) : 443 };
}

/** The shared base of every {@link IIdentityProvider} implementation. */
export abstract class IdentityProviderBase extends LibraryConstruct implements IIdentityProvider {
  public abstract readonly issuerUrl: string;
  public abstract readonly clientId: string;
  public abstract readonly clientSecret: SecretValue;
  public abstract readonly peer: Peer;
  public abstract readonly port: Port;
  public abstract readonly tokenEndpoint?: string;

  public get discoveryUrl(): string {
    return `${this.issuerUrl}/.well-known/openid-configuration`;
  }

  public grantConnect(client: IWorkload, description: string): void {
    ConnectionGraph.of(this).allow(Peer.workload(client), this.peer, this.port, description);
  }
}

/** What a confidential client of a Keycloak realm is made from (see {@link KeycloakClientBase}). */
export interface KeycloakClientBaseProps {
  /** Keycloak's public base URL (tokens are issued for it): `https://keycloak.example.com`. */
  readonly keycloakUrl: string;
  /** The realm: `platform`. */
  readonly realm: string;
  readonly client: { readonly clientId: string };
  readonly clientSecret: SecretValue;
  /**
   * Where relying parties reach Keycloak, for their egress rules.
   * @default Peer.cidr('<host>/32') for an IPv4 host of keycloakUrl, else Peer.anyAddress(), on the port
   */
  readonly peer?: Peer;
  /** @default - the keycloakUrl's port (443) */
  readonly port?: number;
}

/**
 * A confidential client registered in a Keycloak realm by this app ({@link KeycloakRealm},
 * {@link KeycloakClientSetup}): checks the URL, realm and client, and derives the issuer
 * (`<keycloakUrl>/realms/<realm>`), Keycloak's token endpoint, and the peer and port the relying
 * party connects to.
 */
export abstract class KeycloakClientBase extends IdentityProviderBase {
  public readonly issuerUrl: string;
  public readonly tokenEndpoint: string;
  public readonly clientId: string;
  public readonly clientSecret: SecretValue;
  public readonly peer: Peer;
  public readonly port: Port;
  /** The realm's name. */
  public readonly realm: string;
  /** keycloakUrl, parsed. @internal */
  protected readonly keycloakBase: { url: string; host: string; port: number };

  /** `fix` is what the props guard suggests for missing props; `forImport` refuses the master realm. */
  protected constructor(scope: Construct, id: string, props: KeycloakClientBaseProps, fix: string, forImport: boolean) {
    super(scope, id, props, fix);
    if (!props.client || typeof props.client !== 'object') {
      invalid(this, 'client', 'is required', props.client, 'pass client: { clientId: "myapp", redirectUris: ["https://myapp.example.com/callback"] }');
    }
    this.keycloakBase = parseHttpsUrl(this, 'keycloakUrl', props.keycloakUrl, 'https://keycloak.example.com');
    this.realm = checkRealmName(this, props.realm, forImport);
    checkClient(this, props.client.clientId, props.clientSecret);
    this.issuerUrl = `${this.keycloakBase.url}/realms/${this.realm}`;
    this.tokenEndpoint = `${this.issuerUrl}/protocol/openid-connect/token`;
    this.clientId = props.client.clientId;
    this.clientSecret = props.clientSecret;
    this.port = Port.tcp(props.port ?? this.keycloakBase.port, this, 'port');
    this.peer = props.peer ?? Peer.host(this.keycloakBase.host);
  }
}

/** Checks the shape of a client id and of a secret reference (JavaScript callers pass anything). */
export function checkClient(scope: IConstruct, clientId: string, clientSecret: SecretValue): void {
  if (typeof clientId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/.test(clientId)) {
    invalid(scope, 'clientId', 'must be letters, digits, ".", "_", ":" or "-", starting with a letter or digit', clientId, 'use a client id such as "mlflow"');
  }
  checkSecretValue(scope, 'clientSecret', clientSecret, SecretValue, 'pass SecretValue.fromSecret("mlflow-oidc", "client-secret") or an ExternalSecret value');
}

class ExternalIdentityProvider extends IdentityProviderBase {
  public readonly issuerUrl: string;
  public readonly tokenEndpoint?: string;
  public readonly clientId: string;
  public readonly clientSecret: SecretValue;
  public readonly peer: Peer;
  public readonly port: Port;

  constructor(scope: Construct, id: string, props: IssuerProps) {
    super(scope, id, props);
    const issuer = parseHttpsUrl(this, 'issuerUrl', props.issuerUrl, 'https://keycloak.example.com/realms/platform');
    checkClient(this, props.clientId, props.clientSecret);
    this.issuerUrl = issuer.url;
    this.tokenEndpoint = props.tokenEndpoint === undefined ? undefined
      : parseHttpsUrl(this, 'tokenEndpoint', props.tokenEndpoint, `${issuer.url}/protocol/openid-connect/token`).url;
    this.clientId = props.clientId;
    this.clientSecret = props.clientSecret;
    this.port = Port.tcp(props.port ?? issuer.port, this, 'port');
    this.peer = props.peer ?? Peer.host(issuer.host);
  }
}

/** Factories for identity providers this app does not import. */
export class IdentityProvider {
  /** Any OIDC issuer, by its issuer URL (the discovery URL is derived from it). */
  public static fromIssuer(scope: Construct, id: string, props: IssuerProps): IIdentityProvider {
    checkFactoryProps('IdentityProvider.fromIssuer', scope, id, props);
    return new ExternalIdentityProvider(scope, id, props);
  }

  /** A realm of a Keycloak run elsewhere (or by another app): the issuer is `<keycloakUrl>/realms/<realm>`. */
  public static fromExisting(scope: Construct, id: string, props: ExistingKeycloakProps): IIdentityProvider {
    checkFactoryProps('IdentityProvider.fromExisting', scope, id, props);
    const base = parseHttpsUrl(`IdentityProvider.fromExisting "${id}"`, 'keycloakUrl', props.keycloakUrl, 'https://keycloak.example.com');
    checkRealmName(`IdentityProvider.fromExisting "${id}"`, props.realm);
    const issuerUrl = `${base.url}/realms/${props.realm}`;
    return new ExternalIdentityProvider(scope, id, { ...props, issuerUrl, tokenEndpoint: `${issuerUrl}/protocol/openid-connect/token` });
  }
}

/**
 * A Keycloak realm name that is safe in a URL path: letters, digits, "-", "_" and ".". An import
 * may not target `master` (Keycloak refuses it).
 */
export function checkRealmName(scope: IConstruct | string, realm: string, forImport = false): string {
  if (typeof realm !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(realm)) {
    invalid(scope, 'realm', 'must be letters, digits, ".", "_" or "-", starting with a letter or digit', realm, 'use a realm name such as "platform"');
  }
  if (forImport && realm === 'master') {
    invalid(scope, 'realm', 'cannot be imported (Keycloak never imports the master realm)', realm, 'use a realm of its own, such as "platform"');
  }
  return realm;
}
