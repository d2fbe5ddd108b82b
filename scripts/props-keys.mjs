#!/usr/bin/env node
// `npm run props-keys`: writes lib/core/props-keys.generated.ts, the prop names of every construct
// the package exports, read from its props interface with the TypeScript compiler API (the
// `typescript5` devDependency), so the props guard of LibraryConstruct cannot drift from the types.
//
// For each class exported by the package's entry points (lib/index.ts, lib/infra/index.ts) that
// extends `Construct`:
// - a public constructor `(scope, id, props)`: the props type's name, every property name (all
//   members of a union), the required ones, whether props may be left out, and the names the
//   interface lists under `@removedProps` (old props the construct refuses itself, with what to write now);
// - otherwise (abstract, a constructor that is not public, or one without props): listed apart.
//
// Usage: node scripts/props-keys.mjs [--check]
//   --check  exit 1 if the committed file differs from what would be generated (writes nothing)

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript5');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT = path.join(root, 'lib', 'core', 'props-keys.generated.ts');

/** The exported construct classes of `entry`, with the prop names of their constructors. */
function collect(program, entry) {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const constructs = {};
  const notConstructible = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
    const decl = symbol.valueDeclaration;
    const classType = checker.getDeclaredTypeOfSymbol(symbol);
    if (!extendsConstruct(checker, classType)) continue;
    const name = exported.name;
    const ctor = constructorOf(checker, decl, symbol);
    const isAbstract = ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Abstract;
    if (isAbstract || !ctor || ctor.visibility !== 'public' || ctor.params.length < 3) {
      notConstructible.push(name);
      continue;
    }
    constructs[name] = describeProps(checker, ctor.params[2].valueDeclaration);
  }
  // Public static methods with a body, of every exported class: where the factories are.
  const staticMethods = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
    for (const m of symbol.valueDeclaration.members ?? []) {
      if (!ts.isMethodDeclaration(m) || !m.body) continue;
      const flags = ts.getCombinedModifierFlags(m);
      if (!(flags & ts.ModifierFlags.Static) || flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      staticMethods.push({ key: `${exported.name}.${m.name.getText()}`, m });
    }
  }
  // Factories that build a construct from props: `Database.fromExisting(scope, id, props)`.
  const factories = {};
  for (const { key, m } of staticMethods) {
    const [scope, id, props] = m.parameters;
    if (!props || scope.type?.getText() !== 'Construct' || id.type?.getText() !== 'string') continue;
    factories[key] = describeProps(checker, props);
  }
  // Factories that build a value from an options object, its last parameter, typed `...Options`
  // (`Platform.kubeflow('1.11', { cluster })`) and that run the guard on it (`checkOptionsProps`):
  // the same guard, without a construct path.
  const options = {};
  for (const { key, m } of staticMethods) {
    const last = m.parameters[m.parameters.length - 1];
    if (!last?.type || m.parameters[0].type?.getText() === 'Construct') continue;
    if (!ts.isTypeReferenceNode(last.type) || !/Options$/.test(last.type.typeName.getText())) continue;
    if (!m.body.getText().includes('checkOptionsProps(')) continue;
    options[key] = describeProps(checker, last);
  }
  return { constructs, factories, options, notConstructible: notConstructible.sort() };
}

/** What the guard needs of a props parameter: the type's name, its prop names, the required ones. */
function describeProps(checker, paramDecl) {
  const propsType = checker.getTypeOfSymbolAtLocation(checker.getSymbolAtLocation(paramDecl.name), paramDecl);
  const optional = !!(paramDecl.questionToken || paramDecl.initializer) || !!(propsType.flags & ts.TypeFlags.Undefined)
    || (propsType.isUnion() && propsType.types.some((t) => t.flags & ts.TypeFlags.Undefined));
  const nonNull = checker.getNonNullableType(propsType);
  const members = nonNull.isUnion() ? nonNull.types : [nonNull];
  const keys = new Set();
  let required;
  const removed = new Set();
  for (const member of members) {
    const props = checker.getPropertiesOfType(member);
    for (const p of props) keys.add(p.name);
    const req = props.filter((p) => !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.name);
    // Required in every member of a union.
    required = required === undefined ? req : required.filter((r) => req.includes(r));
    for (const d of member.aliasSymbol?.declarations ?? member.symbol?.declarations ?? []) {
      for (const tag of ts.getJSDocTags(d)) {
        if (tag.tagName.text === 'removedProps') {
          for (const n of ts.getTextOfJSDocComment(tag.comment).split(/[\s,]+/).filter(Boolean)) removed.add(n);
        }
      }
    }
  }
  const typeName = paramDecl.type ? paramDecl.type.getText(paramDecl.getSourceFile()) : checker.typeToString(nonNull);
  return {
    type: typeName,
    optional,
    required: [...(required ?? [])],
    keys: [...keys].sort(),
    removed: [...removed].sort(),
  };
}

function extendsConstruct(checker, type) {
  // A generic base (`DatabaseServer<B>`) is a reference to its declared type.
  const declared = type.target ?? type;
  for (const base of declared.getBaseTypes?.() ?? []) {
    const sym = (base.target ?? base).getSymbol();
    if (sym && sym.name === 'Construct' && sym.declarations?.some((d) => d.getSourceFile().fileName.includes('/node_modules/constructs/'))) return true;
    if (extendsConstruct(checker, base)) return true;
  }
  return false;
}

/** The class's own constructor, or the nearest base class's (what `new` calls). */
function constructorOf(checker, decl, symbol) {
  const own = decl.members?.filter(ts.isConstructorDeclaration) ?? [];
  if (own.length) {
    const impl = own.find((c) => c.body) ?? own[0];
    const flags = ts.getCombinedModifierFlags(impl);
    const visibility = flags & ts.ModifierFlags.Private ? 'private' : flags & ts.ModifierFlags.Protected ? 'protected' : 'public';
    // The public overload with the most parameters names the props.
    const sig = own.filter((c) => !c.body || own.length === 1).sort((a, b) => b.parameters.length - a.parameters.length)[0];
    return { visibility, params: sig.parameters.map((p) => checker.getSymbolAtLocation(p.name)) };
  }
  const baseType = checker.getDeclaredTypeOfSymbol(symbol).getBaseTypes?.()?.[0];
  const base = (baseType?.target ?? baseType)?.getSymbol();
  if (!base?.valueDeclaration || !ts.isClassDeclaration(base.valueDeclaration)) return undefined;
  if (base.valueDeclaration.getSourceFile().fileName.includes('/node_modules/')) return undefined;
  return constructorOf(checker, base.valueDeclaration, base);
}

/** The entry points whose constructs the guard knows: the main one and `/infra` (cdktf). */
const ENTRIES = [path.join(root, 'lib', 'index.ts'), path.join(root, 'lib', 'infra', 'index.ts')];

/** The text of lib/core/props-keys.generated.ts. */
export function render() {
  const constructs = {};
  const factories = {};
  const options = {};
  const notConstructible = [];
  // One program for both entries: the second shares the first's parsed files.
  const program = ts.createProgram(ENTRIES, {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true,
    noEmit: true, types: ['node'], esModuleInterop: true,
  });
  for (const entry of ENTRIES) {
    const found = collect(program, entry);
    for (const [name, c] of Object.entries(found.constructs)) {
      // The guard finds a construct's props by class name: one name, one construct.
      if (name in constructs) throw new Error(`two exported constructs are named ${name}`);
      constructs[name] = c;
    }
    notConstructible.push(...found.notConstructible);
    Object.assign(factories, found.factories);
    Object.assign(options, found.options);
  }
  notConstructible.sort();
  const lines = [
    '// Generated by scripts/props-keys.mjs from the props interfaces (`npm run props-keys`): do not edit.',
    '',
    '/** The props a construct takes: what its props guard (lib/core/props-guard.ts) accepts. */',
    'export interface ConstructPropsKeys {',
    '  /** The props type as the constructor declares it (`TrackingServerProps`). */',
    '  readonly type: string;',
    '  /** True when props may be left out. */',
    '  readonly optional: boolean;',
    '  /** The props that must be given. */',
    '  readonly required: readonly string[];',
    '  /** Every prop name the type has. */',
    '  readonly keys: readonly string[];',
    '  /** Props of an earlier release that the construct refuses itself, saying what to write now (`@removedProps`). */',
    '  readonly removed?: readonly string[];',
    '}',
    '',
    '/** The props of every construct the package exports (main entry and /infra), by class name. */',
    'export const PROPS_KEYS: Readonly<Record<string, ConstructPropsKeys>> = {',
  ];
  const list = (xs) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
  for (const name of Object.keys(constructs).sort()) {
    const c = constructs[name];
    const removed = c.removed.length ? `, removed: ${list(c.removed)}` : '';
    lines.push(`  ${name}: { type: '${c.type}', optional: ${c.optional}, required: ${list(c.required)}, keys: ${list(c.keys)}${removed} },`);
  }
  lines.push('};', '', '/** The props of the static factories that build a construct (`Database.fromExisting(scope, id, props)`), by `Class.method`. */');
  lines.push('export const FACTORY_PROPS_KEYS: Readonly<Record<string, ConstructPropsKeys>> = {');
  for (const name of Object.keys(factories).sort()) {
    const c = factories[name];
    const removed = c.removed.length ? `, removed: ${list(c.removed)}` : '';
    lines.push(`  '${name}': { type: '${c.type.replace(/'/g, "\\'")}', optional: ${c.optional}, required: ${list(c.required)}, keys: ${list(c.keys)}${removed} },`);
  }
  lines.push('};', '', '/** The options of the static factories that build a value (`Platform.kubeflow(release, options)`), by `Class.method`. */');
  lines.push('export const OPTIONS_PROPS_KEYS: Readonly<Record<string, ConstructPropsKeys>> = {');
  for (const name of Object.keys(options).sort()) {
    const c = options[name];
    const removed = c.removed.length ? `, removed: ${list(c.removed)}` : '';
    lines.push(`  '${name}': { type: '${c.type.replace(/'/g, "\\'")}', optional: ${c.optional}, required: ${list(c.required)}, keys: ${list(c.keys)}${removed} },`);
  }
  lines.push('};', '', '/** Exported construct classes that callers do not construct with props (abstract, a non-public constructor, or none taken). */');
  lines.push(`export const NOT_CONSTRUCTIBLE: readonly string[] = ${list(notConstructible)};`, '');
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = render();
  const current = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(`${path.relative(root, OUTPUT)} is stale: run npm run props-keys`);
      process.exit(1);
    }
  } else if (current !== text) {
    fs.writeFileSync(OUTPUT, text);
    console.log(`wrote ${path.relative(root, OUTPUT)}`);
  }
}
