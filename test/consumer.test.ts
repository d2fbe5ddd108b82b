/**
 * The library as its users install it: `npm pack`, the tarball installed into a project laid out
 * as `cdk8s init typescript-app` lays one out (its tsconfig.json and package.json template, taken
 * from cdk8s-cli itself), the README's samples extracted verbatim, type-checked under TypeScript
 * 5.9 (CommonJS, so moduleResolution node10) and the project's TypeScript 7, and synthesized with
 * `cdk8s synth`. Offline: the tarball is unpacked the way npm installs it, and its dependencies and
 * the tools are symlinked from this repository's node_modules.
 *
 * Needs build/ (`npm test` builds first). Fails when a README sample drifts from the API.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const modules = path.join(root, 'node_modules');
const template = path.join(modules, 'cdk8s-cli', 'templates', 'typescript-app');
const tsc5 = path.join(modules, 'typescript5', 'bin', 'tsc');
const tsc7 = path.join(modules, 'typescript', 'bin', 'tsc');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts5: typeof import('typescript5') = require('typescript5');

/** The fenced block between `<!-- consumer-sample:<name> -->` and `<!-- /consumer-sample -->`. */
function readmeSample(readme: string, name: string): string {
  const m = new RegExp(`<!-- consumer-sample:${name.replace(/\./g, '\\.')} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\`\\s*<!-- /consumer-sample -->`).exec(readme);
  if (!m) throw new Error(`README.md has no sample "${name}" between <!-- consumer-sample:${name} --> and <!-- /consumer-sample -->`);
  return m[1];
}

interface Run { status: number | null; out: string }

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...cleanEnv(), ...env } });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Several processes at once (the machine has cores to spare while one tsc waits on disk). */
function runAll(jobs: Array<[string, string[], string]>): Promise<Run[]> {
  return Promise.all(jobs.map(([cmd, args, cwd]) => new Promise<Run>((resolve) => {
    const p = spawn(cmd, args, { cwd, env: cleanEnv() });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('close', (status) => resolve({ status, out }));
  })));
}

/** The environment without cdk8s' own variables (a test run under `cdk8s synth` must not leak them). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CDK8S_')));
}

let tmp: string;
let app: string;
let packed: { filename: string; unpackedSize: number; files: Array<{ path: string }> };
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const lib = () => JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The app's tsconfig.json (cdk8s init's, verbatim) as TypeScript 5.9 reads it. */
function templateConfig(): import('typescript5').ParsedCommandLine {
  return ts5.getParsedCommandLineOfConfigFile(path.join(app, 'tsconfig.json'), {}, { ...ts5.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
}

function link(project: string, name: string) {
  const to = path.join(project, 'node_modules', name);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.symlinkSync(path.join(modules, name), to, 'dir');
}

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'build', 'lib', 'index.js'))) throw new Error('build/ is missing. Fix: run npx tsc -b first (npm test does).');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-consumer-'));
  // --ignore-scripts: prepack would rebuild while other test files read build/.
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.out}`);
  packed = JSON.parse(pack.out.slice(pack.out.indexOf('[')))[0];

  // The project `cdk8s init typescript-app` writes, with the README's main.ts and cdk8s.yaml.
  app = path.join(tmp, 'app');
  const installed = path.join(app, 'node_modules', '@mlops-cdk8s', 'platform');
  fs.mkdirSync(installed, { recursive: true });
  const tar = run('tar', ['-xzf', path.join(tmp, packed.filename), '-C', installed, '--strip-components=1'], tmp);
  if (tar.status !== 0) throw new Error(`tar failed:\n${tar.out}`);
  const lib = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  // What npm would install next to it: its dependencies and peers, plus the template's tools.
  for (const dep of [...Object.keys(lib.dependencies), ...Object.keys(lib.peerDependencies), 'cdk8s-cli', '@types/node']) link(app, dep);
  const version = (p: string) => JSON.parse(fs.readFileSync(path.join(modules, p, 'package.json'), 'utf8')).version;
  const pkgJson = fs.readFileSync(path.join(template, 'package.json'), 'utf8')
    .replace('{{ $base }}', 'app').replace('{{ cdk8s_core_version }}', version('cdk8s'))
    .replace('{{ cdk8s_plus_version }}', '2.0.0').replace('{{ constructs_version }}', version('constructs'))
    .replace('{{ cdk8s_cli_spec }}', version('cdk8s-cli'));
  const appPkg = JSON.parse(pkgJson);
  appPkg.dependencies['@mlops-cdk8s/platform'] = `file:../${packed.filename}`;
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(appPkg, null, 2));
  fs.copyFileSync(path.join(template, 'tsconfig.json'), path.join(app, 'tsconfig.json'));
  fs.writeFileSync(path.join(app, 'main.ts'), readmeSample(readme, 'main.ts'));
  const cdk8sYaml = readmeSample(readme, 'cdk8s.yaml');
  if (!cdk8sYaml.includes('app: npx ts-node main.ts')) throw new Error('README cdk8s.yaml sample: expected "app: npx ts-node main.ts"');
  // ts-node needs TypeScript's JS API at run time; here main.ts is compiled by tsc and run by node.
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), cdk8sYaml.replace('app: npx ts-node main.ts', 'app: node main.js'));
  // A consumer's plain app.synth() with a literal Secret (compiled with main.ts).
  fs.writeFileSync(path.join(app, 'plain.ts'), [
    "import { ApiObject, App, Chart } from 'cdk8s';",
    "import { Namespace } from '@mlops-cdk8s/platform';",
    '',
    "const app = new App({ outdir: 'plain.out' });",
    "const chart = new Chart(app, 'plain', { namespace: 'plain' });",
    "new Namespace(chart, 'namespace');",
    "new ApiObject(chart, 'leak', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak' }, stringData: { password: 'literal-hunter2' } });",
    'app.synth();',
    '',
  ].join('\n'));

  // The cdktf sample, in the same project as the README suggests (with the optional cdktf peers).
  fs.writeFileSync(path.join(app, 'infra.ts'), readmeSample(readme, 'infra.ts'));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// Four compilers at once, and cdktf's start-up: generous timeouts for a loaded machine.
describe('the packed library in a cdk8s init project', { timeout: 120_000 }, () => {
  it('ships the compiled library, the CRD bindings and pod scripts it loads, README, CHANGELOG, the examples, LICENSE and package.json, nothing else', () => {
    const files = packed.files.map((f) => f.path).sort();
    expect(files.filter((f) => !/^(package\.json|README\.md|CHANGELOG\.md|LICENSE|examples\/[a-z0-9-]+\.(ts|yaml)|build\/(lib|imports)\/.+\.(js|d\.ts)|imports\/(README\.md|schemas\/[a-z0-9.-]+\.json)|lib\/.+\.(py|sh))$/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'build/lib/index.js', 'build/lib/infra/index.d.ts', 'build/lib/synth/index.js', 'build/lib/synth/index.d.ts']));
    // App-specific tooling stays in the repository.
    expect(files.filter((f) => /gcp-kfp-readme|compile-cache|defer-module/.test(f))).toEqual([]);
    // The examples are the README's samples, verbatim (the tests below compile and synthesize those).
    const installed = path.join(app, 'node_modules', '@mlops-cdk8s', 'platform');
    for (const [file, sample] of [['quickstart.ts', 'quickstart.ts'], ['complete.ts', 'main.ts'], ['infra.ts', 'infra.ts'], ['cdk8s.yaml', 'cdk8s.yaml']]) {
      expect(fs.readFileSync(path.join(installed, 'examples', file), 'utf8'), `examples/${file}`).toBe(readmeSample(readme, sample));
    }
    expect(files.filter((f) => f.startsWith('examples/')).sort()).toEqual(['examples/cdk8s.yaml', 'examples/complete.ts', 'examples/infra.ts', 'examples/quickstart.ts']);
    const changelog = fs.readFileSync(path.join(installed, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toContain(`## [${lib().version}]`);
    const required = new Set<string>();
    for (const f of files.filter((p) => p.startsWith('build/lib/') && p.endsWith('.js'))) {
      for (const m of fs.readFileSync(path.join(installed, f), 'utf8').matchAll(/require\(["']((?:\.\.\/)+imports\/[^"']+)["']\)/g)) {
        required.add(path.posix.join(path.posix.dirname(f), m[1]));
      }
    }
    const shipped = files.filter((f) => f.startsWith('build/imports/')).map((f) => f.replace(/\.(js|d\.ts)$/, ''));
    expect([...new Set(shipped)].sort()).toEqual([...required].sort());
  });

  it('resolves both entry points under node10, node16, nodenext and bundler (TypeScript 5.9)', () => {
    const from = path.join(app, 'main.ts');
    const kinds = ts5.ModuleResolutionKind;
    const modes: Array<[string, import('typescript5').CompilerOptions]> = [
      ['node10', { module: ts5.ModuleKind.CommonJS, moduleResolution: kinds.Node10 }],
      ['node16', { module: ts5.ModuleKind.Node16, moduleResolution: kinds.Node16 }],
      ['nodenext', { module: ts5.ModuleKind.NodeNext, moduleResolution: kinds.NodeNext }],
      ['bundler', { module: ts5.ModuleKind.ESNext, moduleResolution: kinds.Bundler }],
      ['cdk8s init tsconfig.json', templateConfig().options],
    ];
    const resolved = (name: string, options: import('typescript5').CompilerOptions, host: import('typescript5').ModuleResolutionHost = ts5.sys) =>
      ts5.resolveModuleName(name, from, options, host).resolvedModule?.resolvedFileName.replace(/.*node_modules\/@mlops-cdk8s\/platform\//, '');
    for (const [mode, options] of modes) {
      expect(resolved('@mlops-cdk8s/platform', options), mode).toBe('build/lib/index.d.ts');
      expect(resolved('@mlops-cdk8s/platform/infra', options), mode).toBe('build/lib/infra/index.d.ts');
      expect(resolved('@mlops-cdk8s/platform/synth', options), mode).toBe('build/lib/synth/index.d.ts');
    }
    // The check sees the bug it guards against: without typesVersions, node10 cannot find ./infra.
    const withoutTypesVersions: import('typescript5').ModuleResolutionHost = {
      ...ts5.sys,
      readFile: (f) => {
        const text = ts5.sys.readFile(f);
        if (!text || !f.endsWith('@mlops-cdk8s/platform/package.json')) return text;
        const { typesVersions: _, ...rest } = JSON.parse(text);
        return JSON.stringify(rest);
      },
    };
    expect(resolved('@mlops-cdk8s/platform/infra', modes[0][1], withoutTypesVersions)).toBeUndefined();
    expect(resolved('@mlops-cdk8s/platform/infra', modes[4][1], withoutTypesVersions)).toBeUndefined();
    expect(resolved('@mlops-cdk8s/platform/synth', modes[0][1], withoutTypesVersions)).toBeUndefined();
  });

  it('compiles the README samples under TypeScript 5.9 with the cdk8s init tsconfig (CommonJS, node10) and TypeScript 7; infra.ts under node16 and bundler', async () => {
    const config = templateConfig();
    expect(config.options.module).toBe(ts5.ModuleKind.CommonJS);
    expect(config.options.moduleResolution).toBeUndefined(); // so TypeScript 5 resolves as node10
    expect(config.options.skipLibCheck).toBeUndefined(); // the library's .d.ts are checked too
    expect(config.fileNames.map((f) => path.basename(f)).sort()).toEqual(['infra.ts', 'main.ts', 'plain.ts']);
    // The quickstart takes constructs from the main entry and the tooling from /synth.
    expect(fs.readFileSync(path.join(app, 'main.ts'), 'utf8')).toMatch(/import \{ cdk8sTarget, safeSynth \} from '@mlops-cdk8s\/platform\/synth';/);
    // The library's .d.ts are checked by the first project; the other two check resolution and the sample.
    for (const [mode, module] of [['node16', 'node16'], ['bundler', 'esnext']]) {
      fs.writeFileSync(path.join(app, `tsconfig.${mode}.json`), JSON.stringify({
        compilerOptions: { module, moduleResolution: mode, target: 'es2017', strict: true, skipLibCheck: true, noEmit: true, types: ['node'] },
        files: ['infra.ts'],
      }));
    }
    const runs = await runAll([
      // One build-mode process parses the shared declarations once for the three projects.
      [process.execPath, [tsc5, '-b', 'tsconfig.json', 'tsconfig.node16.json', 'tsconfig.bundler.json'], app], // emits main.js, infra.js, plain.js
      // TypeScript 6+ loads no @types on its own: consumers add "types": ["node"] (README says so).
      [process.execPath, [tsc7, '-p', '.', '--noEmit', '--types', 'node'], app],
    ]);
    for (const [i, r] of runs.entries()) {
      expect(r.out, `run ${i}`).toBe('');
      expect(r.status, `run ${i}`).toBe(0);
    }
    expect(fs.existsSync(path.join(app, 'main.js'))).toBe(true);
  });

  it('synthesizes with cdk8s synth into dist/mlops (checked, no Secret) and cdk8s.out', () => {
    const r = run(process.execPath, [path.join(app, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--check-upgrade', 'false'], app);
    expect(r.status, r.out).toBe(0);
    const dir = path.join(app, 'dist', 'mlops');
    const kustomization = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
    expect(kustomization.resources).toEqual(expect.arrayContaining([
      'namespace-mlops.yaml', 'externalsecret-mlops-credentials.yaml', 'networkpolicy-default-deny-all.yaml',
      'deployment-mlflow.yaml', 'ingress-mlflow.yaml', 'servicemonitor-mlflow.yaml', 'poddisruptionbudget-mlflow.yaml',
      'statefulset-postgresql.yaml', 'cronjob-postgresql-backup.yaml', 'statefulset-minio.yaml', 'job-minio-setup.yaml',
    ]));
    // Plus the generated picture of the app (not a resource).
    expect(fs.readdirSync(dir).sort()).toEqual([...kustomization.resources, 'kustomization.yaml', 'README.md'].sort());
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('```mermaid');
    const objs = kustomization.resources.map((f: string) => YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    expect(objs.filter((o: any) => o.kind === 'Secret')).toEqual([]);
    expect(objs.every((o: any) => o.metadata.namespace === 'mlops' || o.kind === 'Namespace')).toBe(true);

    // Least privilege: only MinIO and its setup job hold the root keys; MLflow and the dump job their own.
    const keysOf = (o: any) => JSON.stringify(o).match(/"key":"minio-[a-z-]+"/g)?.map((k) => k.slice(7, -1)) ?? [];
    const rootUsers = objs.filter((o: any) => keysOf(o).some((k: string) => k.startsWith('minio-root-'))).map((o: any) => `${o.kind}/${o.metadata.name}`);
    expect(rootUsers.sort()).toEqual(['Job/minio-setup', 'StatefulSet/minio']);
    const find = (kind: string, name: string) => objs.find((o: any) => o.kind === kind && o.metadata.name === name);
    expect(new Set(keysOf(find('Deployment', 'mlflow')))).toEqual(new Set(['minio-mlflow-key', 'minio-mlflow-secret']));
    expect(new Set(keysOf(find('CronJob', 'postgresql-backup')))).toEqual(new Set(['minio-backup-key', 'minio-backup-secret']));

    // cdk8s' scratch copy holds the same files.
    const out = path.join(app, 'cdk8s.out', 'mlops');
    for (const f of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(out, f), 'utf8'), f).toBe(fs.readFileSync(path.join(dir, f), 'utf8'));
  });

  it("loads the validation plugin MlopsValidation from the path the README's cdk8s.yaml snippet gives (the /synth entry)", () => {
    const pkgPath = /validations:\n\s+- package: (\S+)/.exec(readme)?.[1];
    expect(pkgPath).toBe('./node_modules/@mlops-cdk8s/platform/build/lib/synth');
    // What cdk8s-cli's PluginManager does with a package starting with "./": require(path.resolve(cwd, package))
    // (cdk8s-team/cdk8s-cli v2.207.60, src/plugins/_manager.ts, loadPackage; the devDependency's lib/plugins/_manager.js).
    const r = run(process.execPath, ['-e', `const m = require(require('path').resolve(${JSON.stringify(pkgPath)})); process.stdout.write(typeof m.MlopsValidation)`], app);
    expect(r.out).toBe('function');
    expect(r.status).toBe(0);
  });

  it('a plain app.synth() fails on a literal Secret and writes nothing with its value', () => {
    const r = run(process.execPath, ['plain.js'], app);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/Secret/);
    expect(r.out).not.toContain('literal-hunter2');
    const written = fs.existsSync(path.join(app, 'plain.out')) ? fs.readdirSync(path.join(app, 'plain.out')) : [];
    for (const f of written) expect(fs.readFileSync(path.join(app, 'plain.out', f), 'utf8')).not.toContain('literal-hunter2');
  });

  it('runs the README ./infra sample: it writes Terraform JSON', () => {
    const r = run(process.execPath, ['infra.js'], app);
    expect(r.status, r.out).toBe(0);
    const tf = JSON.parse(fs.readFileSync(path.join(app, 'terraform', 'staging', 'main.tf.json'), 'utf8'));
    expect(tf.terraform.backend.gcs).toEqual({ bucket: 'acme-terraform-state', prefix: 'kfp/staging' });
    expect(Object.keys(tf.resource)).toEqual(expect.arrayContaining(['google_container_cluster', 'google_sql_database_instance', 'google_storage_bucket']));
  });
});

/**
 * The README's quickstart in a project exactly as `cdk8s init typescript-app` writes it: its
 * package.json, tsconfig.json and cdk8s.yaml, the sample as main.ts, `npx cdk8s synth`. The only
 * change: cdk8s.yaml's `npx ts-node main.ts` runs the main.js that tsc emitted (no ts-node here).
 */
describe('the README quickstart in an unchanged cdk8s init project', { timeout: 120_000 }, () => {
  const sample = readmeSample(readme, 'quickstart.ts');
  let quick: string;
  const cdk8s = () => path.join(quick, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const initYaml = () => fs.readFileSync(path.join(template, 'cdk8s.yaml'), 'utf8');
  /** `cdk8s synth` with init's cdk8s.yaml (plus `extra` lines) and `main` as main.ts. */
  let compiled: string | undefined;
  const synth = (main: string, extra = '') => {
    if (compiled !== main) {
      fs.writeFileSync(path.join(quick, 'main.ts'), main);
      const tsc = run(process.execPath, [tsc5, '-p', '.'], quick);
      if (tsc.status !== 0) return { status: tsc.status, out: `tsc: ${tsc.out}` };
      compiled = main;
    }
    fs.writeFileSync(path.join(quick, 'cdk8s.yaml'), initYaml().replace('app: npx ts-node main.ts', 'app: node main.js') + extra);
    return run(process.execPath, [cdk8s(), 'synth', '--check-upgrade', 'false'], quick);
  };
  const objects = () => YAML.parseAllDocuments(fs.readFileSync(path.join(quick, 'dist', 'mlops.k8s.yaml'), 'utf8')).map((d) => d.toJS());

  beforeAll(() => {
    quick = path.join(tmp, 'quick');
    const installed = path.join(quick, 'node_modules', '@mlops-cdk8s', 'platform');
    fs.mkdirSync(installed, { recursive: true });
    const tar = run('tar', ['-xzf', path.join(tmp, packed.filename), '-C', installed, '--strip-components=1'], tmp);
    if (tar.status !== 0) throw new Error(`tar failed:\n${tar.out}`);
    for (const dep of ['cdk8s', 'constructs', 'yaml', 'cdk8s-cli', '@types/node']) link(quick, dep);
    fs.copyFileSync(path.join(template, 'tsconfig.json'), path.join(quick, 'tsconfig.json'));
    fs.writeFileSync(path.join(quick, 'package.json'), JSON.stringify({ name: 'quick', version: '1.0.0', private: true }));
    expect(initYaml()).toContain('app: npx ts-node main.ts');
    expect(initYaml()).not.toMatch(/^output:/m); // so cdk8s synth writes dist/
  });

  it('opens the users\' half: at most 40 lines, init\'s placeholder snapshot removed, every Secret key created by the kubectl command shown', () => {
    expect(sample.split('\n').filter((l) => l !== '').length).toBeLessThanOrEqual(40);
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings[0]).toBe('Quickstart');
    expect(readme.indexOf('## Quickstart')).toBeLessThan(readme.indexOf('## Developing this repository'));
    const quickstart = readme.slice(readme.indexOf('## Quickstart'), readme.indexOf('## Using the library'));
    expect(quickstart).toContain('npx cdk8s-cli init typescript-app');
    expect(quickstart).toContain('rm -r __snapshots__');
    expect(quickstart).toContain('npx cdk8s synth');
    expect(quickstart).toMatch(/External Secrets/);
    const keys = [...sample.matchAll(/secret\('([a-z0-9-]+)'\)/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) expect(quickstart, key).toContain(`--from-literal=${key}=`);
    expect(quickstart).toContain('kubectl -n mlops create secret generic mlops-credentials');
    expect(quickstart).toContain('kubectl -n mlops create secret tls mlflow-tls');
  });

  it('synthesizes verbatim with cdk8s synth: MLflow behind basic auth, no Secret, nothing outside mlops, no operator beyond the ingress controller', () => {
    const r = synth(sample);
    expect(r.status, r.out).toBe(0);
    const objs = objects();
    const kinds = new Set(objs.map((o: any) => o.kind));
    expect([...kinds].sort()).toEqual(['ConfigMap', 'Deployment', 'Ingress', 'Job', 'Namespace', 'NetworkPolicy', 'Service', 'ServiceAccount', 'StatefulSet']);
    expect(objs.every((o: any) => o.apiVersion.split('/').length === 1 || /\.k8s\.io\/|^apps\/|^batch\/|^policy\//.test(o.apiVersion))).toBe(true); // built-in kinds only
    expect(objs.every((o: any) => o.metadata.namespace === 'mlops' || o.kind === 'Namespace')).toBe(true);
    const mlflow = objs.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'mlflow');
    expect(mlflow.spec.template.spec.containers[0].command).toEqual(expect.arrayContaining(['--app-name', 'basic-auth']));
    const ingress = objs.find((o: any) => o.kind === 'Ingress');
    expect(ingress.spec.tls).toEqual([{ hosts: ['mlflow.example.com'], secretName: 'mlflow-tls' }]);
    expect(ingress.metadata.annotations ?? {}).not.toHaveProperty('mlops-cdk8s.io/unauthenticated-exposure');
    const refs = new Set(JSON.stringify(objs).match(/"secretKeyRef":\{"key":"[a-z0-9-]+","name":"[a-z0-9-]+"\}/g)!.map((x) => JSON.parse(`{${x}}`).secretKeyRef.name));
    expect([...refs]).toEqual(['mlops-credentials']);
  });

  it('warns on every successful synth when git tracks the output directory (not with init\'s .gitignore, which ignores dist/)', () => {
    const git = (...args: string[]) => run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], quick);
    const gitignore = fs.readFileSync(path.join(template, '{{}}.gitignore'), 'utf8');
    expect(gitignore).toMatch(/^dist\/$/m);
    fs.writeFileSync(path.join(quick, '.gitignore'), gitignore);
    expect(git('init', '-q').status).toBe(0);
    const first = synth(sample);
    expect(first.status, first.out).toBe(0);
    expect(first.out).not.toContain('warning:');
    // The user commits dist/ for GitOps (removes the line) without moving cdk8s synth's output.
    fs.writeFileSync(path.join(quick, '.gitignore'), gitignore.replace(/^dist\/\n/m, ''));
    expect(git('add', 'dist', '.gitignore').status).toBe(0);
    expect(git('commit', '-q', '-m', 'dist').status).toBe(0);
    for (let i = 0; i < 2; i++) {
      const r = synth(sample);
      expect(r.status, r.out).toBe(0);
      expect(r.out).toContain('warning: cdk8s synth writes into dist/, which your git repository tracks, and deletes it before every run');
      expect(r.out).toContain('Fix: set "output: cdk8s.out" in cdk8s.yaml');
    }
    fs.rmSync(path.join(quick, '.git'), { recursive: true, force: true });
  });

  it('passes the validation plugin (strict schemas and every manifest check) when cdk8s.yaml adds it', () => {
    const r = synth(sample, [
      'validations:',
      '  - package: ./node_modules/@mlops-cdk8s/platform/build/lib/synth/cdk8s-plugin.js',
      '    class: MlopsValidation',
      '    version: 0.1.0',
      '',
    ].join('\n'));
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/MlopsValidation|mlops-cdk8s|Validation/);
  });

  it('without auth, synth fails naming the construct, the prop, the host and both fixes', () => {
    const withoutAuth = sample.split('\n').filter((l) => !l.includes('auth: MlflowAuth.basic')).join('\n').replace('MlflowAuth, ', '');
    const r = synth(withoutAuth);
    expect(r.status).toBe(1);
    expect(r.out).toContain('mlops/mlflow: ingress exposes MLflow without auth');
    expect(r.out).toContain('got "mlflow.example.com"');
    expect(r.out).toContain('Fix: set auth: MlflowAuth.basic({ adminPassword, secretKey })');
    expect(r.out).toContain('unauthenticatedExposure: { reason: "<what authenticates them>" }');
    expect(r.out).toContain('ValidationError [MLOPS_INVALID_VALUE]: mlops/mlflow: ingress');
    // What the app printed (before the CLI's own "Error: command ... returned a non-zero exit code 1"
    // and its frames): the app's frames only, none of the library's, Node's or cdk8s' (under plain
    // node, Node still quotes the throw line above them; ts-node does not).
    const app = r.out.slice(0, r.out.indexOf('Error: command'));
    const frames = app.split('\n').filter((l) => /^\s+at /.test(l));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((l) => !l.includes(path.join(quick, 'main.js')))).toEqual([]);
    // The explicit opt-out synthesizes, and says why on the Ingress.
    const optOut = withoutAuth.replace("tls: IngressTls.existingSecret('mlflow-tls') },", "tls: IngressTls.existingSecret('mlflow-tls') },\n      unauthenticatedExposure: { reason: 'oauth2-proxy on the corporate gateway' },");
    const ok = synth(optOut);
    expect(ok.status, ok.out).toBe(0);
    expect(objects().find((o: any) => o.kind === 'Ingress').metadata.annotations).toEqual({ 'mlops-cdk8s.io/unauthenticated-exposure': 'oauth2-proxy on the corporate gateway' });
  });
});

describe('release hygiene in the README', () => {
  const users = readme.slice(0, readme.indexOf('## Developing this repository'));

  it('has the Helm chart comparison and the versioning and support policy in the users\' half', () => {
    expect(users).toContain('### Compared with the community-charts and bitnami MLflow charts');
    expect(users).toContain('### Versioning and support');
    expect(users).toContain('[CHANGELOG.md](CHANGELOG.md)');
  });

  it('states the Kubernetes, MLflow, Kubeflow and Istio versions the library pins', () => {
    const sources = JSON.parse(fs.readFileSync(path.join(root, 'crds', 'sources.json'), 'utf8'));
    const list = Array.isArray(sources.sources) ? sources.sources : Object.values(sources.sources);
    const pinned = (project: string) => String(list.find((x: any) => x.project === project).version).replace(/^v/, '');
    const policy = users.slice(users.indexOf('### Versioning and support'));
    const row = (name: string) => policy.split('\n').find((l) => l.startsWith(`| ${name}`)) ?? '';
    expect(row('Kubernetes')).toContain(`${sources.definitions.version.replace(/^v(\d+\.\d+).*/, '$1')} API`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { TrackingServer } = require(path.join(root, 'build', 'lib', 'mlflow', 'tracking-server'));
    expect(row('MLflow')).toContain(`\`${TrackingServer.DEFAULT_IMAGE}\``);
    expect(row('Kubeflow')).toContain(pinned('kubeflow'));
    expect(row('Istio')).toContain(pinned('istio'));
    expect(row('KServe')).toContain(pinned('kserve'));
  });
});
