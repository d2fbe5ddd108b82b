import { Construct } from 'constructs';
import { enableAppChecks } from './app-checks';
import { checkConstructProps } from './props-guard';

/**
 * How every construct of this library opens: its props pass the one guard
 * ({@link checkConstructProps}: an object when required or given, and only the prop names its
 * props type declares, generated from the interfaces), and its app runs the registered checks
 * when it validates ({@link enableAppChecks}). `props` is what the caller passed, before any
 * default; `fix` overrides the generated advice for missing props. A subclass of your own that
 * takes no props calls `super(scope, id)`; the test over the package's exports makes sure every
 * construct of this library passes its props.
 */
export abstract class LibraryConstruct extends Construct {
  protected constructor(scope: Construct, id: string, props?: unknown, fix?: string) {
    super(scope, id);
    checkConstructProps(this, new.target, props, fix);
    enableAppChecks(this);
  }
}
