import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { eoepcaMlops } from '../../apps/eoepca-mlops';
import { Platform } from '../../lib';
import { IngressObject, selectIngressRoute } from '../../lib/synth';
import { checkReachability } from '../../lib/synth/reachability-check';
import { renderedObjects } from '../../lib/synth/app-validation';

const ing = (name: string, paths: Array<[string, string, string]>, annotations: Record<string, string> = {}): IngressObject => ({
  metadata: { name, namespace: 'ns', annotations },
  spec: { ingressClassName: 'nginx', rules: [{ host: 'h.example.com', http: { paths: paths.map(([path, pathType, service]) => ({ path, pathType, backend: { service: { name: service } } })) } }] },
});

describe('ingress-nginx location selection (controller-v1.12.8)', () => {
  const root = ing('root', [['/', 'Prefix', 'hub']]);
  const redirect = ing('redirect', [['/mlflow', 'Exact', 'mlflow']], { 'nginx.ingress.kubernetes.io/permanent-redirect': 'https://h.example.com/mlflow/' });

  it('without regex on the host: an Exact location wins, then the longest prefix (a Prefix path also gets an Exact copy)', () => {
    const prefix = ing('mlflow', [['/mlflow/', 'Prefix', 'mlflow']]);
    expect(selectIngressRoute([root, redirect, prefix], 'h.example.com', '/mlflow')).toEqual({ ingress: 'ns/redirect', location: '= /mlflow', redirect: 'https://h.example.com/mlflow/' });
    expect(selectIngressRoute([root, redirect, prefix], 'h.example.com', '/mlflow/x')).toEqual({ ingress: 'ns/mlflow', location: '/mlflow/', service: 'mlflow', backendPath: '/mlflow/x' });
    expect(selectIngressRoute([root, ing('api', [['/api', 'Prefix', 'api']])], 'h.example.com', '/api')).toMatchObject({ location: '= /api', service: 'api' });
    expect(selectIngressRoute([root], 'other.example.com', '/')).toBeUndefined();
  });

  it('once one Ingress of the host rewrites, every path is a regex, longest first: /mlflow never reaches the Exact redirect', () => {
    const rewrite = ing('mlflow', [['/mlflow(/|$)(.*)', 'ImplementationSpecific', 'mlflow']], {
      'nginx.ingress.kubernetes.io/rewrite-target': '/$2', 'nginx.ingress.kubernetes.io/use-regex': 'true',
    });
    // kubernetes/ingress-nginx#10618: the redirect is shadowed by the longer regex location.
    expect(selectIngressRoute([root, redirect, rewrite], 'h.example.com', '/mlflow')).toEqual({ ingress: 'ns/mlflow', location: '~* "^/mlflow(/|$)(.*)"', service: 'mlflow', backendPath: '/' });
    expect(selectIngressRoute([root, redirect, rewrite], 'h.example.com', '/mlflow/ajax-api/x')).toMatchObject({ service: 'mlflow', backendPath: '/ajax-api/x' });
    // ... and the former Exact location is now a prefix regex: it catches /mlflowx.
    expect(selectIngressRoute([root, redirect, rewrite], 'h.example.com', '/mlflowx')).toMatchObject({ ingress: 'ns/redirect', location: '~* "^/mlflow"' });
    // Case-insensitive.
    expect(selectIngressRoute([root, redirect, rewrite], 'h.example.com', '/MLFLOW/')).toMatchObject({ service: 'mlflow' });
  });

  it('eoepca-mlops as rendered: /mlflow (no slash) reaches its redirect, /mlflow/... MLflow, anything else SharingHub', () => {
    const app = new App();
    eoepcaMlops(app, 'eoepca-mlops', { deployGitLab: true });
    const ingresses = renderedObjects(app).map((o) => o.object).filter((o) => o.kind === 'Ingress') as unknown as IngressObject[];
    const host = 'sharinghub.example.com';
    expect(selectIngressRoute(ingresses, host, '/mlflow')).toEqual({ ingress: 'sharinghub/mlflow-sharinghub-redirect', location: '~* "^/mlflow$"', redirect: 'https://sharinghub.example.com/mlflow/' });
    expect(selectIngressRoute(ingresses, host, '/mlflow/')).toMatchObject({ service: 'mlflow-sharinghub', backendPath: '/' });
    expect(selectIngressRoute(ingresses, host, '/mlflow/ajax-api/2.0/mlflow/runs/get')).toMatchObject({ service: 'mlflow-sharinghub', backendPath: '/ajax-api/2.0/mlflow/runs/get' });
    expect(selectIngressRoute(ingresses, host, '/mlflowx')).toMatchObject({ service: 'sharinghub', backendPath: '/mlflowx' });
  });

  it('an expected route that ingress-nginx sends elsewhere is a synth error naming the location that took it', () => {
    const app = new App();
    eoepcaMlops(app, 'eoepca-mlops');
    Platform.expectRoute(app, { description: 'browser → /mlflowx reaches MLflow', host: 'sharinghub.example.com', path: '/mlflowx', service: 'mlflow-sharinghub' });
    expect(checkReachability(app)).toEqual([
      // The construct path of the Ingress that took the request.
      'eoepca-mlops/sharinghub: flow "browser → /mlflowx reaches MLflow" is denied on generic Kubernetes (https://sharinghub.example.com/mlflowx (want Service mlflow-sharinghub)), '
      + 'got DENY ingress-nginx: location ~* "^/" of Ingress sharinghub/sharinghub → Service sharinghub at /mlflowx. '
      + 'Fix: change the Ingress paths of sharinghub.example.com: once one Ingress of a host rewrites or uses regex, ingress-nginx makes every path of the host a case-insensitive regex and takes the first match, longest path first.',
    ]);
    expect(() => Platform.expectRoute(app, { description: 'x', host: 'h', path: 'mlflow', service: 's' })).toThrow('route.path must be a request path starting with "/", got "mlflow"');
  });
});
