import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type * as kserveTypes from '../../imports/serving.kserve.io';
import { ConnectionGraph, IWorkload, Peer } from '../core/connections';
import { standardLabels } from '../core/labels';
import { Port } from '../core/port';
import { ResourceRequirements, renderResources } from '../core/resources';
import { istioClusterLocalGateway } from '../mesh/istio-peers';
import { checkDnsLabel, checkInteger, describeConstruct, invalid, ValidationError } from '../core/validate';
import { ModelLocation } from './model-location';
import { ModelStorageCredentials } from './storage-credentials';
import { LibraryConstruct } from '../core/library-construct';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kserve = lazyModule<typeof kserveTypes>(() => require('../../imports/serving.kserve.io'));

/** Options of {@link ServingMode.serverless}. */
export interface ServerlessOptions {
  /**
   * The pods behind the Knative local gateway (`knative-local-gateway.istio-system`, port 8081):
   * in Kubeflow 1.9-1.11, the Istio cluster-local gateway pods (Kubeflow patches the Service's
   * selector to them), not the ingress gateway.
   * @default IstioGateway.clusterLocalGatewayPeer()
   */
  readonly gateway?: Peer;
  /** @default "knative-serving" */
  readonly knativeNamespace?: string;
}

/** How KServe runs the predictor; decides who talks to its pods, so it shapes the network policy. */
export class ServingMode {
  /**
   * Knative (KServe's default in Kubeflow): requests reach the pods through the Knative local
   * gateway (port 8081 of the gateway pods) and the Knative activator, on the queue-proxy port
   * 8012; the autoscaler scrapes 9090. Scales to zero with `minReplicas: 0`.
   */
  public static serverless(options: ServerlessOptions = {}): ServingMode {
    if (options.gateway !== undefined && !(options.gateway instanceof Peer)) {
      invalid('ServingMode.serverless', 'gateway', 'must be a Peer', typeof options.gateway, 'pass gateway: IstioGateway.clusterLocalGatewayPeer({ namespace: "istio-system" })');
    }
    const knative = checkDnsLabel('ServingMode.serverless', 'knativeNamespace', options.knativeNamespace ?? 'knative-serving');
    const knativePeer = (app: string) => Peer.externalWorkload({ name: app, namespace: knative, serviceAccount: 'controller', podLabels: { app } });
    return new ServingMode('Serverless', options.gateway ?? istioClusterLocalGateway(), knativePeer('activator'), knativePeer('autoscaler'));
  }
  /** A plain Deployment and Service: clients reach the model server's port 8080 directly. */
  public static rawDeployment(): ServingMode {
    return new ServingMode('RawDeployment');
  }
  private constructor(
    public readonly annotation: 'Serverless' | 'RawDeployment',
    /** @internal */ public readonly _gateway?: Peer,
    /** @internal */ public readonly _activator?: Peer,
    /** @internal */ public readonly _autoscaler?: Peer,
  ) {}
}

export interface InferenceServiceProps {
  /** The InferenceService name; also the model name in `/v2/models/<name>/infer`. */
  readonly name: string;
  /** Where the MLflow model is: {@link ModelLocation.run} or {@link ModelLocation.loggedModel}. */
  readonly model: ModelLocation;
  /** The ServiceAccount and Secret the storage initializer downloads the model with. */
  readonly credentials: ModelStorageCredentials;
  /** @default - requests 100m CPU and 512Mi, limit 2Gi memory */
  readonly resources?: ResourceRequirements;
  /** @default 1 */
  readonly minReplicas?: number;
  /** @default - minReplicas, or 1 when that is 0 */
  readonly maxReplicas?: number;
  /**
   * Istio sidecar injection for the predictor pods (`sidecar.istio.io/inject`). The MLflow-in-Kubeflow guide turns it
   * off.
   * @default - the namespace's setting (no annotation)
   */
  readonly sidecarInjection?: boolean;
  /** @default ServingMode.serverless() */
  readonly mode?: ServingMode;
  /** Who may call the model (each becomes a declared connection). @default - none */
  readonly clients?: Array<IWorkload | Peer>;
}

const DEFAULT_RESOURCES: ResourceRequirements = { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } };

/**
 * A KServe `InferenceService` (`serving.kserve.io/v1beta1`) serving an MLflow model over the v2
 * protocol (MLServer's MLflow runtime). The storage URI is built from a typed
 * {@link ModelLocation}; the predictor pods are a workload of the connection graph, so their
 * NetworkPolicies admit exactly the model download, the serving infrastructure of the chosen
 * {@link ServingMode} and the declared clients.
 */
export class InferenceService extends LibraryConstruct implements IWorkload {
  public readonly workloadName: string;
  public readonly namespace: string;
  public readonly podSelector: Record<string, string>;
  public readonly serviceAccountName: string;
  public readonly storageUri: string;
  public readonly mode: ServingMode;
  public readonly sidecarInjection?: boolean;
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id, props);
    this.workloadName = checkDnsLabel(this, 'name', props?.name, 45);
    const namespace = Chart.of(this).namespace;
    if (!namespace) {
      throw new ValidationError(`${describeConstruct(this)}: its Chart has no namespace, got undefined. Fix: create the chart with namespace: 'kubeflow-user-example-com'.`);
    }
    this.namespace = namespace;
    if (!(props.model instanceof ModelLocation)) {
      invalid(this, 'model', 'must be made with ModelLocation.run(...) or ModelLocation.loggedModel(...)', typeof props.model === 'string' ? props.model : typeof props.model,
        'pass model: ModelLocation.loggedModel({ store, bucket, experimentId, modelId })');
    }
    if (!(props.credentials instanceof ModelStorageCredentials)) {
      invalid(this, 'credentials', 'must be a ModelStorageCredentials', typeof props.credentials, 'pass credentials: new ModelStorageCredentials(chart, "kserve-s3", { ... })');
    }
    if (props.credentials.store !== props.model.store) {
      invalid(this, 'credentials', 'must be for the object store the model is on', props.credentials.node.path, 'create the ModelStorageCredentials with the same store as the model location');
    }
    if (props.mode !== undefined && !(props.mode instanceof ServingMode)) {
      invalid(this, 'mode', 'must be ServingMode.serverless() or ServingMode.rawDeployment()', props.mode, 'pass mode: ServingMode.rawDeployment()');
    }
    this.mode = props.mode ?? ServingMode.serverless();
    this.storageUri = props.model._storageUri(this);
    this.serviceAccountName = props.credentials.serviceAccountName;
    this.podSelector = { 'serving.kserve.io/inferenceservice': this.workloadName };
    this.sidecarInjection = props.sidecarInjection;
    const minReplicas = checkInteger(this, 'minReplicas', props.minReplicas ?? 1, this.mode.annotation === 'Serverless' ? 0 : 1, 1000);
    const maxReplicas = checkInteger(this, 'maxReplicas', props.maxReplicas ?? Math.max(1, minReplicas), Math.max(1, minReplicas), 1000);
    const resources = renderResources(this, 'resources', props.resources ?? DEFAULT_RESOURCES);

    const graph = ConnectionGraph.of(this);
    graph.register(this);
    props.model.store.grantConnect(this, `${this.workloadName}: model download (KServe storage initializer)`);
    if (this.mode.annotation === 'Serverless') {
      graph.allow(this.mode._gateway!, Peer.workload(this), Port.tcp(8012), `${this.workloadName}: requests through the Knative local gateway`);
      graph.allow(this.mode._activator!, Peer.workload(this), Port.tcp(8012), `${this.workloadName}: requests and probes through the Knative activator`);
      graph.allow(this.mode._autoscaler!, Peer.workload(this), Port.tcp(9090), `${this.workloadName}: Knative autoscaler metrics`);
    }
    for (const client of props.clients ?? []) this.allowFrom(client, 'inference client');

    const annotations: Record<string, string> = { 'serving.kserve.io/deploymentMode': this.mode.annotation };
    if (props.sidecarInjection !== undefined) annotations['sidecar.istio.io/inject'] = String(props.sidecarInjection);
    const registered = props.model.registeredAs;
    this.resource = new kserve.InferenceService(this, 'Resource', {
      metadata: {
        name: this.workloadName,
        labels: standardLabels({ name: 'kserve', instance: this.workloadName, component: 'inference-service' }),
        annotations: {
          ...annotations,
          ...(registered ? { 'mlflow.org/registered-model': `${registered.name}/${registered.version}` } : {}),
        },
      },
      spec: {
        predictor: {
          serviceAccountName: this.serviceAccountName,
          minReplicas,
          maxReplicas,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          model: {
            modelFormat: { name: 'mlflow' },
            protocolVersion: 'v2',
            storageUri: this.storageUri,
            resources: resources as unknown as kserveTypes.InferenceServiceSpecPredictorModelResources,
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              privileged: false,
              runAsNonRoot: true,
              seccompProfile: { type: 'RuntimeDefault' },
            },
          },
        },
      },
    });
  }

  /** The in-cluster URL of the v2 inference endpoint. */
  public get inferUrl(): string {
    return `http://${this.workloadName}-predictor.${this.namespace}.svc.cluster.local/v2/models/${this.workloadName}/infer`;
  }

  /**
   * Declares that `client` calls the model. In serverless mode the call goes to the Knative local
   * gateway (port 8081 of the gateway pods), which forwards to the predictor; in raw mode straight
   * to the predictor's port 8080.
   */
  public allowFrom(client: IWorkload | Peer, description: string): void {
    const graph = ConnectionGraph.of(this);
    const from = client instanceof Peer ? client : Peer.workload(client);
    if (this.mode.annotation === 'Serverless') {
      if (!from.workload) {
        invalid(this, 'clients', 'must be workloads of this app in serverless mode (their egress goes to the Knative gateway, whose ingress is not ours)', 'a Peer that is not a workload',
          'pass the client workload, or use ServingMode.rawDeployment()');
      }
      graph.allow(from, this.mode._gateway!, Port.tcp(8081), `${description} → ${this.workloadName} (Knative local gateway)`);
    } else {
      graph.allow(from, Peer.workload(this), Port.tcp(8080), `${description} → ${this.workloadName}`);
    }
  }
}
