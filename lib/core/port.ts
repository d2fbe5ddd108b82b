import { IConstruct } from 'constructs';
import { checkPort } from './validate';

/** The transport protocol of a {@link Port}. */
export enum Protocol {
  TCP = 'TCP',
  UDP = 'UDP',
}

/** A network port used by a connection: what a NetworkPolicy allows. */
export class Port {
  public static tcp(port: number, scope: IConstruct | string = 'Port', prop = 'port'): Port {
    return new Port(checkPort(scope, prop, port), Protocol.TCP);
  }
  public static udp(port: number, scope: IConstruct | string = 'Port', prop = 'port'): Port {
    return new Port(checkPort(scope, prop, port), Protocol.UDP);
  }
  private constructor(public readonly number: number, public readonly protocol: Protocol) {}

  /** A stable key, for ordering and de-duplication. */
  public get key(): string {
    return `${this.protocol}/${String(this.number).padStart(5, '0')}`;
  }
}
