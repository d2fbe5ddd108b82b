import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ServerResponse } from 'http';
import { afterAll, describe, expect, it } from 'vitest';
import { StubRequest, stubServer } from '../support/run-script';
import { needs } from '../support/tools';

const SCRIPT = path.resolve(__dirname, '..', '..', 'lib', 'sharinghub', 'scripts', 'smoke-test.sh');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-sh-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the script with sh and exactly `env` (plus PATH and a private TMPDIR), without blocking the stub server. */
function run(env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', [SCRIPT], { env: { PATH: '/usr/bin:/bin', TMPDIR: dir, ATTEMPTS: '2', RETRY_SECONDS: '1', TIMEOUT_SECONDS: '5', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const healthy = (req: StubRequest, res: ServerResponse) => {
  if (req.url === '/api/stac/collections' && req.headers.accept === 'application/json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"collections":[{"id":"ai-model"}],"links":[]}');
  } else if (req.url === '/mlflow/health') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('OK');
  } else {
    res.writeHead(404).end('not found');
  }
};

async function withServer(handler: (req: StubRequest, res: ServerResponse) => void, env: Record<string, string> = {}) {
  const server = await stubServer(handler);
  try {
    return { ...(await run({ BASE_URL: server.url, ...env })), requests: server.requests };
  } finally {
    await server.close();
  }
}

describe('smoke-test.sh', () => {
  it.skipIf(!needs('shellcheck'))('passes shellcheck', () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', SCRIPT], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('passes against a healthy SharingHub and MLflow, asking for JSON', async () => {
    const r = await withServer(healthy);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ok: SharingHub STAC API (/api/stac/collections): HTTP 200, application/json');
    expect(r.stdout).toContain('ok: MLflow health (/mlflow/health): HTTP 200');
    expect(r.requests.map((q) => `${q.method} ${q.url} ${q.headers.accept}`)).toEqual(['GET /api/stac/collections application/json', 'GET /mlflow/health */*']);
  });

  it('retries while the service is not ready, then passes', async () => {
    let calls = 0;
    const r = await withServer((req, res) => {
      if (req.url === '/api/stac/collections' && calls++ === 0) return void res.writeHead(503).end('starting');
      healthy(req, res);
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('waiting: SharingHub STAC API (/api/stac/collections): HTTP 503 (1/2)');
  });

  it('fails when the STAC API answers HTML (the UI, not the API)', async () => {
    const r = await withServer((req, res) => {
      if (req.url === '/api/stac/collections') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>collections</html>');
      healthy(req, res);
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('FAIL: SharingHub STAC API (/api/stac/collections): got HTTP 200, text/html after 2 attempts; want HTTP 200, application/json and a body containing "collections"\n');
  });

  it('fails when MLflow is not routed under /mlflow', async () => {
    const r = await withServer((req, res) => (req.url === '/mlflow/health' ? void res.writeHead(404).end('no') : healthy(req, res)));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^FAIL: MLflow health \(\/mlflow\/health\): got HTTP 404.* after 2 attempts; want HTTP 200 and a body containing OK\n$/);
  });

  it('fails when nothing listens (connection refused), naming curl\'s error', async () => {
    const server = await stubServer(healthy);
    const url = server.url;
    await server.close();
    const r = await run({ BASE_URL: url });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^FAIL: SharingHub STAC API \(\/api\/stac\/collections\): got HTTP 000 \(curl: \(7\)/);
  });

  it('gives up on an answer after TIMEOUT_SECONDS (curl --max-time), naming curl\'s timeout', async () => {
    const started = Date.now();
    const r = await withServer(() => undefined, { ATTEMPTS: '1', TIMEOUT_SECONDS: '1' });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^FAIL: SharingHub STAC API \(\/api\/stac\/collections\): got HTTP 000 \(curl: \(28\)/);
  });

  it('fails without BASE_URL', async () => {
    const r = await run({});
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('BASE_URL is required');
  });
});
