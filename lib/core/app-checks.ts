import { IConstruct } from 'constructs';
import { ValidationError } from './validate';

/**
 * A check over every object of an app, run when the app validates (`app.synth()`,
 * `Testing.synth()`, `synthObjects()`): returns the problems found, one message each.
 */
export type AppCheck = (root: IConstruct) => string[];

// The checks live in lib/synth (build tooling that constructs never import); it registers them
// here when it loads, and every entry point of the package loads it.
const registry: AppCheck[] = [];
const successHooks: Array<(root: IConstruct) => void> = [];
const attached = new WeakSet<IConstruct>();
const suspended = new WeakSet<IConstruct>();

/** Adds a check that every app with one of this library's constructs runs. */
export function registerAppCheck(check: AppCheck): void {
  if (!registry.includes(check)) registry.push(check);
}

/** Adds a function run after the registered checks of an app pass (a warning about its output, say). */
export function registerAppChecksPassed(hook: (root: IConstruct) => void): void {
  if (!successHooks.includes(hook)) successHooks.push(hook);
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
  root.node.addValidation({ validate: () => validateApp(root) });
}

/**
 * The registered checks of `root`. Problems are thrown, not returned: cdk8s would wrap returned
 * messages in a plain Error with its own frames. The error lists every construct's validation
 * messages too (cdk8s never gets to run them), so one failed synth names every problem found.
 */
function validateApp(root: IConstruct): string[] {
  if (suspended.has(root)) return [];
  const problems = registry.flatMap((check) => check(root));
  if (problems.length === 0) {
    for (const hook of successHooks) hook(root);
    return [];
  }
  const others = root.node.findAll().filter((c) => c !== root).flatMap((c) => c.node.validate().map((e) => `${c.node.path}: ${e}`));
  const all = [...problems, ...others];
  throw new ValidationError(`Validation failed:\n- ${all.join('\n- ')}`, 'MLOPS_CHECKS_FAILED', all);
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
