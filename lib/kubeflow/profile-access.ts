import { Construct } from 'constructs';
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
  /** @default "kubeflow-edit" */
  readonly clusterRole?: string;
  /** Where the role applies: Kubeflow's own namespace. @default "kubeflow" */
  readonly namespace?: string;
}

/**
 * A RoleBinding that gives a profile's `default-editor` ServiceAccount the ClusterRole
 * `kubeflow-edit` in namespace `kubeflow`, as the seed does so that notebooks in the profile can
 * work with Kubeflow's objects there. Named `allow-<profile>-<clusterRole>`, so one binding per
 * profile and role.
 */
export class ProfileAccess extends LibraryConstruct {
  public readonly resource: k8s.KubeRoleBinding;

  constructor(scope: Construct, id: string, props: ProfileAccessProps) {
    super(scope, id, props, 'pass { profile: "kubeflow-user-example-com" } (see ProfileAccessProps)');
    if (typeof props.profile !== 'string') {
      invalid(this, 'profile', 'must be the profile namespace name', props.profile, 'pass profile: "kubeflow-user-example-com"');
    }
    const profile = checkDnsLabel(this, 'profile', props.profile);
    const serviceAccount = checkDnsSubdomain(this, 'serviceAccount', props.serviceAccount ?? 'default-editor');
    const clusterRole = props.clusterRole ?? 'kubeflow-edit';
    if (typeof clusterRole !== 'string' || !/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/.test(clusterRole)) {
      invalid(this, 'clusterRole', 'must be a ClusterRole name', clusterRole, 'use a role such as "kubeflow-edit"');
    }
    const namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'kubeflow');
    if (namespace === profile) {
      invalid(this, 'namespace', 'must differ from the profile (a profile already controls its own namespace)', namespace, 'leave namespace unset for "kubeflow"');
    }
    const bindingName = checkDnsSubdomain(this, 'binding name', `allow-${profile}-${clusterRole.replace(/:/g, '-')}`);
    this.resource = new k8s.KubeRoleBinding(this, 'Resource', {
      metadata: {
        name: bindingName,
        namespace,
        labels: standardLabels({ name: 'kubeflow', instance: bindingName.slice(0, 63).replace(/[-.]+$/, ''), component: 'profile-access' }),
      },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace: profile }],
    });
  }

  /** `allow-<profile>-<clusterRole>`: the RoleBinding's name, read from it. */
  public get bindingName(): string {
    return this.resource.name;
  }
}
