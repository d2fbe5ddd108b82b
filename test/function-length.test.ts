import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts: typeof import('typescript5') = require('typescript5');

const root = path.resolve(__dirname, '..');
/** The most lines a function of lib/ may span, its signature and closing brace included (issue 19). */
const MAX_LINES = 80;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []);
}

/** A function's name as a reader looks it up: `Class.method`, `Class.constructor`, `fn`, or `<anonymous>@line`. */
function nameOf(node: import('typescript5').SignatureDeclaration, sf: import('typescript5').SourceFile, line: number): string {
  const own = ts.isConstructorDeclaration(node) ? 'constructor'
    : node.name ? node.name.getText(sf)
      : ts.isVariableDeclaration(node.parent) || ts.isPropertyDeclaration(node.parent) || ts.isPropertyAssignment(node.parent) ? node.parent.name.getText(sf)
        : `<anonymous>@${line}`;
  const owner = ts.isClassLike(node.parent) ? node.parent.name?.getText(sf) : undefined;
  return owner ? `${owner}.${own}` : own;
}

/** Every function-like node with a body in `text` (nested ones too), with the lines it spans. */
export function functionLengths(file: string, text: string): Array<{ name: string; lines: number }> {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Array<{ name: string; lines: number }> = [];
  const visit = (node: import('typescript5').Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ name: `${file} ${nameOf(node, sf, first + 1)}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('function length', () => {
  const all = tsFiles('lib').flatMap((f) => functionLengths(f, fs.readFileSync(path.join(root, f), 'utf8')));

  it(`no function in lib/ spans more than ${MAX_LINES} lines (a constructor reads as check, resolve, render)`, () => {
    expect(all.filter((f) => f.lines > MAX_LINES).map((f) => `${f.name}: ${f.lines} lines`)).toEqual([]);
    // It reads lib/ (a known constructor is found by its name).
    expect(all.filter((f) => f.name.endsWith(' TrackingServer.constructor'))).toHaveLength(1);
  });

  it('measures methods, constructors, arrow functions and nested functions', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `class A {\n  constructor() {\n${body(3)}\n  }\n  m(): void {}\n}\nconst f = () => {\n${body(81)}\n};\nfunction g() {\n  function inner() {}\n  return inner;\n}\n`;
    const found = Object.fromEntries(functionLengths('x.ts', text).map((f) => [f.name.slice(5), f.lines]));
    expect(found).toEqual({ 'A.constructor': 5, 'A.m': 1, f: 83, g: 4, inner: 1 });
  });
});
