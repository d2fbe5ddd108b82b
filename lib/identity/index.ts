// The public API of lib/identity: named exports only; internal helpers are imported by deep path.
export { IdentityProvider, IdentityProviderBase } from './identity-provider';
export type { ExistingKeycloakProps, IIdentityProvider, IssuerProps, KeycloakClientBaseProps } from './identity-provider';
export { KeycloakRealm } from './keycloak-realm';
export type { KeycloakRealmProps, MlflowClientPresetProps, MlflowRealmProps, OidcClientFlows, OidcClientOptions, RealmAccessProps, RealmRole, RealmUser } from './keycloak-realm';
export { ProtocolMapper } from './protocol-mapper';
export type { AudienceMapperOptions, ClaimTokens, ClientRolesMapperOptions, RealmRolesMapperOptions, RenderedProtocolMapper } from './protocol-mapper';
export { KeycloakClientSetup } from './keycloak-client-setup';
export type { KeycloakAdmin, KeycloakClientSetupProps, MachineClientOptions, MlflowClientSetupProps } from './keycloak-client-setup';
