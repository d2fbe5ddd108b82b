import { execFileSync } from 'child_process';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import * as cdktf from 'cdktf';
import * as lib from '../../lib';
import * as infra from '../../lib/infra';
import { nearestName } from '../../lib/core/props-guard';
import { FACTORY_PROPS_KEYS, NOT_CONSTRUCTIBLE, OPTIONS_PROPS_KEYS, PROPS_KEYS } from '../../lib/core/props-keys.generated';
import { ValidationError } from '../../lib/core/validate';
import { exactly } from '../support/synth';

const root = path.resolve(__dirname, '..', '..');

const constructsOf = (entry: object) => Object.entries(entry)
  .filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Construct)
  .map(([name]) => name);
/** Every class the package's entry points (main, /infra) export that is a construct, by export name. */
const infraConstructs = new Set(constructsOf(infra));
const exportedConstructs = [...new Set([...constructsOf(lib), ...infraConstructs])].sort();

type AnyConstruct = new (scope: Construct, id: string, props?: unknown) => Construct;
const classOf = (name: string) => ({ ...lib, ...infra } as unknown as Record<string, AnyConstruct>)[name];

function chart(): Chart {
  return new Chart(new App(), 'test', { namespace: 'test', disableResourceNameHashes: true });
}

/** Where `name` is built: a cdk8s Chart, or for the cdktf constructs of /infra a stack (a stack: the cdktf App). */
function scopeFor(name: string): Construct {
  if (!infraConstructs.has(name)) return chart();
  const app = new cdktf.App({ outdir: '/nonexistent', skipValidation: true });
  return name === 'KfpEnvironmentStack' ? app : new cdktf.TerraformStack(app, 'test');
}

/** What `build` throws: the error itself, or undefined when it returns. */
function thrown(build: () => unknown): unknown {
  try {
    build();
    return undefined;
  } catch (e) {
    return e;
  }
}

/** A typo of `key` (its last two letters swapped: `replicsa`) that is no prop name itself. */
const typoOf = (key: string) => `${key.slice(0, -2)}${key.slice(-1)}${key.slice(-2, -1)}`;

describe('props guard: every exported construct opens through LibraryConstruct', () => {
  it('lib/core/props-keys.generated.ts is what scripts/props-keys.mjs generates from the props interfaces', () => {
    // --check exits 1 (and execFileSync throws) when regenerating would change the committed file.
    expect(() => execFileSync(process.execPath, [path.join(root, 'scripts', 'props-keys.mjs'), '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  }, 60_000);

  it('the generated table covers exactly the constructs the package exports (main entry and /infra)', () => {
    expect(exportedConstructs.length).toBeGreaterThan(50);
    expect([...Object.keys(PROPS_KEYS), ...NOT_CONSTRUCTIBLE].sort()).toEqual(exportedConstructs);
    // The ones left out are abstract bases, built by a factory (AppNotes.of, ConnectionGraph.of) or take no props.
    expect([...NOT_CONSTRUCTIBLE]).toEqual(['AppNotes', 'ConnectionGraph', 'DatabaseServer', 'IdentityProviderBase', 'LibraryConstruct', 'ProjectConstruct', 'RandomProvider',
      'ReadableStack', 'SmokeTest', 'StatefulComponent', 'WorkloadComponent']);
    // RandomProvider takes no props at all.
    expect(classOf('RandomProvider').length).toBe(2);
  });

  describe.each(Object.keys(PROPS_KEYS))('%s', (name) => {
    const entry = PROPS_KEYS[name];
    const C = classOf(name);
    const fix = `pass { ${entry.required.join(', ')} } (see ${entry.type})`;
    // The construct's path: under the chart or stack `test`; a stack sits at the root of its App.
    const at = name === 'KfpEnvironmentStack' ? 'x' : 'test/x';

    it('without props: the library\'s own error (or none when props are optional), never a TypeError', () => {
      const e = thrown(() => new C(scopeFor(name), 'x'));
      if (entry.optional) {
        if (e !== undefined) expect(e).toBeInstanceOf(ValidationError);
      } else {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as Error).message.startsWith(`${at}: props must be an object, got undefined. Fix: pass {`), (e as Error).message).toBe(true);
      }
    });

    it('a string as props is refused as not an object', () => {
      const e = thrown(() => new C(scopeFor(name), 'x', 'mlflow'));
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as Error).message.startsWith(`${at}: props must be an object, got a string. Fix: pass `), (e as Error).message).toBe(true);
      // A construct without advice of its own gets the generated one, naming the required props.
      expect((e as Error).message).toMatch(entry.required.length ? /\. Fix: pass \{ [^}]+ \}/ : /\. Fix: pass an object \(see [A-Za-z]+Props\), or no props$/);
      if (name === 'TrackingServer') expect((e as Error).message).toBe(`test/x: props must be an object, got a string. Fix: ${fix}`);
    });

    it('a misspelt prop is refused naming it and the prop it is closest to', () => {
      const key = entry.keys.find((k) => k.length > 3 && nearestName(typoOf(k), entry.keys) === k)!;
      expect(key).toBeDefined();
      const typo = typoOf(key);
      const e = thrown(() => new C(scopeFor(name), 'x', { [typo]: 3 }));
      expect(e).toBeInstanceOf(ValidationError);
      // The value of a typo of a secret prop (`adminPasswodr`) is never shown.
      const shown = /(password|secret|token|credentials?|key)$/i.test(key) ? '<redacted>' : '3';
      expect((e as Error).message).toBe(
        `${at}: ${typo} is not a prop of ${name}, got ${shown}. Fix: did you mean ${key}? (${entry.type} has ${entry.keys.join(', ')})`);
    });
  });
});

describe('props guard: the static factories that build a construct from props', () => {
  it('are all in the generated table', () => {
    expect(Object.keys(FACTORY_PROPS_KEYS).length).toBeGreaterThan(12);
    for (const factory of Object.keys(FACTORY_PROPS_KEYS)) {
      const [cls, method] = factory.split('.');
      expect(typeof (lib as unknown as Record<string, Record<string, unknown>>)[cls]?.[method], factory).toBe('function');
    }
  });

  describe.each(Object.keys(FACTORY_PROPS_KEYS))('%s', (factory) => {
    const entry = FACTORY_PROPS_KEYS[factory];
    const [cls, method] = factory.split('.');
    const build = (...args: unknown[]) => (lib as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[cls][method](chart(), 'x', ...args);

    it('without props, or a string: the library\'s own error, never a TypeError', () => {
      const none = thrown(() => build());
      if (entry.optional) {
        if (none !== undefined) expect(none).toBeInstanceOf(ValidationError);
      } else {
        expect((none as Error).message.startsWith('test/x: props must be an object, got undefined. Fix: pass '), String(none)).toBe(true);
      }
      const text = thrown(() => build('mlflow'));
      expect((text as Error).message.startsWith('test/x: props must be an object, got a string. Fix: pass '), String(text)).toBe(true);
    });

    it('a misspelt prop is refused naming it, the factory and the prop it is closest to', () => {
      const key = entry.keys.find((k) => k.length > 3 && nearestName(typoOf(k), entry.keys) === k)!;
      const typo = typoOf(key);
      const shown = /(password|secret|token|credentials?|key)$/i.test(key) ? '<redacted>' : '3';
      expect(() => build({ [typo]: 3 })).toThrowError(exactly(
        `test/x: ${typo} is not a prop of ${factory}, got ${shown}. Fix: did you mean ${key}? (${entry.type} has ${entry.keys.join(', ')})`));
    });
  });

  it('a preset\'s own props are checked against the preset (KeycloakRealm.mlflow: hots -> host)', () => {
    expect(() => lib.KeycloakRealm.mlflow(chart(), 'realm', { hots: 'mlflow.example.com' } as any)).toThrowError(
      /^test\/realm: hots is not a prop of KeycloakRealm\.mlflow, got "mlflow\.example\.com"\. Fix: did you mean host\? /);
  });
});

describe('props guard: the options of static factories that build a value', () => {
  it('are in the generated table, each a static method of an exported class', () => {
    expect(Object.keys(OPTIONS_PROPS_KEYS)).toEqual(expect.arrayContaining(['Platform.generic', 'Platform.canonicalKubernetes', 'Platform.gkeDataplaneV2', 'Platform.kubeflow']));
    for (const factory of Object.keys(OPTIONS_PROPS_KEYS)) {
      const [cls, method] = factory.split('.');
      expect(typeof (lib as unknown as Record<string, Record<string, unknown>>)[cls]?.[method], factory).toBe('function');
    }
    expect(OPTIONS_PROPS_KEYS['Platform.kubeflow']).toEqual({ type: 'KubeflowPlatformOptions', optional: true, required: [], keys: ['cluster', 'namespace'] });
  });

  it('the Platform presets refuse a misspelt option with the generated advice', () => {
    for (const preset of ['generic', 'canonicalKubernetes', 'gkeDataplaneV2'] as const) {
      expect(() => (lib.Platform[preset] as (o: unknown) => unknown)({ ingresController: {} })).toThrowError(exactly(
        `Platform.${preset}: ingresController is not a prop of Platform.${preset}, got {}. Fix: did you mean ingressController? (ClusterOptions has ingressController)`));
    }
  });
});

describe('props guard: the cases of issue 19', () => {
  const { TrackingServer, Namespace, ResourceQuota, LimitRange, Postgres } = lib;

  it('`replica: 3` is refused with "did you mean replicas?" (it rendered one replica before)', () => {
    expect(() => new TrackingServer(chart(), 'mlflow', { replica: 3 } as any)).toThrowError(exactly(
      `test/mlflow: replica is not a prop of TrackingServer, got 3. Fix: did you mean replicas? (TrackingServerProps has ${PROPS_KEYS.TrackingServer.keys.join(', ')})`));
  });

  it('Namespace({ lables }), ResourceQuota({ pod }) and LimitRange({ maxx }) are refused', () => {
    expect(() => new Namespace(chart(), 'ns', { lables: { team: 'a' } } as any)).toThrowError(
      /^test\/ns: lables is not a prop of Namespace, got \{"team":"a"\}\. Fix: did you mean labels\? \(NamespaceProps has /);
    expect(() => new ResourceQuota(chart(), 'quota', { requestsCpu: '4', requestsMemory: '8Gi', limitsMemory: '8Gi', pod: 10 } as any)).toThrowError(
      /^test\/quota: pod is not a prop of ResourceQuota, got 10\. Fix: did you mean pods\? /);
    expect(() => new LimitRange(chart(), 'limits', { maxx: {} } as any)).toThrowError(
      /^test\/limits: maxx is not a prop of LimitRange, got \{\}\. Fix: did you mean max\? /);
  });

  it('a name close to no prop lists the props instead of guessing', () => {
    expect(() => new LimitRange(chart(), 'limits', { tolerations: [] } as any)).toThrowError(exactly(
      'test/limits: tolerations is not a prop of LimitRange, got []. Fix: remove it; LimitRangeProps has defaultLimit, defaultRequest, max, name'));
  });

  it('the value of a misspelt secret prop is not shown', () => {
    expect(() => new Postgres(chart(), 'db', { superuserPasword: 'hunter2' } as any)).toThrowError(
      /^test\/db: superuserPasword is not a prop of Postgres, got <redacted>\. Fix: did you mean superuserPassword\? /);
    const e = thrown(() => new Postgres(chart(), 'db', { superuserPasword: 'hunter2' } as any)) as Error;
    expect(e.message).not.toContain('hunter2');
  });

  it('a key whose value is undefined changes nothing and is let through (a spread of optional values)', () => {
    const c = chart();
    expect(() => new Namespace(c, 'ns', { lables: undefined } as any)).not.toThrow();
  });

  it("a user's subclass takes its library ancestor's props", () => {
    class MyNamespace extends Namespace {}
    expect(() => new MyNamespace(chart(), 'ns', { lables: {} } as any)).toThrowError(/^test\/ns: lables is not a prop of Namespace, /);
    expect(() => new MyNamespace(chart(), 'ns', { labels: { team: 'a' } })).not.toThrow();
  });

  it('nearestName counts a swap of neighbours as one edit and guesses only when close', () => {
    expect(nearestName('lables', ['labels', 'name'])).toBe('labels');
    expect(nearestName('replica', ['replicas', 'resources'])).toBe('replicas');
    expect(nearestName('tolerations', ['max', 'name'])).toBeUndefined();
  });
});
