import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from '../core/k8s';
import { EnvValue } from '../core/pod';
import { Probe } from '../core/probe';
import { readScript } from '../core/script-file';
import { IDatabase } from './database';

/**
 * What the official PostgreSQL and MySQL images share here: on first start the entrypoint runs
 * the scripts in `/docker-entrypoint-initdb.d`, and ours creates the application database and
 * user from `APP_DATABASE`, `APP_USER` and `APP_PASSWORD`.
 * @internal
 */
export function appDatabaseEnv(db: IDatabase): Array<[string, EnvValue]> {
  return [
    ['APP_DATABASE', EnvValue.literal(db.databaseName)],
    ['APP_USER', EnvValue.literal(db.username)],
    ['APP_PASSWORD', EnvValue.fromSecret(db.password)],
  ];
}

/**
 * The probes of a database server, all running `command`: start-up every 5 s for
 * `startupFailures` tries (first start initialises the data directory), then liveness every 10 s
 * (6 failures) and readiness every 5 s.
 * @internal
 */
export function databaseServerProbes(command: string[], startupFailures: number): { startup: Probe; liveness: Probe; readiness: Probe } {
  return {
    startup: Probe.exec(command, { period: Duration.seconds(5), failureThreshold: startupFailures }),
    liveness: Probe.exec(command, { period: Duration.seconds(10), failureThreshold: 6 }),
    readiness: Probe.exec(command, { period: Duration.seconds(5) }),
  };
}

/**
 * The volume `initdb` of the ConfigMap `<name>-initdb` ({@link renderInitScripts}) and its mount
 * at `/docker-entrypoint-initdb.d`.
 * @internal
 */
export function initScriptsVolume(name: string, defaultMode: number): { volume: k8s.Volume; mount: k8s.VolumeMount } {
  return {
    volume: { name: 'initdb', configMap: { name: `${name}-initdb`, defaultMode } },
    mount: { name: 'initdb', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
  };
}

/** The ConfigMap `<name>-initdb` (child `InitScripts`) holding the init script `file` as `10-app-database.sh`. @internal */
export function renderInitScripts(scope: Construct, name: string, labels: Record<string, string>, file: string): k8s.KubeConfigMap {
  return new k8s.KubeConfigMap(scope, 'InitScripts', {
    metadata: { name: `${name}-initdb`, labels },
    data: { '10-app-database.sh': readScript(__dirname, file) },
  });
}
