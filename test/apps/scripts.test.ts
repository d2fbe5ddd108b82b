import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { mlflowMinioPostgres } from '../../apps/mlflow-minio-postgres';
import { MinioTopology } from '../../lib';
import { podOf } from '../../lib/synth/manifest-checks';
import { synthObjects } from '../../lib/synth/synth';

const app = new App();
mlflowMinioPostgres(app, 'seed', { mlflowReplicas: 3, minioTopology: MinioTopology.distributed(4) });
const objects = synthObjects(app) as any[];

/** Every `/bin/sh -ec <script>` of every container, by owner/container. */
const scripts: Array<[string, string]> = objects.flatMap((o) => {
  const pod = podOf(o);
  if (!pod) return [];
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers]
    .filter((c: any) => c.command?.[0] === '/bin/sh' && c.command?.[1] === '-ec')
    .map((c: any): [string, string] => [`${o.kind}/${o.metadata.name}/${c.name}`, c.command[2]]);
});
const configFiles: Array<[string, string]> = objects.filter((o) => o.kind === 'ConfigMap')
  .flatMap((o) => Object.entries(o.data as Record<string, string>).map(([k, v]): [string, string] => [`${o.metadata.name}/${k}`, v]));

const stubs = fs.mkdtempSync(path.join(os.tmpdir(), 'script-stubs-'));
afterAll(() => fs.rmSync(stubs, { recursive: true, force: true }));
/** Runs `sh -ec script` with only the stub commands given (each: shell body) plus the system PATH. */
function runWithStubs(script: string, commands: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(stubs, 'bin-'));
  for (const [name, body] of Object.entries(commands)) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  const log = path.join(dir, 'calls.log');
  return { ...spawnSync('/bin/sh', ['-ec', script], { encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin`, CALLS: log } }), calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '') };
}

describe('rendered scripts', () => {
  it('finds the scripts of every component', () => {
    expect(scripts.map(([k]) => k).sort()).toEqual([
      'CronJob/minio-backup/mirror', 'CronJob/postgresql-backup/dump', 'CronJob/postgresql-backup/upload',
      'Deployment/mlflow/db-upgrade', 'Deployment/mlflow/mlflow', 'Job/minio-setup/setup',
    ]);
  });

  it.each(scripts)('%s parses with sh -n', (_, script) => {
    const r = spawnSync('/bin/sh', ['-n'], { input: script, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(configFiles)('%s parses', (name, text) => {
    if (name.endsWith('.json')) {
      expect(() => JSON.parse(text)).not.toThrow();
      return;
    }
    const r = name.endsWith('.py')
      ? spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: text, encoding: 'utf8' })
      : spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('stops MLflow from starting when the backend URL cannot be built', () => {
    const server = scripts.find(([k]) => k === 'Deployment/mlflow/mlflow')![1];
    const r = runWithStubs(server, { python: 'exit 1', mlflow: 'echo mlflow "$@" >> "$CALLS"' });
    expect(r.status).not.toBe(0);
    expect(r.calls()).toBe('');
  });

  it('starts MLflow with the URL in its environment, not its arguments', () => {
    const server = scripts.find(([k]) => k === 'Deployment/mlflow/mlflow')![1];
    const r = runWithStubs(server, {
      python: 'echo "postgresql+psycopg2://mlflow:s%40cret@db:5432/mlflow"',
      mlflow: 'echo "args=$* uri=$MLFLOW_BACKEND_STORE_URI" >> "$CALLS"',
    });
    expect(r.status).toBe(0);
    expect(r.calls()).toBe('args=server --host 0.0.0.0 --port 5000 --workers 2 --serve-artifacts --artifacts-destination s3://mlflow '
      + 'uri=postgresql+psycopg2://mlflow:s%40cret@db:5432/mlflow\n');
  });

  it('fails the backup when retention cannot run, but not when nothing is old enough', () => {
    const upload = scripts.find(([k]) => k === 'CronJob/postgresql-backup/upload')![1];
    const ok = runWithStubs(upload, { mc: 'echo "$@" >> "$CALLS"' });
    expect(ok.status).toBe(0);
    expect(ok.calls().split('\n').map((l) => l.split(' ')[0])).toEqual(['alias', 'cp', 'find', '']);
    const broken = runWithStubs(upload, { mc: '[ "$1" = find ] && exit 1; exit 0' });
    expect(broken.status).not.toBe(0);
  });
});
