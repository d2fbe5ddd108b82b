/**
 * A module loaded on first use. The CRD bindings are large (KServe's JavaScript alone is 1.6 MB)
 * and an app uses few of them, so the constructs load a binding when they first render one of its
 * kinds instead of when the package is imported: `npx cdk8s synth` of an app with none of them
 * parses none of them. Property reads, `in` and key listing are forwarded to the loaded module.
 */
export function lazyModule<T extends object>(load: () => T): T {
  let loaded: T | undefined;
  const target = (): T => (loaded ??= load());
  return new Proxy({} as T, {
    get: (_, p) => Reflect.get(target(), p),
    has: (_, p) => Reflect.has(target(), p),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, p) => {
      const d = Reflect.getOwnPropertyDescriptor(target(), p);
      return d ? { ...d, configurable: true } : undefined;
    },
  });
}
