import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';

const dist = path.resolve(__dirname, '..', 'dist');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name))
    : e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml' ? [path.join(dir, e.name)] : []));
}

/** ClusterRoles known to read Secrets or exec (Kubernetes' user-facing roles, Kubeflow's aggregates of them). */
const BROAD = new Set(['cluster-admin', 'admin', 'edit', 'kubeflow-admin', 'kubeflow-edit']);
const DANGEROUS_RESOURCES = new Set(['secrets', 'pods/exec', 'pods/attach', 'pods/portforward', '*']);

describe('RBAC in dist/ (least privilege by default)', () => {
  const objects = yamlFiles(dist).flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => ({ file: path.relative(dist, f), o: d.toJS() as any })).filter((x) => x.o));
  const roles = new Map(objects.filter(({ o }) => o.kind === 'Role' || o.kind === 'ClusterRole').map(({ o }) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  const bindings = objects.filter(({ o }) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding');

  it('has bindings to check', () => {
    expect(bindings.map(({ o }) => o.metadata.name)).toContain('allow-kubeflow-user-example-com-mlflow-view');
  });

  it('no RoleBinding grants kubeflow-edit, cluster-admin or any role with Secrets or exec', () => {
    const offending: string[] = [];
    for (const { file, o } of bindings) {
      const ref = o.roleRef;
      if (ref.kind === 'ClusterRole' && BROAD.has(ref.name)) offending.push(`${file}: ${ref.kind} ${ref.name}`);
      const role = roles.get(`${ref.kind}/${ref.kind === 'Role' ? o.metadata.namespace : ''}/${ref.name}`);
      if (ref.kind === 'Role' && !role) offending.push(`${file}: Role ${ref.name} is not rendered, so its rules are unknown`);
      for (const rule of role?.rules ?? []) {
        const bad = (rule.resources ?? []).filter((r: string) => DANGEROUS_RESOURCES.has(r));
        if (bad.length || (rule.verbs ?? []).includes('*')) offending.push(`${file}: ${ref.kind} ${ref.name} grants ${JSON.stringify(rule)}`);
      }
    }
    expect(offending).toEqual([]);
  });
});

describe('Istio AuthorizationPolicies in dist/', () => {
  const policies = yamlFiles(dist).flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS() as any))
    .filter((o) => o?.kind === 'AuthorizationPolicy');

  it('no ALLOW policy with rules selects every pod of its namespace (the deny-all policies have no rules)', () => {
    expect(policies.length).toBeGreaterThan(0);
    const everyPod = policies.filter((p) => Object.keys(p.spec?.selector?.matchLabels ?? {}).length === 0 && (p.spec?.action ?? 'ALLOW') === 'ALLOW' && (p.spec?.rules ?? []).length > 0);
    expect(everyPod.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([]);
  });
});
