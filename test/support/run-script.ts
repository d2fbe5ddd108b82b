import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

/** Runs a Python script (its text) with exactly `env` (plus PATH), with `beside` (file name → text: the modules it imports, as its ConfigMap ships them) in its directory, without blocking the event loop. */
export function runPython(script: string, env: Record<string, string>, beside: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'py-script-'));
  const file = path.join(dir, 'script.py');
  fs.writeFileSync(file, script);
  for (const [name, text] of Object.entries(beside)) fs.writeFileSync(path.join(dir, name), text);
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [file], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ status, stdout, stderr });
    });
  });
}

export interface StubRequest { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

/** An HTTP server on 127.0.0.1 answering with `handler`; records every request. */
export async function stubServer(handler: (req: StubRequest, res: http.ServerResponse) => void): Promise<{ url: string; requests: StubRequest[]; close: () => Promise<void> }> {
  const requests: StubRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(r);
      handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A container's literal env as an object. */
export function literalEnv(container: any): Record<string, string> {
  return Object.fromEntries((container.env ?? []).filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
}
