import { Construct } from 'constructs';
import { enableAppChecks } from './app-checks';
import { checkProps } from './validate';

/**
 * How every construct of this library starts: its app runs the registered checks when it
 * validates ({@link enableAppChecks}), and, given a `fix`, its props must be an object, so a
 * JavaScript caller's missing props fail with that fix instead of a TypeError further down.
 */
export abstract class LibraryConstruct extends Construct {
  protected constructor(scope: Construct, id: string);
  protected constructor(scope: Construct, id: string, props: unknown, fix: string);
  protected constructor(scope: Construct, id: string, props?: unknown, fix?: string) {
    super(scope, id);
    if (fix !== undefined) checkProps(this, props, fix);
    enableAppChecks(this);
  }
}
