import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { mlflowMinioPostgres } from '../../apps/mlflow-minio-postgres';
import { ConnectionGraph } from '../../lib/core/connections';
import { renderMermaid } from '../../lib/core/mermaid';
import { renderAppReadme } from '../../lib/synth/app-readme';
import { renderKustomizeDir, synthObjects } from '../../lib/synth/synth';

const dist = path.resolve(__dirname, '..', '..', 'dist');

describe('dist/<app>/README.md', () => {
  it('every directory under dist/ has one, and no kustomization lists it', () => {
    for (const app of fs.readdirSync(dist)) {
      expect(fs.existsSync(path.join(dist, app, 'README.md')), app).toBe(true);
    }
    const kustomizations = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? kustomizations(path.join(dir, e.name)) : e.name === 'kustomization.yaml' ? [path.join(dir, e.name)] : []));
    for (const k of kustomizations(dist)) expect(YAML.parse(fs.readFileSync(k, 'utf8')).resources ?? [], k).not.toContain('README.md');
  });

  it('draws exactly the connections the graph allows, with ports and external peers, and lists the images', () => {
    const app = new App();
    mlflowMinioPostgres(app, 'mlflow-minio-postgres');
    const objects = renderKustomizeDir(synthObjects(app)).objects;
    const text = fs.readFileSync(path.join(dist, 'mlflow-minio-postgres', 'README.md'), 'utf8');
    const connections = ConnectionGraph.of(app).connections;
    expect(text).toContain(`\`\`\`mermaid\n${renderMermaid(connections)}\`\`\``);
    expect(text).toContain('p9("namespace ml-training")');
    expect(text).toContain('-->|"TCP 5432: mlflow backend store"|');
    expect(text).toContain('| Deployment | mlflow | `burakince/mlflow:3.14.0` | 5000 (http) | 2 |');
    // The smoke test is a PostSync hook, run once everything else is healthy: no wave, and said so.
    expect(text).toContain('| Job | mlflow-smoke-test | `python:3.12.10-alpine3.21` |  | PostSync hook |');
    // Deterministic: the same input renders the same bytes.
    expect(renderAppReadme('mlflow-minio-postgres', objects, connections)).toBe(text);
  });
});

describe('renderAppReadme notes', () => {
  it('renders warnings and differences from the guide after the prerequisites, and nothing when there are none', () => {
    const text = renderAppReadme('demo', [], [], { warnings: ['a/b: binds "edit". Remove clusterRole.'], differences: ['RBAC: narrower than the guide.'] });
    expect(text).toContain('## Prerequisites\n\nNone: the app renders every Secret, ConfigMap and custom resource it uses.\n\n## Warnings\n\nOpt-ins of this app that weaken a default:\n\n- a/b: binds "edit". Remove clusterRole.\n');
    expect(text).toContain('## Differences from the guide\n\nWhere this app deliberately does not do what the guide it replaces does, and why:\n\n- RBAC: narrower than the guide.\n');
    const plain = renderAppReadme('demo', [], []);
    expect(plain).not.toContain('## Warnings');
    expect(plain).not.toContain('## Differences');
  });
});
