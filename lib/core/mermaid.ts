import { Connection, Peer, comparePeers, samePeer } from './peer';
import { Port } from './port';

/**
 * The connections of an app as a Mermaid flowchart (`flowchart LR`), one arrow per connection
 * labelled with its port, its HTTP access if declared, and its description:
 *
 * ```
 * flowchart LR
 *   p1["mlflow (mlops)"]
 *   p2["postgresql (mlops)"]
 *   p1 -->|"TCP 5432: backend store"| p2
 * ```
 *
 * Nodes are numbered in peer order, so the text is stable. Pass `ConnectionGraph.of(app).connections`.
 */
export function renderMermaid(connections: readonly Connection[]): string {
  const peers = connections.flatMap((c) => [c.from, c.to]).sort(comparePeers)
    .filter((p, i, all) => i === 0 || !samePeer(p, all[i - 1]));
  const id = (p: Peer) => `p${peers.findIndex((q) => samePeer(p, q)) + 1}`;
  const lines = ['flowchart LR'];
  for (const p of peers) lines.push(`  ${id(p)}${shape(p)}`);
  for (const c of connections) lines.push(`  ${id(c.from)} -->|"${escapeMermaid(`${portText(c.port)}: ${c.description}`)}"| ${id(c.to)}`);
  return `${lines.join('\n')}\n`;
}

function shape(p: Peer): string {
  const text = escapeMermaid(String(p));
  // Workloads of the app are boxes; everything the app does not render is rounded.
  return p.data.kind === 'workload' ? `["${text}"]` : `("${text}")`;
}

function portText(port: Port): string {
  const http = port.http ? ` ${[...(port.http.methods ?? []), ...(port.http.paths ?? [])].join(' ')}` : '';
  return `${port.protocol} ${port.number}${http}`;
}

/** Mermaid entity codes for the characters that would end a label (`"`, `|`, `#`, `<`, `>`). */
export function escapeMermaid(text: string): string {
  return text.replace(/[#"|<>]/g, (ch) => `#${ch.charCodeAt(0)};`);
}
