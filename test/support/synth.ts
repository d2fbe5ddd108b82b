import { App, Chart } from 'cdk8s';
import { Namespace } from '../../lib/core/namespace';
import { SecretValue } from '../../lib/core/secret-value';
import { synthObjects } from '../../lib/synth/synth';

/**
 * Builds constructs in a chart of namespace `namespace` (guarded by a {@link Namespace}) and
 * returns every synthesized object. Runs all construct validations, as `cdk8s synth` does.
 */
export function synthChart(build: (chart: Chart) => void, namespace = 'test'): any[] {
  const app = new App();
  const chart = new Chart(app, 'test', { namespace, disableResourceNameHashes: true });
  new Namespace(chart, 'ns');
  build(chart);
  return synthObjects(app);
}

/** The object of `kind` named `name`; throws listing what exists when there is none. */
export function find(objs: any[], kind: string, name: string): any {
  const matches = objs.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (matches.length === 0) {
    throw new Error(`no ${kind} "${name}" among: ${objs.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  if (matches.length > 1) throw new Error(`${matches.length} objects ${kind} "${name}"`);
  return matches[0];
}

/** Every object of `kind`. */
export function ofKind(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

/** Shortcut for `SecretValue.fromSecret(name, key)`. */
export function secretRef(name: string, key: string): SecretValue {
  return SecretValue.fromSecret(name, key);
}

/** The pod spec of a Deployment, StatefulSet, Job or CronJob. */
export function podSpec(obj: any): any {
  return obj.kind === 'CronJob' ? obj.spec.jobTemplate.spec.template.spec : obj.spec.template.spec;
}

/** A container (or init container) of a workload object, by name. */
export function container(obj: any, name: string): any {
  const spec = podSpec(obj);
  const c = [...(spec.initContainers ?? []), ...spec.containers].find((x: any) => x.name === name);
  if (!c) throw new Error(`no container "${name}" in ${obj.kind}/${obj.metadata.name}`);
  return c;
}

/** A container's env as name → value (literal) or valueFrom. */
export function envOf(c: any): Record<string, any> {
  return Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

/** Every container and init container of every pod-bearing object. */
export function allContainers(objs: any[]): Array<{ owner: string; container: any }> {
  return objs
    .filter((o) => ['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(o.kind))
    .flatMap((o) => {
      const spec = podSpec(o);
      return [...(spec.initContainers ?? []), ...spec.containers].map((c: any) => ({ owner: `${o.kind}/${o.metadata.name}`, container: c }));
    });
}

/** `new RegExp` matching exactly `message`, for `toThrowError`. */
export function exactly(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
