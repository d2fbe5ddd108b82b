import { Duration, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { renderCronJob, renderScriptVolume } from '../core/batch';
import { EnvValue } from '../core/pod';
import { k8s } from '../core/k8s';
import { SecretValue } from '../core/secret-value';
import { checkSecretValue, invalid, refuseRemovedProps } from '../core/validate';
import { durationIn } from '../core/duration';
import { Schedule, checkSchedule } from '../core/schedule';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { artifactStoreEnv, identityOf } from '../storage/cloud-object-store';
import { readScript } from '../core/script-file';
import { TrackingServer } from './tracking-server';

/**
 * What {@link GarbageCollection} cleans, and when.
 * @removedProps timeZone
 */
export interface GarbageCollectionProps {
  /** The tracking server whose stores are cleaned (its database, artifact store and image). */
  readonly server: TrackingServer;
  /**
   * How long a run or experiment stays in the `deleted` stage before `mlflow gc` removes it for
   * good, in whole hours (at most 10 years).
   * @default Duration.days(30)
   */
  readonly olderThan?: Duration;
  /**
   * When it runs, with its time zone: `Schedule.daily({ hour: 3, timeZone: 'Europe/Paris' })`.
   * @default Schedule.daily({ hour: 3 }) (03:00 Etc/UTC)
   */
  readonly schedule?: Schedule;
  /**
   * A user the job logs in to the tracking server as, when it requires authentication (basic
   * auth): `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD`. Proxied artifacts are deleted
   * through the server's API, which then checks this user's permissions.
   * @default - none (a server without authentication)
   */
  readonly trackingCredentials?: { readonly username: SecretValue; readonly password: SecretValue };
  /** @default - none */
  readonly partOf?: string;
}

const RUN_AS = { uid: 1001, gid: 1001 };

/**
 * A CronJob running `mlflow gc`: permanently deletes runs and experiments that users deleted
 * (the `deleted` lifecycle stage) more than `olderThan` ago, with their artifacts. It uses the
 * server's database through the same environment (secret references, URI built in the process),
 * and reaches proxied artifacts through the server's API, as `mlflow gc` requires.
 */
export class GarbageCollection extends WorkloadComponent {
  /** The CronJob (also `node.defaultChild`). */
  public readonly resource: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: GarbageCollectionProps) {
    super(scope, id, props);
    const server = props.server;
    if (!(server instanceof TrackingServer)) {
      invalid(this, 'server', 'must be a TrackingServer', typeof server, 'pass server: the TrackingServer whose runs to clean');
    }
    const store = server.artifactStore;
    const w = this.attachWorkload(new Workload(this, 'Workload', {
      owner: this, name: 'mlflow', instance: `${server.workloadName}-gc`, component: 'garbage-collection', partOf: props.partOf,
      serviceAccountAnnotations: identityOf(store)?.serviceAccountAnnotations,
    }));
    refuseRemovedProps(this, '', props, {
      timeZone: (v) => `set the time zone in the schedule, as in schedule: Schedule.daily({ hour: 3, timeZone: ${JSON.stringify(v)} })`,
    });
    const schedule = checkSchedule(this, 'schedule', props.schedule, Schedule.daily({ hour: 3 }));
    const hours = durationIn(this, 'olderThan', props.olderThan ?? Duration.days(30), 'hours', 1, 87600);
    // The `--older-than` value: `30d`, `12h`.
    const olderThan = hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
    const creds = props.trackingCredentials;
    if (creds) {
      checkSecretValue(this, 'trackingCredentials.username', creds.username, SecretValue, 'pass SecretValue.fromSecret("mlflow-gc", "username")');
      checkSecretValue(this, 'trackingCredentials.password', creds.password, SecretValue, 'pass SecretValue.fromSecret("mlflow-gc", "password")');
    }
    server.database.grantConnect(this, 'mlflow gc (backend store)');
    store?.grantConnect(this, 'mlflow gc (artifacts)');
    server.grantConnect(this, 'mlflow gc (proxied artifacts)');

    const scripts = renderScriptVolume(this, 'Scripts', w, {
      name: `${w.workloadName}-scripts`,
      volumeName: 'scripts',
      // The server's credentials writer runs here too: the URI holds no password.
      files: Object.fromEntries(['gc.py', 'private_file.py', 'write_db_credentials.py'].map((f) => [f, readScript(__dirname, f)])),
    });
    const cron = renderCronJob(w, {
      schedule: schedule.expression,
      timeZone: schedule.timeZone,
      pod: {
        runAs: RUN_AS,
        initContainers: [{ ...server.backendStoreCredentials, resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } } }],
        containers: [{
          name: 'gc',
          image: server.image,
          command: ['python', scripts.path('gc.py')],
          env: [
            ...server.backendStoreEnv,
            ...(store ? artifactStoreEnv(store) : []),
            ['MLFLOW_TRACKING_URI', EnvValue.literal(server.trackingUri)],
            ['GC_OLDER_THAN', EnvValue.literal(olderThan)],
            ...(creds ? [
              ['MLFLOW_TRACKING_USERNAME', EnvValue.fromSecret(creds.username)],
              ['MLFLOW_TRACKING_PASSWORD', EnvValue.fromSecret(creds.password)],
            ] as Array<[string, EnvValue]> : []),
          ],
          resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
          volumeMounts: [scripts.mount, { name: 'db-credentials', mountPath: '/db-credentials', readOnly: true }],
          writableDirs: ['/tmp'],
        }],
        volumes: [
          scripts.volume,
          { name: 'db-credentials', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
        ],
      },
    }, this);
    this.resource = cron;
    this.node.defaultChild = cron;
    // Azure Workload ID needs its label on the pod (the webhook projects the token only then).
    for (const [k, v] of Object.entries(identityOf(store)?.podLabels ?? {})) {
      cron.addJsonPatch(JsonPatch.add(`/spec/jobTemplate/spec/template/metadata/labels/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, v));
    }
  }
}
