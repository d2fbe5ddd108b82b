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
  // A directory of dist/ with one app per subdirectory (`mlflow-teams`) explains each of them.
  const chosen = !name ? [] : referenceAppBuilders[name] ? [name] : names.filter((n) => n.startsWith(`${name}/`));
  if (!chosen.length) {
    const groups = [...new Set(names.filter((n) => n.includes('/')).map((n) => n.split('/')[0]))];
    process.stderr.write(`explain: app must be one of ${[...names, ...groups].sort().join(', ')}, got ${name ?? 'nothing'}. Fix: npm run explain -- ${names[0]}\n`);
    return 2;
  }
  let status = 0;
  for (const n of chosen) {
    const app = new App();
    referenceAppBuilders[n](app);
    const { text, exitCode } = explainApp(n, app);
    process.stdout.write(`${text}\n`);
    status = Math.max(status, exitCode);
  }
  return status;
}

process.exitCode = main(process.argv.slice(2));
