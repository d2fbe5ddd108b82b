import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { k8s } from '../../lib/core/k8s';
import { Namespace } from '../../lib/core/namespace';
import { Workload } from '../../lib/core/workload';
import { renderJob } from '../../lib/core/batch';
import { ContainerImage } from '../../lib/core/image';
import { SecretValue } from '../../lib/core/secret-value';
import { EnvValue } from '../../lib/core/pod';
import { configureAppChecks } from '../../lib/synth/app-validation';
import { ValidationError } from '../../lib/core/validate';
import { MlopsValidation, MANIFEST_RULE, SCHEMA_RULE } from '../../lib/synth/cdk8s-plugin';
import { SchemaValidator } from '../../lib/synth/schema-validator';
import { cdk8sTarget, safeSynth } from '../../lib/synth/synth';
import { stringifyYaml as toYaml } from '../../lib/synth/yaml';

let out: string;
beforeEach(() => { out = fs.mkdtempSync(path.join(os.tmpdir(), 'app-checks-')); });
afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

/** A consumer's app: one library construct plus whatever `extra` adds, synthesized with plain app.synth(). */
function consumerApp(extra: (chart: Chart) => void): App {
  const app = new App({ outdir: out });
  const chart = new Chart(app, 'mlops', { namespace: 'mlops', disableResourceNameHashes: true });
  new Namespace(chart, 'namespace');
  extra(chart);
  return app;
}
const yamlFiles = () => fs.readdirSync(out).filter((f) => f.endsWith('.yaml'));

describe('plain app.synth() runs the checks of npm run synth', () => {
  it('throws one ValidationError (MLOPS_CHECKS_FAILED) listing every problem: the checks\' and every construct\'s validations', () => {
    const app = consumerApp((chart) => {
      new k8s.KubeSecret(chart, 'creds', { metadata: { name: 'creds' }, stringData: { password: 'hunter2' } });
      new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, bogus: 1 } as any);
      chart.node.addValidation({ validate: () => ['the chart\'s own rule is broken'] });
    });
    let error: any;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('MLOPS_CHECKS_FAILED');
    expect(error.problems).toEqual(expect.arrayContaining([
      'mlops/creds: Secret "creds": holds literal data; use SecretValue.fromSecret or an ExternalSecret',
      expect.stringMatching(/^mlops\/settings: v1\/ConfigMap mlops\/settings: \$\.bogus: unknown field "bogus"/),
      'mlops: the chart\'s own rule is broken',
    ]));
    expect(error.message).toBe(`Validation failed:\n- ${error.problems.join('\n- ')}`);
    expect(error.stack).not.toMatch(/node_modules[\\/]cdk8s|lib[\\/]core[\\/]app-checks/);
    expect(error.message).not.toContain('hunter2');
    expect(yamlFiles()).toEqual([]);
  });

  it('refuses a Secret with stringData, naming the construct, and writes nothing', () => {
    const app = consumerApp((chart) => new k8s.KubeSecret(chart, 'creds', { metadata: { name: 'creds' }, stringData: { password: 'hunter2' } }));
    expect(() => app.synth()).toThrow('mlops/creds: Secret "creds": holds literal data; use SecretValue.fromSecret or an ExternalSecret');
    expect(() => app.synth()).not.toThrow(/hunter2/);
    expect(yamlFiles()).toEqual([]);
  });

  it('refuses an unknown field (strict schema), with construct path, object, field and what is allowed', () => {
    const app = consumerApp((chart) => {
      new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' }, bogus: 1 } as any);
      new k8s.KubeService(chart, 'svc', { metadata: { name: 'svc' }, spec: { type: 'ClusterIP', ports: [{ port: '80' as any }], externalName: undefined } });
    });
    let message = '';
    try { app.synth(); } catch (e) { message = (e as Error).message; }
    expect(message).toContain('mlops/settings: v1/ConfigMap mlops/settings: $.bogus: unknown field "bogus"');
    expect(message).toContain('mlops/svc: v1/Service mlops/svc: $.spec.ports[0].port: expected integer, got string "80"');
    expect(yamlFiles()).toEqual([]);
  });

  it('refuses an insecure pod from Testing.synth too (it validates the whole app)', () => {
    const app = new App({ outdir: out }); // not Testing.app(): it leaves a directory in the temp dir
    const chart = new Chart(app, 'c', { namespace: 'mlops' });
    new Namespace(chart, 'namespace');
    new k8s.KubeDeployment(chart, 'root', {
      metadata: { name: 'root' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    });
    expect(() => Testing.synth(chart)).toThrow('c/root: Deployment "root" container "c": allowPrivilegeEscalation must be false');
  });

  it('passes a valid app and writes it', () => {
    const app = consumerApp(() => undefined);
    app.synth();
    expect(yamlFiles()).toEqual(['mlops.k8s.yaml']);
  });

  it('assumes unrendered Secrets are prerequisites unless the app declares its prerequisites', () => {
    const pod = (secret: string) => ({
      runAs: { uid: 1000, gid: 1000 },
      containers: [{
        name: 'main', image: ContainerImage.fromReference('busybox:1.36'),
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '64Mi' } },
        env: [['TOKEN', EnvValue.fromSecret(SecretValue.fromSecret(secret, 'token'))]],
      }],
    });
    const build = (chart: Chart) => renderJob(new Workload(chart, 'job', { name: 'demo', instance: 'demo', component: 'job' }), pod('api-token') as any);
    consumerApp(build).synth();
    const strict = consumerApp(build);
    configureAppChecks(strict, { prerequisites: { secrets: ['other'] } });
    expect(() => strict.synth()).toThrow('mlops/job/Resource: Job "demo": Secret "api-token" is neither rendered nor a prerequisite');
  });

  it('accepts a custom resource once the validator knows its schema', () => {
    const widget = (chart: Chart) => new ApiObject(chart, 'w', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } } as any);
    expect(() => consumerApp(widget).synth()).toThrow('mlops/w: example.com/v1/Widget mlops/w: $: no schema for apiVersion example.com/v1 kind Widget');
    const app = consumerApp(widget);
    const schema = { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } };
    configureAppChecks(app, { validator: new SchemaValidator().addSchema('example.com/v1', 'Widget', schema) });
    app.synth();
    expect(yamlFiles()).toEqual(['mlops.k8s.yaml']);
  });
});

describe('safeSynth validates strictly by default', () => {
  it('refuses an unknown field in a target that renders no library construct, naming the construct path', () => {
    const bad = cdk8sTarget('bad', (app) => {
      const chart = new Chart(app, 'bad', { namespace: 'x', disableResourceNameHashes: true });
      new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, dataa: {} } as any);
    });
    expect(() => safeSynth(path.join(out, 'dist'), [bad])).toThrow('bad: bad/cm: v1/ConfigMap x/cm: $.dataa: unknown field "dataa"');
    expect(fs.existsSync(path.join(out, 'dist'))).toBe(false);
  });

  it('validates objects a target writes itself (no construct tree)', () => {
    const raw = { name: 'raw', synth: () => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'x' }, data: { a: 1 } } as any] };
    expect(() => safeSynth(path.join(out, 'dist'), [raw])).toThrow('raw: v1/ConfigMap x/cm: $.data.a: expected string, got integer 1');
  });
});

describe('the cdk8s validation plugin (cdk8s.yaml validations:)', () => {
  function run(files: Record<string, unknown[]>, props = {}) {
    const manifests = Object.entries(files).map(([rel, objs]) => {
      const f = path.join(out, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, objs.map((o) => toYaml(o)).join('---\n'));
      return f;
    });
    // cdk8s-cli's own context and report: the plugin honours the real contract.
    const context = new ValidationContext(manifests, 'mlops', '0.1.0', {}, false);
    return new MlopsValidation(props).validate(context as any).then(() => context.report);
  }

  it('reports schema violations and manifest-check failures, and fails the report', async () => {
    const report = await run({
      'app/configmap-cm.yaml': [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'x' }, dataa: {} }],
      'app/secret-s.yaml': [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'x' }, stringData: { p: 'v' } }],
    });
    expect(report.success).toBe(false);
    const json = report.toJson();
    expect(json.violations.map((v) => [v.ruleName, v.recommendation])).toEqual([
      [SCHEMA_RULE, 'v1/ConfigMap x/cm: $.dataa: unknown field "dataa"'],
      [MANIFEST_RULE, 'Secret "s": holds literal data; use SecretValue.fromSecret or an ExternalSecret'],
    ]);
    expect(json.violations[0].violatingConstructs[0]).toMatchObject({ resourceName: 'cm', locations: ['$.dataa'], manifestPath: path.join(out, 'app/configmap-cm.yaml') });
  });

  it('passes valid manifests', async () => {
    const report = await run({ 'ns.yaml': [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }] });
    expect(report.success).toBe(true);
  });

  it('is registered in cdk8s.yaml without machine paths', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', 'cdk8s.yaml'), 'utf8');
    expect(text).toMatch(/validations:\n\s+- package: \.\/build\/lib\/synth\/cdk8s-plugin\.js\n\s+class: MlopsValidation/);
    expect(text).not.toMatch(/\/work\/|\.\.\/shared|^imports:/m);
  });
});

describe('every construct enables the app checks', () => {
  it('each construct class in lib/ extends another library construct or calls enableAppChecks(this)', () => {
    const root = path.join(__dirname, '..', '..', 'lib');
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
    // ConnectionGraph is created on demand by the constructs above, which have enabled the checks.
    const exempt = new Set(['ConnectionGraph']);
    const missing = files(root)
      .filter((f) => !/[\\/](synth|infra)[\\/]/.test(f))
      .flatMap((f) => {
        const text = fs.readFileSync(f, 'utf8');
        return [...text.matchAll(/class (\w+) extends Construct\b/g)]
          .filter((m) => !exempt.has(m[1]) && !text.includes('enableAppChecks(this)'))
          .map((m) => `${path.relative(root, f)}: ${m[1]}`);
      });
    expect(missing).toEqual([]);
  });
});
