import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, it, expect } from 'vitest';
import { formatViolation, SchemaValidator } from '../../lib/synth/schema-validator';

const loadStart = performance.now();
const shipped = SchemaValidator.shipped();
shipped.hasSchema('apps/v1', 'Deployment'); // loads the built-in definitions
const loadMs = performance.now() - loadStart;
/** The messages a user sees. */
const validator = {
  validate: (obj: any) => shipped.validate(obj).map(formatViolation),
  validateAll: (objs: any[]) => objs.flatMap((o) => shipped.validate(o).map(formatViolation)),
  hasSchema: (apiVersion: string, kind: string) => shipped.hasSchema(apiVersion, kind),
};

function deployment(container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'mlops', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'web',
              image: 'ghcr.io/example/web:1.2.3',
              ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
              livenessProbe: { tcpSocket: { port: 8080 } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              ...container,
            },
          ],
        },
      },
      ...spec,
    },
  };
}

function externalSecret(spec: Record<string, unknown> = {}, apiVersion = 'external-secrets.io/v1'): any {
  return {
    apiVersion,
    kind: 'ExternalSecret',
    metadata: { name: 'db-credentials', namespace: 'mlops' },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'gcp-secret-manager' },
      target: { name: 'db-credentials', creationPolicy: 'Owner' },
      data: [{ secretKey: 'password', remoteRef: { key: 'mlops-db-password' } }],
      ...spec,
    },
  };
}

function onlyMatching(errors: string[], needle: string): string[] {
  return errors.filter((e) => e.includes(needle));
}

describe('schema validator: rejects', () => {
  it('an unknown field in a Deployment container', () => {
    const errors = validator.validate(deployment({ imagePullPolicyy: 'Always' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('apps/v1/Deployment mlops/web');
    expect(errors[0]).toContain('$.spec.template.spec.containers[0].imagePullPolicyy');
    expect(errors[0]).toContain('unknown field "imagePullPolicyy"');
  });

  it('a wrong type (replicas: "3")', () => {
    const errors = validator.validate(deployment({}, { replicas: '3' }));
    expect(errors).toEqual(['apps/v1/Deployment mlops/web: $.spec.replicas: expected integer, got string "3"']);
  });

  it('a number where an integer is required', () => {
    const errors = validator.validate(deployment({}, { replicas: 1.5 }));
    expect(onlyMatching(errors, '$.spec.replicas')).toHaveLength(1);
  });

  it('a missing required field (container without name)', () => {
    const d = deployment();
    delete d.spec.template.spec.containers[0].name;
    const errors = validator.validate(d);
    expect(errors).toEqual([
      'apps/v1/Deployment mlops/web: $.spec.template.spec.containers[0].name: missing required field "name"',
    ]);
  });

  it('an unknown field inside an ExternalSecret spec', () => {
    const errors = validator.validate(externalSecret({ refreshIntervall: '1h' }));
    expect(errors).toEqual([
      'external-secrets.io/v1/ExternalSecret mlops/db-credentials: $.spec.refreshIntervall: unknown field "refreshIntervall"',
    ]);
  });

  it('an unknown field deep inside an ExternalSecret spec', () => {
    const errors = validator.validate(
      externalSecret({ data: [{ secretKey: 'password', remoteRef: { key: 'k', verison: '1' } }] }),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('$.spec.data[0].remoteRef.verison: unknown field');
  });

  it('an enum violation in a CRD', () => {
    const errors = validator.validate(externalSecret({ target: { name: 'x', creationPolicy: 'Sometimes' } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('$.spec.target.creationPolicy');
    expect(errors[0]).toContain('is not one of');
  });

  it('an unserved CRD version and an unknown kind', () => {
    expect(validator.validate(externalSecret({}, 'external-secrets.io/v1beta1'))[0]).toContain(
      'no schema for apiVersion external-secrets.io/v1beta1 kind ExternalSecret (ExternalSecret serves v1)',
    );
    expect(validator.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'example.com/v1/Widget w: $: no schema for apiVersion example.com/v1 kind Widget. Fix: use a kind listed in crds/sources.json, or give it one with SchemaValidator.addSchema',
    ]);
    expect(validator.validate({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'w' } })[0]).toContain(
      'no schema for apiVersion apps/v1 kind Deploymnet',
    );
  });

  it('unknown top-level fields, null values, bad int-or-string, invalid labels and missing names', () => {
    const d = deployment({}, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: true } } });
    d.spec.template.metadata.labels.bad = 'has spaces';
    d.spec.paused = null;
    d.extra = 1;
    delete d.metadata.name;
    const errors = validator.validate(d);
    expect(errors).toHaveLength(5);
    expect(onlyMatching(errors, '$.extra: unknown field')).toHaveLength(1);
    expect(onlyMatching(errors, '$.spec.paused: null is not allowed')).toHaveLength(1);
    expect(onlyMatching(errors, '$.spec.strategy.rollingUpdate.maxSurge: expected')).toHaveLength(1);
    expect(onlyMatching(errors, '$.spec.template.metadata.labels.bad: invalid label value')).toHaveLength(1);
    expect(onlyMatching(errors, '$.metadata.name: name or generateName is required')).toHaveLength(1);
  });

  it('non-base64 Secret data and duplicate list-map keys', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'not base64!' } };
    expect(validator.validate(secret)).toEqual([
      'v1/Secret s: $.data.password: expected base64-encoded data (format: byte)',
    ]);
    const d = deployment({
      ports: [
        { containerPort: 8080, protocol: 'TCP' },
        { containerPort: 8080, protocol: 'TCP' },
      ],
    });
    expect(onlyMatching(validator.validate(d), 'duplicate entry for list-map key')).toHaveLength(1);
  });
});

describe('schema validator: accepts', () => {
  it('a valid Deployment', () => {
    expect(validator.validate(deployment())).toEqual([]);
  });

  it('a valid Service', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'mlops' },
      spec: {
        type: 'ClusterIP',
        selector: { 'app.kubernetes.io/name': 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    };
    expect(validator.validate(svc)).toEqual([]);
  });

  it('a valid NetworkPolicy', () => {
    const np = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-ingress', namespace: 'mlops' },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } },
            ],
            ports: [{ port: 8080, protocol: 'TCP' }, { port: 'http' }],
          },
        ],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 53, protocol: 'UDP', endPort: 53 }] }],
      },
    };
    expect(validator.validate(np)).toEqual([]);
  });

  it('a valid ExternalSecret (external-secrets.io/v1)', () => {
    expect(validator.validate(externalSecret())).toEqual([]);
    expect(
      validator.validate(
        externalSecret({
          target: { name: 'db', template: { type: 'Opaque', engineVersion: 'v2', data: { url: 'postgres://{{ .password }}' } } },
          dataFrom: [{ extract: { key: 'mlops-db' } }],
        }),
      ),
    ).toEqual([]);
  });

  it('a valid ServiceMonitor', () => {
    const sm = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'web', namespace: 'mlops', labels: { release: 'prometheus' } },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
        namespaceSelector: { matchNames: ['mlops'] },
        endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scheme: 'http' }],
      },
    };
    expect(validator.validate(sm)).toEqual([]);
  });

  it('a valid argoproj.io/v1alpha1 Application', () => {
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'mlops', namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: {
        project: 'default',
        source: { repoURL: 'https://github.com/example/mlops.git', targetRevision: 'main', path: 'dist/mlops' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'mlops' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=false', 'ServerSideApply=true'],
          retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
        },
      },
    };
    expect(validator.validate(app)).toEqual([]);
  });

  it('free-form and int-or-string fields, and skips Kustomization files', () => {
    const d = deployment({ resources: { limits: { cpu: 2, memory: '1Gi' }, requests: { cpu: 0.5 } } });
    d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
    expect(validator.validate(d)).toEqual([]);
    expect(
      validator.validate({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['a.yaml'] }),
    ).toEqual([]);
  });
});

describe('schema validator: cost', () => {
  it('loads and validates quickly', () => {
    expect(SchemaValidator.shipped()).toBe(shipped); // parsed once per process
    const v = validator;
    expect(v.hasSchema('argoproj.io/v1alpha1', 'Application')).toBe(true);
    const objs = [deployment(), externalSecret()];
    v.validateAll(objs); // warm up (loads external-secrets.io)
    const n = 200;
    const t = performance.now();
    for (let i = 0; i < n; i++) v.validateAll(objs);
    const perObjectMs = (performance.now() - t) / (n * objs.length);
    console.log(
      `schema validator: k8s definitions loaded in ${loadMs.toFixed(0)} ms, ` +
        `${(perObjectMs * 1000).toFixed(0)} us per object`,
    );
    expect(perObjectMs).toBeLessThan(5);
  });
});

describe('schema validator: shipped schemas', () => {
  it('are found from the compiled build and from an installed package layout', () => {
    const root = path.resolve(__dirname, '..', '..');
    const pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'installed-'));
    try {
      const installed = path.join(pkg, 'node_modules', '@mlops-cdk8s', 'platform');
      fs.mkdirSync(path.join(installed, 'build', 'lib', 'synth'), { recursive: true });
      fs.copyFileSync(path.join(root, 'build', 'lib', 'synth', 'schema-validator.js'), path.join(installed, 'build', 'lib', 'synth', 'schema-validator.js'));
      fs.cpSync(path.join(root, 'imports', 'schemas'), path.join(installed, 'imports', 'schemas'), { recursive: true });
      for (const dir of [path.join(root, 'build'), path.join(installed, 'build')]) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const m = require(path.join(dir, 'lib', 'synth', 'schema-validator.js'));
        expect(m.packagedSchemaDir()).toBe(path.join(path.dirname(dir), 'imports', 'schemas'));
        expect(new m.SchemaValidator().validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, specc: {} }).map(m.formatViolation))
          .toEqual(['v1/Namespace x: $.specc: unknown field "specc"']);
      }
    } finally {
      fs.rmSync(pkg, { recursive: true, force: true });
    }
  });

  it('names the construct path when given one', () => {
    expect(shipped.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { a: 1 } }, 'app/chart/c').map(formatViolation))
      .toEqual(['app/chart/c: v1/ConfigMap n/c: $.data.a: expected string, got integer 1']);
  });

  it('can ignore kinds without a schema', () => {
    expect(new SchemaValidator({ ignoreMissingSchemas: true }).validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([]);
  });
});
