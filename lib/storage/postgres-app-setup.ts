import { Construct } from 'constructs';
import { renderScriptJob } from '../core/batch';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { EnvValue } from '../core/pod';
import { readScript } from '../core/script-file';
import { SecretValue } from '../core/secret-value';
import { WorkloadComponent } from '../core/workload-component';
import { IDatabase } from './database';
import { POSTGRES_RUN_AS } from './postgres-backup';
import { setupScriptSources } from './setup-script';

/** What {@link PostgresAppSetup} keeps in step. @internal */
export interface PostgresAppSetupProps {
  /** The in-app server: its host, port, application database, role and password, and its image (for psql). */
  readonly server: IDatabase & { readonly image: ContainerImage };
  /** The superuser, who may alter any role. */
  readonly superuser: string;
  readonly superuserPassword: SecretValue;
  /** The Job and ServiceAccount name: `<server>-app-setup`. */
  readonly name: string;
  readonly partOf?: string;
}

/**
 * The app-setup Job of an in-app `Postgres`, run on every sync (a Sync hook in the setup wave,
 * after the StatefulSet is healthy and before the servers): it runs the StatefulSet's own init
 * script again over TCP as the superuser, so the application role exists, logs in with the
 * password its Secret holds now, and owns its database. The image runs that script only on an
 * empty data directory, so without this Job a rotated Secret would reach the clients and never
 * the server.
 *
 * The superuser's password must still be the one the data directory was initialised with (the
 * image sets it only then, too): rotate it with `ALTER ROLE postgres PASSWORD ...` before changing
 * its Secret, or this Job fails and the sync stops before the servers.
 * @internal
 */
export class PostgresAppSetup extends WorkloadComponent {
  /** The Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: PostgresAppSetupProps) {
    super(scope, id);
    const server = props.server;
    const w = this.createWorkload({ name: 'postgresql', instance: props.name, component: 'database-setup', partOf: props.partOf });
    server.grantConnect(this, `set role ${server.username}'s password and database ${server.databaseName}`);
    this.resource = renderScriptJob(this, w, {
      file: 'postgres-app-setup.sh',
      text: readScript(__dirname, 'postgres-app-setup.sh'),
      sources: { ...setupScriptSources(), 'initdb-app-database.sh': readScript(__dirname, 'initdb-app-database.sh') },
      name: 'app-setup',
      image: server.image,
      runAs: POSTGRES_RUN_AS,
      // libpq's own variables: the superuser's password is PGPASSWORD, the application's is read
      // by psql's \getenv; neither is ever an argument.
      env: [
        ['PGHOST', EnvValue.literal(server.host)],
        ['PGPORT', EnvValue.literal(String(server.port))],
        ['PGDATABASE', EnvValue.literal('postgres')],
        ['PGUSER', EnvValue.literal(props.superuser)],
        ['PGPASSWORD', EnvValue.fromSecret(props.superuserPassword)],
        ['PGCONNECT_TIMEOUT', EnvValue.literal('10')],
        ['APP_DATABASE', EnvValue.literal(server.databaseName)],
        ['APP_USER', EnvValue.literal(server.username)],
        ['APP_PASSWORD', EnvValue.fromSecret(server.password)],
      ],
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      backoffLimit: 2,
      activeDeadlineSeconds: 900,
    });
  }
}
