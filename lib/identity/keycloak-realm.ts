import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type * as kcTypes from '../../imports/k8s.keycloak.org';
import { ComponentIdentity, standardLabels } from '../core/labels';
import { SecretValue } from '../core/secret-value';
import { checkDnsSubdomain, checkHostname, checkRenamedProps, checkUnique, invalid } from '../core/validate';
import { KeycloakClientBase, KeycloakClientBaseProps } from './identity-provider';
import { ProtocolMapper } from './protocol-mapper';
import { checkFactoryProps } from '../core/props-guard';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kc = lazyModule<typeof kcTypes>(() => require('../../imports/k8s.keycloak.org'));

/** A realm role. */
export interface RealmRole {
  /** `mlflow-admin` */
  readonly name: string;
  /** @default - none */
  readonly description?: string;
}

/**
 * A user the import creates, with role assignments. There is deliberately no password field:
 * users set theirs on first login (`requiredActions`), come from a federation or a brokered
 * identity provider, or are given one by an administrator.
 */
export interface RealmUser {
  /** Keycloak stores usernames in lower case. */
  readonly username: string;
  /** Realm roles of this user: roles of the realm, or Keycloak's built-in `offline_access`. @default - none */
  readonly realmRoles?: string[];
  /** @default - none */
  readonly email?: string;
  /** @default true */
  readonly enabled?: boolean;
  /** Actions on first login, such as `UPDATE_PASSWORD` or `CONFIGURE_TOTP`. @default - none */
  readonly requiredActions?: string[];
}

/**
 * A realm group that carries realm roles. Granting roles through a group is how an app gives
 * existing users access without listing them (see {@link KeycloakClientSetup}): a realm
 * administrator adds the users to the group once, and the import never touches memberships.
 */
export interface RealmGroup {
  /** `mlflow-admins` */
  readonly name: string;
  /** Realm roles every member gets: roles of the realm, or of `realmRoles`. */
  readonly realmRoles: string[];
}

/** The OAuth flows a client may use (Keycloak's capability config). */
export interface OidcClientFlows {
  /** The authorization-code flow (browser login). @default true */
  readonly standard?: boolean;
  /** The implicit flow (deprecated by OAuth 2.1). @default false */
  readonly implicit?: boolean;
  /** The resource-owner password grant (a username and password posted to the token endpoint). @default false */
  readonly directAccessGrants?: boolean;
  /** The client-credentials grant, for machine clients (a service-account user). @default false */
  readonly serviceAccounts?: boolean;
}

/** A confidential OpenID Connect client (it authenticates with the client secret). */
export interface OidcClientOptions {
  readonly clientId: string;
  /** Shown on Keycloak's consent and account pages. @default - the client id */
  readonly name?: string;
  /** Where Keycloak may send the browser back to: exact `https://` URLs (no `*`, no `http://`). */
  readonly redirectUris: string[];
  /** Allowed CORS origins; `+` means "the origins of the redirect URIs". @default - none */
  readonly webOrigins?: string[];
  /** Where Keycloak may redirect after logout; `+` means "the redirect URIs". @default - none */
  readonly postLogoutRedirectUris?: string[];
  /** The OAuth flows the client may use. @default - the standard flow only */
  readonly flows?: OidcClientFlows;
  /** Lifetime of access tokens issued to this client. @default - the realm's (5 minutes unless set) */
  readonly accessTokenLifespan?: Duration;
  /**
   * Names of client scopes of the realm. `openid` is not one: Keycloak adds it to every OIDC
   * request by itself and has no client scope of that name.
   * @default - Keycloak's defaults for new clients
   */
  readonly defaultClientScopes?: string[];
  /** @default - Keycloak's defaults for new clients */
  readonly optionalClientScopes?: string[];
  /** @default - none */
  readonly protocolMappers?: ProtocolMapper[];
}

/** The roles and users a realm is given, by an import ({@link KeycloakRealm}) or by a setup Job ({@link KeycloakClientSetup}). */
export interface RealmAccessProps {
  /** Realm roles to create (or update; never deleted). @default - none (Keycloak adds its built-in roles) */
  readonly realmRoles?: RealmRole[];
  /** Users to give realm roles, created when missing (without a password). @default - none */
  readonly users?: RealmUser[];
  /** Groups carrying realm roles (created or updated; never deleted, memberships untouched). @default - none */
  readonly groups?: RealmGroup[];
}

/** A realm to create (`realm`), with one client, imported by the operator. */
export interface KeycloakRealmProps extends KeycloakClientBaseProps, RealmAccessProps, Pick<ComponentIdentity, 'partOf'> {
  /** The client the realm is for. */
  readonly client: OidcClientOptions;
  /**
   * The client secret, a key of a Secret in this chart's namespace (the Keycloak CR's): the
   * operator hands it to the import as a placeholder, so the value never appears in the manifest.
   */
  readonly clientSecret: SecretValue;
  /** The `Keycloak` custom resource, in this chart's namespace. @default "keycloak" */
  readonly keycloakName?: string;
  /** The object's name. @default - the realm name, when it is a DNS subdomain */
  readonly name?: string;
  /** @default - the realm name */
  readonly displayName?: string;
}

/** What the MLflow presets ({@link KeycloakRealm.mlflow}, {@link KeycloakClientSetup.mlflow}) derive the Thinkube MLflow deployment's client and roles from. */
export interface MlflowClientPresetProps {
  /** MLflow's public host: the redirect URIs and web origin are derived from it. */
  readonly host: string;
  /** @default "mlflow" */
  readonly clientId?: string;
}

/** Users a new realm creates: {@link KeycloakRealm.mlflow} only (it makes the realm, so the users are its own). */
export interface MlflowRealmUsersProps {
  /** Users given `mlflow-admin` (the Thinkube MLflow deployment: the `auth_realm_username`). @default - none */
  readonly admins?: string[];
  /** Users given `mlflow-user`. @default - none */
  readonly users?: string[];
}

/** What {@link KeycloakRealm.mlflow} needs: the rest is the reference deployment's realm. */
export interface MlflowRealmProps extends Pick<KeycloakRealmProps, 'keycloakUrl' | 'realm' | 'clientSecret' | 'keycloakName' | 'name' | 'displayName' | 'peer' | 'port' | 'partOf'>,
  MlflowClientPresetProps, MlflowRealmUsersProps {}

/** Realm roles of the MLflow preset. */
export const MLFLOW_ADMIN_ROLE = 'mlflow-admin';
export const MLFLOW_USER_ROLE = 'mlflow-user';
/** Groups of the MLflow preset, carrying those roles: members are added by a realm administrator. */
export const MLFLOW_ADMIN_GROUP = 'mlflow-admins';
export const MLFLOW_USER_GROUP = 'mlflow-users';

const BUILT_IN_ROLES = ['offline_access', 'uma_authorization'];
const PLACEHOLDER = /\$\{/;

/**
 * A Keycloak realm with one confidential OIDC client, imported by the Keycloak operator
 * (`KeycloakRealmImport`, `k8s.keycloak.org/v2alpha1`), and the {@link IIdentityProvider} for it.
 *
 * The client secret is never rendered: the realm says `secret: ${<CLIENT>_CLIENT_SECRET}` and
 * `spec.placeholders` points that variable at the Secret behind {@link KeycloakRealmProps.clientSecret}.
 *
 * The operator only creates realms: an existing realm of that name is left untouched, and later
 * changes to this object are not applied to it. For a realm that exists already, use
 * `IdentityProvider.fromExisting` and register the client there.
 */
export class KeycloakRealm extends KeycloakClientBase {
  /** Realm roles of the MLflow preset. */
  public static readonly MLFLOW_ADMIN_ROLE = MLFLOW_ADMIN_ROLE;

  /** See the module constant. */
  public static readonly MLFLOW_USER_ROLE = MLFLOW_USER_ROLE;

  /**
   * The reference MLflow realm (the Thinkube MLflow deployment): roles `mlflow-admin` and `mlflow-user` and the groups
   * `mlflow-admins` and `mlflow-users` carrying them; a confidential client `mlflow` with standard
   * flow and direct access grants, redirect URIs `https://<host>/oauth2/callback` and `/callback`
   * (the Thinkube MLflow deployment's wildcard `https://<host>/*` is refused), web origins `https://<host>` and `+`,
   * post-logout `+`, 3600 s access tokens, the default scopes of {@link mlflowClientOptions}, optional
   * scopes address and phone; mappers for realm roles (`realm_access.roles`), audience `mlflow` and
   * client roles (`resource_access.${client_id}.roles`).
   */
  public static mlflow(scope: Construct, id: string, props: MlflowRealmProps): KeycloakRealm {
    checkFactoryProps('KeycloakRealm.mlflow', scope, id, props);
    const host = checkHostname(`KeycloakRealm.mlflow "${id}"`, 'host', props.host);
    const clientId = props.clientId ?? 'mlflow';
    const origin = `https://${host}`;
    // The preset's own props are not the realm's (the props guard refuses names it does not take).
    const { host: _host, clientId: _clientId, admins: _admins, users: _users, ...realm } = props;
    return new KeycloakRealm(scope, id, {
      ...realm,
      realmRoles: MLFLOW_REALM_ROLES,
      groups: MLFLOW_GROUPS,
      users: mlflowRealmUsers(props.admins, props.users),
      client: mlflowClientOptions(clientId, origin),
    });
  }

  /** The environment variable the import reads the client secret from. */
  public readonly secretPlaceholder: string;
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: KeycloakRealmProps) {
    super(scope, id, props, 'pass { keycloakUrl, realm, client, clientSecret } (see KeycloakRealmProps)', true);
    const client = props.client;
    const name = checkDnsSubdomain(this, 'name', props.name ?? props.realm);
    const keycloakName = checkDnsSubdomain(this, 'keycloakName', props.keycloakName ?? 'keycloak');
    this.checkSecretNamespace(props.clientSecret);

    this.secretPlaceholder = clientSecretVariable(client.clientId);

    const roles = checkRealmRoles(this, props.realmRoles);
    const roleNames = roles.map((r) => r.name!);
    const users = (props.users ?? []).map((u, i) => checkUser(this, this.realm, u, i, roleNames));
    checkUnique(this, 'users', users.map((u) => u.username!), 'must not repeat a user', (u) => `list "${u}" once, with all of its roles`);
    const groups = checkGroups(this, props.groups, [...roleNames, ...BUILT_IN_ROLES]);

    this.resource = new kc.KeycloakRealmImport(this, 'Resource', {
      metadata: {
        name,
        labels: standardLabels({ name: 'keycloak', instance: name, component: 'realm', partOf: props.partOf }),
      },
      spec: {
        keycloakCrName: keycloakName,
        placeholders: { [this.secretPlaceholder]: { secret: { name: props.clientSecret.secretName, key: props.clientSecret.key } } },
        realm: {
          realm: this.realm,
          displayName: plain(this, 'displayName', props.displayName ?? this.realm),
          enabled: true,
          ...(roles.length ? { roles: { realm: roles } } : {}),
          ...(groups.length ? { groups } : {}),
          clients: [renderClient(this, client, `\${${this.secretPlaceholder}}`)],
          ...(users.length ? { users } : {}),
        },
      },
    });
  }

  /** The placeholder Secret must be in the Keycloak CR's namespace (the operator reads it there). */
  private checkSecretNamespace(secret: SecretValue): void {
    if (!secret.producer) return;
    const here = Chart.of(this).namespace;
    const there = Chart.of(secret.producer).namespace;
    if (here !== there) {
      invalid(this, 'clientSecret', `must be a Secret in the Keycloak namespace "${here}" (the operator reads placeholders there), but its ExternalSecret is in "${there}"`,
        secret.secretName, `create an ExternalSecret of the same remote key in "${here}" and pass its value`);
    }
  }
}

/** The realm roles, checked, none declared twice. @internal */
/** @internal */
export function checkRealmRoles(scope: IConstruct, realmRoles: RealmRole[] | undefined): kcTypes.KeycloakRealmImportSpecRealmRolesRealm[] {
  if (realmRoles !== undefined && !Array.isArray(realmRoles)) invalid(scope, 'realmRoles', 'must be a list of roles', realmRoles, 'pass realmRoles: [{ name: "mlflow-user" }]');
  const roles = (realmRoles ?? []).map((r, i) => checkRole(scope, r, i));
  checkUnique(scope, 'realmRoles', roles.map((r) => r.name!), 'must not repeat a role', (r) => `declare "${r}" once`);
  return roles;
}

/**
 * The groups, checked: a name each, once, and realm roles from `allowedRoles` (undefined: any
 * role, for a realm that exists already). @internal
 */
export function checkGroups(scope: IConstruct, groups: RealmGroup[] | undefined, allowedRoles: string[] | undefined): Array<{ name: string; realmRoles: string[] }> {
  if (groups !== undefined && !Array.isArray(groups)) invalid(scope, 'groups', 'must be a list of groups', groups, 'pass groups: [{ name: "mlflow-admins", realmRoles: ["mlflow-admin"] }]');
  const out = (groups ?? []).map((g, i) => {
    if (!g || typeof g.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$/.test(g.name)) {
      invalid(scope, `groups[${i}].name`, 'must be a top-level group name (letters, digits, " ", ".", "_" or "-")', g?.name, 'use a group such as "mlflow-admins"');
    }
    if (!Array.isArray(g.realmRoles) || g.realmRoles.length === 0) {
      invalid(scope, `groups[${i}].realmRoles`, 'must list at least one realm role', g.realmRoles, 'pass realmRoles: ["mlflow-user"]');
    }
    g.realmRoles.forEach((r, j) => {
      if (typeof r !== 'string' || (allowedRoles ? !allowedRoles.includes(r) : !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/.test(r))) {
        invalid(scope, `groups[${i}].realmRoles[${j}]`, allowedRoles ? `must be a role of the realm (${allowedRoles.join(', ')})` : 'must be a realm role name', r,
          `add { name: "${String(r)}" } to realmRoles, or assign an existing role`);
      }
    });
    return { name: g.name, realmRoles: [...g.realmRoles] };
  });
  checkUnique(scope, 'groups', out.map((g) => g.name), 'must not repeat a group', (g) => `declare "${g}" once, with all of its roles`);
  return out;
}

/** The variable a client's secret is substituted from: `MLFLOW_CLIENT_SECRET` for client `mlflow`. @internal */
export function clientSecretVariable(clientId: string): string {
  return `${clientId.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '')}_CLIENT_SECRET`;
}

/** A confidential client as a realm representation; `secret` is what the importer substitutes. @internal */
/** @internal */
export function renderClient(scope: IConstruct, c: OidcClientOptions, secret: string): kcTypes.KeycloakRealmImportSpecRealmClients {
  checkRenamedProps(scope, 'client.', c, {
    standardFlow: 'flows: { standard: ... }', implicitFlow: 'flows: { implicit: ... }',
    directAccessGrants: 'flows: { directAccessGrants: ... }', serviceAccounts: 'flows: { serviceAccounts: ... }',
  });
  const flows = c.flows ?? {};
  const redirectUris = checkRedirectUris(scope, 'redirectUris', c.redirectUris, false);
  if (redirectUris.length === 0 && (flows.standard ?? true)) {
    invalid(scope, 'client.redirectUris', 'must list at least one URI when the standard flow is on', c.redirectUris,
      'pass redirectUris: ["https://app.example.com/callback"]');
  }
  const webOrigins = checkUris(scope, 'webOrigins', c.webOrigins, true);
  const postLogout = checkRedirectUris(scope, 'postLogoutRedirectUris', c.postLogoutRedirectUris, true);
  const mappers = (c.protocolMappers ?? []).map((m, i) => {
    if (!(m instanceof ProtocolMapper)) invalid(scope, `client.protocolMappers[${i}]`, 'must be a ProtocolMapper', m, 'use ProtocolMapper.realmRoles({ name: "roles" })');
    return m.render();
  });
  checkUnique(scope, 'client.protocolMappers', mappers.map((m) => m.name!), 'must have unique names', (n) => `rename one of the mappers called "${n}"`);
  const lifespan = resolveLifespan(scope, c.accessTokenLifespan);
  const attributes: Record<string, string> = {
    ...(lifespan !== undefined ? { 'access.token.lifespan': String(lifespan) } : {}),
    ...(postLogout.length ? { 'post.logout.redirect.uris': postLogout.join('##') } : {}),
  };
  const defaultClientScopes = checkClientScopes(scope, 'defaultClientScopes', c.defaultClientScopes);
  const optionalClientScopes = checkClientScopes(scope, 'optionalClientScopes', c.optionalClientScopes);
  return {
    clientId: c.clientId,
    name: plain(scope, 'client.name', c.name ?? c.clientId),
    enabled: true,
    protocol: 'openid-connect',
    publicClient: false,
    clientAuthenticatorType: 'client-secret',
    secret,
    standardFlowEnabled: flows.standard ?? true,
    implicitFlowEnabled: flows.implicit ?? false,
    directAccessGrantsEnabled: flows.directAccessGrants ?? false,
    serviceAccountsEnabled: flows.serviceAccounts ?? false,
    redirectUris,
    webOrigins,
    ...(Object.keys(attributes).length ? { attributes } : {}),
    ...(defaultClientScopes ? { defaultClientScopes } : {}),
    ...(optionalClientScopes ? { optionalClientScopes } : {}),
    ...(mappers.length ? { protocolMappers: mappers } : {}),
  };
}

/** http(s) URLs (or `+`, where allowed) without `${`, which the importer would expand. */
function checkUris(scope: IConstruct, prop: string, list: string[] | undefined, allowPlus: boolean): string[] {
  return (list ?? []).map((u, i) => {
    if (typeof u !== 'string' || PLACEHOLDER.test(u) || !(/^https?:\/\/[^\s]+$/.test(u) || (allowPlus && u === '+'))) {
      invalid(scope, `client.${prop}[${i}]`, `must be an http(s) URL${allowPlus ? ' or "+"' : ''} without "\${"`, u,
        `write it as "https://app.example.com/callback"${allowPlus ? ' or "+"' : ''}`);
    }
    return u;
  });
}

/**
 * Where Keycloak may send the browser (and the authorization code): exact https URLs only. A
 * wildcard lets any page of the host (or, with "/*" on a shared host, any app there) receive
 * codes, and http sends them in clear text.
 */
function checkRedirectUris(scope: IConstruct, prop: string, list: string[] | undefined, allowPlus: boolean): string[] {
  const uris = checkUris(scope, prop, list, allowPlus);
  uris.forEach((u, i) => {
    if (allowPlus && u === '+') return;
    if (!u.startsWith('https://')) {
      invalid(scope, `client.${prop}[${i}]`, 'must be an https:// URL (an http:// redirect sends the authorization code in clear text)', u,
        `write it as "${u.replace(/^http:/, 'https:')}"`);
    }
    if (u.includes('*')) {
      invalid(scope, `client.${prop}[${i}]`, 'must be an exact URL without "*" (a wildcard lets any path of the host receive the authorization code)', u,
        'list each callback path, such as "https://app.example.com/callback"');
    }
  });
  return uris;
}

/**
 * Names of client scopes of the realm. Keycloak has no client scope "openid" (it adds openid to
 * every OIDC request itself): keycloak-config-cli 6.4.0 looks each listed name up when it updates
 * a client (ClientImportService.updateClientDefaultOptionalClientScopes ->
 * ClientScopeRepository.getListByNames returns null for a missing scope, then
 * ClientRepository.addDefaultClientScopes calls getId() on it), so the second run of the Job fails.
 */
function checkClientScopes(scope: IConstruct, prop: string, list: string[] | undefined): string[] | undefined {
  return list?.map((s, i) => {
    if (typeof s !== 'string' || !/^[A-Za-z0-9_:.-]+$/.test(s)) invalid(scope, `client.${prop}[${i}]`, 'must be a client scope name', s, 'use a scope such as "profile"');
    if (s === 'openid') invalid(scope, `client.${prop}[${i}]`, 'must not be "openid" (Keycloak has no client scope of that name; openid is always granted)', s, 'remove "openid" from the list');
    return s;
  });
}

/** The access-token lifespan in whole seconds, at least 60. */
function resolveLifespan(scope: IConstruct, value: Duration | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Duration)) {
    invalid(scope, 'client.accessTokenLifespan', 'must be a Duration', value, 'pass Duration.hours(1)');
  }
  const seconds = value.toSeconds();
  if (!Number.isInteger(seconds) || seconds < 60) {
    invalid(scope, 'client.accessTokenLifespan', 'must be a whole number of seconds, at least 60', seconds, 'pass Duration.minutes(5) or longer');
  }
  return seconds;
}

/** @internal */
/** @internal */
export function checkRole(scope: IConstruct, r: RealmRole, i: number): kcTypes.KeycloakRealmImportSpecRealmRolesRealm {
  if (!r || typeof r.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/.test(r.name)) {
    invalid(scope, `realmRoles[${i}].name`, 'must be letters, digits, ".", "_", ":" or "-"', r?.name, 'use a role such as "mlflow-user"');
  }
  return { name: r.name, ...(r.description !== undefined ? { description: plain(scope, `realmRoles[${i}].description`, r.description) } : {}) };
}

/** @internal */
/** @internal */
export function checkUser(scope: IConstruct, realm: string, u: RealmUser, i: number, roles: string[]): kcTypes.KeycloakRealmImportSpecRealmUsers {
  if (u && (u as any).password !== undefined || u && (u as any).credentials !== undefined) {
    invalid(scope, `users[${i}]`, 'must not carry a password or credentials (they would be written to the manifest)', '<redacted>',
      'remove it; let the user set one on first login with requiredActions: ["UPDATE_PASSWORD"]');
  }
  if (!u || typeof u.username !== 'string' || !/^[a-z0-9][a-z0-9._@+-]{0,254}$/.test(u.username)) {
    invalid(scope, `users[${i}].username`, 'must be a lower-case username (letters, digits, ".", "_", "@", "+", "-")', u?.username,
      `write it as "${String(u?.username ?? 'admin').toLowerCase().replace(/[^a-z0-9._@+-]/g, '') || 'admin'}"`);
  }
  const allowed = [...roles, ...BUILT_IN_ROLES, `default-roles-${realm.toLowerCase()}`];
  (u.realmRoles ?? []).forEach((r, j) => {
    if (!allowed.includes(r)) {
      invalid(scope, `users[${i}].realmRoles[${j}]`, `must be a role of the realm (${allowed.join(', ')})`, r, `add { name: "${r}" } to realmRoles, or assign an existing role`);
    }
  });
  (u.requiredActions ?? []).forEach((a, j) => {
    if (!/^[A-Z][A-Z_]*$/.test(a ?? '')) invalid(scope, `users[${i}].requiredActions[${j}]`, 'must be a required-action alias', a, 'use "UPDATE_PASSWORD" or "CONFIGURE_TOTP"');
  });
  if (u.email !== undefined && !/^[^\s@$]+@[^\s@$]+$/.test(u.email)) {
    invalid(scope, `users[${i}].email`, 'must be an e-mail address', u.email, 'write it as "admin@example.com"');
  }
  return {
    username: u.username,
    enabled: u.enabled ?? true,
    ...(u.email ? { email: u.email } : {}),
    ...(u.realmRoles?.length ? { realmRoles: [...u.realmRoles] } : {}),
    ...(u.requiredActions?.length ? { requiredActions: [...u.requiredActions] } : {}),
  };
}

/** Free text the import would otherwise expand: `${VAR}` reads the import pod's environment. @internal */
export function plain(scope: IConstruct, prop: string, value: string): string {
  if (typeof value !== 'string' || PLACEHOLDER.test(value)) {
    invalid(scope, prop, 'must be text without "${" (the import replaces ${...} with environment variables of its pod)', value, 'remove the "${...}"');
  }
  return value;
}

/** The Thinkube MLflow deployment's MLflow client (KeycloakRealm.mlflow, KeycloakClientSetup.mlflow). @internal */
export function mlflowClientOptions(clientId: string, origin: string): OidcClientOptions {
  return {
    clientId,
    // The seed also lists `${origin}/*`: refused (see renderClient). MlflowAuth.oidc sets
    // OIDC_REDIRECT_URI to /callback (lib/mlflow/oidc-auth.ts), MlflowAuth.oauth2Proxy its
    // redirect URL to /oauth2/callback (lib/mlflow/oauth2-proxy.ts): those are the only two.
    redirectUris: [`${origin}/oauth2/callback`, `${origin}/callback`],
    webOrigins: [origin, '+'],
    postLogoutRedirectUris: ['+'],
    flows: { standard: true, implicit: false, directAccessGrants: true },
    accessTokenLifespan: Duration.seconds(3600),
    // Keycloak 26's default client scopes of a new realm (keycloak/keycloak,
    // services/src/main/java/org/keycloak/protocol/oidc/OIDCLoginProtocolFactory.java,
    // createDefaultClientScopesImpl; we pin the operator 26.0.0 and keycloak-config-cli built for
    // 26.1.0, but neither tag of that repository can be read here (too large to bring, and the
    // stored copies of the file are of unidentified versions): not confirmed at a tag):
    // `basic` (since 25; it maps `sub` and `auth_time`, so a list
    // without it issues tokens without `sub`), `acr`, `web-origins`, `profile`, `email`, `roles`;
    // plus the seed's `offline_access`. The seed's `openid` is not a client scope (see renderClient).
    defaultClientScopes: ['basic', 'acr', 'web-origins', 'profile', 'email', 'roles', 'offline_access'],
    optionalClientScopes: ['address', 'phone'],
    protocolMappers: [
      ProtocolMapper.realmRoles({ name: `${clientId}-realm-role-mapper`, claimName: 'realm_access.roles' }),
      ProtocolMapper.audience({ name: `${clientId}-audience-mapper`, clientAudience: clientId, customAudience: clientId }),
      ProtocolMapper.clientRoles({ name: `${clientId}-client-role-mapper`, clientId, claimName: 'resource_access.${client_id}.roles' }),
    ],
  };
}

/** The Thinkube MLflow deployment's MLflow realm roles. @internal */
export const MLFLOW_REALM_ROLES: RealmRole[] = [
  { name: MLFLOW_ADMIN_ROLE, description: 'MLflow administrator' },
  { name: MLFLOW_USER_ROLE, description: 'MLflow user' },
];

/** The Thinkube MLflow deployment's roles as groups: a realm administrator adds existing users to these. @internal */
export const MLFLOW_GROUPS: RealmGroup[] = [
  { name: MLFLOW_ADMIN_GROUP, realmRoles: [MLFLOW_ADMIN_ROLE] },
  { name: MLFLOW_USER_GROUP, realmRoles: [MLFLOW_USER_ROLE] },
];

/** The MLflow preset's users: `admins` get `mlflow-admin`, `users` get `mlflow-user`, in that order. @internal */
export function mlflowRealmUsers(admins: string[] = [], users: string[] = []): RealmUser[] {
  return [
    ...admins.map((username) => ({ username, realmRoles: [MLFLOW_ADMIN_ROLE] })),
    ...users.map((username) => ({ username, realmRoles: [MLFLOW_USER_ROLE] })),
  ];
}
