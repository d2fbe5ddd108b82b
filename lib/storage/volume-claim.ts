import { Chart, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { k8s } from '../core/k8s';
import { ARGOCD_SYNC_OPTIONS, KEEP_ON_DELETE, standardLabels } from '../core/labels';
import { checkDnsSubdomain, invalid } from '../core/validate';
import { sizeProp } from '../core/quantity';
import { LibraryConstruct } from '../core/library-construct';

/** How many nodes may mount a volume, and how (`spec.accessModes` of a claim). */
export class AccessMode {
  /** One node mounts it read-write (every pod on that node may use it). */
  public static readonly READ_WRITE_ONCE = new AccessMode('ReadWriteOnce', false);
  /** Many nodes mount it read-write: a shared file system (JuiceFS, CephFS, NFS). */
  public static readonly READ_WRITE_MANY = new AccessMode('ReadWriteMany', true);
  /** Many nodes mount it read-only. */
  public static readonly READ_ONLY_MANY = new AccessMode('ReadOnlyMany', true);
  /** One pod mounts it read-write. */
  public static readonly READ_WRITE_ONCE_POD = new AccessMode('ReadWriteOncePod', false);
  private constructor(
    public readonly value: string,
    /** True when pods on several nodes can mount it at once. */
    public readonly shared: boolean,
  ) {}
  public toString(): string {
    return this.value;
  }
}

/** Options of {@link StorageClass.named}. */
export interface StorageClassOptions {
  /**
   * The access modes its provisioner supports, when you know them: a claim asking for another
   * mode fails synth instead of staying Pending in the cluster.
   * @default - unknown (every mode is accepted)
   */
  readonly accessModes?: AccessMode[];
}

/** A StorageClass of the cluster, by name, with what is known about its provisioner. */
export class StorageClass {
  /** The cluster's default class (no `storageClassName` is rendered); its modes are unknown. */
  public static clusterDefault(): StorageClass {
    return new StorageClass(undefined, undefined);
  }
  /** A class by name: `StorageClass.named('fast-ssd', { accessModes: [AccessMode.READ_WRITE_ONCE] })`. */
  public static named(name: string, options: StorageClassOptions = {}): StorageClass {
    checkDnsSubdomain('StorageClass.named', 'name', name);
    const modes = options.accessModes;
    if (modes !== undefined && (!Array.isArray(modes) || modes.length === 0 || modes.some((m) => !(m instanceof AccessMode)))) {
      invalid('StorageClass.named', 'accessModes', 'must be a non-empty list of AccessMode values', modes, 'pass accessModes: [AccessMode.READ_WRITE_ONCE]');
    }
    return new StorageClass(name, modes ? [...modes] : undefined);
  }
  /** JuiceFS' CSI driver (the Thinkube MLflow deployment's `juicefs-rwx`): a shared file system, every mode. */
  public static juicefs(name = 'juicefs-rwx'): StorageClass {
    return StorageClass.named(name, { accessModes: [AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_MANY, AccessMode.READ_ONLY_MANY, AccessMode.READ_WRITE_ONCE_POD] });
  }
  /** A node-local hostPath provisioner (Canonical k8s' `k8s-hostpath`, Rancher's `local-path`): one node only. */
  public static hostPath(name = 'k8s-hostpath'): StorageClass {
    return StorageClass.named(name, { accessModes: [AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_ONCE_POD] });
  }

  private constructor(
    /** The `storageClassName`; undefined for the cluster default. */
    public readonly name: string | undefined,
    /** The modes its provisioner supports; undefined when unknown. */
    public readonly accessModes: AccessMode[] | undefined,
  ) {}

  /** False when the class is known not to support `mode`; true when it does or nothing is known. */
  public supports(mode: AccessMode): boolean {
    return this.accessModes === undefined || this.accessModes.includes(mode);
  }
}

/** A PersistentVolumeClaim pods can mount. */
export interface IVolumeClaim extends IConstruct {
  readonly claimName: string;
  readonly accessMode: AccessMode;
}

export interface VolumeClaimProps {
  /** The claim's name (stable: renaming it is a new, empty volume). */
  readonly name: string;
  /** `Size.gibibytes(500)` */
  readonly size: Size;
  /** @default AccessMode.READ_WRITE_ONCE */
  readonly accessMode?: AccessMode;
  /** @default StorageClass.clusterDefault() */
  readonly storageClass?: StorageClass;
  /**
   * Labels added to (and overriding) the standard ones, for selectors of other tools
   * (the Thinkube MLflow deployment: `app.kubernetes.io/name: ml-models`).
   * @default - the standard labels only
   */
  readonly labels?: Record<string, string>;
  /**
   * Keep the claim (and its data) when it leaves the app: Argo CD neither prunes nor deletes it.
   * @default true
   */
  readonly retainOnDelete?: boolean;
  /** @default - none */
  readonly partOf?: string;
}

/**
 * A PersistentVolumeClaim this app owns. The access mode is checked against what is known of the
 * storage class: a ReadWriteMany claim on a class that can only bind one node fails synth.
 */
export class VolumeClaim extends LibraryConstruct implements IVolumeClaim {
  public readonly claimName: string;
  public readonly accessMode: AccessMode;
  public readonly storageClass: StorageClass;
  public readonly resource: k8s.KubePersistentVolumeClaim;

  constructor(scope: Construct, id: string, props: VolumeClaimProps) {
    super(scope, id, props, 'pass { name, size } (see VolumeClaimProps)');
    this.claimName = checkDnsSubdomain(this, 'name', props.name);
    const size = sizeProp(this, 'size', props.size, undefined, Size.gibibytes(10));
    const mode = props.accessMode ?? AccessMode.READ_WRITE_ONCE;
    if (!(mode instanceof AccessMode)) invalid(this, 'accessMode', 'must be an AccessMode', mode, 'pass accessMode: AccessMode.READ_WRITE_MANY');
    const storageClass = props.storageClass ?? StorageClass.clusterDefault();
    if (!(storageClass instanceof StorageClass)) {
      invalid(this, 'storageClass', 'must be a StorageClass', storageClass, 'pass storageClass: StorageClass.named("fast-ssd") or StorageClass.juicefs()');
    }
    if (!storageClass.supports(mode)) {
      invalid(this, 'storageClass', `does not support ${mode} (it supports ${storageClass.accessModes!.join(', ')}), so the claim would stay Pending`, storageClass.name,
        mode.shared ? 'pass a shared file-system class such as StorageClass.juicefs("juicefs-rwx"), or accessMode: AccessMode.READ_WRITE_ONCE'
          : `pass accessMode: AccessMode.${storageClass.accessModes![0].value === 'ReadWriteOnce' ? 'READ_WRITE_ONCE' : 'READ_WRITE_MANY'}`);
    }
    this.accessMode = mode;
    this.storageClass = storageClass;
    if (!Chart.of(this).namespace) {
      invalid(this, 'namespace', 'is required (claims are namespaced)', undefined, "create the chart with new Chart(app, 'x', { namespace: 'mlflow' })");
    }
    const retain = props.retainOnDelete ?? true;
    this.resource = new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: {
        name: this.claimName,
        labels: { ...standardLabels({ name: 'volume', instance: this.claimName, component: 'storage', partOf: props.partOf }), ...props.labels },
        ...(retain ? { annotations: { [ARGOCD_SYNC_OPTIONS]: KEEP_ON_DELETE } } : {}),
      },
      spec: {
        accessModes: [mode.value],
        ...(storageClass.name ? { storageClassName: storageClass.name } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(size) } },
      },
    });
  }
}
