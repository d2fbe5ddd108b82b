import { Construct } from 'constructs';
import { AppNotes } from '../core/app-notes';
import { k8s } from '../core/k8s';
import { standardLabels } from '../core/labels';
import { checkDnsLabel, checkDnsSubdomain, invalid } from '../core/validate';
import { LibraryConstruct } from '../core/library-construct';

export interface ProfileAccessProps {
  /** The Kubeflow profile, which is also its namespace: `kubeflow-user-example-com`. */
  readonly profile: string;
  /**
   * The ServiceAccount in the profile namespace that gets the role. Kubeflow gives notebooks
   * `default-editor`.
   * @default "default-editor"
   */
  readonly serviceAccount?: string;
  /** Where the access applies: Kubeflow's own namespace. @default "kubeflow" */
  readonly namespace?: string;
  /**
   * Services in `namespace` the profile may read (`get`), for a notebook that looks the tracking
   * server up. Nothing else: no Secrets, no pods, no exec.
   * @default ["mlflow"]
   */
  readonly services?: string[];
  /**
   * Opt-in: bind this ClusterRole in `namespace` instead of the narrow Role, as the MLflow-in-Kubeflow guide does
   * with `kubeflow-edit`. That role lets every notebook of the profile read Kubeflow's Secrets
   * (`mysql-secret`) and exec into its pods, so synth warns (README and stderr). `cluster-admin`
   * is refused.
   * @default - the narrow Role
   */
  readonly clusterRole?: string;
}

/** ClusterRoles that read Secrets or exec into pods (Kubernetes' user-facing roles and Kubeflow's aggregates of them). */
const BROAD_CLUSTER_ROLES = new Set(['admin', 'edit', 'kubeflow-admin', 'kubeflow-edit']);

/**
 * What a Kubeflow profile's notebooks may do in Kubeflow's own namespace. By default a narrow Role:
 * `get` on the named Services (the tracking server), bound to the profile's `default-editor`.
 *
 * The MLflow-in-Kubeflow guide binds `kubeflow-edit` there instead. Kubeflow Pipelines does not need it: the API server
 * authorizes runs, experiments and namespaced pipelines against the profile's own namespace and
 * skips authorization for shared pipelines (kubeflow/pipelines 2.4.1 and 2.15.0, the versions of
 * Kubeflow 1.10 and 1.11: backend/src/apiserver/server/pipeline_server.go, canAccessPipeline).
 * `kubeflow-edit` aggregates `kubeflow-kubernetes-edit` (kubeflow/manifests v1.10.0,
 * common/kubeflow-roles/base/cluster-roles.yaml), which reads Secrets and creates `pods/exec`: every
 * notebook could read `mysql-secret` and run commands in Kubeflow's pods. Pass `clusterRole: "kubeflow-edit"`
 * to render the MLflow-in-Kubeflow guide's binding anyway (with a synth warning).
 */
export class ProfileAccess extends LibraryConstruct {
  /** The RoleBinding (also `node.defaultChild`). */
  public readonly resource: k8s.KubeRoleBinding;
  /** The narrow Role, unless `clusterRole` is set. */
  public readonly role?: k8s.KubeRole;

  constructor(scope: Construct, id: string, props: ProfileAccessProps) {
    super(scope, id, props, 'pass { profile: "kubeflow-user-example-com" } (see ProfileAccessProps)');
    if (typeof props.profile !== 'string') {
      invalid(this, 'profile', 'must be the profile namespace name', props.profile, 'pass profile: "kubeflow-user-example-com"');
    }
    const profile = checkDnsLabel(this, 'profile', props.profile);
    const serviceAccount = checkDnsSubdomain(this, 'serviceAccount', props.serviceAccount ?? 'default-editor');
    const namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'kubeflow');
    if (namespace === profile) {
      invalid(this, 'namespace', 'must differ from the profile (a profile already controls its own namespace)', namespace, 'leave namespace unset for "kubeflow"');
    }
    const clusterRole = checkClusterRole(this, props.clusterRole);
    const services = clusterRole === undefined ? checkServices(this, props.services) : [];
    if (clusterRole !== undefined && props.services !== undefined) {
      invalid(this, 'services', 'applies to the narrow Role only, not with clusterRole', props.services, 'remove services, or remove clusterRole');
    }

    const roleName = clusterRole ?? 'mlflow-view';
    const bindingName = checkDnsSubdomain(this, 'binding name', `allow-${profile}-${roleName.replace(/:/g, '-')}`);
    const labels = standardLabels({ name: 'kubeflow', instance: bindingName.slice(0, 63).replace(/[-.]+$/, ''), component: 'profile-access' });
    if (clusterRole === undefined) {
      this.role = new k8s.KubeRole(this, 'Role', {
        metadata: { name: bindingName, namespace, labels },
        rules: [{ apiGroups: [''], resources: ['services'], resourceNames: services, verbs: ['get'] }],
      });
    } else {
      const broad = BROAD_CLUSTER_ROLES.has(clusterRole);
      AppNotes.of(this).addWarning(this, broad
        ? `binds the ClusterRole "${clusterRole}" in namespace "${namespace}" to ${profile}/${serviceAccount} (the seed's binding): every notebook of the profile can read that namespace's Secrets (such as mysql-secret) and exec into its pods. Remove clusterRole to render the narrow Role instead.`
        : `binds the ClusterRole "${clusterRole}" in namespace "${namespace}" to ${profile}/${serviceAccount}; its rules are not checked here. Remove clusterRole to render the narrow Role instead.`);
    }
    this.resource = new k8s.KubeRoleBinding(this, 'Resource', {
      metadata: { name: bindingName, namespace, labels },
      roleRef: clusterRole === undefined
        ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: bindingName }
        : { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace: profile }],
    });
    this.node.defaultChild = this.resource;
  }

  /** `allow-<profile>-mlflow-view`, or `allow-<profile>-<clusterRole>`: the RoleBinding's name, read from it. */
  public get bindingName(): string {
    return this.resource.name;
  }
}

function checkClusterRole(scope: Construct, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/.test(value)) {
    invalid(scope, 'clusterRole', 'must be a ClusterRole name', value, 'use a role such as "kubeflow-view", or remove clusterRole for the narrow Role');
  }
  if (value === 'cluster-admin') {
    invalid(scope, 'clusterRole', 'must not be "cluster-admin" (every notebook of the profile would own the namespace, Secrets and RBAC included)', value,
      'remove clusterRole for the narrow Role, or name a role that grants only what the notebooks need');
  }
  return value;
}

function checkServices(scope: Construct, value: unknown): string[] {
  if (value === undefined) return ['mlflow'];
  if (!Array.isArray(value) || value.length === 0) {
    invalid(scope, 'services', 'must list at least one Service name', value, 'pass services: ["mlflow"]');
  }
  return value.map((s, i) => checkDnsLabel(scope, `services[${i}]`, s));
}
