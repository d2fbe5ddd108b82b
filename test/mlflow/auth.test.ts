import { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import * as lib from '../../lib';
import { MlflowAuthConfig, MlflowAuthMode } from '../../lib/mlflow/auth';
import { MlflowAuth } from '../../lib/mlflow/mlflow-auth';
import { container, find, secretRef } from '../support/synth';
import { synthAuthServer } from '../support/mlflow-fixture';

/** A mode written outside the library: one class, registered nowhere, used through `auth`. */
class HeaderAuth extends MlflowAuth {
  public get _replacesImage(): boolean {
    return false;
  }
  public bind(_scope: IConstruct): MlflowAuthConfig {
    return { serverArgs: ['--app-name', 'header-auth'], env: [], files: { 'header.py': 'pass\n' }, mountPath: '/mlflow/auth', probes: { startup: '/health', liveness: '/health', readiness: '/health' } };
  }
}

describe('MlflowAuth (the registry of auth modes)', () => {
  it('every mode its factories make is an MlflowAuth and an MlflowAuthMode; the public entry exports both', () => {
    const modes = [
      MlflowAuth.basic({ adminPassword: secretRef('a', 'b'), secretKey: secretRef('a', 'c') }),
      MlflowAuth.oidc({ provider: {} as never, image: 'registry.example.com/mlflow-oidc-auth:3.14.0-7.18.0' }),
      MlflowAuth.oauth2Proxy({ provider: {} as never, cookieSecret: secretRef('a', 'd') }),
    ];
    for (const m of modes) {
      expect(m).toBeInstanceOf(MlflowAuth);
      expect(m).toBeInstanceOf(MlflowAuthMode);
    }
    expect(lib.MlflowAuth).toBe(MlflowAuth);
    expect(lib.MlflowAuthMode).toBe(MlflowAuthMode);
  });

  it("a subclass's instanceof stays its own (the registry's widening applies to MlflowAuth only)", () => {
    expect(new HeaderAuth()).toBeInstanceOf(HeaderAuth);
    expect(MlflowAuth.basic({ adminPassword: secretRef('a', 'b'), secretKey: secretRef('a', 'c') })).not.toBeInstanceOf(HeaderAuth);
    expect({ bind: () => ({}) }).not.toBeInstanceOf(MlflowAuth);
  });

  it('a mode defined outside the library renders through the tracking server', () => {
    const objs = synthAuthServer(() => new HeaderAuth());
    const mlflow = container(find(objs, 'Deployment', 'mlflow'), 'mlflow');
    expect(mlflow.command).toEqual(expect.arrayContaining(['--app-name', 'header-auth']));
  });
});
