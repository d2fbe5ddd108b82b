import { Construct } from 'constructs';
import { k8s } from './k8s';
import { checkDnsLabel, checkPort } from './validate';

/** One port of a Service: the Service port and the named container port it targets. */
export interface ServicePortSpec {
  readonly name: string;
  readonly port: number;
  /** The named container port. */
  readonly targetPort: string;
}

export interface ServiceSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly ports: ServicePortSpec[];
  /** A headless Service (for StatefulSet pod DNS). @default false */
  readonly headless?: boolean;
}

/**
 * A ClusterIP (or headless) Service targeting named container ports.
 * @internal
 */
export function renderService(scope: Construct, id: string, s: ServiceSpec): k8s.KubeService {
  checkDnsLabel(scope, 'service name', s.name);
  return new k8s.KubeService(scope, id, {
    metadata: { name: s.name, labels: s.labels },
    spec: {
      type: 'ClusterIP',
      ...(s.headless ? { clusterIp: 'None', publishNotReadyAddresses: true } : {}),
      selector: { ...s.selector },
      ports: s.ports.map((p) => ({
        name: p.name,
        port: checkPort(scope, `ports.${p.name}`, p.port),
        targetPort: k8s.IntOrString.fromString(p.targetPort),
        protocol: 'TCP',
      })),
    },
  });
}

/**
 * A ServiceAccount that does not mount its token (our pods never call the API server).
 * @internal
 */
export function renderServiceAccount(scope: Construct, id: string, name: string, labels: Record<string, string>, annotations?: Record<string, string>): k8s.KubeServiceAccount {
  return new k8s.KubeServiceAccount(scope, id, {
    metadata: { name, labels, ...(annotations ? { annotations } : {}) },
    automountServiceAccountToken: false,
  });
}
