import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import type { ManifestObject } from '../../lib/synth/manifest';
import { podOf } from '../../lib/synth/manifest-checks';
import { prerequisitesOf, renderPrerequisites } from '../../lib/synth/prerequisites';

const dist = path.resolve(__dirname, '..', '..', 'dist');

/** Every dist directory with a kustomization of workloads (argocd and gcp-kfp hold none). */
function appDirs(dir = dist): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => {
    const p = path.join(dir, e.name);
    return [...(fs.existsSync(path.join(p, 'kustomization.yaml')) ? [p] : []), ...appDirs(p)];
  });
}

function objectsIn(dir: string): ManifestObject[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as ManifestObject).filter(Boolean));
}

/** Written independently of prerequisitesOf: every Secret a pod template names. */
function secretsPodsReference(objects: ManifestObject[]): Array<{ ns?: string; name: string; by: string }> {
  return objects.flatMap((o) => {
    const s = podOf(o)?.spec;
    if (!s) return [];
    const names = [
      ...(s.imagePullSecrets ?? []).map((r: any) => r.name),
      ...(s.volumes ?? []).flatMap((v: any) => [v.secret?.secretName, ...(v.projected?.sources ?? []).map((src: any) => src.secret?.name)]),
      ...[...(s.initContainers ?? []), ...(s.containers ?? [])].flatMap((c: any) => [
        ...(c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef?.name),
        ...(c.envFrom ?? []).map((f: any) => f.secretRef?.name),
      ]),
    ].filter(Boolean) as string[];
    return names.map((name) => ({ ns: o.metadata.namespace, name, by: `${o.kind} ${o.metadata.name}` }));
  });
}

describe('Prerequisites in dist/<app>/README.md', () => {
  // The directories with workloads (dist/argocd holds Applications only).
  const dirs = appDirs().filter((d) => objectsIn(d).some((o) => podOf(o)));

  it('covers every app directory that renders workloads', () => {
    expect(dirs.map((d) => path.relative(dist, d)).sort()).toEqual(expect.arrayContaining(['eoepca-mlops', 'kubeflow-mlflow', 'mlflow-minio-postgres', 'thinkube-mlflow']));
  });

  it('every Secret a workload references is rendered by the app or listed, in backticks, under Prerequisites', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const dir of dirs) {
      const objects = objectsIn(dir);
      const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Prerequisites'));
      expect(readme.includes('## Prerequisites'), dir).toBe(true);
      const rendered = new Set(objects.flatMap((o) => (o.kind === 'Secret' ? [`${o.metadata.namespace}/${o.metadata.name}`]
        : o.kind === 'ExternalSecret' ? [`${o.metadata.namespace}/${(o as any).spec?.target?.name ?? o.metadata.name}`] : [])));
      for (const ref of secretsPodsReference(objects)) {
        checked++;
        if (rendered.has(`${ref.ns}/${ref.name}`)) continue;
        if (!new RegExp(`\\| Secret \\| \`${ref.name.replace(/[.]/g, '\\.')}\` \\| namespace ${ref.ns} \\|`).test(section)) {
          missing.push(`${path.relative(dist, dir)}: ${ref.by} uses Secret ${ref.ns}/${ref.name}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('names the Secrets the issue found missing: sharinghub-oidc and sharinghub-tls (EOEPCA: issued by cert-manager), mysql-secret (Kubeflow)', () => {
    const eoepca = fs.readFileSync(path.join(dist, 'eoepca-mlops', 'README.md'), 'utf8');
    expect(eoepca).toContain('| Secret | `sharinghub-oidc` | namespace sharinghub |');
    expect(eoepca).toContain('| ClusterIssuer | `letsencrypt-prod` | cert-manager | Ingress sharinghub (cert-manager issues its TLS Secret `sharinghub-tls`) |');
    expect(eoepca).not.toContain('| Secret | `sharinghub-tls`');
    expect(fs.readFileSync(path.join(dist, 'kubeflow-mlflow', 'README.md'), 'utf8')).toContain('| Secret | `mysql-secret` | namespace kubeflow |');
  });

  it('names an existing Service by the address its clients use, with the pods behind it', () => {
    const kubeflow = fs.readFileSync(path.join(dist, 'kubeflow-mlflow', 'README.md'), 'utf8');
    // Kubeflow's MinIO is the Service minio-service, not its pods' name.
    expect(kubeflow).toContain('| Service | `minio-service.kubeflow.svc.cluster.local:9000` | TCP 9000 at minio (kubeflow, service account default) |');
    expect(kubeflow).toContain('| Service | `mysql.kubeflow.svc.cluster.local:3306` | TCP 3306 at mysql (kubeflow, service account mysql) |');
    expect(kubeflow).not.toContain('| Service | `minio (kubeflow');
    const thinkube = fs.readFileSync(path.join(dist, 'thinkube-mlflow', 'README.md'), 'utf8');
    expect(thinkube).toContain('| Service | `postgresql-official.postgres.svc.cluster.local:5432` | TCP 5432 at namespace postgres | mlflow backend store |');
    expect(thinkube).not.toContain('| Service | `namespace postgres`');
    // An address block stands for many hosts: each connection names its own, or none.
    const eoepca = fs.readFileSync(path.join(dist, 'eoepca-mlops', 'README.md'), 'utf8');
    expect(eoepca).toContain('| Endpoint | `minio.example.com` | TCP 443 at 0.0.0.0/0 | mlflow-sharinghub artifact store |');
    expect(eoepca).toContain('| Endpoint | `0.0.0.0/0` | TCP 443 | sharinghub: GitLab API (projects, topics, OAuth) |');
  });
});

describe('prerequisitesOf', () => {
  const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'app', ...extra });
  const pod = (spec: any) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'), spec: { template: { metadata: {}, spec } } });

  it('lists unrendered Secrets from every kind of reference, CRDs with their operator, stores and issuers; skips what the app or Kubernetes provides', () => {
    const objects: any[] = [
      pod({
        imagePullSecrets: [{ name: 'pull' }],
        volumes: [{ name: 'a', secret: { secretName: 'vol' } }, { name: 'b', projected: { sources: [{ secret: { name: 'proj' } }, { configMap: { name: 'kube-root-ca.crt' } }] } }],
        containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'env', key: 'k' } } }, { name: 'Y', valueFrom: { secretKeyRef: { name: 'made', key: 'k' } } }],
          envFrom: [{ secretRef: { name: 'from' } }, { configMapRef: { name: 'settings' } }] }],
      }),
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: meta('made'), spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' }, target: { name: 'made' } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('plain'), spec: { tls: [{ secretName: 'plain-tls' }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('issued', { annotations: { 'cert-manager.io/cluster-issuer': 'le' } }), spec: { tls: [{ secretName: 'issued-tls' }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('own-issuer', { annotations: { 'cert-manager.io/issuer': 'local-ca' } }), spec: { tls: [{ secretName: 'own-tls' }] } },
      // Another Ingress of the host, without the annotation, reusing the issued Secret: not a Secret to create.
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('same-host'), spec: { tls: [{ secretName: 'issued-tls' }] } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('sa'), secrets: [{ name: 'sa-secret' }] },
      { apiVersion: 'k8s.keycloak.org/v2alpha1', kind: 'KeycloakRealmImport', metadata: meta('realm'), spec: { placeholders: { X_SECRET: { secret: { name: 'oidc' } } } } },
    ];
    const rows = prerequisitesOf(objects).map((p) => `${p.kind} ${p.name} (${p.where}): ${p.usedBy}`);
    expect(rows).toEqual([
      'CRD ExternalSecret (external-secrets.io/v1): External Secrets Operator',
      'CRD KeycloakRealmImport (k8s.keycloak.org/v2alpha1): Keycloak Operator',
      'ClusterIssuer le (cert-manager): Ingress issued (cert-manager issues its TLS Secret `issued-tls`)',
      'Issuer local-ca (namespace app): Ingress own-issuer (cert-manager issues its TLS Secret `own-tls`)',
      'ClusterSecretStore vault (cluster): ExternalSecret made',
      'Secret pull (namespace app): Deployment web (image pull)',
      'Secret vol (namespace app): Deployment web (volume a)',
      'Secret proj (namespace app): Deployment web (volume b)',
      'Secret env (namespace app): Deployment web (env X)',
      'Secret from (namespace app): Deployment web (envFrom)',
      'Secret plain-tls (namespace app): Ingress plain (TLS)',
      'Secret sa-secret (namespace app): ServiceAccount sa (secrets)',
      'Secret oidc (namespace app): KeycloakRealmImport realm (placeholder X_SECRET)',
      'ConfigMap settings (namespace app): Deployment web (envFrom)',
    ]);
    expect(renderPrerequisites(prerequisitesOf(objects))).toContain('| Secret | `plain-tls` | namespace app | Ingress plain (TLS) |');
    expect(renderPrerequisites([])).toEqual(['## Prerequisites', '', 'None: the app renders every Secret, ConfigMap and custom resource it uses.']);
  });
});
