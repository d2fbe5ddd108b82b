import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type * as kfTypes from '../../imports/kubeflow.org';
import { standardLabels } from '../core/labels';
import { EnvValue } from '../core/pod';
import { checkDnsLabel, checkDnsSubdomain, invalid, looksLikeCredentialName } from '../core/validate';
import { LibraryConstruct } from '../core/library-construct';
import { durationIn } from '../core/duration';
import { checkFactoryProps } from '../core/props-guard';
import { lazyModule } from '../core/lazy-module';
// The CRD bindings this file renders, loaded when first used (see lazyModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kf = lazyModule<typeof kfTypes>(() => require('../../imports/kubeflow.org'));

/** The label key syntax of Kubernetes: an optional DNS-subdomain prefix, then a name of at most 63 characters. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A variable that holds where a credential is, not the credential: `KF_PIPELINES_SA_TOKEN_PATH`. */
const NAMES_A_LOCATION = /_(PATH|FILE|DIR)$/;
const RELATIVE_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Options of a projected service-account token. */
export interface ServiceAccountTokenOptions {
  /** Who the token is for (`pipelines.kubeflow.org`); the receiver checks it. */
  readonly audience: string;
  /**
   * Lifetime, in whole seconds; the kubelet renews the file before it expires. At least 10 minutes
   * (the API server's minimum).
   * @default Duration.hours(1)
   */
  readonly expiration?: Duration;
  /** The file name inside the mount. @default "token" */
  readonly path?: string;
}

/** What a {@link PodDefault} mounts: enum-like, built with the static factories. */
export class PodDefaultVolume {
  /**
   * A projected service-account token of the pod's own ServiceAccount, for a given audience: the
   * pod proves who it is to that audience without any long-lived secret.
   */
  public static serviceAccountToken(name: string, options: ServiceAccountTokenOptions): PodDefaultVolume {
    return new PodDefaultVolume(name, 'serviceAccountToken', { ...options });
  }
  /** The keys of an existing Secret, as files. */
  public static secret(name: string, secretName: string): PodDefaultVolume {
    return new PodDefaultVolume(name, 'secret', { secretName });
  }
  /** The keys of an existing ConfigMap, as files. */
  public static configMap(name: string, configMapName: string): PodDefaultVolume {
    return new PodDefaultVolume(name, 'configMap', { configMapName });
  }

  private constructor(
    public readonly name: string,
    private readonly kind: 'serviceAccountToken' | 'secret' | 'configMap',
    private readonly options: Record<string, unknown>,
  ) {}

  /** The file a token volume holds, relative to its mount (`token`). */
  public get tokenFile(): string | undefined {
    return this.kind === 'serviceAccountToken' ? (this.options as unknown as ServiceAccountTokenOptions).path ?? 'token' : undefined;
  }

  /** @internal */
  public _render(scope: Construct, prop: string): kfTypes.PodDefaultSpecVolumes {
    checkDnsLabel(scope, `${prop}.name`, this.name);
    switch (this.kind) {
      case 'serviceAccountToken': {
        const o = this.options as unknown as ServiceAccountTokenOptions;
        if (typeof o.audience !== 'string' || !/^\S+$/.test(o.audience)) {
          invalid(scope, `${prop}.audience`, 'must be a non-empty string without spaces', o.audience, 'set the audience the receiver checks, such as "pipelines.kubeflow.org"');
        }
        const expirationSeconds = durationIn(scope, `${prop}.expiration`, o.expiration ?? Duration.hours(1), 'seconds', 600, 2 ** 32);
        const path = o.path ?? 'token';
        if (!RELATIVE_PATH.test(path)) {
          invalid(scope, `${prop}.path`, 'must be a relative file path without ".." segments', path, 'use a file name such as "token"');
        }
        return { name: this.name, projected: { sources: [{ serviceAccountToken: { path, expirationSeconds, audience: o.audience } }] } };
      }
      case 'secret':
        return { name: this.name, secret: { secretName: checkDnsSubdomain(scope, `${prop}.secretName`, this.options.secretName as string) } };
      case 'configMap':
        return { name: this.name, configMap: { name: checkDnsSubdomain(scope, `${prop}.configMapName`, this.options.configMapName as string) } };
    }
  }
}

/** One volume of a {@link PodDefault} and where it is mounted. */
export interface PodDefaultMount {
  readonly volume: PodDefaultVolume;
  /** An absolute path in the container. */
  readonly mountPath: string;
  /** @default true */
  readonly readOnly?: boolean;
}

export interface PodDefaultProps {
  /** The object name, unique in the profile namespace. */
  readonly name: string;
  /** Shown in the notebook creation form as the option's text (`spec.desc`). */
  readonly description: string;
  /**
   * The label that opts a pod in: pods labelled `<selectorLabel>: "true"` get the env and mounts.
   * The notebook form sets it when the option is ticked.
   * @default - the name
   */
  readonly selectorLabel?: string;
  /** Environment variables added to every container, in order. @default - none */
  readonly env?: Array<[string, EnvValue]>;
  /** Volumes and their mounts. @default - none */
  readonly mounts?: PodDefaultMount[];
  /**
   * The profile namespace.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/** Options of the {@link PodDefault.accessMlPipeline} preset. */
export interface AccessMlPipelineOptions {
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** The token's lifetime. @default Duration.hours(2) */
  readonly expiration?: Duration;
}

/**
 * A Kubeflow `PodDefault` (`kubeflow.org/v1alpha1`): env and volumes that Kubeflow's admission
 * webhook adds to pods carrying its selector label, offered as a tick box in the notebook form.
 * Every mount has its volume (they are declared together), and env values follow the same rules as
 * containers: a credential is a secret reference, never a literal.
 */
export class PodDefault extends LibraryConstruct {
  /** Where {@link accessMlPipeline} mounts the token. */
  public static readonly PIPELINES_TOKEN_DIR = '/var/run/secrets/kubeflow/pipelines';

  /**
   * The MLflow-in-Kubeflow guide's `access-ml-pipeline`: lets a notebook call the Kubeflow Pipelines API with a
   * projected token of its own ServiceAccount (audience `pipelines.kubeflow.org`, 7200 s, mounted
   * read-only), found through `KF_PIPELINES_SA_TOKEN_PATH` by the `kfp` client.
   * Checked in kubeflow/pipelines 2.4.1 (Kubeflow 1.10): the API server reviews tokens for the
   * audience `pipelines.kubeflow.org` (backend/src/apiserver/common/const.go,
   * DefaultTokenReviewAudience); the SDK reads `KF_PIPELINES_SA_TOKEN_PATH`, default
   * `/var/run/secrets/kubeflow/pipelines/token` (sdk/python/kfp/client/__init__.py).
   */
  public static accessMlPipeline(scope: Construct, id: string, options: AccessMlPipelineOptions = {}): PodDefault {
    checkFactoryProps('PodDefault.accessMlPipeline', scope, id, options);
    const token = PodDefaultVolume.serviceAccountToken('volume-kf-pipeline-token', {
      audience: 'pipelines.kubeflow.org',
      expiration: options.expiration ?? Duration.hours(2),
      path: 'token',
    });
    return new PodDefault(scope, id, {
      name: 'access-ml-pipeline',
      description: 'Allow access to Kubeflow Pipelines',
      namespace: options.namespace,
      env: [['KF_PIPELINES_SA_TOKEN_PATH', EnvValue.literal(`${PodDefault.PIPELINES_TOKEN_DIR}/${token.tokenFile}`)]],
      mounts: [{ volume: token, mountPath: PodDefault.PIPELINES_TOKEN_DIR, readOnly: true }],
    });
  }

  /** The label a pod carries (value `"true"`) to receive this PodDefault. */
  public readonly selectorLabel: string;
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: PodDefaultProps) {
    super(scope, id, props, 'pass { name, desc, ... } (see PodDefaultProps)');
    const name = checkDnsSubdomain(this, 'name', props.name);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (!namespace) {
      invalid(this, 'namespace', 'must be set when the chart has no namespace', namespace, 'pass namespace: "kubeflow-user-example-com" (the profile namespace)');
    }
    checkDnsLabel(this, 'namespace', namespace);
    this.selectorLabel = props.selectorLabel ?? name;
    if (typeof this.selectorLabel !== 'string' || !LABEL_KEY.test(this.selectorLabel)) {
      invalid(this, 'selectorLabel', 'must be a label key ([prefix/]name, at most 63 characters in the name)', this.selectorLabel, 'use a key such as "access-ml-pipeline"');
    }
    if (typeof props.description !== 'string' || props.description.trim() === '') {
      invalid(this, 'description', 'must be a non-empty text (the notebook form shows it)', props.description, 'describe what the option gives, such as "Allow access to Kubeflow Pipelines"');
    }

    const envNames = new Set<string>();
    const env = (props.env ?? []).map(([name, value]): kfTypes.PodDefaultSpecEnv => {
      if (!ENV_NAME.test(name ?? '')) {
        invalid(this, 'env name', 'must be a C identifier (letters, digits and "_", not starting with a digit)', name, 'use a name such as "KF_PIPELINES_SA_TOKEN_PATH"');
      }
      if (envNames.has(name)) invalid(this, `env.${name}`, 'is set twice', name, 'keep one entry per variable');
      envNames.add(name);
      if (!(value instanceof EnvValue)) {
        invalid(this, `env.${name}`, 'must be an EnvValue', typeof value, 'pass EnvValue.literal("...") or EnvValue.fromSecret(...)');
      }
      if (value.source.value !== undefined && looksLikeCredentialName(name) && !NAMES_A_LOCATION.test(name)) {
        invalid(this, `env.${name}`, 'looks like a credential and must not be a literal value', '<redacted>',
          'pass EnvValue.fromSecret(SecretValue.fromSecret(name, key)), or mount it and point to the file with a *_PATH variable');
      }
      return { ...(value.source as Omit<kfTypes.PodDefaultSpecEnv, 'name'>), name } as kfTypes.PodDefaultSpecEnv;
    });

    const volumes: kfTypes.PodDefaultSpecVolumes[] = [];
    const volumeMounts: kfTypes.PodDefaultSpecVolumeMounts[] = [];
    const paths = new Set<string>();
    (props.mounts ?? []).forEach((m, i) => {
      if (!(m?.volume instanceof PodDefaultVolume)) {
        invalid(this, `mounts[${i}].volume`, 'must be made with PodDefaultVolume.serviceAccountToken/secret/configMap', typeof m?.volume, 'pass volume: PodDefaultVolume.serviceAccountToken("token", { audience: "..." })');
      }
      if (typeof m.mountPath !== 'string' || !/^\/[^\0]*$/.test(m.mountPath) || m.mountPath.split('/').includes('..')) {
        invalid(this, `mounts[${i}].mountPath`, 'must be an absolute path without ".." segments', m.mountPath, 'write it as "/var/run/secrets/kubeflow/pipelines"');
      }
      if (paths.has(m.mountPath)) invalid(this, `mounts[${i}].mountPath`, 'is mounted twice', m.mountPath, 'give each volume its own mountPath');
      paths.add(m.mountPath);
      if (volumes.some((v) => v.name === m.volume.name)) invalid(this, `mounts[${i}].volume.name`, 'is used by another volume', m.volume.name, 'give each volume its own name');
      volumes.push(m.volume._render(this, `mounts[${i}].volume`));
      volumeMounts.push({ name: m.volume.name, mountPath: m.mountPath, readOnly: m.readOnly ?? true });
    });

    this.resource = new kf.PodDefault(this, 'Resource', {
      metadata: {
        name,
        namespace,
        labels: standardLabels({ name: 'kubeflow', instance: name, component: 'pod-default' }),
      },
      spec: {
        desc: props.description,
        selector: { matchLabels: { [this.selectorLabel]: 'true' } },
        ...(env.length ? { env } : {}),
        ...(volumes.length ? { volumes, volumeMounts } : {}),
      },
    });
  }

  /** The labels a pod needs to receive this PodDefault. */
  public get podLabels(): Record<string, string> {
    return { [this.selectorLabel]: 'true' };
  }

  /** The PodDefault's name, read from it. */
  public get name(): string {
    return this.resource.name;
  }

  /** The profile namespace it applies in, read from the PodDefault. */
  public get namespace(): string {
    return this.resource.metadata.namespace!;
  }
}
