import { IConstruct } from 'constructs';
import { ConstructPropsKeys, FACTORY_PROPS_KEYS, OPTIONS_PROPS_KEYS, PROPS_KEYS } from './props-keys.generated';
import { describeShape, invalid, SECRET_MARK, ValidationError, describeConstruct } from './validate';

/**
 * The props entry of the class `ctor` constructs, or of its nearest ancestor the package exports
 * (a user's subclass of `TrackingServer` takes `TrackingServerProps`).
 */
export function propsKeysOf(ctor: unknown): { construct: string; keys: ConstructPropsKeys } | undefined {
  for (let c = ctor as { name?: string } | null; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const name = c.name;
    if (name && Object.prototype.hasOwnProperty.call(PROPS_KEYS, name)) return { construct: name, keys: PROPS_KEYS[name] };
  }
  return undefined;
}

/**
 * How a construct of this library opens (called by {@link LibraryConstruct}'s constructor with
 * `new.target`): props that the construct requires, or that are given, must be an object, and
 * every prop name given must be one its props type declares (generated from the interfaces by
 * scripts/props-keys.mjs), so a JavaScript caller's missing props or misspelt `replica: 3` fails
 * naming the prop and the nearest known one instead of a TypeError or a silent default.
 * `fix` overrides the generated one for missing props (`pass { name, size } (see VolumeClaimProps)`).
 */
export function checkConstructProps(scope: IConstruct, ctor: unknown, props: unknown, fix?: string): void {
  checkPropsOf(scope, propsKeysOf(ctor), props, fix);
}

/**
 * The same guard for a static factory that builds a construct from props
 * (`Database.fromExisting(scope, id, props)`, `KeycloakRealm.mlflow(...)`): its first line, with
 * `factory` as `Class.method`; messages name the construct's path-to-be and the factory.
 */
export function checkFactoryProps(factory: string, scope: IConstruct, id: string, props: unknown, fix?: string): void {
  const keys = FACTORY_PROPS_KEYS[factory];
  if (!keys) throw new Error(`${factory}: not in FACTORY_PROPS_KEYS (run npm run props-keys)`);
  checkPropsOf(`${scope.node.path}/${id}`, { construct: factory, keys }, props, fix);
}

/**
 * The same guard for a static factory that builds a value from an options object, its last
 * parameter (`Platform.kubeflow('1.11', { cluster })`): messages start with `Class.method`.
 */
export function checkOptionsProps(factory: string, options: unknown, fix?: string): void {
  const keys = OPTIONS_PROPS_KEYS[factory];
  if (!keys) throw new Error(`${factory}: not in OPTIONS_PROPS_KEYS (run npm run props-keys)`);
  checkPropsOf(factory, { construct: factory, keys }, options, fix);
}

/**
 * The guard for a nested options object (`ingressController` of `Platform.generic`): an object,
 * with only the names of `keys` (a `Record<keyof T, true>`, so the compiler keeps it complete).
 */
export function checkNestedProps(where: string, prop: string, type: string, keys: Readonly<Record<string, true>>, value: unknown): void {
  if (value === undefined) return;
  const known = Object.keys(keys).sort();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    invalid(where, prop, 'must be an object', value, `pass { ${known.join(', ')} } (see ${type}), or leave it out`);
  }
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined || known.includes(name)) continue;
    const near = nearestName(name, known);
    invalid(where, `${prop}.${name}`, `is not a prop of ${type}`, v, near ? `did you mean ${prop}.${near}? (${type} has ${known.join(', ')})` : `remove it; ${type} has ${known.join(', ')}`);
  }
}

function checkPropsOf(scope: IConstruct | string, entry: { construct: string; keys: ConstructPropsKeys } | undefined, props: unknown, fix?: string): void {
  if (props === undefined && (entry ? entry.keys.optional : fix === undefined)) return;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    const pass = fix ?? (!entry ? 'pass an object of props'
      : entry.keys.required.length ? `pass { ${entry.keys.required.join(', ')} } (see ${entry.keys.type})`
        : `pass an object (see ${entry.keys.type}), or no props`);
    throw new ValidationError(`${describeConstruct(scope)}: props must be an object, got ${describeShape(props)}. Fix: ${pass}`);
  }
  if (!entry) return;
  const { keys, removed = [], type } = entry.keys;
  for (const [name, value] of Object.entries(props)) {
    // A key whose value is undefined changes nothing (a spread of optional values); a removed
    // prop is refused by the construct itself, saying what replaced it.
    if (value === undefined || keys.includes(name) || removed.includes(name)) continue;
    const near = nearestName(name, keys);
    const fixText = near ? `did you mean ${near}? (${type} has ${keys.join(', ')})` : `remove it; ${type} has ${keys.join(', ')}`;
    // A misspelt secret prop (`rootPasword`) shows no value, as the prop it means would not.
    const shown = near && SECRET_NAME.test(near) ? { [SECRET_MARK]: true } : value;
    invalid(scope, name, `is not a prop of ${entry.construct}`, shown, fixText);
  }
}

const SECRET_NAME = /(password|passwd|secret|token|credentials?|key)$/i;

/** The known name closest to `name` (edits, a swap of neighbours counting one), when close enough to be a typo. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_2, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
