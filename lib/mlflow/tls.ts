import { checkDnsSubdomain } from '../core/validate';

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
