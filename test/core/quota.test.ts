import { Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { LimitRange } from '../../lib/core/limit-range';
import { ResourceQuota } from '../../lib/core/resource-quota';
import { loadValidator } from '../support/schema';
import { exactly, find, synthChart } from '../support/synth';

describe('ResourceQuota', () => {
  it('renders the hard limits, sizes as quantities, and validates', () => {
    const objs = synthChart((chart) => new ResourceQuota(chart, 'quota', {
      requestsCpu: '4', requestsMemory: Size.gibibytes(8), limitsCpu: '16', limitsMemory: '24Gi', requestsStorage: Size.mebibytes(1536), persistentVolumeClaims: 10, pods: 40,
    }));
    const q = find(objs, 'ResourceQuota', 'compute');
    expect(q.metadata.namespace).toBe('test');
    expect(q.spec.hard).toEqual({
      'limits.cpu': '16', 'limits.memory': '24Gi', persistentvolumeclaims: '10', pods: '40', 'requests.cpu': '4', 'requests.memory': '8Gi', 'requests.storage': '1536Mi',
    });
    expect(loadValidator().validate(q)).toEqual([]);
  });

  it('refuses limits below requests and a malformed quantity', () => {
    expect(() => synthChart((chart) => new ResourceQuota(chart, 'quota', { requestsCpu: '4', requestsMemory: '8Gi', limitsMemory: '4Gi' })))
      .toThrowError(exactly('test/quota: limitsMemory must be at least requestsMemory (8Gi), got "4Gi". Fix: raise limitsMemory or lower requestsMemory'));
    expect(() => synthChart((chart) => new ResourceQuota(chart, 'quota', { requestsCpu: 'four', requestsMemory: '8Gi', limitsMemory: '8Gi' })))
      .toThrowError(exactly('test/quota: requestsCpu must be a positive Kubernetes quantity, got "four". Fix: write it as "4"'));
  });
});

describe('LimitRange', () => {
  it('renders container defaults and a maximum, and validates', () => {
    const objs = synthChart((chart) => new LimitRange(chart, 'limits', {
      defaultRequest: { cpu: '100m', memory: '256Mi' }, defaultLimit: { cpu: '1', memory: Size.gibibytes(1) }, max: { cpu: '4', memory: '8Gi' },
    }));
    const l = find(objs, 'LimitRange', 'container-defaults');
    expect(l.spec.limits).toEqual([{ type: 'Container', defaultRequest: { cpu: '100m', memory: '256Mi' }, default: { cpu: '1', memory: '1Gi' }, max: { cpu: '4', memory: '8Gi' } }]);
    expect(loadValidator().validate(l)).toEqual([]);
  });

  it('refuses a default limit below the default request', () => {
    expect(() => synthChart((chart) => new LimitRange(chart, 'limits', { defaultRequest: { cpu: '2', memory: '256Mi' }, defaultLimit: { cpu: '1', memory: '1Gi' } })))
      .toThrowError(exactly('test/limits: defaultLimit.cpu must be at least defaultRequest.cpu (2), got "1". Fix: raise defaultLimit.cpu or lower defaultRequest.cpu'));
  });
});
