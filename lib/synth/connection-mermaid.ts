// The connection graph as a Mermaid flowchart (README renderers), on the tooling entry point; it
// lives in core next to the graph it draws.
export { renderMermaid } from '../core/mermaid';
