import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AppNotes } from '../../lib/core/app-notes';
import { ProfileAccess } from '../../lib/kubeflow/profile-access';
import { synthObjects } from '../../lib/synth/synth';
import { loadValidator } from '../support/schema';
import { exactly, find, synthChart } from '../support/synth';

describe('ProfileAccess', () => {
  const objs = synthChart((chart) => { new ProfileAccess(chart, 'access', { profile: 'kubeflow-user-example-com' }); }, 'kubeflow-user-example-com');

  it('by default binds a narrow Role in kubeflow: get on the mlflow Service only (no Secrets, no exec, no kubeflow-edit)', () => {
    const rb = find(objs, 'RoleBinding', 'allow-kubeflow-user-example-com-mlflow-view');
    expect(rb.metadata.namespace).toBe('kubeflow');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'allow-kubeflow-user-example-com-mlflow-view' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'default-editor', namespace: 'kubeflow-user-example-com' }]);
    const role = find(objs, 'Role', 'allow-kubeflow-user-example-com-mlflow-view');
    expect(role.metadata.namespace).toBe('kubeflow');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['services'], resourceNames: ['mlflow'], verbs: ['get'] }]);
    expect(JSON.stringify(objs)).not.toMatch(/kubeflow-edit|secrets|pods\/exec/);
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it('renders the seed\'s kubeflow-edit binding only as an opt-in, with a warning', () => {
    const app = new App();
    const chart = new Chart(app, 'kf', { namespace: 'kubeflow' });
    const access = new ProfileAccess(chart, 'access', { profile: 'team', clusterRole: 'kubeflow-edit' });
    const objs = synthObjects(app);
    expect(find(objs, 'RoleBinding', 'allow-team-kubeflow-edit').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-edit' });
    expect(access.role).toBeUndefined();
    expect(objs.some((o) => o.kind === 'Role')).toBe(false);
    expect(AppNotes.of(app).warnings).toEqual([
      'kf/access: binds the ClusterRole "kubeflow-edit" in namespace "kubeflow" to team/default-editor (the seed\'s binding): every notebook of the profile can read that namespace\'s Secrets (such as mysql-secret) and exec into its pods. Remove clusterRole to render the narrow Role instead.',
    ]);
  });

  it.each([
    [{ profile: 'Bad_Name' }, 'test/a: profile must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "Bad_Name". Fix: use a name such as "bad-name"'],
    [{ profile: 'kubeflow' }, 'test/a: namespace must differ from the profile (a profile already controls its own namespace), got "kubeflow". Fix: leave namespace unset for "kubeflow"'],
    [{ profile: 'team', clusterRole: 'Edit Me' }, 'test/a: clusterRole must be a ClusterRole name, got "Edit Me". Fix: use a role such as "kubeflow-view", or remove clusterRole for the narrow Role'],
    [{ profile: 'team', clusterRole: 'cluster-admin' }, 'test/a: clusterRole must not be "cluster-admin" (every notebook of the profile would own the namespace, Secrets and RBAC included), got "cluster-admin". Fix: remove clusterRole for the narrow Role, or name a role that grants only what the notebooks need'],
    [{ profile: 'team', services: [] }, 'test/a: services must list at least one Service name, got []. Fix: pass services: ["mlflow"]'],
    [{ profile: 'team', clusterRole: 'view', services: ['mlflow'] }, 'test/a: services applies to the narrow Role only, not with clusterRole, got ["mlflow"]. Fix: remove services, or remove clusterRole'],
  ])('refuses %j', (props, message) => {
    expect(() => synthChart((chart) => { new ProfileAccess(chart, 'a', props as any); })).toThrowError(exactly(message));
  });
});
