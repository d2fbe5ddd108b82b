import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

const imports = (file: string) => [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('cdktf stays in lib/infra', () => {
  it('no file under lib/ outside lib/infra imports cdktf or @cdktf/', () => {
    const offenders = tsFiles(path.join(root, 'lib'))
      .filter((f) => !f.startsWith(`lib${path.sep}infra${path.sep}`))
      .filter((f) => imports(f).some((m) => m === 'cdktf' || m.startsWith('cdktf/') || m.startsWith('@cdktf/')));
    expect(offenders).toEqual([]);
  });

  it('lib/infra imports provider resources only by deep path', () => {
    const barrel = tsFiles(path.join(root, 'lib', 'infra')).filter((f) => imports(f).includes('@cdktf/provider-google'));
    expect(barrel).toEqual([]);
    const deep = tsFiles(path.join(root, 'lib', 'infra')).flatMap(imports).filter((m) => m.startsWith('@cdktf/'));
    expect(deep.length).toBeGreaterThan(0);
    for (const m of deep) expect(m).toMatch(/^@cdktf\/provider-google\/lib\/[a-z0-9-]+$/);
  });

  it('lib/infra imports from the cdk8s side only types', () => {
    for (const f of tsFiles(path.join(root, 'lib', 'infra'))) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      expect(text, f).not.toMatch(/^import \{[^}]*\} from '(cdk8s|\.\.\/kubeflow\/[^']+)';$/m);
      expect(text, f).not.toMatch(/from 'cdk8s'/);
    }
  });
});
