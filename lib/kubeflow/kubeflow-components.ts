import { Peer } from '../core/connections';
import { checkDnsLabel } from '../core/validate';
import { IstioGateway } from '../mesh/istio-gateway';
import { istioIngressGateway } from '../mesh/istio-peers';

/** Options of the {@link Kubeflow} component references. */
export interface KubeflowComponentOptions {
  /** Where Kubeflow runs. @default "kubeflow" */
  readonly namespace?: string;
}

/**
 * The service accounts of Kubeflow Pipelines that use its MySQL, as the MLflow-in-Kubeflow guide's `mysql`
 * AuthorizationPolicy lists them (Kubeflow 1.9 manifests).
 */
const PIPELINES_MYSQL_CLIENTS = [
  'kubeflow-pipelines-cache',
  'metadata-grpc-server',
  'ml-pipeline',
  'ml-pipeline-persistenceagent',
  'ml-pipeline-scheduledworkflow',
  'ml-pipeline-ui',
  'ml-pipeline-viewer-crd-service-account',
];

/**
 * Named, typed references to the parts of a Kubeflow installation (1.9 or 1.10, Istio) that an app
 * connects to but does not render. Each is a {@link Peer} (or gateway), so policies select them by
 * their labels and service accounts, never by strings scattered over the app.
 */
export class Kubeflow {
  /** The Service host of Kubeflow Pipelines' MySQL. */
  public static mysqlHost(options: KubeflowComponentOptions = {}): string {
    return `mysql.${ns(options)}.svc.cluster.local`;
  }

  /**
   * The S3 endpoint of Kubeflow Pipelines' object store (`minio-service`, port 9000, plain HTTP).
   * Kubeflow 1.9 and 1.10 run MinIO behind it; 1.11's default install runs SeaweedFS behind the same
   * name (selector `app: seaweedfs`, target port 8333: kubeflow/manifests v1.11.0,
   * applications/pipeline/upstream/third-party/seaweedfs/base/seaweedfs/minio-service.yaml).
   */
  public static minioEndpoint(options: KubeflowComponentOptions = {}): string {
    return `http://minio-service.${ns(options)}.svc.cluster.local:9000`;
  }

  /** Kubeflow Pipelines' MySQL pods (`app: mysql`, service account `mysql`). */
  public static mysql(options: KubeflowComponentOptions = {}): Peer {
    return Peer.externalWorkload({ name: 'mysql', namespace: ns(options), serviceAccount: 'mysql', podLabels: { app: 'mysql' } });
  }

  /**
   * Kubeflow Pipelines' MinIO pods (`app: minio`, port 9000: kubeflow/manifests v1.10.0,
   * apps/pipeline/upstream/third-party/minio/base/minio-service.yaml). Not Kubeflow 1.11's default,
   * whose `minio-service` selects SeaweedFS (`app: seaweedfs`, 8333): take the store's peer and pod
   * port from `Platform.kubeflow('1.11').kubeflow.objectStore` there. Only ever a connection target
   * here: its service account (the namespace default) appears in no policy.
   */
  public static minio(options: KubeflowComponentOptions = {}): Peer {
    return Peer.externalWorkload({ name: 'minio', namespace: ns(options), serviceAccount: 'default', podLabels: { app: 'minio' } });
  }

  /**
   * The Kubeflow Pipelines components that use its MySQL, by service account (sorted): declare
   * their connections to {@link Kubeflow.mysql} so the rendered MySQL AuthorizationPolicy keeps
   * admitting them.
   */
  public static pipelinesMysqlClients(options: KubeflowComponentOptions = {}): Peer[] {
    return PIPELINES_MYSQL_CLIENTS.map((sa) => Peer.externalWorkload({ name: sa, namespace: ns(options), serviceAccount: sa }));
  }

  /**
   * Kubeflow's `kubeflow-gateway`, served by the Istio ingress gateway pods (`istio-system`,
   * `istio-ingressgateway-service-account`).
   */
  public static gateway(options: KubeflowComponentOptions & { readonly pods?: Peer } = {}): IstioGateway {
    return IstioGateway.fromExisting(ns(options), 'kubeflow-gateway', { pods: options.pods ?? istioIngressGateway() });
  }
}

function ns(options: KubeflowComponentOptions): string {
  return checkDnsLabel('Kubeflow', 'namespace', options?.namespace ?? 'kubeflow');
}
