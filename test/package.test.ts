import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('the npm package', () => {
  it('points every export at a built file (npm test builds first)', () => {
    const targets = Object.values(pkg.exports as Record<string, string | Record<string, string>>)
      .flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
    for (const t of [pkg.main, pkg.types, ...targets]) expect(fs.existsSync(path.join(root, t)), t).toBe(true);
  });

  it('keeps cdk8s and constructs as peer dependencies, cdktf optional', () => {
    expect(Object.keys(pkg.peerDependencies)).toEqual(expect.arrayContaining(['cdk8s', 'constructs', 'cdktf', '@cdktf/provider-google']));
    expect(pkg.peerDependenciesMeta.cdktf.optional).toBe(true);
    expect(pkg.dependencies.cdk8s).toBeUndefined();
    expect(pkg.files).toContain('lib/**/*.py'); // scripts the pods run, read at synth
    expect(pkg.files).toContain('lib/**/*.sh');
    // cdk8s-plus-28 only for its Kubernetes 1.28 L1 bindings (its last release is 2.5.6): a dependency, not a peer.
    expect(pkg.dependencies['cdk8s-plus-28']).toBe('^2.5.6');
    expect(Object.values(pkg.dependencies as Record<string, string>).every((r) => r.startsWith('^')), 'ranges, not pins').toBe(true);
  });

  it('maps ./infra for TypeScript under moduleResolution node10 (typesVersions) and has no placeholder repository', () => {
    expect(pkg.typesVersions['*'].infra).toEqual([pkg.exports['./infra'].types.replace(/^\.\//, '')]);
    expect(fs.existsSync(path.join(root, pkg.typesVersions['*'].infra[0]))).toBe(true);
    expect(JSON.stringify(pkg)).not.toMatch(/example-org/);
    expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(pkg.license).toBe('Apache-2.0');
  });

  it('ships the container scripts, and the compiled constructs find them', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require(path.join(root, pkg.main));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { App, Chart } = require('cdk8s');
    const chart = new Chart(new App(), 'c', { namespace: 'kubeflow' });
    new lib.Namespace(chart, 'ns');
    lib.CentralDashboardLink.mlflow(chart, 'link');
    const cm = chart.toJson().find((o: any) => o.kind === 'ConfigMap' && o.metadata.name === 'dashboard-link-mlflow-script');
    expect(cm.data['dashboard_link.py']).toBe(fs.readFileSync(path.join(root, 'lib/kubeflow/scripts/dashboard_link.py'), 'utf8'));
    expect(fs.readdirSync(path.join(root, 'lib/serving/scripts'))).toEqual(['smoke_test.py']);
  });

  it('exposes the constructs from the compiled entry point without loading cdktf', () => {
    const before = new Set(Object.keys(require.cache));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require(path.join(root, pkg.main));
    for (const name of ['TrackingServer', 'Postgres', 'Minio', 'Namespace', 'ExternalSecret', 'SecretValue', 'ConnectionGraph', 'safeSynth', 'Database', 'ObjectStore']) {
      expect(typeof lib[name], name).toBe('function');
    }
    const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
    expect(loaded.filter((k) => /node_modules[\\/](cdktf|@cdktf)[\\/]/.test(k))).toEqual([]);
  });
});
