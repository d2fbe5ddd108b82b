import { IConstruct } from 'constructs';

/**
 * A check over every object of an app, run when the app validates (`app.synth()`,
 * `Testing.synth()`, `synthObjects()`): returns the problems found, one message each.
 */
export type AppCheck = (root: IConstruct) => string[];

// The checks live in lib/synth (build tooling that constructs never import); it registers them
// here when it loads, and every entry point of the package loads it.
const registry: AppCheck[] = [];
const attached = new WeakSet<IConstruct>();
const suspended = new WeakSet<IConstruct>();

/** Adds a check that every app with one of this library's constructs runs. */
export function registerAppCheck(check: AppCheck): void {
  if (!registry.includes(check)) registry.push(check);
}

/**
 * Makes the app that `scope` belongs to run the registered checks when it validates: schema
 * validation and the manifest checks, so a plain `app.synth()` refuses what `npm run synth`
 * refuses. Every construct of this library calls it in its constructor; once per app.
 */
export function enableAppChecks(scope: IConstruct): void {
  const root = scope.node.root;
  if (attached.has(root)) return;
  attached.add(root);
  root.node.addValidation({ validate: () => (suspended.has(root) ? [] : registry.flatMap((check) => check(root))) });
}

/** True when validating the app of `scope` runs the registered checks. */
export function appChecksEnabled(scope: IConstruct): boolean {
  return registry.length > 0 && attached.has(scope.node.root);
}

/** Runs `fn` with the app checks of `root` off: for callers that run the same checks themselves. */
export function withoutAppChecks<T>(root: IConstruct, fn: () => T): T {
  if (suspended.has(root)) return fn();
  suspended.add(root);
  try {
    return fn();
  } finally {
    suspended.delete(root);
  }
}
