import { escapeMermaid } from '../core/mermaid';

/** How a node is drawn: a box (rendered by this directory), rounded (outside it), a cylinder (data). */
export type FlowShape = 'box' | 'round' | 'cylinder';

/** One node of a {@link renderFlowchart} diagram. */
export interface FlowNode {
  /** A Mermaid id: see {@link mermaidId}. */
  readonly id: string;
  /** The label, one entry per line (escaped here). */
  readonly lines: readonly string[];
  /** @default 'box' */
  readonly shape?: FlowShape;
}

/** A titled box of nodes (a Mermaid subgraph). */
export interface FlowGroup {
  readonly id: string;
  readonly title: string;
  readonly nodes: readonly FlowNode[];
}

/** An arrow; the label is escaped here. */
export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  /** @default - no label */
  readonly label?: string;
}

export interface Flowchart {
  /** @default 'LR' */
  readonly direction?: 'LR' | 'TB';
  /** Nodes outside any group, drawn first. @default - none */
  readonly nodes?: readonly FlowNode[];
  /** @default - none */
  readonly groups?: readonly FlowGroup[];
  readonly edges: readonly FlowEdge[];
}

/**
 * A Mermaid id from names (`app_gcp_kfp_staging`): letters, digits and `_` only, so that no name
 * (`end`, one with a dash or a dot) is read as syntax. Stable: derived from names, not positions,
 * so adding a node does not renumber the others in a diff.
 */
export function mermaidId(...parts: readonly string[]): string {
  return parts.join('_').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

const SHAPES: Record<FlowShape, [string, string]> = { box: ['["', '"]'], round: ['("', '")'], cylinder: ['[("', '")]'] };

function nodeLine(n: FlowNode, indent: string): string {
  const [open, close] = SHAPES[n.shape ?? 'box'];
  return `${indent}${n.id}${open}${n.lines.map(escapeMermaid).join('<br/>')}${close}`;
}

/**
 * A Mermaid flowchart, one node, group or edge per line in the order given, so that a changed
 * name, path or grant is one changed line in a diff. Fails on a node id used twice or an edge to
 * an unknown node or group (a renderer bug, not user input).
 */
export function renderFlowchart(chart: Flowchart): string {
  const lines = [`flowchart ${chart.direction ?? 'LR'}`];
  const ids = new Set<string>();
  const declare = (id: string) => {
    if (ids.has(id)) throw new Error(`renderFlowchart: id "${id}" is used twice`);
    ids.add(id);
  };
  for (const n of chart.nodes ?? []) {
    declare(n.id);
    lines.push(nodeLine(n, '  '));
  }
  for (const g of chart.groups ?? []) {
    declare(g.id);
    lines.push(`  subgraph ${g.id}["${escapeMermaid(g.title)}"]`);
    for (const n of g.nodes) {
      declare(n.id);
      lines.push(nodeLine(n, '    '));
    }
    lines.push('  end');
  }
  for (const e of chart.edges) {
    for (const end of [e.from, e.to]) if (!ids.has(end)) throw new Error(`renderFlowchart: edge to unknown node "${end}"`);
    lines.push(`  ${e.from} -->${e.label ? `|"${escapeMermaid(e.label)}"|` : ''} ${e.to}`);
  }
  return `${lines.join('\n')}\n`;
}
