import { App, Size } from 'cdk8s';
import { DEFAULT_TEAM_QUOTA, teamStack } from '../../apps/teams';
import { synthObjects } from '../../lib/synth/synth';
import { describe, expect, it } from 'vitest';
import { LimitRange } from '../../lib/core/limit-range';
import { ResourceQuota } from '../../lib/core/resource-quota';
import { loadValidator } from '../support/schema';
import { exactly, find, synthChart } from '../support/synth';

describe('ResourceQuota', () => {
  it('renders the hard limits, sizes as quantities, and validates', () => {
    const objs = synthChart((chart) => new ResourceQuota(chart, 'quota', {
      requestsCpu: '4', requestsMemory: Size.gibibytes(8), limitsCpu: '16', limitsMemory: Size.gibibytes(24), requestsStorage: Size.mebibytes(1536), persistentVolumeClaims: 10, pods: 40,
    }));
    const q = find(objs, 'ResourceQuota', 'compute');
    expect(q.metadata.namespace).toBe('test');
    expect(q.spec.hard).toEqual({
      'limits.cpu': '16', 'limits.memory': '24Gi', persistentvolumeclaims: '10', pods: '40', 'requests.cpu': '4', 'requests.memory': '8Gi', 'requests.storage': '1536Mi',
    });
    expect(loadValidator().validate(q)).toEqual([]);
  });

  it('refuses limits below requests, a malformed quantity, a memory string and a missing memory', () => {
    expect(() => synthChart((chart) => new ResourceQuota(chart, 'quota', { requestsCpu: '4', requestsMemory: Size.gibibytes(8), limitsMemory: Size.gibibytes(4) })))
      .toThrowError(exactly('test/quota: limitsMemory must be at least requestsMemory (8Gi), got "4Gi". Fix: raise limitsMemory or lower requestsMemory'));
    expect(() => synthChart((chart) => new ResourceQuota(chart, 'quota', { requestsCpu: 'four', requestsMemory: Size.gibibytes(8), limitsMemory: Size.gibibytes(8) })))
      .toThrowError(exactly('test/quota: requestsCpu must be a positive Kubernetes quantity, got "four". Fix: write it as "4"'));
    expect(() => synthChart((chart) => new ResourceQuota(chart, 'quota', { requestsCpu: '4', requestsMemory: Size.gibibytes(8), limitsMemory: '24Gi' as never })))
      .toThrowError(exactly('test/quota: limitsMemory must be a Size, not a string, got "24Gi". Fix: write limitsMemory: Size.gibibytes(24)'));
    expect(() => synthChart((chart) => new ResourceQuota(chart, 'quota', { requestsCpu: '4', requestsMemory: Size.gibibytes(8), limitsMemory: Size.gibibytes(8), requestsStorage: '250G' as never })))
      .toThrowError(exactly('test/quota: requestsStorage must be a Size, not a string, got "250G". Fix: write requestsStorage: Size.gibibytes(200)'));
    expect(() => synthChart((chart) => new ResourceQuota(chart, 'quota', { requestsCpu: '4', limitsMemory: Size.gibibytes(8) } as never)))
      .toThrowError(exactly('test/quota: requestsMemory is required, got undefined. Fix: write requestsMemory: Size.gibibytes(8)'));
  });
});

describe('LimitRange', () => {
  it('renders container defaults and a maximum, and validates', () => {
    const objs = synthChart((chart) => new LimitRange(chart, 'limits', {
      defaultRequest: { cpu: '100m', memory: Size.mebibytes(256) }, defaultLimit: { cpu: '1', memory: Size.gibibytes(1) }, max: { cpu: '4', memory: Size.gibibytes(8) },
    }));
    const l = find(objs, 'LimitRange', 'container-defaults');
    expect(l.spec.limits).toEqual([{ type: 'Container', defaultRequest: { cpu: '100m', memory: '256Mi' }, default: { cpu: '1', memory: '1Gi' }, max: { cpu: '4', memory: '8Gi' } }]);
    expect(loadValidator().validate(l)).toEqual([]);
  });

  it('refuses a default limit below the default request, and a memory string', () => {
    expect(() => synthChart((chart) => new LimitRange(chart, 'limits', { defaultRequest: { cpu: '2', memory: Size.mebibytes(256) }, defaultLimit: { cpu: '1', memory: Size.gibibytes(1) } })))
      .toThrowError(exactly('test/limits: defaultLimit.cpu must be at least defaultRequest.cpu (2), got "1". Fix: raise defaultLimit.cpu or lower defaultRequest.cpu'));
    expect(() => synthChart((chart) => new LimitRange(chart, 'limits', { defaultRequest: { cpu: '100m', memory: '256Mi' as never }, defaultLimit: { cpu: '1', memory: Size.gibibytes(1) } })))
      .toThrowError(exactly('test/limits: defaultRequest.memory must be a Size, not a string, got "256Mi". Fix: write memory: Size.mebibytes(256)'));
  });
});

describe('quota and limits against the namespace\'s own stack', () => {
  const stack = (quota: Partial<ConstructorParameters<typeof ResourceQuota>[2]>, max?: { cpu: string; memory: Size }) => () => {
    const app = new App();
    const chart = teamStack(app, { name: 'small', quota: { ...DEFAULT_TEAM_QUOTA, ...quota } as any });
    if (max) new LimitRange(chart, 'cap', { name: 'cap', defaultRequest: { cpu: '100m', memory: Size.mebibytes(128) }, defaultLimit: { cpu: '100m', memory: Size.mebibytes(128) }, max });
    return synthObjects(app);
  };

  it('accepts the default team quota (it covers every replica, a surge pod and the largest Job)', () => {
    expect(stack({})).not.toThrow();
  });

  it('refuses a ResourceQuota smaller than what the stack takes, with the exact message', () => {
    const why = 'every replica, one rolling-update surge pod and the largest Job';
    expect(stack({ requestsMemory: Size.mebibytes(512), limitsMemory: Size.mebibytes(512) })).toThrowError(exactly('Validation failed:\n'
      + `- team-small/quota: requestsMemory is smaller than what the namespace's own stack takes (1152Mi: ${why}), got "512Mi". Fix: raise requestsMemory to at least 1152Mi, or lower the stack's resources\n`
      + `- team-small/quota: limitsMemory is smaller than what the namespace's own stack takes (5632Mi: ${why}), got "512Mi". Fix: raise limitsMemory to at least 5632Mi, or lower the stack's resources`));
    expect(stack({ pods: 2 })).toThrowError(exactly(
      `Validation failed:\n- team-small/quota: pods is smaller than what the namespace's own stack takes (5: ${why}), got "2". Fix: raise pods to at least 5, or lower the stack's resources`));
    expect(stack({ requestsStorage: Size.gibibytes(1) })).toThrowError(exactly(
      `Validation failed:\n- team-small/quota: requestsStorage is smaller than what the namespace's own stack takes (112640Mi: ${why}), got "1Gi". Fix: raise requestsStorage to at least 112640Mi, or lower the stack's resources`));
  });

  it('refuses a LimitRange max below a container of the stack, naming it', () => {
    expect(stack({}, { cpu: '100m', memory: Size.gibibytes(8) })).toThrowError(exactly(
      'Validation failed:\n- team-small/cap: max.cpu is smaller than a container of the namespace\'s own stack (StatefulSet minio container minio: 1000m), got "100m". Fix: raise max.cpu to at least 1000m, or remove max'));
  });
});
