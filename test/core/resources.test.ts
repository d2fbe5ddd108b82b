import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { renderResources } from '../../lib/core/resources';
import { exactly } from '../support/synth';

class Thing extends Construct {}
const scope = new Thing(new App(), 'thing');
const render = (r: any) => JSON.parse(JSON.stringify(renderResources(scope, 'resources', r), (_k, v) => (v && typeof v === 'object' && 'value' in v && Object.keys(v).length === 1 ? v.value : v)));

describe('renderResources', () => {
  it('renders requests and limits', () => {
    expect(render({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } })).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
  });

  it('makes the CPU limit optional', () => {
    expect(render({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '256Mi' } })).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { memory: '256Mi' },
    });
  });

  it('requires requests and limits', () => {
    expect(() => render({ requests: { cpu: '100m', memory: '256Mi' } })).toThrowError(exactly(
      'thing: resources must set requests.cpu, requests.memory and limits.memory, got {"requests":{"cpu":"100m","memory":"256Mi"}}. Fix: pass { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } }'));
  });

  it('requires a memory limit', () => {
    expect(() => render({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1' } })).toThrowError(exactly(
      'thing: resources.limits.memory must be a positive Kubernetes quantity, got undefined. Fix: write it as "1Gi"'));
  });

  it('rejects a memory limit below the request', () => {
    expect(() => render({ requests: { cpu: '100m', memory: '1Gi' }, limits: { memory: '512Mi' } })).toThrowError(exactly(
      'thing: resources.limits.memory must be at least requests.memory (1Gi), got "512Mi". Fix: raise the limit or lower the request'));
  });

  it('rejects a CPU limit below the request', () => {
    expect(() => render({ requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '0.2', memory: '1Gi' } })).toThrowError(exactly(
      'thing: resources.limits.cpu must be at least requests.cpu (500m), got "0.2". Fix: raise the limit or lower the request'));
  });

  it('rejects malformed quantities with a per-field example', () => {
    expect(() => render({ requests: { cpu: 'one', memory: '256Mi' }, limits: { memory: '1Gi' } })).toThrowError(exactly(
      'thing: resources.requests.cpu must be a positive Kubernetes quantity, got "one". Fix: write it as "100m"'));
    expect(() => render({ requests: { cpu: '1', memory: '256MB' }, limits: { memory: '1Gi' } })).toThrowError(exactly(
      'thing: resources.requests.memory must be a positive Kubernetes quantity, got "256MB". Fix: write it as "256Mi"'));
    expect(() => render({ requests: { cpu: '1', memory: '256Mi' }, limits: { cpu: '0', memory: '1Gi' } })).toThrowError(exactly(
      'thing: resources.limits.cpu must be a positive Kubernetes quantity, got "0". Fix: write it as "1000m"'));
  });
});
