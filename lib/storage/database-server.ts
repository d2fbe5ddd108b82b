import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { IWorkload } from '../core/connections';
import { ContainerImage, VersionedImageOptions, versionedImage } from '../core/image';
import { k8s } from '../core/k8s';
import { ContainerSpec, EnvValue, RunAs } from '../core/pod';
import { Port } from '../core/port';
import { Probe } from '../core/probe';
import { sizeProp } from '../core/quantity';
import { ResourceRequirements } from '../core/resources';
import { readScript } from '../core/script-file';
import { SecretValue } from '../core/secret-value';
import { StatefulComponent } from '../core/stateful-workload';
import { checkDnsSubdomain, checkSecretValue, invalid } from '../core/validate';
import { BackupOptions } from './backup';
import { DatabaseEngine, IDatabase, checkSqlIdentifier } from './database';

/** The application database and user of a {@link DatabaseServer} (created on first start). */
export interface AppDatabaseProps {
  /** @default "mlflow" */
  readonly name?: string;
  /** @default "mlflow" */
  readonly user?: string;
  /** The application user's password. */
  readonly password: SecretValue;
}

/** What every {@link DatabaseServer} (`Postgres`, `Mysql`) is configured with. */
export interface DatabaseServerProps {
  /**
   * The stable name of the StatefulSet, Service and PVCs. It does not follow the construct id,
   * so renaming the id never renames (and loses) a production database.
   * @default - the engine's name: "postgresql" or "mysql"
   */
  readonly name?: string;
  /**
   * The server version; selects the engine's official image (`postgres:<version>-alpine`,
   * `mysql:<version>`).
   * @default - the class's DEFAULT_VERSION
   */
  readonly version?: string;
  /**
   * The image, for a mirror or a digest. Conflicts with `version`.
   * @default - the official image of `version`
   */
  readonly image?: string;
  /** The application database and user. */
  readonly database: AppDatabaseProps;
  /** The data volume: `Size.gibibytes(20)`. @default Size.gibibytes(10) */
  readonly storageSize?: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** @default - 100m/500m CPU; 256Mi/1Gi memory for PostgreSQL (the MLflow + MinIO + PostgreSQL Helm setup), 512Mi/1Gi for MySQL */
  readonly resources?: ResourceRequirements;
  /** A nightly dump CronJob (`pg_dump`, `mysqldump`). @default - no backup */
  readonly backup?: BackupOptions;
  /** `app.kubernetes.io/part-of`. @default - none */
  readonly partOf?: string;
}

/** The administrator account of a {@link DatabaseServer}, used for bootstrap and administration only. */
export interface DatabaseServerAdmin {
  /** The prop that holds its password: `superuserPassword`. */
  readonly prop: string;
  /** The account: `postgres`, `root`. */
  readonly user: string;
  /** Its password, the value of `prop`. */
  readonly password: SecretValue;
}

/** What makes a {@link DatabaseServer} subclass its engine. */
export interface DatabaseServerEngine<B> {
  /** Its name is also the workload, container and port name. */
  readonly engine: DatabaseEngine;
  /** The versions and images `version` and `image` accept. */
  readonly image: VersionedImageOptions;
  /** The backup CronJob of `backup` (child `Backup`), created once the server is attached. */
  readonly backup: new (scope: Construct, id: string, props: BackupOptions & { readonly database: DatabaseServer<B>; readonly partOf?: string }) => B;
  /**
   * Creates the Job (child `AppSetup`) that makes the application user, its password and its
   * database match `APP_*` on every sync: the image runs the init script on an empty data
   * directory only, so without it a rotated Secret would never reach the server.
   */
  readonly appSetup: (server: DatabaseServer<B>, id: string, options: AppSetupOptions) => Construct;
}

/** What a {@link DatabaseServerEngine}'s `appSetup` Job is given. */
export interface AppSetupOptions {
  /** The Job and ServiceAccount name: `<server>-app-setup`. */
  readonly name: string;
  /** The administrator it logs in as. */
  readonly admin: DatabaseServerAdmin;
  readonly partOf?: string;
}

/** The server pod of a {@link DatabaseServer}, beyond what every server has. */
export interface DatabaseServerPod {
  readonly runAs: RunAs;
  /** The engine's environment, before the init script's `APP_DATABASE`, `APP_USER`, `APP_PASSWORD`. */
  readonly env: Array<[string, EnvValue]>;
  /** @default - the image's command */
  readonly args?: string[];
  /** When the props set no `resources`. */
  readonly defaultResources: ResourceRequirements;
  /** The command of every probe; it must carry no credential (probes are in the manifest). */
  readonly probeCommand: string[];
  /** Start-up tries 5 s apart (a first start initialises the data directory). */
  readonly startupFailures: number;
  /** Where the `data` claim is mounted. */
  readonly dataMountPath: string;
  readonly writableDirs: ContainerSpec['writableDirs'];
  /** Volumes beside the data claim and the init scripts, each with its mount. @default - none */
  readonly volumes?: Array<{ readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount }>;
  /** The init script beside this file that creates the application database and user. */
  readonly initScript: string;
  /** 0o555 when the image's entrypoint executes the script, 0o444 when it sources it. */
  readonly initScriptMode: number;
}

/**
 * A single-instance SQL server this app runs from an official image (`Postgres`, `Mysql`): a
 * StatefulSet with a `data` volumeClaimTemplate that is retained, a Service on the engine's port,
 * probes every 5/10 s, and on first start the application database and user, created by an init
 * script in the ConfigMap `<name>-initdb` from `APP_DATABASE`, `APP_USER` and `APP_PASSWORD`, then
 * kept in step with them (a rotated password included) by the engine's app-setup Job on every sync.
 * A subclass checks its engine's own props and calls {@link attachServer} with its pod.
 */
export abstract class DatabaseServer<B = unknown> extends StatefulComponent implements IDatabase {
  public readonly engine: DatabaseEngine;
  public readonly port: number;
  public readonly databaseName: string;
  public readonly username: string;
  public readonly password: SecretValue;
  public readonly image: ContainerImage;
  /** The administrator's password (`superuserPassword`, `rootPassword`). */
  protected readonly adminPassword: SecretValue;
  private readonly serverProps: DatabaseServerProps;
  private readonly admin: DatabaseServerAdmin;
  private readonly spec: DatabaseServerEngine<B>;
  private readonly storageSize: string;
  private backupJob?: B;

  protected constructor(scope: Construct, id: string, props: DatabaseServerProps, spec: DatabaseServerEngine<B>, admin: DatabaseServerAdmin) {
    super(scope, id, props, `pass { ${admin.prop}, database: { password } }`);
    this.serverProps = props;
    this.spec = spec;
    this.engine = spec.engine;
    this.port = spec.engine.defaultPort;
    const secret = spec.engine.name;
    this.image = versionedImage(this, props, spec.image);
    // superuserPassword -> "superuser-password"
    const adminKey = admin.prop.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    checkSecretValue(this, admin.prop, admin.password, SecretValue, `pass SecretValue.fromSecret("${secret}", "${adminKey}") or an ExternalSecret value`);
    this.adminPassword = admin.password;
    this.admin = admin;
    if (props.database === null || typeof props.database !== 'object') {
      invalid(this, 'database', 'must be the application database\'s settings { name?, user?, password }', props.database,
        `pass database: { password: SecretValue.fromSecret("${secret}", "password") }`);
    }
    checkSecretValue(this, 'database.password', props.database.password, SecretValue, `pass SecretValue.fromSecret("${secret}", "password") or an ExternalSecret value`);
    this.databaseName = checkSqlIdentifier(this, 'database.name', props.database.name ?? 'mlflow');
    this.username = checkSqlIdentifier(this, 'database.user', props.database.user ?? 'mlflow');
    this.password = props.database.password;
    if (this.password.secretName === admin.password.secretName && this.password.key === admin.password.key) {
      invalid(this, 'database.password', `must not be the same Secret key as ${admin.prop} (the application user must not be able to log in as ${admin.user})`,
        this.password, `give the application user its own key, such as SecretValue.fromSecret("${secret}", "password")`);
    }
    if (this.username === admin.user) {
      invalid(this, 'database.user', `must differ from the administrator "${admin.user}" (the application gets a user of its own)`, this.username, 'use an application user such as "mlflow"');
    }
    this.storageSize = sizeProp(this, 'storageSize', props.storageSize, Size.gibibytes(10));
    if (props.storageClass !== undefined) checkDnsSubdomain(this, 'storageClass', props.storageClass);
    const backup = props.backup as unknown;
    if (backup !== undefined && (backup === null || typeof backup !== 'object' || Array.isArray(backup))) {
      invalid(this, 'backup', 'must be backup options (an object)', backup, 'pass backup: { destination: BackupDestination.volume({ size: Size.gibibytes(20) }) }');
    }
  }

  /** The backup CronJob, when `backup` is set. */
  public get backup(): B | undefined {
    return this.backupJob;
  }

  /** The DNS name clients connect to: `<name>.<namespace>.svc.cluster.local`. */
  public get host(): string {
    return this.statefulHost;
  }

  /** Declares that `client` connects to the server on its port. */
  public grantConnect(client: IWorkload, description: string): void {
    this.workload.allowFrom(client, Port.tcp(this.port), description);
  }

  /**
   * Creates the StatefulSet, its Services, the init scripts' ConfigMap `<name>-initdb` (child
   * `InitScripts`), the app-setup Job `<name>-app-setup` (child `AppSetup`) and, when `backup` is
   * set, the backup CronJob (child `Backup`).
   */
  protected attachServer(pod: DatabaseServerPod): void {
    const props = this.serverProps;
    const engine = this.engine.name;
    const instance = props.name ?? engine;
    const initdb = {
      volume: { name: 'initdb', configMap: { name: `${instance}-initdb`, defaultMode: pod.initScriptMode } },
      mount: { name: 'initdb', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
    };
    const extra = pod.volumes ?? [];
    const probe = (period: number, failureThreshold?: number) => Probe.exec(pod.probeCommand, { period: Duration.seconds(period), failureThreshold });
    this.attachStateful({
      name: engine, instance, component: 'database', partOf: props.partOf,
      ports: [{ name: engine, port: this.port, targetPort: engine }],
      claims: [{ name: 'data', size: this.storageSize, storageClass: props.storageClass }],
      pod: () => ({
        runAs: pod.runAs,
        containers: [{
          name: engine,
          image: this.image,
          args: pod.args,
          env: [
            ...pod.env,
            ['APP_DATABASE', EnvValue.literal(this.databaseName)],
            ['APP_USER', EnvValue.literal(this.username)],
            ['APP_PASSWORD', EnvValue.fromSecret(this.password)],
          ],
          ports: { [engine]: this.port },
          resources: props.resources ?? pod.defaultResources,
          startup: probe(5, pod.startupFailures),
          liveness: probe(10, 6),
          readiness: probe(5),
          volumeMounts: [{ name: 'data', mountPath: pod.dataMountPath }, initdb.mount, ...extra.map((v) => v.mount)],
          writableDirs: pod.writableDirs,
        }],
        volumes: [initdb.volume, ...extra.map((v) => v.volume)],
      }),
    });
    new k8s.KubeConfigMap(this, 'InitScripts', {
      metadata: { name: `${instance}-initdb`, labels: this.workload.labels },
      data: { '10-app-database.sh': readScript(__dirname, pod.initScript) },
    });
    this.spec.appSetup(this, 'AppSetup', { name: `${instance}-app-setup`, admin: this.admin, partOf: props.partOf });
    if (props.backup !== undefined) {
      this.backupJob = new this.spec.backup(this, 'Backup', { database: this, ...props.backup, partOf: props.partOf });
    }
  }
}
