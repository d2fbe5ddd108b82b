import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ConnectionGraph, Peer } from '../../lib/core/connections';
import { renderMermaid } from '../../lib/core/mermaid';
import { Namespace } from '../../lib/core/namespace';
import { Port } from '../../lib/core/port';
import { Workload } from '../../lib/core/workload';

function graph(reverse = false): ConnectionGraph {
  const chart = new Chart(new App(), 'c', { namespace: 'mlops', disableResourceNameHashes: true });
  new Namespace(chart, 'ns');
  const w = (id: string) => new Workload(chart, id, { name: 'x', instance: id, component: 'c' });
  const mlflow = w('mlflow');
  const db = w('postgresql');
  const decls = [
    () => db.allowFrom(mlflow, Port.tcp(5432), 'backend store'),
    () => mlflow.allowFrom(Peer.namespace('training', { team: 'a' }), Port.tcp(5000).withHttp({ methods: ['GET', 'POST'] }), 'tracking "client"'),
    () => mlflow.allowFrom(Peer.externalWorkload({ name: 'gw', namespace: 'istio-system', serviceAccount: 'gw-sa' }), Port.tcp(5000), 'gateway | ui'),
    () => mlflow.connectTo(Peer.anyAddress(), Port.tcp(443), 'cloud <storage>'),
  ];
  for (const d of reverse ? decls.reverse() : decls) d();
  return ConnectionGraph.of(chart);
}

describe('renderMermaid', () => {
  it('renders the edges as a flowchart with ports, HTTP access and descriptions, labels escaped', () => {
    expect(renderMermaid(graph().connections)).toBe([
      'flowchart LR',
      '  p1["mlflow (mlops)"]',
      '  p2["postgresql (mlops)"]',
      '  p3("gw (istio-system, service account gw-sa)")',
      '  p4("namespace training team=a")',
      '  p5("0.0.0.0/0")',
      '  p1 -->|"TCP 5432: backend store"| p2',
      '  p1 -->|"TCP 443: cloud #60;storage#62;"| p5',
      '  p3 -->|"TCP 5000: gateway #124; ui"| p1',
      '  p4 -->|"TCP 5000 GET POST: tracking #34;client#34;"| p1',
      '',
    ].join('\n'));
  });

  it('does not depend on declaration order', () => {
    expect(renderMermaid(graph(true).connections)).toBe(renderMermaid(graph().connections));
  });

  it('renders an empty graph as an empty flowchart', () => {
    expect(renderMermaid([])).toBe('flowchart LR\n');
  });
});
