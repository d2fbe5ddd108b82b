import { Construct } from 'constructs';
import { k8s } from './k8s';
import { checkDnsSubdomain } from './validate';

/** How an Ingress gets its certificate. */
export class IngressTls {
  /** A `kubernetes.io/tls` Secret that already exists in the namespace. */
  public static existingSecret(secretName: string): IngressTls {
    return new IngressTls(checkDnsSubdomain('IngressTls.existingSecret', 'secretName', secretName), {});
  }
  /** cert-manager issues it from a ClusterIssuer into `<name>-tls`. */
  public static certManagerClusterIssuer(issuer: string): IngressTls {
    return new IngressTls(undefined, { 'cert-manager.io/cluster-issuer': checkDnsSubdomain('IngressTls.certManagerClusterIssuer', 'issuer', issuer) });
  }
  /** cert-manager issues it from a namespaced Issuer into `<name>-tls`. */
  public static certManagerIssuer(issuer: string): IngressTls {
    return new IngressTls(undefined, { 'cert-manager.io/issuer': checkDnsSubdomain('IngressTls.certManagerIssuer', 'issuer', issuer) });
  }
  private constructor(private readonly secret: string | undefined, public readonly annotations: Record<string, string>) {}

  /** The TLS Secret name for an Ingress named `ingressName`. */
  public secretName(ingressName: string): string {
    return this.secret ?? `${ingressName}-tls`;
  }
}

/** One host and path of an Ingress, routed to a Service port named `http`. */
export interface IngressRouteSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** @default - none */
  readonly annotations?: Record<string, string>;
  readonly className: string;
  readonly host: string;
  readonly tlsSecretName: string;
  /** @default "/" */
  readonly path?: string;
  /** @default "Prefix" */
  readonly pathType?: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  readonly serviceName: string;
}

/**
 * The Ingress every HTTP front end here renders: one TLS host, one path to the Service's `http`
 * port. TrackingServer, SharingHub and MLflow SharingHub (with its `/mlflow` rewrite and redirect).
 * @internal
 */
export function renderIngress(scope: Construct, id: string, spec: IngressRouteSpec): k8s.KubeIngress {
  return new k8s.KubeIngress(scope, id, {
    metadata: { name: spec.name, labels: spec.labels, ...(spec.annotations ? { annotations: spec.annotations } : {}) },
    spec: {
      ingressClassName: spec.className,
      tls: [{ hosts: [spec.host], secretName: spec.tlsSecretName }],
      rules: [{
        host: spec.host,
        http: { paths: [{ path: spec.path ?? '/', pathType: spec.pathType ?? 'Prefix', backend: { service: { name: spec.serviceName, port: { name: 'http' } } } }] },
      }],
    },
  });
}
