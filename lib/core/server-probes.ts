import { Duration } from 'cdk8s';
import { Probe, ProbeOptions } from './probe';

/** The unauthenticated paths a server answers its probes on. */
export interface ServerProbePaths {
  readonly startup: string;
  readonly liveness: string;
  readonly readiness: string;
}

/** The probes of a container, as `ContainerSpec` takes them. */
export interface ServerProbes {
  readonly startup: Probe;
  readonly liveness: Probe;
  readonly readiness: Probe;
}

/**
 * The probe timings of the Python web servers here (MLflow, MLflow SharingHub, SharingHub): a
 * startup probe every 5 s that allows `startupFailures` misses (a database migration or a slow
 * import may come first), liveness every 15 s with 4 misses (a busy gunicorn is not restarted at
 * once), readiness every 5 s. `probe` makes one check, by default an HTTP GET on the `http` port.
 * @internal
 */
export function serverProbes(paths: string | ServerProbePaths, startupFailures: number,
  probe: (path: string, options: ProbeOptions) => Probe = (path, options) => Probe.httpGet(path, 'http', options)): ServerProbes {
  const p = typeof paths === 'string' ? { startup: paths, liveness: paths, readiness: paths } : paths;
  return {
    startup: probe(p.startup, { period: Duration.seconds(5), failureThreshold: startupFailures }),
    liveness: probe(p.liveness, { period: Duration.seconds(15), failureThreshold: 4 }),
    readiness: probe(p.readiness, { period: Duration.seconds(5) }),
  };
}
