import { Construct } from 'constructs';
import { renderScriptJob } from '../core/batch';
import { ContainerImage } from '../core/image';
import { EnvValue } from '../core/pod';
import { readScript } from '../core/script-file';
import { checkUnique, invalid } from '../core/validate';
import { k8s } from '../core/k8s';
import { WorkloadComponent } from '../core/workload-component';
import { DatabaseEngine, IDatabase } from './database';
import { libpqEnv } from './database-client-env';
import { POSTGRES_RUN_AS } from './postgres-backup';
import { SetupJobProps, setupJobName } from './setup-job';
import { setupScriptSources } from './setup-script';

export interface DatabaseSetupProps extends SetupJobProps {
  /**
   * How to log in as an administrator that may create databases: a `Database.fromExisting` of
   * the server's maintenance database (`postgres`) with the admin user and its password.
   */
  readonly admin: IDatabase;
  /** The databases to create when missing, each owned by its `username`. */
  readonly databases: IDatabase[];
  /** @default "postgres:16.15-alpine" (psql and pg_isready) */
  readonly image?: string;
}

/**
 * A Job that creates databases on a PostgreSQL server this app does not run (a shared instance),
 * idempotently, on every sync: it waits (bounded) for the server, then `CREATE DATABASE ... OWNER`
 * for each one that does not exist, and revokes PUBLIC's default rights on it. The admin password
 * reaches psql as PGPASSWORD from a Secret reference: it is in no URI, argument or manifest.
 */
export class DatabaseSetup extends WorkloadComponent {
  /** The Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: DatabaseSetupProps) {
    super(scope, id, props, 'pass { admin, databases } (see DatabaseSetupProps)');
    const first = props.databases?.[0]?.databaseName ?? 'app';
    const w = this.createWorkload({ name: 'postgresql', instance: setupJobName(props, first, 'db-setup'), component: 'database-setup', partOf: props.partOf });
    const admin = props.admin;
    if (!admin || typeof admin.grantConnect !== 'function') {
      invalid(this, 'admin', 'must be an IDatabase', typeof admin, 'pass admin: Database.fromExisting(chart, "pg-admin", { databaseName: "postgres", username: "admin", ... })');
    }
    if (admin.engine !== DatabaseEngine.POSTGRESQL) {
      invalid(this, 'admin', 'must be a PostgreSQL server (the Job runs psql)', admin.engine?.name, 'pass a database with engine: DatabaseEngine.POSTGRESQL');
    }
    if (!Array.isArray(props.databases) || props.databases.length === 0) {
      invalid(this, 'databases', 'must list at least one database', props.databases, 'pass databases: [trackingDb]');
    }
    props.databases.forEach((d, i) => {
      if (!d || typeof d.grantConnect !== 'function') invalid(this, `databases[${i}]`, 'must be an IDatabase', typeof d, 'pass Database.fromExisting(...)');
      if (d.host !== admin.host || d.port !== admin.port) {
        invalid(this, `databases[${i}]`, `must be on the admin's server ${admin.host}:${admin.port}`, `${d.host}:${d.port}`, 'create a DatabaseSetup per server');
      }
    });
    checkUnique(this, 'databases', props.databases.map((d) => d.databaseName), 'must not repeat a database', (d) => `list "${d}" once`);
    admin.grantConnect(this, 'create databases');
    this.resource = renderScriptJob(this, w, {
      file: 'create-databases.sh',
      text: readScript(__dirname, 'create-databases.sh'),
      sources: setupScriptSources(),
      name: 'create-databases',
      image: ContainerImage.fromReference(props.image ?? 'postgres:16.15-alpine', this, 'image'),
      runAs: POSTGRES_RUN_AS,
      env: [
          ...libpqEnv(admin),
          ['PGCONNECT_TIMEOUT', EnvValue.literal('10')],
          ['DATABASES', EnvValue.literal(props.databases.map((d) => `${d.databaseName}:${d.username}`).join(' '))],
      ],
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    });
  }
}
