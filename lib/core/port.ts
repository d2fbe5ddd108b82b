import { IConstruct } from 'constructs';
import { checkPort, invalid } from './validate';

/** The transport protocol of a {@link Port}. */
export enum Protocol {
  TCP = 'TCP',
  UDP = 'UDP',
}

/**
 * What an HTTP connection may do: renderers that see L7 (an Istio AuthorizationPolicy) allow only
 * these; L4 renderers (NetworkPolicy) see only the port.
 */
export interface HttpAccess {
  /** `GET`, `POST`, ... @default - any method */
  readonly methods?: string[];
  /** Exact paths, or prefixes / suffixes with `*` (`/api/2.0/mlflow/*`). @default - any path */
  readonly paths?: string[];
}

/** A network port used by a connection: what a NetworkPolicy allows, optionally with what HTTP may do on it. */
export class Port {
  public static tcp(port: number, scope: IConstruct | string = 'Port', prop = 'port'): Port {
    return new Port(checkPort(scope, prop, port), Protocol.TCP);
  }
  public static udp(port: number, scope: IConstruct | string = 'Port', prop = 'port'): Port {
    return new Port(checkPort(scope, prop, port), Protocol.UDP);
  }
  private constructor(
    public readonly number: number,
    public readonly protocol: Protocol,
    /** The HTTP methods and paths allowed on this port. @default - any (L4 only) */
    public readonly http?: HttpAccess,
  ) {}

  /** The same TCP port, limited to some HTTP methods and/or paths (`Port.tcp(5000).withHttp({ methods: ['GET'] })`). */
  public withHttp(access: HttpAccess): Port {
    const where = 'Port.withHttp';
    if (this.protocol !== Protocol.TCP) invalid(where, 'protocol', 'must be TCP for HTTP access', this.protocol, 'use Port.tcp(...)');
    const methods = access?.methods;
    const paths = access?.paths;
    if (methods !== undefined && (!Array.isArray(methods) || methods.length === 0 || methods.some((m) => typeof m !== 'string' || !/^[A-Z]+$/.test(m)))) {
      invalid(where, 'methods', 'must be a non-empty list of upper-case HTTP methods', methods, "write ['GET', 'POST']");
    }
    if (paths !== undefined && (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== 'string' || !/^(\*|\/\S*)$/.test(p)))) {
      invalid(where, 'paths', 'must be a non-empty list of paths starting with "/" (a leading or trailing "*" matches any suffix or prefix)', paths, "write ['/api/2.0/mlflow/*']");
    }
    if (!methods && !paths) invalid(where, 'access', 'must name methods or paths', access, "write { methods: ['GET'] }");
    return new Port(this.number, this.protocol, {
      ...(methods ? { methods: [...methods] } : {}),
      ...(paths ? { paths: [...paths] } : {}),
    });
  }
}
