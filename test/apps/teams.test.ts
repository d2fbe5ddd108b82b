import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { renderTeams, TEAMS, teamsTarget } from '../../apps/teams';
import { exactly } from '../support/synth';

const dist = path.resolve(__dirname, '..', '..', 'dist', 'mlflow-teams');

describe('one MLflow stack per team', () => {
  const { files, objects } = renderTeams([{ name: 'a' }, { name: 'b', mlflowReplicas: 2 }]);
  const of = (ns: string, kind: string) => objects.filter((o) => o.metadata.namespace === ns && o.kind === kind);

  it('gives each team its namespace, its own database and store, a quota and a limit range', () => {
    for (const ns of ['team-a', 'team-b']) {
      expect(objects.filter((o) => o.kind === 'Namespace' && o.metadata.name === ns)).toHaveLength(1);
      expect(of(ns, 'StatefulSet').map((o) => o.metadata.name).sort()).toEqual(['minio', 'postgresql']);
      expect(of(ns, 'ResourceQuota')).toHaveLength(1);
      expect(of(ns, 'LimitRange')).toHaveLength(1);
    }
    expect((of('team-b', 'Deployment')[0] as any).spec.replicas).toBe(2);
  });

  it('reads each team\'s credentials from its own secret-store path', () => {
    const keys = (ns: string) => of(ns, 'ExternalSecret').flatMap((o: any) => o.spec.data.map((d: any) => d.remoteRef.key));
    expect(new Set(keys('team-a'))).toEqual(new Set(['team-a/postgresql', 'team-a/minio']));
    expect(new Set(keys('team-b'))).toEqual(new Set(['team-b/postgresql', 'team-b/minio']));
  });

  it('admits only the team\'s own training namespace to its MLflow', () => {
    const policy: any = of('team-a', 'NetworkPolicy').find((o) => o.metadata.name === 'mlflow-ingress');
    const from = policy.spec.ingress.flatMap((r: any) => r.from);
    // Other namespaces: only the team's training namespace. Pods of its own: only the smoke test.
    expect(from.filter((f: any) => f.namespaceSelector).map((f: any) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual(['team-a-training']);
    expect(from.filter((f: any) => !f.namespaceSelector).map((f: any) => f.podSelector.matchLabels['app.kubernetes.io/instance'])).toEqual(['mlflow-smoke-test']);
  });

  it('writes a kustomize directory with a README per team, the README not among the resources', () => {
    expect([...files.keys()].filter((f) => f.endsWith('kustomization.yaml') || f.endsWith('README.md')).sort())
      .toEqual(['a/README.md', 'a/kustomization.yaml', 'b/README.md', 'b/kustomization.yaml']);
    expect(YAML.parse(files.get('a/kustomization.yaml')!).resources).not.toContain('README.md');
    expect(files.get('a/README.md')).toContain('```mermaid');
  });

  it('one Argo CD Application per team, and dist/ holds every team of TEAMS', () => {
    expect(teamsTarget('mlflow-teams').deployables).toEqual(TEAMS.map((t) => ({ name: `mlflow-teams-${t.name}`, dir: t.name })));
    expect(fs.readdirSync(dist).filter((f) => !f.endsWith('.md')).sort()).toEqual(TEAMS.map((t) => t.name).sort());
  });

  it('refuses a team listed twice', () => {
    expect(() => renderTeams([{ name: 'a' }, { name: 'a' }])).toThrowError(exactly('teams: teams[1].name is used twice, got "a". Fix: give every team its own name'));
  });
});
