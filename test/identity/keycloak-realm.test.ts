import { App, Chart, Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ExternalSecret, SecretStoreRef } from '../../lib/core/external-secret';
import { Namespace } from '../../lib/core/namespace';
import { Workload } from '../../lib/core/workload';
import { IIdentityProvider } from '../../lib/identity/identity-provider';
import { KeycloakClientSetup } from '../../lib/identity/keycloak-client-setup';
import { KeycloakRealm, KeycloakRealmProps } from '../../lib/identity/keycloak-realm';
import { ProtocolMapper } from '../../lib/identity/protocol-mapper';
import { synthObjects } from '../../lib/synth/synth';
import { formatViolation, SchemaValidator } from '../../lib/synth/schema-validator';
import { exactly, find, secretRef, synthChart } from '../support/synth';

const clientSecret = secretRef('mlflow-oidc', 'client-secret');

function mlflowRealm() {
  let realm!: KeycloakRealm;
  const objs = synthChart((chart) => {
    realm = KeycloakRealm.mlflow(chart, 'realm', {
      keycloakUrl: 'https://keycloak.example.com/', realm: 'thinkube', host: 'mlflow.example.com', clientSecret, admins: ['tkadmin'],
    });
  }, 'keycloak');
  return { realm, objs, cr: find(objs, 'KeycloakRealmImport', 'thinkube') };
}

describe('KeycloakRealm.mlflow (seed 003)', () => {
  const { realm, objs, cr } = mlflowRealm();
  const client = cr.spec.realm.clients[0];
  const mapper = (name: string) => client.protocolMappers.find((m: any) => m.name === name);

  it('is a KeycloakRealmImport for the Keycloak CR, valid against the operator\'s CRD', () => {
    expect(cr.apiVersion).toBe('k8s.keycloak.org/v2alpha1');
    expect(cr.metadata.namespace).toBe('keycloak');
    expect(cr.spec.keycloakCRName).toBe('keycloak');
    expect(cr.spec.realm).toMatchObject({ realm: 'thinkube', enabled: true });
    expect(SchemaValidator.shipped().validate(cr).map(formatViolation)).toEqual([]);
  });

  it('declares the realm roles mlflow-admin and mlflow-user', () => {
    expect(cr.spec.realm.roles).toEqual({ realm: [
      { name: 'mlflow-admin', description: 'MLflow administrator' },
      { name: 'mlflow-user', description: 'MLflow user' },
    ] });
  });

  it('gives the admin user of the new realm mlflow-admin, with no password or credentials, and the groups carrying the roles', () => {
    expect(cr.spec.realm.users).toEqual([{ username: 'tkadmin', enabled: true, realmRoles: ['mlflow-admin'] }]);
    expect(cr.spec.realm.groups).toEqual([{ name: 'mlflow-admins', realmRoles: ['mlflow-admin'] }, { name: 'mlflow-users', realmRoles: ['mlflow-user'] }]);
    expect(JSON.stringify(cr)).not.toMatch(/credentials|password/i);
  });

  it('registers a confidential client with the seed\'s flows', () => {
    expect(client).toMatchObject({
      clientId: 'mlflow', protocol: 'openid-connect', publicClient: false, clientAuthenticatorType: 'client-secret',
      standardFlowEnabled: true, implicitFlowEnabled: false, directAccessGrantsEnabled: true, serviceAccountsEnabled: false,
    });
  });

  it('has the seed\'s redirect URIs, web origins, post-logout redirect and token lifespan', () => {
    // The seed's wildcard https://<host>/* is refused: only the two callbacks are registered.
    expect(client.redirectUris).toEqual(['https://mlflow.example.com/oauth2/callback', 'https://mlflow.example.com/callback']);
    expect(client.webOrigins).toEqual(['https://mlflow.example.com', '+']);
    expect(client.attributes).toEqual({ 'access.token.lifespan': '3600', 'post.logout.redirect.uris': '+' });
  });

  it('has Keycloak 26\'s default client scopes plus the seed\'s offline_access (no "openid", which is not a client scope), and its optional ones', () => {
    expect(client.defaultClientScopes).toEqual(['basic', 'acr', 'web-origins', 'profile', 'email', 'roles', 'offline_access']);
    expect(client.optionalClientScopes).toEqual(['address', 'phone']);
  });

  it('maps realm roles to realm_access.roles in the ID, access and userinfo tokens', () => {
    expect(mapper('mlflow-realm-role-mapper')).toEqual({
      name: 'mlflow-realm-role-mapper', protocol: 'openid-connect', protocolMapper: 'oidc-usermodel-realm-role-mapper', consentRequired: false,
      config: { 'claim.name': 'realm_access.roles', 'jsonType.label': 'String', 'multivalued': 'true',
        'id.token.claim': 'true', 'access.token.claim': 'true', 'userinfo.token.claim': 'true' },
    });
  });

  it('adds the audience mlflow (client and custom) to the access token only', () => {
    expect(mapper('mlflow-audience-mapper')).toEqual({
      name: 'mlflow-audience-mapper', protocol: 'openid-connect', protocolMapper: 'oidc-audience-mapper', consentRequired: false,
      config: { 'included.client.audience': 'mlflow', 'included.custom.audience': 'mlflow', 'id.token.claim': 'false', 'access.token.claim': 'true' },
    });
  });

  it('maps the mlflow client\'s roles to resource_access.${client_id}.roles in the ID, access and userinfo tokens', () => {
    expect(mapper('mlflow-client-role-mapper')).toEqual({
      name: 'mlflow-client-role-mapper', protocol: 'openid-connect', protocolMapper: 'oidc-usermodel-client-role-mapper', consentRequired: false,
      config: { 'claim.name': 'resource_access.${client_id}.roles', 'jsonType.label': 'String', 'multivalued': 'true',
        'usermodel.clientRoleMapping.clientId': 'mlflow', 'id.token.claim': 'true', 'access.token.claim': 'true', 'userinfo.token.claim': 'true' },
    });
    expect(client.protocolMappers.map((m: any) => m.name)).toEqual(['mlflow-realm-role-mapper', 'mlflow-audience-mapper', 'mlflow-client-role-mapper']);
  });

  it('never renders the client secret: the realm names a placeholder that the operator fills from the Secret', () => {
    expect(client.secret).toBe('${MLFLOW_CLIENT_SECRET}');
    expect(cr.spec.placeholders).toEqual({ MLFLOW_CLIENT_SECRET: { secret: { name: 'mlflow-oidc', key: 'client-secret' } } });
    expect(realm.secretPlaceholder).toBe('MLFLOW_CLIENT_SECRET');
    // The only "${" in the realm are the placeholder and Keycloak's own ${client_id} template.
    expect(JSON.stringify(cr.spec.realm).match(/\$\{[^}]*\}/g)?.sort()).toEqual(['${MLFLOW_CLIENT_SECRET}', '${client_id}']);
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('is an IIdentityProvider whose client secret is the same reference MLflow consumes', () => {
    const idp: IIdentityProvider = realm;
    expect(idp.issuerUrl).toBe('https://keycloak.example.com/realms/thinkube');
    expect(idp.discoveryUrl).toBe('https://keycloak.example.com/realms/thinkube/.well-known/openid-configuration');
    expect(idp.tokenEndpoint).toBe('https://keycloak.example.com/realms/thinkube/protocol/openid-connect/token');
    expect(idp.clientId).toBe('mlflow');
    expect(idp.clientSecret).toBe(clientSecret);
    expect([idp.port.number, idp.peer.data]).toEqual([443, { kind: 'cidr', cidr: '0.0.0.0/0' }]);
  });

  it('lets a relying party out to the issuer', () => {
    const objs2 = synthChart((chart) => {
      const r = KeycloakRealm.mlflow(chart, 'realm', { keycloakUrl: 'https://10.0.0.5:8443', realm: 'thinkube', host: 'mlflow.example.com', clientSecret });
      r.grantConnect(new Workload(chart, 'app', { name: 'app', instance: 'app', component: 'server' }), 'oidc');
    });
    expect(find(objs2, 'NetworkPolicy', 'app-egress').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.5/32' } }], ports: [{ protocol: 'TCP', port: 8443 }] }]);
  });

  it('renders a stable manifest', () => {
    expect(cr).toMatchSnapshot();
  });
});

describe('KeycloakRealm for any app', () => {
  const base: KeycloakRealmProps = {
    keycloakUrl: 'https://sso.example.com', realm: 'platform', clientSecret: secretRef('grafana-oidc', 'secret'),
    client: { clientId: 'grafana', redirectUris: ['https://grafana.example.com/login/generic_oauth'] },
  };
  const build = (over: Partial<KeycloakRealmProps> = {}) => () => synthChart((chart) => new KeycloakRealm(chart, 'realm', { ...base, ...over }));

  it('has safe defaults: standard flow only, no scopes or mappers unless asked for', () => {
    const cr = find(build()(), 'KeycloakRealmImport', 'platform');
    expect(cr.spec.realm.clients).toEqual([{
      clientId: 'grafana', name: 'grafana', enabled: true, protocol: 'openid-connect', publicClient: false, clientAuthenticatorType: 'client-secret',
      secret: '${GRAFANA_CLIENT_SECRET}', standardFlowEnabled: true, implicitFlowEnabled: false, directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false, redirectUris: ['https://grafana.example.com/login/generic_oauth'], webOrigins: [],
    }]);
    expect(cr.spec.realm.roles).toBeUndefined();
    expect(cr.spec.realm.users).toBeUndefined();
  });

  it('takes a service-account client, joined post-logout URIs and a custom claim', () => {
    const cr = find(build({
      client: { ...base.client, flows: { serviceAccounts: true }, postLogoutRedirectUris: ['https://a.example.com', 'https://b.example.com'], accessTokenLifespan: Duration.minutes(10),
        protocolMappers: [ProtocolMapper.realmRoles({ name: 'groups', claimName: 'groups', tokens: { userinfo: false } })] },
    })(), 'KeycloakRealmImport', 'platform');
    const client = cr.spec.realm.clients[0];
    expect(client.serviceAccountsEnabled).toBe(true);
    expect(client.attributes).toEqual({ 'access.token.lifespan': '600', 'post.logout.redirect.uris': 'https://a.example.com##https://b.example.com' });
    expect(client.protocolMappers[0].config).toMatchObject({ 'claim.name': 'groups', 'id.token.claim': 'true', 'userinfo.token.claim': 'false' });
  });

  it('refuses the flow switches of an earlier release instead of ignoring them (JavaScript callers)', () => {
    expect(build({ client: { ...base.client, serviceAccounts: true } as any })).toThrowError(exactly(
      'test/realm: client.serviceAccounts is no longer a prop, got true. Fix: write flows: { serviceAccounts: ... }'));
    expect(build({ client: { ...base.client, standardFlow: false } as any })).toThrowError(exactly(
      'test/realm: client.standardFlow is no longer a prop, got false. Fix: write flows: { standard: ... }'));
  });

  it('rejects bad input with the exact message', () => {
    expect(build({ keycloakUrl: 'http://sso.example.com' })).toThrowError(exactly(
      'test/realm: keycloakUrl must be an https URL without credentials, query or fragment, got "http://sso.example.com". Fix: write it as "https://keycloak.example.com"'));
    expect(build({ realm: 'master' })).toThrowError(exactly(
      'test/realm: realm cannot be imported (Keycloak never imports the master realm), got "master". Fix: use a realm of its own, such as "platform"'));
    expect(build({ clientSecret: 'hunter2' as any })).toThrowError(exactly(
      'test/realm: clientSecret must be a SecretValue, never a string, got a string. Fix: pass SecretValue.fromSecret("mlflow-oidc", "client-secret") or an ExternalSecret value'));
    expect(build({ client: { ...base.client, redirectUris: ['https://${KC_DB_PASSWORD}.example.com'] } })).toThrowError(exactly(
      'test/realm: client.redirectUris[0] must be an http(s) URL without "${", got "https://${KC_DB_PASSWORD}.example.com". Fix: write it as "https://app.example.com/callback"'));
    expect(build({ client: { ...base.client, redirectUris: ['http://grafana.example.com/login'] } })).toThrowError(exactly(
      'test/realm: client.redirectUris[0] must be an https:// URL (an http:// redirect sends the authorization code in clear text), got "http://grafana.example.com/login". Fix: write it as "https://grafana.example.com/login"'));
    expect(build({ client: { ...base.client, redirectUris: ['https://grafana.example.com/*'] } })).toThrowError(exactly(
      'test/realm: client.redirectUris[0] must be an exact URL without "*" (a wildcard lets any path of the host receive the authorization code), got "https://grafana.example.com/*". Fix: list each callback path, such as "https://app.example.com/callback"'));
    expect(build({ client: { ...base.client, postLogoutRedirectUris: ['+', 'https://*.example.com'] } })).toThrowError(exactly(
      'test/realm: client.postLogoutRedirectUris[1] must be an exact URL without "*" (a wildcard lets any path of the host receive the authorization code), got "https://*.example.com". Fix: list each callback path, such as "https://app.example.com/callback"'));
    expect(build({ client: { ...base.client, defaultClientScopes: ['basic', 'openid'] } })).toThrowError(exactly(
      'test/realm: client.defaultClientScopes[1] must not be "openid" (Keycloak has no client scope of that name; openid is always granted), got "openid". Fix: remove "openid" from the list'));
    expect(build({ groups: [{ name: 'viewers', realmRoles: ['admin'] }] })).toThrowError(exactly(
      'test/realm: groups[0].realmRoles[0] must be a role of the realm (offline_access, uma_authorization), got "admin". Fix: add { name: "admin" } to realmRoles, or assign an existing role'));
    expect(build({ client: { ...base.client, redirectUris: [] } })).toThrowError(exactly(
      'test/realm: client.redirectUris must list at least one URI when the standard flow is on, got []. Fix: pass redirectUris: ["https://app.example.com/callback"]'));
    expect(build({ displayName: 'Team ${HOSTNAME}' })).toThrowError(exactly(
      'test/realm: displayName must be text without "${" (the import replaces ${...} with environment variables of its pod), got "Team ${HOSTNAME}". Fix: remove the "${...}"'));
    expect(build({ client: { ...base.client, accessTokenLifespan: Duration.seconds(30) } })).toThrowError(exactly(
      'test/realm: client.accessTokenLifespan must be a whole number of seconds, at least 60, got 30. Fix: pass Duration.minutes(5) or longer'));
  });

  it('rejects a role assignment to a role the realm does not have', () => {
    expect(build({ realmRoles: [{ name: 'viewer' }], users: [{ username: 'ada', realmRoles: ['admin'] }] })).toThrowError(exactly(
      'test/realm: users[0].realmRoles[0] must be a role of the realm (viewer, offline_access, uma_authorization, default-roles-platform), got "admin". Fix: add { name: "admin" } to realmRoles, or assign an existing role'));
    expect(build({ realmRoles: [{ name: 'viewer' }, { name: 'viewer' }] })).toThrowError(exactly(
      'test/realm: realmRoles must not repeat a role, got "viewer". Fix: declare "viewer" once'));
    expect(build({ users: [{ username: 'Ada' }] })).toThrowError(exactly(
      'test/realm: users[0].username must be a lower-case username (letters, digits, ".", "_", "@", "+", "-"), got "Ada". Fix: write it as "ada"'));
  });

  it('refuses a user with a password, without echoing it', () => {
    expect(build({ users: [{ username: 'ada', password: 'hunter2' } as any] })).toThrowError(exactly(
      'test/realm: users[0] must not carry a password or credentials (they would be written to the manifest), got "<redacted>". Fix: remove it; let the user set one on first login with requiredActions: ["UPDATE_PASSWORD"]'));
  });

  it('requires the placeholder Secret in the Keycloak namespace', () => {
    const app = new App();
    const mlflow = new Chart(app, 'mlflow', { namespace: 'mlflow' });
    const keycloak = new Chart(app, 'keycloak', { namespace: 'keycloak' });
    new Namespace(keycloak, 'ns');
    const es = new ExternalSecret(mlflow, 'oidc', { name: 'mlflow-oidc', store: SecretStoreRef.cluster('platform'), data: { 'client-secret': { remoteKey: 'mlflow/oidc' } } });
    expect(() => new KeycloakRealm(keycloak, 'realm', { ...base, clientSecret: es.value('client-secret') })).toThrowError(exactly(
      'keycloak/realm: clientSecret must be a Secret in the Keycloak namespace "keycloak" (the operator reads placeholders there), but its ExternalSecret is in "mlflow", got "<redacted>". Fix: create an ExternalSecret of the same remote key in "keycloak" and pass its value'));
    const local = new ExternalSecret(keycloak, 'oidc', { name: 'mlflow-oidc', store: SecretStoreRef.cluster('platform'), data: { 'client-secret': { remoteKey: 'mlflow/oidc' } } });
    new KeycloakRealm(keycloak, 'ok', { ...base, name: 'platform-ok', clientSecret: local.value('client-secret') });
    const objs = synthObjects(app);
    expect(objs.find((o) => o.kind === 'KeycloakRealmImport')).toBeDefined();
  });
});

describe('ProtocolMapper', () => {
  it('rejects bad claims and audiences with the exact message', () => {
    expect(() => ProtocolMapper.realmRoles({ name: 'r', claimName: 'realm access' })).toThrowError(exactly(
      'ProtocolMapper.realmRoles: claimName must be dot-separated claim names (letters, digits, "_", "-"; "${client_id}" is the only template), got "realm access". Fix: write it as "realm_access.roles" or "groups"'));
    expect(() => ProtocolMapper.clientRoles({ name: 'c', clientId: 'mlflow', claimName: 'resource_access.${KC_DB_PASSWORD}.roles' })).toThrowError(exactly(
      'ProtocolMapper.clientRoles: claimName must be dot-separated claim names (letters, digits, "_", "-"; "${client_id}" is the only template), got "resource_access.${KC_DB_PASSWORD}.roles". Fix: write it as "realm_access.roles" or "groups"'));
    expect(() => ProtocolMapper.audience({ name: 'a' })).toThrowError(exactly(
      'ProtocolMapper.audience: clientAudience or customAudience must be set, got undefined. Fix: pass clientAudience: "mlflow"'));
  });
});

describe('KeycloakClientSetup (an existing realm, keycloak-config-cli)', () => {
  const admin = { username: 'admin', password: secretRef('keycloak-admin', 'password') };
  const build = (over: Record<string, unknown> = {}) => () => synthChart((chart) => KeycloakClientSetup.mlflow(chart, 'kc', {
    keycloakUrl: 'https://keycloak.example.com', realm: 'thinkube', host: 'mlflow.example.com', admin, clientSecret, ...over,
  } as any), 'mlflow');

  it('lists no person: roles reach people through groups, and no group, role or client of the realm is ever deleted', () => {
    const objs = build()();
    const realm = JSON.parse(find(objs, 'ConfigMap', 'mlflow-keycloak-setup').data['thinkube.json']);
    expect(realm.users).toBeUndefined();
    expect(realm.groups).toEqual([{ name: 'mlflow-admins', realmRoles: ['mlflow-admin'] }, { name: 'mlflow-users', realmRoles: ['mlflow-user'] }]);
    const env = Object.fromEntries(find(objs, 'Job', 'mlflow-keycloak-setup').spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    // With the default (full), a file listing groups deletes every other group of the realm.
    expect([env.IMPORT_MANAGED_GROUP, env.IMPORT_MANAGED_ROLE, env.IMPORT_MANAGED_CLIENT]).toEqual(['no-delete', 'no-delete', 'no-delete']);
  });

  it('refuses to list users of the existing realm, with the exact message', () => {
    const fix = 'Fix: remove it, grant roles through groups (the MLflow preset renders "mlflow-admins" and "mlflow-users"), and add the people to those groups in Keycloak once';
    const problem = 'must not list users of an existing realm (keycloak-config-cli would make their realm roles, client roles and groups exactly the file\'s, removing all others on every sync)';
    expect(build({ admins: ['tkadmin'] })).toThrowError(exactly(`test/kc: admins ${problem}, got ["tkadmin"]. ${fix}`));
    expect(build({ users: [{ username: 'ada', realmRoles: ['mlflow-user'] }] })).toThrowError(exactly(`test/kc: users ${problem}, got [{"username":"ada","realmRoles":["mlflow-user"]}]. ${fix}`));
  });
});
