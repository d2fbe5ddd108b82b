import { describe, expect, it } from 'vitest';
import { ProfileAccess } from '../../lib/kubeflow/profile-access';
import { loadValidator } from '../support/schema';
import { exactly, find, synthChart } from '../support/synth';

describe('ProfileAccess', () => {
  const objs = synthChart((chart) => { new ProfileAccess(chart, 'access', { profile: 'kubeflow-user-example-com' }); }, 'kubeflow-user-example-com');

  it('binds the profile\'s default-editor to kubeflow-edit in namespace kubeflow, as the seed does', () => {
    const rb = find(objs, 'RoleBinding', 'allow-kubeflow-user-example-com-kubeflow-edit');
    expect(rb.metadata.namespace).toBe('kubeflow');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-edit' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'default-editor', namespace: 'kubeflow-user-example-com' }]);
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  it.each([
    [{ profile: 'Bad_Name' }, 'test/a: profile must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "Bad_Name". Fix: use a name such as "bad-name"'],
    [{ profile: 'kubeflow' }, 'test/a: namespace must differ from the profile (a profile already controls its own namespace), got "kubeflow". Fix: leave namespace unset for "kubeflow"'],
    [{ profile: 'team', clusterRole: 'Edit Me' }, 'test/a: clusterRole must be a ClusterRole name, got "Edit Me". Fix: use a role such as "kubeflow-edit"'],
  ])('refuses %j', (props, message) => {
    expect(() => synthChart((chart) => { new ProfileAccess(chart, 'a', props as any); })).toThrowError(exactly(message));
  });
});
