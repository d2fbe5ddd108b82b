import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
function tsFiles(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');
const importsOf = (f: string) => [...read(f).matchAll(/(?:from|import|require)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('architecture', () => {
  it('lib/ takes configuration through props, never process.env', () => {
    expect(tsFiles('lib').filter((f) => /process\.env/.test(read(f)))).toEqual([]);
  });

  it('lib/index.ts and the area index files only re-export', () => {
    for (const f of tsFiles('lib').filter((x) => x.endsWith('index.ts'))) {
      const code = read(f).split('\n').filter((l) => l.trim() && !l.trim().startsWith('//') && !l.trim().startsWith('*') && !l.trim().startsWith('/*'));
      expect(code.filter((l) => !/^export \* (as \w+ )?from '[^']+';$/.test(l)), f).toEqual([]);
    }
  });

  it('only lib/ imports the generated bindings in imports/', () => {
    const offenders = [...tsFiles('apps'), 'main.ts', ...tsFiles('scripts')]
      .filter((f) => importsOf(f).some((i) => i.includes('imports/')));
    expect(offenders).toEqual([]);
  });

  it('apps/ are composed only from lib/ (no generated bindings, no raw ApiObjects)', () => {
    for (const f of tsFiles('apps')) {
      expect(importsOf(f).filter((i) => i.startsWith('.') && !i.startsWith('../lib') && !i.startsWith('./')), f).toEqual([]);
      expect(read(f).includes('new ApiObject('), f).toBe(false);
    }
  });

  it('provider-google is imported only by deep path', () => {
    const all = [...tsFiles('lib'), ...tsFiles('apps'), ...tsFiles('test'), 'main.ts'];
    expect(all.filter((f) => importsOf(f).some((i) => i === '@cdktf/provider-google'))).toEqual([]);
  });
});
