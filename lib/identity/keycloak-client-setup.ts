import { Chart } from 'cdk8s';
import { AppNotes } from '../core/app-notes';
import { Construct } from 'constructs';
import { renderJob } from '../core/batch';
import { IWorkload, Peer } from '../core/connections';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { ComponentIdentity } from '../core/labels';
import { EnvValue } from '../core/pod';
import { Port } from '../core/port';
import { SecretValue } from '../core/secret-value';
import { checkDnsSubdomain, checkHost, checkHostname, checkSecretValue, checkUnique, invalid } from '../core/validate';
import { readScript } from '../core/script-file';
import { Workload } from '../core/workload';
import { KeycloakClientBase, KeycloakClientBaseProps, checkClient, checkRealmName } from './identity-provider';
import {
  MLFLOW_GROUPS, MLFLOW_REALM_ROLES, MlflowClientPresetProps, OidcClientOptions, RealmAccessProps, checkGroups, checkRealmRoles, clientSecretVariable, mlflowClientOptions, renderClient,
} from './keycloak-realm';
import { ProtocolMapper } from './protocol-mapper';
import { checkFactoryProps } from '../core/props-guard';

/**
 * keycloak-config-cli (github.com/adorsys/keycloak-config-cli), built for Keycloak 26. The tag is
 * `<cli version>-<keycloak version>`: pick the one matching your Keycloak, and pin a digest.
 */
export const KEYCLOAK_CONFIG_CLI_IMAGE = 'adorsys/keycloak-config-cli:6.4.0-26.1.0';

/** An administrator of the Keycloak the setup Job logs in as. */
export interface KeycloakAdmin {
  /** `admin` */
  readonly username: string;
  readonly password: SecretValue;
  /** The realm the administrator belongs to. @default "master" */
  readonly realm?: string;
}

/**
 * A confidential client for programs (CI jobs, notebooks): the client-credentials grant only, its
 * tokens carry the relying party's audience and the given realm roles. No human password is involved.
 */
export interface MachineClientOptions {
  /** `mlflow-automation` */
  readonly clientId: string;
  /** Its secret, a key of a Secret in this chart's namespace (what the program presents). */
  readonly clientSecret: SecretValue;
  /** Realm roles of its service-account user (`mlflow-user`). */
  readonly realmRoles: string[];
}

/**
 * A client to register in a realm that exists already (`realm`). Roles reach people through
 * `groups`; `users` is refused (see {@link KeycloakClientSetup}).
 * @removedProps users admins
 */
export interface KeycloakClientSetupProps extends KeycloakClientBaseProps, Omit<RealmAccessProps, 'users'>, Pick<ComponentIdentity, 'partOf'> {
  /**
   * Where the Job reaches Keycloak's admin API, when not through the public URL (an in-cluster
   * Service such as `http://keycloak.keycloak.svc:8080`). `peer` and `port`, when set, are the
   * Job's too; else the Job's are derived from this URL.
   * @default - keycloakUrl
   */
  readonly adminUrl?: string;
  readonly admin: KeycloakAdmin;
  /** The relying party's client. */
  readonly client: OidcClientOptions;
  /** Its secret, a key of a Secret in this chart's namespace: the Job writes it, MLflow reads it. */
  readonly clientSecret: SecretValue;
  /** Clients for programs, each with its service-account roles. @default - none */
  readonly machineClients?: MachineClientOptions[];
  /** @default KEYCLOAK_CONFIG_CLI_IMAGE */
  readonly image?: string;
  /** The Job's name. @default "<clientId>-keycloak-setup" */
  readonly name?: string;
}

/**
 * What {@link KeycloakClientSetup.mlflow} needs; the rest is the Thinkube MLflow deployment's client, roles and groups.
 * @removedProps admins users
 */
export interface MlflowClientSetupProps extends Omit<KeycloakClientSetupProps, 'client' | 'realmRoles' | 'groups'>, MlflowClientPresetProps {}

const RUN_AS = { uid: 1001, gid: 1001 };
const CONFIG_DIR = '/config';

/**
 * Registers an OIDC client (its roles, groups carrying them, mappers and machine clients) in a
 * Keycloak realm that exists already, which the operator's `KeycloakRealmImport` cannot do (it
 * only creates realms). A Job runs keycloak-config-cli against the admin API on every sync; it
 * creates or updates the clients, roles and groups the file lists and deletes none of the realm's
 * others (`no-delete` for clients, roles and groups).
 *
 * It never lists a person: keycloak-config-cli 6.4.0 makes a listed user's realm roles, client
 * roles and groups exactly the file's, removing every other on each sync (adorsys/keycloak-config-cli
 * v6.4.0, src/main/java/de/adorsys/keycloak/config/service/UserImportService.java:
 * handleRealmRoles, handleClientRoles and handleGroups each add the missing and remove the rest).
 * So roles are granted through groups, which a realm administrator adds people to once; group
 * import leaves memberships alone. The only users listed are the machine clients' own
 * service-account users, whose roles this file alone decides.
 * The client secrets are read from Secrets in the Job's environment (`$(env:...)` substitution),
 * never written to the manifest. Also the {@link IIdentityProvider} for the relying party.
 */
export class KeycloakClientSetup extends KeycloakClientBase {
  /**
   * keycloak-config-cli (github.com/adorsys/keycloak-config-cli), built for Keycloak 26. The tag is
   * `<cli version>-<keycloak version>`: pick the one matching your Keycloak, and pin a digest.
   */
  public static readonly CONFIG_CLI_IMAGE = KEYCLOAK_CONFIG_CLI_IMAGE;

  /** the Thinkube MLflow deployment's MLflow client in an existing realm: see `KeycloakRealm.mlflow` for what it holds. */
  public static mlflow(scope: Construct, id: string, props: MlflowClientSetupProps): KeycloakClientSetup {
    checkFactoryProps('KeycloakClientSetup.mlflow', scope, id, props);
    const host = checkHostname(`KeycloakClientSetup.mlflow "${id}"`, 'host', props.host);
    const clientId = props.clientId ?? 'mlflow';
    // The preset's own props are not the Job's (the props guard refuses names it does not take).
    const { host: _host, clientId: _clientId, ...rest } = props;
    const setup = new KeycloakClientSetup(scope, id, {
      ...rest,
      client: mlflowClientOptions(clientId, `https://${host}`),
      realmRoles: MLFLOW_REALM_ROLES,
      groups: MLFLOW_GROUPS,
    });
    const notes = AppNotes.of(setup);
    notes.addDifference(`Keycloak: the guide gives \`auth_realm_username\` \`mlflow-admin\` by listing the user in the import; keycloak-config-cli would then make that user's roles and groups exactly the file's on every sync, so the setup renders the groups \`${MLFLOW_GROUPS.map((g) => g.name).join('` and `')}\` carrying the roles instead. Add people to them once in Keycloak (Users → the user → Groups → Join group, or \`kcadm.sh update users/<user-id>/groups/<group-id> -r ${setup.realm} -n\`).`);
    notes.addDifference('Keycloak: the client\'s default scopes leave out the guide\'s `openid` (Keycloak has no client scope of that name, so the second sync failed) and add Keycloak 26\'s `basic`, `acr` and `web-origins` (without `basic`, tokens have no `sub`).');
    notes.addDifference('Keycloak: the redirect URIs leave out the guide\'s wildcard `https://<host>/*`: only the `/callback` and `/oauth2/callback` the relying parties use are registered.');
    return setup;
  }

  /**
   * A POSIX shell script that prints an access token of a machine client (client-credentials
   * grant) from MLFLOW_KEYCLOAK_TOKEN_URL, MLFLOW_KEYCLOAK_CLIENT_ID and the secret in
   * MLFLOW_CLIENT_SECRET_FILE or MLFLOW_CLIENT_SECRET (passed to curl on stdin).
   */
  public static tokenScript(): string {
    return readScript(__dirname, 'client-credentials-token.sh');
  }

  /** The machine clients' ids, in order. */
  public readonly machineClientIds: string[];
  /** The Job's pods, for connections (its egress to Keycloak is declared already). */
  public readonly job: IWorkload;
  /** The keycloak-config-cli Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: KeycloakClientSetupProps) {
    super(scope, id, props, 'pass { keycloakUrl, realm, admin, client, clientSecret } (see KeycloakClientSetupProps)', false);
    const { adminUrl, adminRealm, adminPeer, adminPort } = this.resolveAdmin(props);
    const { realmFile, machines } = this.renderRealmFile(props);
    this.machineClientIds = machines.map((m) => m.clientId);

    const name = checkDnsSubdomain(this, 'name', props.name ?? `${this.clientId.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}-keycloak-setup`);
    // The Job's building blocks stay private: the setup is an identity provider, its Job a peer.
    const job = new Workload(this, 'Job', { name: 'keycloak-config-cli', instance: name, component: 'identity-setup', partOf: props.partOf });
    this.job = job;
    job.connectTo(adminPeer, adminPort, 'keycloak admin API (client setup)');
    this.resource = this.renderJob(props, job, name, realmFile, machines, adminUrl, adminRealm);
    this.node.defaultChild = this.resource;
    if (!Chart.of(this).namespace) {
      invalid(this, 'namespace', 'is required', undefined, "create the chart with a namespace: new Chart(app, 'x', { namespace: 'mlflow' })");
    }
  }

  /** Where and as whom the Job logs in to the admin API. */
  private resolveAdmin(props: KeycloakClientSetupProps) {
    // The relying party talks to the public issuer URL (the base's peer and port); the Job to the admin URL.
    const adminUrl = props.adminUrl === undefined ? this.keycloakBase : parseAdminUrl(this, props.adminUrl);
    if (!props.admin || typeof props.admin.username !== 'string' || !/^[a-z0-9][a-z0-9._@+-]{0,254}$/.test(props.admin.username)) {
      invalid(this, 'admin.username', 'must be a lower-case Keycloak username', props.admin?.username, 'pass admin: { username: "admin", password: SecretValue.fromSecret("keycloak-admin", "password") }');
    }
    checkSecretValue(this, 'admin.password', props.admin.password, SecretValue, 'pass SecretValue.fromSecret("keycloak-admin", "password")');
    const adminRealm = checkRealmName(this, props.admin.realm ?? 'master');
    const adminPeer = props.peer ?? Peer.host(adminUrl.host);
    const adminPort = Port.tcp(props.port ?? adminUrl.port, this, 'port');
    return { adminUrl, adminRealm, adminPeer, adminPort };
  }

  /**
   * The realm file keycloak-config-cli imports: the roles, the groups carrying them, the client
   * and its machine clients, and the machine clients' service-account users.
   */
  private renderRealmFile(props: KeycloakClientSetupProps) {
    refuseListedUsers(this, props as KeycloakClientSetupProps & { users?: unknown; admins?: unknown });
    const roles = checkRealmRoles(this, props.realmRoles);
    const roleNames = roles.map((r) => r.name!);
    // Roles of the existing realm may be given too: they are not known here, so any role name is accepted.
    const groups = checkGroups(this, props.groups, undefined);
    const machines = (props.machineClients ?? []).map((m, i) => {
      checkClient(this, m?.clientId, m?.clientSecret);
      if (m.clientId === this.clientId) invalid(this, `machineClients[${i}].clientId`, 'must differ from the client', m.clientId, `use "${this.clientId}-automation"`);
      if (!Array.isArray(m.realmRoles) || m.realmRoles.length === 0) {
        invalid(this, `machineClients[${i}].realmRoles`, 'must list at least one realm role (without one the relying party admits nobody)', m.realmRoles, `pass realmRoles: ["${roleNames[roleNames.length - 1] ?? 'user'}"]`);
      }
      return m;
    });
    checkUnique(this, 'machineClients', [this.clientId, ...machines.map((m) => m.clientId)], 'must not repeat a client id', (c) => `list "${c}" once`);

    const realmFile = {
      realm: this.realm,
      ...(roles.length ? { roles: { realm: roles } } : {}),
      ...(groups.length ? { groups } : {}),
      clients: [renderClient(this, props.client, `$(env:${clientSecretVariable(this.clientId)})`), ...machines.map((m) => this.renderMachineClient(m))],
      // Only the machine clients' own service-account users: this file alone decides their roles.
      ...(machines.length ? { users: machines.map(serviceAccountUser) } : {}),
    };
    return { realmFile, machines };
  }

  /** The ConfigMap with the realm file, and the keycloak-config-cli Job that imports it on every sync. */
  private renderJob(props: KeycloakClientSetupProps, job: Workload, name: string, realmFile: object, machines: MachineClientOptions[],
    adminUrl: { url: string }, adminRealm: string): k8s.KubeJob {
    const config = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name, labels: job.labels },
      data: { [`${this.realm}.json`]: `${JSON.stringify(realmFile, null, 2)}\n` },
    });
    return renderJob(job, {
      runAs: RUN_AS,
      containers: [{
        name: 'keycloak-config-cli',
        image: ContainerImage.fromReference(props.image ?? KEYCLOAK_CONFIG_CLI_IMAGE, this, 'image'),
        env: [
          ['KEYCLOAK_URL', EnvValue.literal(adminUrl.url)],
          ['KEYCLOAK_LOGINREALM', EnvValue.literal(adminRealm)],
          ['KEYCLOAK_USER', EnvValue.literal(props.admin.username)],
          ['KEYCLOAK_PASSWORD', EnvValue.fromSecret(props.admin.password)],
          // Wait (bounded) for Keycloak, then import the file once.
          ['KEYCLOAK_AVAILABILITYCHECK_ENABLED', EnvValue.literal('true')],
          ['KEYCLOAK_AVAILABILITYCHECK_TIMEOUT', EnvValue.literal('300s')],
          ['IMPORT_FILES_LOCATIONS', EnvValue.literal(`${CONFIG_DIR}/*`)],
          ['IMPORT_VARSUBSTITUTION_ENABLED', EnvValue.literal('true')],
          // The realm is shared with other apps: create and update, never delete.
          ['IMPORT_MANAGED_CLIENT', EnvValue.literal('no-delete')],
          ['IMPORT_MANAGED_ROLE', EnvValue.literal('no-delete')],
          // Required once the file lists groups: with the default (full), keycloak-config-cli 6.4.0
          // deletes every group of the realm the file does not list, remote state or not
          // (GroupImportService.importGroups -> deleteGroupsMissingInImport).
          ['IMPORT_MANAGED_GROUP', EnvValue.literal('no-delete')],
          ['IMPORT_REMOTESTATE_ENABLED', EnvValue.literal('true')],
          [clientSecretVariable(this.clientId), EnvValue.fromSecret(props.clientSecret)],
          ...machines.map((m): [string, EnvValue] => [clientSecretVariable(m.clientId), EnvValue.fromSecret(m.clientSecret)]),
          ['JAVA_TOOL_OPTIONS', EnvValue.literal('-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp')],
        ],
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } },
        volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }],
        writableDirs: ['/tmp'],
      }],
      volumes: [{ name: 'config', configMap: { name: config.name } }],
    });
  }

  /** A client for programs: the client-credentials grant only; its tokens are for the relying party. */
  private renderMachineClient(m: MachineClientOptions) {
    return renderClient(this, {
      clientId: m.clientId,
      name: `${m.clientId} (client credentials)`,
      redirectUris: [],
      flows: { standard: false, implicit: false, directAccessGrants: false, serviceAccounts: true },
      protocolMappers: [
        ProtocolMapper.realmRoles({ name: `${m.clientId}-realm-role-mapper`, claimName: 'realm_access.roles' }),
        // Its tokens are for the relying party: `aud` must hold the relying party's client id.
        ProtocolMapper.audience({ name: `${m.clientId}-audience-mapper`, clientAudience: this.clientId }),
      ],
    }, `$(env:${clientSecretVariable(m.clientId)})`);
  }
}

/** The service-account user keycloak-config-cli binds to a machine client (`serviceAccountClientId`). */
function serviceAccountUser(m: MachineClientOptions) {
  return { username: `service-account-${m.clientId.toLowerCase()}`, enabled: true, serviceAccountClientId: m.clientId, realmRoles: [...m.realmRoles] };
}

/**
 * `users` (and the MLflow preset's `admins` and `users`, from JavaScript callers or an earlier
 * release) would strip every other role and group of those people on each sync: refused.
 */
function refuseListedUsers(scope: Construct, props: { users?: unknown; admins?: unknown }): void {
  for (const prop of ['users', 'admins'] as const) {
    const value = props[prop];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    invalid(scope, prop, 'must not list users of an existing realm (keycloak-config-cli would make their realm roles, client roles and groups exactly the file\'s, removing all others on every sync)',
      value, 'remove it, grant roles through groups (the MLflow preset renders "mlflow-admins" and "mlflow-users"), and add the people to those groups in Keycloak once');
  }
}

/** An http(s) admin URL: in-cluster Services often speak plain http. */
function parseAdminUrl(scope: Construct, value: string): { url: string; host: string; port: number } {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password || parsed.search || parsed.hash) {
    invalid(scope, 'adminUrl', 'must be an http(s) URL without credentials, query or fragment', value, 'write it as "http://keycloak.keycloak.svc:8080"');
  }
  checkHost(scope, 'adminUrl host', parsed.hostname);
  const url = `${parsed.protocol}//${parsed.host}${parsed.pathname}`.replace(/\/+$/, '');
  return { url, host: parsed.hostname, port: parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80 };
}
