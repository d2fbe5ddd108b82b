import { invalid } from '../core/validate';

/** Which tokens a mapper adds its claim to. */
export interface ClaimTokens {
  /** @default true */
  readonly idToken?: boolean;
  /** @default true */
  readonly accessToken?: boolean;
  /** The userinfo endpoint's response. @default true */
  readonly userinfo?: boolean;
}

/** The `ProtocolMapperRepresentation` Keycloak imports (`config` values are strings). */
export interface RenderedProtocolMapper {
  readonly name: string;
  readonly protocol: string;
  readonly protocolMapper: string;
  readonly consentRequired: boolean;
  readonly config: Record<string, string>;
}

interface RoleMapperOptions {
  /** The mapper's name in the realm (unique per client). */
  readonly name: string;
  /** @default - all three tokens */
  readonly tokens?: ClaimTokens;
  /** @default true (a list of role names) */
  readonly multivalued?: boolean;
}

/** Options of {@link ProtocolMapper.realmRoles}. */
export interface RealmRolesMapperOptions extends RoleMapperOptions {
  /** A dotted name nests the claim: `realm_access.roles` is `{"realm_access": {"roles": [...]}}`. @default "realm_access.roles" */
  readonly claimName?: string;
}

/** Options of {@link ProtocolMapper.clientRoles}. */
export interface ClientRolesMapperOptions extends RoleMapperOptions {
  /** The client whose roles are mapped. */
  readonly clientId: string;
  /** `${client_id}` is Keycloak's own template, replaced by the client id. @default "resource_access.${client_id}.roles" */
  readonly claimName?: string;
}

/** Options of {@link ProtocolMapper.audience}. */
export interface AudienceMapperOptions {
  readonly name: string;
  /** A client id whose name is added to `aud`. @default - none */
  readonly clientAudience?: string;
  /** A literal audience added to `aud`. @default - none */
  readonly customAudience?: string;
  /** @default - the access token only */
  readonly tokens?: Pick<ClaimTokens, 'idToken' | 'accessToken'>;
}

const CLAIM = /^[A-Za-z0-9_-]+(\.([A-Za-z0-9_-]+|\$\{client_id\}))*$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$/;

/**
 * An OIDC protocol mapper of a Keycloak client: which claim a token carries. Created with the
 * static factories; rendered into the client's `protocolMappers`.
 */
export class ProtocolMapper {
  /** The user's realm roles as a claim (Keycloak's `oidc-usermodel-realm-role-mapper`). */
  public static realmRoles(options: RealmRolesMapperOptions): ProtocolMapper {
    const claim = checkClaim('ProtocolMapper.realmRoles', options.claimName ?? 'realm_access.roles');
    return new ProtocolMapper(checkName('ProtocolMapper.realmRoles', options.name), 'oidc-usermodel-realm-role-mapper', {
      'claim.name': claim,
      'jsonType.label': 'String',
      'multivalued': String(options.multivalued ?? true),
      ...tokenFlags(options.tokens, true),
    });
  }

  /** The user's roles of one client as a claim (Keycloak's `oidc-usermodel-client-role-mapper`). */
  public static clientRoles(options: ClientRolesMapperOptions): ProtocolMapper {
    const claim = checkClaim('ProtocolMapper.clientRoles', options.claimName ?? 'resource_access.${client_id}.roles');
    if (typeof options.clientId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(options.clientId)) {
      invalid('ProtocolMapper.clientRoles', 'clientId', 'must name a client (letters, digits, ".", "_", ":" or "-")', options.clientId, 'pass clientId: "mlflow"');
    }
    return new ProtocolMapper(checkName('ProtocolMapper.clientRoles', options.name), 'oidc-usermodel-client-role-mapper', {
      'claim.name': claim,
      'jsonType.label': 'String',
      'multivalued': String(options.multivalued ?? true),
      'usermodel.clientRoleMapping.clientId': options.clientId,
      ...tokenFlags(options.tokens, true),
    });
  }

  /** Adds an audience to `aud` (Keycloak's `oidc-audience-mapper`), so resource servers can check it. */
  public static audience(options: AudienceMapperOptions): ProtocolMapper {
    if (!options.clientAudience && !options.customAudience) {
      invalid('ProtocolMapper.audience', 'clientAudience', 'or customAudience must be set', undefined, 'pass clientAudience: "mlflow"');
    }
    for (const [prop, v] of [['clientAudience', options.clientAudience], ['customAudience', options.customAudience]] as const) {
      if (v !== undefined && (typeof v !== 'string' || !/^[^\s$]{1,255}$/.test(v))) {
        invalid('ProtocolMapper.audience', prop, 'must be a non-empty string without spaces or "$"', v, `pass ${prop}: "mlflow"`);
      }
    }
    const t = options.tokens ?? {};
    return new ProtocolMapper(checkName('ProtocolMapper.audience', options.name), 'oidc-audience-mapper', {
      ...(options.clientAudience ? { 'included.client.audience': options.clientAudience } : {}),
      ...(options.customAudience ? { 'included.custom.audience': options.customAudience } : {}),
      'id.token.claim': String(t.idToken ?? false),
      'access.token.claim': String(t.accessToken ?? true),
    });
  }

  private constructor(
    /** The mapper's name, unique within its client. */
    public readonly name: string,
    /** Keycloak's mapper type id. */
    public readonly type: string,
    private readonly config: Record<string, string>,
  ) {}

  /** The representation inside a client's `protocolMappers`. */
  public render(): RenderedProtocolMapper {
    return { name: this.name, protocol: 'openid-connect', protocolMapper: this.type, consentRequired: false, config: { ...this.config } };
  }
}

function tokenFlags(tokens: ClaimTokens | undefined, dflt: boolean): Record<string, string> {
  const t = tokens ?? {};
  return {
    'id.token.claim': String(t.idToken ?? dflt),
    'access.token.claim': String(t.accessToken ?? dflt),
    'userinfo.token.claim': String(t.userinfo ?? dflt),
  };
}

function checkName(scope: string, name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    invalid(scope, 'name', 'must be letters, digits, spaces, ".", "_" or "-"', name, 'name the mapper, such as "mlflow-realm-role-mapper"');
  }
  return name;
}

function checkClaim(scope: string, claim: string): string {
  if (typeof claim !== 'string' || !CLAIM.test(claim)) {
    invalid(scope, 'claimName', 'must be dot-separated claim names (letters, digits, "_", "-"; "${client_id}" is the only template)', claim,
      'write it as "realm_access.roles" or "groups"');
  }
  return claim;
}
