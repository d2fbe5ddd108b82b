import { Construct, IConstruct } from 'constructs';
import { IWorkload, Peer } from '../core/connections';
import { ExternalEndpoint } from '../core/external-endpoint';
import { SecretValue } from '../core/secret-value';
import { checkHost, checkInstance, checkPort, checkSecretValue, invalid } from '../core/validate';
import { DatabaseEngineDriver, DatabaseLogin, DriverFileOptions, DriverPasswordFile } from './database-engine';
import { MYSQL_DRIVER } from './mysql-engine';
import { POSTGRESQL_DRIVER } from './postgresql-engine';
import { checkFactoryProps } from '../core/props-guard';

/**
 * A SQL engine, with what clients need to reach it. Each member is registered here from the file
 * that holds its behaviour (`postgresql-engine.ts`, `mysql-engine.ts`): callers ask the engine
 * (its driver's password file, URI) instead of switching on its name.
 */
export class DatabaseEngine {
  public static readonly POSTGRESQL = new DatabaseEngine(POSTGRESQL_DRIVER);
  public static readonly MYSQL = new DatabaseEngine(MYSQL_DRIVER);

  public readonly name: string;
  /** The SQLAlchemy URI scheme with the driver the MLflow image ships. */
  public readonly sqlalchemyScheme: string;
  public readonly defaultPort: number;

  private constructor(private readonly driver: DatabaseEngineDriver) {
    this.name = driver.name;
    this.sqlalchemyScheme = driver.sqlalchemyScheme;
    this.defaultPort = driver.defaultPort;
  }

  /** @internal The SQLAlchemy URI of `login`, with no password in it, and `query` appended. */
  public _sqlalchemyUri(login: DatabaseLogin, query = ''): string {
    return `${this.sqlalchemyScheme}://${encodeURIComponent(login.username)}@${login.host}:${login.port}/${encodeURIComponent(login.databaseName)}${query}`;
  }

  /** @internal The file the engine's SQLAlchemy driver reads the password of `login` from. */
  public _driverPasswordFile(login: DatabaseLogin, options: DriverFileOptions): DriverPasswordFile {
    return this.driver.driverPasswordFile(login, options);
  }

  /** @internal The variable the SQLAlchemy driver reads a password from, if it reads one. */
  public get _driverPasswordEnv(): string | undefined {
    return this.driver.driverPasswordEnv;
  }
}

/** A database that a workload can use: where it is, who to log in as, and how to be allowed in. */
export interface IDatabase extends IConstruct, DatabaseLogin {
  readonly engine: DatabaseEngine;
  /** The DNS name clients connect to. */
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly username: string;
  readonly password: SecretValue;
  /** Declares that `client` connects to this database (becomes NetworkPolicy allows). */
  grantConnect(client: IWorkload, description: string): void;
}

export interface ExistingDatabaseProps {
  readonly engine: DatabaseEngine;
  /** Host name: `db.example.internal`, a Cloud SQL private IP, or `postgres.db.svc.cluster.local`. */
  readonly host: string;
  /** @default - the engine's default port (5432 or 3306) */
  readonly port?: number;
  readonly databaseName: string;
  readonly username: string;
  readonly password: SecretValue;
  /**
   * Where the database is, for egress rules: `Peer.cidr('10.10.0.0/24')`, or
   * `Peer.namespace('db', { app: 'postgres' })` for one in the cluster.
   * @default Peer.cidr('<host>/32') when host is an IPv4 address, else Peer.anyAddress(); both
   * restricted to the database port
   */
  readonly peer?: Peer;
}

class ExistingDatabase extends ExternalEndpoint implements IDatabase {
  public readonly engine: DatabaseEngine;
  public readonly host: string;
  public readonly port: number;
  public readonly databaseName: string;
  public readonly username: string;
  public readonly password: SecretValue;

  constructor(scope: Construct, id: string, props: ExistingDatabaseProps) {
    super(scope, id, props);
    checkInstance(this, 'engine', props?.engine, DatabaseEngine, 'DatabaseEngine.POSTGRESQL or DatabaseEngine.MYSQL', 'pass engine: DatabaseEngine.POSTGRESQL');
    checkSecretValue(this, 'password', props.password, SecretValue, 'pass SecretValue.fromSecret("mlflow-db", "password") or an ExternalSecret value');
    if (props.peer !== undefined) checkInstance(this, 'peer', props.peer, Peer, 'a Peer', 'pass Peer.cidr("10.10.0.0/24") or Peer.namespace("db")');
    this.engine = props.engine;
    this.host = checkHost(this, 'host', props.host);
    this.port = checkPort(this, 'port', props.port ?? props.engine.defaultPort);
    this.databaseName = checkSqlIdentifier(this, 'databaseName', props.databaseName);
    this.username = checkSqlIdentifier(this, 'username', props.username);
    this.password = props.password;
    // An IP address gets exactly that address; a host name can resolve anywhere (set `peer` to narrow it).
    this.reachAt(props.peer ?? Peer.host(this.host), this.port, `${this.host}:${this.port}`);
  }
}

/** Factories for databases this app does not run. */
export class Database {
  /** A PostgreSQL or MySQL server run elsewhere (a managed service, another team's cluster). */
  public static fromExisting(scope: Construct, id: string, props: ExistingDatabaseProps): IDatabase {
    checkFactoryProps('Database.fromExisting', scope, id, props);
    return new ExistingDatabase(scope, id, props);
  }
}


/** A database or role name that is safe to put unquoted in SQL and in a URI. */
export function checkSqlIdentifier(scope: IConstruct | string, prop: string, value: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value ?? '')) {
    invalid(scope, prop, 'must be a lower-case SQL identifier (letters, digits, "_", starting with a letter or "_", at most 63 characters)', value,
      `use a name such as "${String(value ?? '').toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z_]+/, '') || 'mlflow'}"`);
  }
  return value;
}
