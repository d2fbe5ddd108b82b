import { k8s } from './k8s';

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

/** A liveness, readiness or startup check. */
export class Probe {
  /** An HTTP GET against a named container port. */
  public static httpGet(path: string, port: string, options: ProbeOptions = {}): Probe {
    return new Probe({ httpGet: { path, port: k8s.IntOrString.fromString(port) } }, options);
  }
  /** A TCP connect to a named container port. */
  public static tcpSocket(port: string, options: ProbeOptions = {}): Probe {
    return new Probe({ tcpSocket: { port: k8s.IntOrString.fromString(port) } }, options);
  }
  /** A command run in the container; exit 0 is healthy. */
  public static exec(command: string[], options: ProbeOptions = {}): Probe {
    return new Probe({ exec: { command } }, options);
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
