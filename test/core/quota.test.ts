import { Size } from 'cdk8s';
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
