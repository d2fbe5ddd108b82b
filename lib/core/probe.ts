import { Duration } from 'cdk8s';
import { checkDuration, durationIn } from './duration';
import { k8s } from './k8s';
import { checkDnsLabel, checkInteger, invalid, refuseRemovedProps } from './validate';

/** Timing of a probe; the defaults suit a server that answers within a second. */
export interface ProbeOptions {
  /** Whole seconds, 0 to 3600. @default - none (use a startup probe for slow starters) */
  readonly initialDelay?: Duration;
  /** Whole seconds, 1 to 3600. @default Duration.seconds(10) */
  readonly period?: Duration;
  /** Whole seconds, 1 to 3600. @default Duration.seconds(5) */
  readonly timeout?: Duration;
  /** @default 3 */
  readonly failureThreshold?: number;
}

/** Probe timings in whole seconds, as the Kubernetes `Probe` takes them. */
interface Timings {
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
}

/** A named container port (IANA service name): at most 15 characters, with a letter. */
function checkPortName(scope: string, port: string): string {
  checkDnsLabel(scope, 'port', port, 15);
  if (!/[a-z]/.test(port)) invalid(scope, 'port', 'must name a container port (it holds a letter)', port, 'pass the name of a port in ContainerSpec.ports, such as "http"');
  return port;
}

/** One timing: a Duration in whole seconds within bounds. */
function seconds(scope: string, o: ProbeOptions, prop: 'initialDelay' | 'period' | 'timeout', min: number): number | undefined {
  if (o[prop] === undefined) return undefined;
  return durationIn(scope, prop, checkDuration(scope, prop, o[prop], Duration.seconds(Math.max(min, 1))), 'seconds', min, 3600);
}

/** The removed numbers of seconds, refused with the Duration to write (a dropped timeout would silently be 5 s). */
const REMOVED_TIMINGS = Object.fromEntries(([['initialDelay', 10], ['period', 10], ['timeout', 5]] as const).map(([p, example]) => [`${p}Seconds`,
  (v: unknown) => `write ${p}: Duration.seconds(${Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 3600 ? v : example})`]));

/** Probe timings as the API server accepts them: no negative delay, every period and threshold at least 1. */
function checkTimings(scope: string, o: ProbeOptions): Timings {
  if (o === null || typeof o !== 'object') invalid(scope, 'options', 'must be an object of probe timings', o, 'pass { period: Duration.seconds(10) }');
  refuseRemovedProps(scope, '', o, REMOVED_TIMINGS);
  if (o.failureThreshold !== undefined) checkInteger(scope, 'failureThreshold', o.failureThreshold, 1, 1000);
  return {
    initialDelaySeconds: seconds(scope, o, 'initialDelay', 0),
    periodSeconds: seconds(scope, o, 'period', 1),
    timeoutSeconds: seconds(scope, o, 'timeout', 1),
    failureThreshold: o.failureThreshold,
  };
}

/** A liveness, readiness or startup check. */
export class Probe {
  /** An HTTP GET against a named container port. */
  public static httpGet(path: string, port: string, options: ProbeOptions = {}): Probe {
    if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path)) {
      invalid('Probe.httpGet', 'path', 'must be an absolute URL path', path, 'write it as "/health"');
    }
    return new Probe({ httpGet: { path, port: k8s.IntOrString.fromString(checkPortName('Probe.httpGet', port)) } }, checkTimings('Probe.httpGet', options));
  }
  /** A TCP connect to a named container port. */
  public static tcpSocket(port: string, options: ProbeOptions = {}): Probe {
    return new Probe({ tcpSocket: { port: k8s.IntOrString.fromString(checkPortName('Probe.tcpSocket', port)) } }, checkTimings('Probe.tcpSocket', options));
  }
  /** A command run in the container; exit 0 is healthy. */
  public static exec(command: string[], options: ProbeOptions = {}): Probe {
    if (!Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== 'string')) {
      invalid('Probe.exec', 'command', 'must be a non-empty array of strings', command, 'pass ["pg_isready", "--host=127.0.0.1"]');
    }
    return new Probe({ exec: { command: [...command] } }, checkTimings('Probe.exec', options));
  }
  private constructor(private readonly handler: k8s.Probe, private readonly options: Timings) {}

  /** The Kubernetes `Probe` object. */
  public render(): k8s.Probe {
    const o = this.options;
    return {
      ...this.handler,
      ...(o.initialDelaySeconds ? { initialDelaySeconds: o.initialDelaySeconds } : {}),
      periodSeconds: o.periodSeconds ?? 10,
      timeoutSeconds: o.timeoutSeconds ?? 5,
      failureThreshold: o.failureThreshold ?? 3,
    };
  }
}
