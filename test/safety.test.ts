/**
 * Safety properties with explicit assertions, so that `vitest -u` on a snapshot can never accept
 * losing one of them.
 */
import { describe, expect, it } from 'vitest';
import { App } from 'cdk8s';
import { mlflowMinioPostgres } from '../apps/mlflow-minio-postgres';
import { synthObjects } from '../lib/synth/synth';
import { find, ofKind } from './support/synth';

const objs = (() => {
  const app = new App();
  mlflowMinioPostgres(app, 'mlflow-minio-postgres');
  return synthObjects(app);
})();
const KEEP = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' };

describe('data survives deleting or pruning the Argo CD Application', () => {
  it('the Namespace (and so every PVC in it) is never deleted or pruned by Argo CD', () => {
    expect(find(objs, 'Namespace', 'mlops').metadata.annotations).toMatchObject(KEEP);
  });

  it('every standalone PersistentVolumeClaim (the backup volume) is never deleted or pruned', () => {
    const pvcs = ofKind(objs, 'PersistentVolumeClaim');
    expect(pvcs.map((p) => p.metadata.name)).toEqual(['minio-backup']);
    for (const pvc of pvcs) expect(pvc.metadata.annotations, pvc.metadata.name).toMatchObject(KEEP);
  });

  it('every StatefulSet retains its claims when deleted or scaled down', () => {
    const sets = ofKind(objs, 'StatefulSet');
    expect(sets.map((s) => s.metadata.name).sort()).toEqual(['minio', 'postgresql']);
    for (const s of sets) {
      expect(s.spec.persistentVolumeClaimRetentionPolicy, s.metadata.name).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    }
  });
});

describe('PostgreSQL bootstrap', () => {
  const script: string = find(objs, 'ConfigMap', 'postgresql-initdb').data['10-app-database.sh'];

  it('revokes every default privilege of PUBLIC on the application database', () => {
    expect(script).toContain('REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;');
    // after the database exists, inside the same psql session that stops on the first error
    expect(script.indexOf('REVOKE ALL')).toBeGreaterThan(script.indexOf('CREATE DATABASE'));
    expect(script).toContain('psql -v ON_ERROR_STOP=1');
  });

  it('gives the database to a non-superuser role whose password comes from the environment', () => {
    expect(script).toContain('CREATE ROLE :"app_user" LOGIN PASSWORD :\'app_password\';');
    expect(script).not.toMatch(/SUPERUSER|CREATEROLE|CREATEDB/);
    expect(script).toContain('\\getenv app_password APP_PASSWORD');
  });

  it('turns off, for its session, every setting that logs a statement\'s text before it sends the password', () => {
    const firstPassword = script.indexOf('PASSWORD :');
    expect(firstPassword).toBeGreaterThan(0);
    for (const set of [
      "SET log_statement = 'none';", 'SET log_min_duration_statement = -1;', 'SET log_min_duration_sample = -1;',
      'SET log_transaction_sample_rate = 0;', "SET log_min_error_statement = 'panic';",
      'SET debug_print_parse = off;', 'SET debug_print_rewritten = off;', 'SET debug_print_plan = off;',
    ]) {
      expect(script).toContain(set);
      expect(script.indexOf(set)).toBeLessThan(firstPassword);
    }
  });
});
