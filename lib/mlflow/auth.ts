import { IConstruct } from 'constructs';
import { IWorkload } from '../core/connections';
import { ContainerImage } from '../core/image';
import { k8s } from '../core/k8s';
import { ContainerSpec, EnvValue } from '../core/pod';
import { IDatabase } from '../storage/database';
import { DriverCredential } from './driver-credentials';

// The contract between the tracking server and an auth mode. A mode is a class of its own file
// (oidc-auth.ts, basic-auth.ts, oauth2-proxy.ts) that extends MlflowAuthMode and renders its part;
// mlflow-auth.ts registers it as a factory of MlflowAuth. This file imports no mode, so the modes
// and the server import it without a cycle.

/** What the tracking server passes when it binds the auth option. */
export interface MlflowAuthContext {
  /** The MLflow pods (for egress to the provider, the auth database and the cache). */
  readonly workload: IWorkload;
  readonly replicas: number;
  /** The public host: `OIDC_REDIRECT_URI` is `https://<host>/callback`. */
  readonly ingressHost?: string;
  /** The tracking database, which the auth store must not be. @default - not checked */
  readonly trackingDatabase?: IDatabase;
  /** The port `mlflow server` listens on. @default 5000 */
  readonly serverPort?: number;
  /** Labels for objects the mode adds (a ClusterRoleBinding). @default - none */
  readonly labels?: Record<string, string>;
}

/** A proxy container in front of MLflow (oauth2-proxy). */
export interface MlflowAuthSidecar {
  /** The proxy; it may run as its image's own non-root user (`runAs`). */
  readonly container: ContainerSpec;
  /** Its container port, which the Service, Ingress, HTTPRoute and NetworkPolicies target. */
  readonly port: number;
  /** The name of that port in `container.ports`. */
  readonly portName: string;
  /** argv that checks MLflow on loopback from inside its container; the probe path is appended. */
  readonly probeCommand: string[];
}

/** The pieces the tracking server renders for an auth mode. */
export interface MlflowAuthConfig {
  /** The image to run instead of the default. @default - the server's image */
  readonly image?: ContainerImage;
  /** Extra `mlflow server` arguments, as argv tokens. */
  readonly serverArgs: string[];
  /** Environment of the server container, in a stable order. */
  readonly env: Array<[string, EnvValue]>;
  /**
   * Passwords the pod's credentials init container writes into the files their client
   * libraries read (a pgpass line, a MySQL option file, a password file), so none is in a URI,
   * an argument or the environment of the server.
   * @default - none
   */
  readonly credentials?: DriverCredential[];
  /**
   * An init container (the server's image, the auth files at {@link mountPath}, the credentials
   * directory writable) that prepares the mode's configuration before the server starts.
   * @default - none
   */
  readonly setup?: { readonly command: string[]; readonly env: Array<[string, EnvValue]> };
  /** Files for a ConfigMap mounted read-only at {@link mountPath}. */
  readonly files: Record<string, string>;
  readonly mountPath: string;
  /** Unauthenticated probe paths (the UI at `/` redirects to the provider once auth is on). */
  readonly probes: { readonly startup: string; readonly liveness: string; readonly readiness: string };
  /**
   * A proxy in front of MLflow: MLflow then listens on 127.0.0.1 only, its probes run in its
   * container ({@link MlflowAuthSidecar.probeCommand}), and clients reach the proxy's port.
   * @default - none: clients reach MLflow directly
   */
  readonly sidecar?: MlflowAuthSidecar;
  /** Extra pod volumes (a projected service-account token). @default - none */
  readonly volumes?: k8s.Volume[];
  /** Their mounts into the server container. @default - none */
  readonly volumeMounts?: k8s.VolumeMount[];
}

/**
 * The base of every auth mode: it renders its part of the tracking server ({@link MlflowAuthConfig}).
 * Users pick a mode through the factories of {@link MlflowAuth}.
 */
export abstract class MlflowAuthMode {
  /** @internal False when the mode keeps the server's image (`image` may then be set on the server). */
  public get _replacesImage(): boolean {
    return true;
  }
  /** Renders this mode for a tracking server; validates what needs the server's settings. */
  public abstract bind(scope: IConstruct, context: MlflowAuthContext): MlflowAuthConfig;
}
