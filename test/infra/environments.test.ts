import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { gcpKfpStacks } from '../../apps/gcp-kfp';
import { synthGcpKfp } from '../../apps/gcp-kfp-target';
import { terraformJson } from '../../lib/infra/terraform-json';
import { ENVIRONMENT_NAMES } from '../../lib/infra/environments';
import { resources, synthEnvironment } from './support';

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-kfp-test-'));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const p = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  }
  return out;
}

describe('environment matrix', () => {
  it.each([
    ['development', 'acme-kfp-dev', 'us-central1-a', 'REGULAR', 'db-custom-1-3840', 'ZONAL', 7],
    ['staging', 'acme-kfp-staging', 'us-central1', 'REGULAR', 'db-custom-2-7680', 'ZONAL', 14],
    ['production', 'acme-kfp-prod', 'us-central1', 'STABLE', 'db-custom-4-15360', 'REGIONAL', 30],
  ] as const)('%s: own project %s, cluster in %s, %s channel, %s, %s, %i backups', (env, project, location, channel, tier, availability, backups) => {
    const { json } = synthEnvironment(env);
    expect(json.provider.google[0]).toMatchObject({ project, default_labels: { environment: env } });
    expect(json.terraform.backend.gcs.prefix).toBe(`kfp/${env}`);
    const cluster = resources(json, 'google_container_cluster')[0];
    expect(cluster).toMatchObject({ project, location, release_channel: { channel } });
    const sql = resources(json, 'google_sql_database_instance')[0];
    expect(sql.settings).toMatchObject({ tier, availability_type: availability, backup_configuration: { backup_retention_settings: { retained_backups: backups } } });
    for (const type of Object.keys(json.resource)) {
      for (const r of resources(json, type)) if ('project' in r) expect(r.project).toBe(project);
    }
  });

  it('the environments differ only in their typed settings', () => {
    const shape = (env: 'development' | 'staging' | 'production') => {
      const { json } = synthEnvironment(env);
      return Object.fromEntries(Object.entries(json.resource).map(([type, rs]) => [type, Object.keys(rs).sort()]));
    };
    expect(shape('development')).toEqual(shape('production'));
    expect(shape('staging')).toEqual(shape('production'));
  });

  it('every environment synthesizes and passes validation', () => {
    withTempDir((outdir) => {
      const stacks = gcpKfpStacks(new App({ outdir, stackTraces: false }));
      expect(stacks.map((s) => s.node.id)).toEqual([...ENVIRONMENT_NAMES]);
      for (const s of stacks) expect(() => JSON.parse(terraformJson(s))).not.toThrow();
    });
  });
});

describe('synthGcpKfp output', () => {
  const tree = withTempDir((dir) => {
    synthGcpKfp(dir);
    return readTree(dir);
  });

  it('writes terraform/<environment>/main.tf.json and kfp/<environment>/ for the three environments', () => {
    for (const env of ENVIRONMENT_NAMES) {
      expect(Object.keys(tree)).toContain(`terraform/${env}/main.tf.json`);
      expect(Object.keys(tree)).toContain(`kfp/${env}/kustomization.yaml`);
    }
    expect(Object.keys(tree).filter((f) => f.startsWith('terraform/')).sort()).toEqual(ENVIRONMENT_NAMES.map((e) => `terraform/${e}/main.tf.json`).sort());
  });

  it('terraform output is plain terraform json without cdktf metadata', () => {
    for (const env of ENVIRONMENT_NAMES) {
      const text = tree[`terraform/${env}/main.tf.json`];
      const json = JSON.parse(text);
      expect(Object.keys(json).sort()).toEqual(['ephemeral', 'output', 'provider', 'resource', 'terraform']);
      expect(text).not.toContain('"//"');
      expect(text).not.toContain('cdktf');
    }
  });

  it('synth output contains no machine paths', () => {
    const all = Object.values(tree).join('\n');
    for (const p of [process.cwd(), os.tmpdir(), os.homedir()]) expect(all).not.toContain(p);
    expect(all).not.toMatch(/["\s](\/(home|Users|tmp|work|var|private|root)\/|[A-Za-z]:\\)/);
  });

  it('synth output is deterministic across runs', () => {
    const again = withTempDir((dir) => {
      synthGcpKfp(dir);
      return readTree(dir);
    });
    expect(again).toEqual(tree);
  });

  it('no google_service_account_key, owner or editor role, or public sql ip in any environment', () => {
    for (const env of ENVIRONMENT_NAMES) {
      const text = tree[`terraform/${env}/main.tf.json`];
      expect(text).not.toContain('google_service_account_key');
      expect(text).not.toMatch(/roles\/(owner|editor)"/);
      expect(JSON.parse(text).resource.google_sql_database_instance).toSatisfy((i: Record<string, any>) => Object.values(i).every((x) => x.settings.ip_configuration.ipv4_enabled === false));
    }
  });
});
