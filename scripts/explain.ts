/**
 * `npm run explain -- <app>`: builds a reference app and prints every flow the reachability check
 * evaluates (declared connections, the flows its guide implies, DNS, a sample of undeclared flows)
 * with ALLOW or DENY and the NetworkPolicy / AuthorizationPolicy that decided each hop, on the
 * platform the app targets. Exit status: 0 when every flow is as expected, 1 when a flow that must
 * be allowed is denied (or an undeclared one allowed), 2 on a usage error.
 */
import { App } from 'cdk8s';
import { referenceAppBuilders } from '../apps';
import { explainApp } from '../lib/synth';

function main(argv: readonly string[]): number {
  const name = argv[0];
  const names = Object.keys(referenceAppBuilders).sort();
  if (!name || !referenceAppBuilders[name]) {
    process.stderr.write(`explain: app must be one of ${names.join(', ')}, got ${name ?? 'nothing'}. Fix: npm run explain -- ${names[0]}\n`);
    return 2;
  }
  const app = new App();
  referenceAppBuilders[name](app);
  const { text, exitCode } = explainApp(name, app);
  process.stdout.write(`${text}\n`);
  return exitCode;
}

process.exitCode = main(process.argv.slice(2));
