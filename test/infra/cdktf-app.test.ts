import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

describe('cdktf.json', () => {
  it('names an app that synthesizes the three environments where the cdktf CLI asks', () => {
    const config = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
    expect(config.language).toBe('typescript');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-out-'));
    try {
      const r = spawnSync('/bin/sh', ['-c', config.app], { cwd: root, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: out } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
      expect(Object.keys(manifest.stacks).sort()).toEqual(['development', 'production', 'staging']);
      const prod = JSON.parse(fs.readFileSync(path.join(out, manifest.stacks.production.synthesizedStackPath), 'utf8'));
      expect(Object.keys(prod.resource)).toContain('google_container_cluster');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
