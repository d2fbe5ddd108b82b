import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { readManifests } from '../../lib/synth/synth';
import { SYNC_WAVE_ANNOTATION, syncWaveOf, SyncWave, withSyncWave } from '../../lib/synth/sync-waves';

const dist = path.resolve(__dirname, '..', '..', 'dist', 'mlflow-minio-postgres');
const waveOf = (kind: string, name: string) => {
  const o = readManifests(dist).map(([, m]) => m).find((m) => m.kind === kind && m.metadata.name === name)!;
  return Number((o.metadata.annotations as Record<string, string>)[SYNC_WAVE_ANNOTATION]);
};

describe('sync waves', () => {
  it('order namespaces, then secrets and policies, then databases, then setup jobs, then servers, then schedules (in dist/)', () => {
    const order = [
      waveOf('Namespace', 'mlops'),
      waveOf('ExternalSecret', 'postgresql-credentials'),
      waveOf('StatefulSet', 'postgresql'),
      waveOf('Job', 'minio-setup'),
      waveOf('Deployment', 'mlflow'),
      waveOf('CronJob', 'postgresql-backup'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(order.length);
    expect(waveOf('NetworkPolicy', 'default-deny-all')).toBeLessThan(waveOf('StatefulSet', 'postgresql'));
  });

  it('the MLflow smoke test runs after the sync (PostSync, no wave); what it needs is applied in the sync', () => {
    const job = readManifests(dist).map(([, m]) => m).find((m) => m.kind === 'Job' && m.metadata.name === 'mlflow-smoke-test')!;
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    for (const [kind, name] of [['ConfigMap', 'mlflow-smoke-test-script'], ['ServiceAccount', 'mlflow-smoke-test'], ['NetworkPolicy', 'mlflow-smoke-test-egress']]) {
      expect(Number.isInteger(waveOf(kind, name)), `${kind}/${name}`).toBe(true);
    }
  });

  it('every object of every kustomize directory carries a wave, except Applications and PostSync hooks', () => {
    const all = readManifests(path.join(dist, '..')).map(([f, m]) => [f, m] as const).filter(([f]) => !f.includes(`${path.sep}gcp-kfp${path.sep}`));
    const postSync = (m: any) => m.metadata.annotations?.['argocd.argoproj.io/hook'] === 'PostSync';
    expect(all.filter(([, m]) => postSync(m)).length, 'the smoke tests and the dashboard link run after the sync').toBeGreaterThan(0);
    const missing = all.filter(([, m]) => m.kind !== 'Application' && !postSync(m) && (m.metadata.annotations as any)?.[SYNC_WAVE_ANNOTATION] === undefined);
    expect(missing.map(([f]) => f)).toEqual([]);
  });

  it('keeps an explicit wave, skips PostSync hooks, and marks custom resources to skip dry-run until their CRD exists', () => {
    const obj = (kind: string, annotations?: Record<string, string>, apiVersion = 'v1') => ({ apiVersion, kind, metadata: { name: 'x', ...(annotations ? { annotations } : {}) } });
    expect(syncWaveOf(obj('ConfigMap', { [SYNC_WAVE_ANNOTATION]: '7' }))).toBe(7);
    expect(syncWaveOf(obj('Job', { 'argocd.argoproj.io/hook': 'PostSync' }))).toBeUndefined();
    expect(syncWaveOf(obj('Widget'))).toBe(SyncWave.SERVERS);
    const es = withSyncWave(obj('ExternalSecret', { 'argocd.argoproj.io/sync-options': 'Prune=false' }, 'external-secrets.io/v1'));
    expect(es.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,SkipDryRunOnMissingResource=true', [SYNC_WAVE_ANNOTATION]: '-1' });
    expect(withSyncWave(obj('NetworkPolicy', undefined, 'networking.k8s.io/v1')).metadata.annotations).toEqual({ [SYNC_WAVE_ANNOTATION]: '-1' });
  });
});
