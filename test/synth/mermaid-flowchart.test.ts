import { describe, expect, it } from 'vitest';
import { mermaidId, renderFlowchart } from '../../lib/synth/mermaid-flowchart';

describe('renderFlowchart', () => {
  it('one line per node, group and edge, in the order given, labels escaped', () => {
    expect(renderFlowchart({
      nodes: [{ id: 'a', lines: ['root', 'say "hi" | <b>'], shape: 'round' }],
      groups: [{ id: 'g', title: 'cluster #1', nodes: [{ id: 'b', lines: ['db'], shape: 'cylinder' }, { id: 'c', lines: ['box'] }] }],
      edges: [{ from: 'a', to: 'b', label: 'TCP 5432' }, { from: 'a', to: 'c' }],
    })).toBe([
      'flowchart LR',
      '  a("root<br/>say #34;hi#34; #124; #60;b#62;")',
      '  subgraph g["cluster #35;1"]',
      '    b[("db")]',
      '    c["box"]',
      '  end',
      '  a -->|"TCP 5432"| b',
      '  a --> c',
      '',
    ].join('\n'));
  });

  it('ids come from names: only letters, digits and underscores', () => {
    expect(mermaidId('app', 'gcp-kfp-staging')).toBe('app_gcp_kfp_staging');
    expect(mermaidId('cluster', 'in-cluster (https://kubernetes.default.svc)')).toBe('cluster_in_cluster_https_kubernetes_default_svc');
  });

  it('refuses an id used twice and an edge to an unknown node', () => {
    expect(() => renderFlowchart({ nodes: [{ id: 'a', lines: ['x'] }], groups: [{ id: 'a', title: 't', nodes: [] }], edges: [] }))
      .toThrow('renderFlowchart: id "a" is used twice');
    expect(() => renderFlowchart({ nodes: [{ id: 'a', lines: ['x'] }], edges: [{ from: 'a', to: 'b' }] }))
      .toThrow('renderFlowchart: edge to unknown node "b"');
  });
});
