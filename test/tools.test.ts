import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { missingToolsReport, needs, TOOLS, ToolName } from './support/tools';

const bare = { PATH: '/nonexistent' };

describe('external tools: one rule for skip or fail', () => {
  it('an optional tool that is missing skips outside CI', () => {
    expect(needs('shellcheck', bare)).toBe(false);
    expect(needs('postgres', { PATH: '/nonexistent' })).toBe(TOOLS.postgres.dirs.length > 0 && needs('postgres'));
  });

  it('under CI a missing optional tool fails, saying how to install it', () => {
    expect(() => needs('shellcheck', { ...bare, CI: 'true' })).toThrowError(
      'shellcheck (shellcheck) is not installed, and CI=true requires every optional tool: it is needed to lint every rendered shell script. Fix: apt-get install -y shellcheck');
  });

  it('a machine tool that is missing fails everywhere', () => {
    expect(() => needs('python3', bare)).toThrowError(/python3 \(python3\) is not installed, and every machine of this project has it: .* Fix: apt-get install -y python3/);
  });

  it('the run reports once what it skipped, or fails under CI', () => {
    const local = missingToolsReport({ PATH: '/nonexistent' });
    // python3 and kubectl are machine tools: their absence is an error even locally.
    expect(local.error).toMatch(/^python3 .*\nkubectl /);
    const here = missingToolsReport({ PATH: process.env.PATH, CI: '' });
    const missingHere = (Object.keys(TOOLS) as ToolName[]).filter((n) => TOOLS[n].kind === 'optional' && !needs(n));
    if (missingHere.length) expect(here.notice).toContain('SKIPPED the tests that ');
    else expect(here.notice).toBe('');
    expect(missingToolsReport({ PATH: '/nonexistent', CI: 'true' }).error).toContain('Fix: apt-get install -y shellcheck');
  });

  it('every test that runs an external tool asks needs() first', () => {
    const root = path.resolve(__dirname);
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
    const optional = (Object.keys(TOOLS) as ToolName[]).filter((n) => TOOLS[n].kind === 'optional');
    const commands = optional.flatMap((n) => TOOLS[n].commands as readonly string[]);
    const call = new RegExp(`(spawn|spawnSync|execFileSync|execSync|execFile)\\(\\s*['"\`](${commands.join('|')})\\b`);
    const offenders = files(root)
      .filter((f) => !f.startsWith(path.join(root, 'support', 'tools.ts')))
      .filter((f) => call.test(fs.readFileSync(f, 'utf8')) && !/\bneeds\(/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(root, f));
    expect(offenders, 'use needs(<tool>) from test/support/tools.ts (it skips locally with a notice and fails under CI)').toEqual([]);
  });
});
