import { k8s } from './k8s';
import { checkDnsLabel, checkInteger, invalid } from './validate';

/** Timing of a probe; the defaults suit a server that answers within a second. */
export interface ProbeOptions {
  /** @default 0 (use a startup probe for slow starters) */
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
}

/** A named container port (IANA service name): at most 15 characters, with a letter. */
function checkPortName(scope: string, port: string): string {
  checkDnsLabel(scope, 'port', port, 15);
  if (!/[a-z]/.test(port)) invalid(scope, 'port', 'must name a container port (it holds a letter)', port, 'pass the name of a port in ContainerSpec.ports, such as "http"');
  return port;
}

/** Probe timings as the API server accepts them: no negative delay, every period and threshold at least 1. */
function checkTimings(scope: string, o: ProbeOptions): ProbeOptions {
  if (o === null || typeof o !== 'object') invalid(scope, 'options', 'must be an object of probe timings', o, 'pass { periodSeconds: 10 }');
  if (o.initialDelaySeconds !== undefined) checkInteger(scope, 'initialDelaySeconds', o.initialDelaySeconds, 0, 3600);
  if (o.periodSeconds !== undefined) checkInteger(scope, 'periodSeconds', o.periodSeconds, 1, 3600);
  if (o.timeoutSeconds !== undefined) checkInteger(scope, 'timeoutSeconds', o.timeoutSeconds, 1, 3600);
  if (o.failureThreshold !== undefined) checkInteger(scope, 'failureThreshold', o.failureThreshold, 1, 1000);
  return { ...o };
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
  private constructor(private readonly handler: k8s.Probe, private readonly options: ProbeOptions) {}

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
