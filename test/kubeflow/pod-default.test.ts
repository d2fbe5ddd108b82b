import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { EnvValue } from '../../lib/core/pod';
import { SecretValue } from '../../lib/core/secret-value';
import { PodDefault, PodDefaultVolume } from '../../lib/kubeflow/pod-default';
import { checkApp } from '../../lib/synth/manifest-checks';
import { loadValidator } from '../support/schema';
import { exactly, find, synthChart } from '../support/synth';

const profile = 'kubeflow-user-example-com';

describe('PodDefault.accessMlPipeline', () => {
  const objs = synthChart((chart) => { PodDefault.accessMlPipeline(chart, 'kfp'); }, profile);
  const pd = find(objs, 'PodDefault', 'access-ml-pipeline');

  it('is the seed\'s access-ml-pipeline, in the profile namespace', () => {
    expect(pd.apiVersion).toBe('kubeflow.org/v1alpha1');
    expect(pd.metadata.namespace).toBe(profile);
    expect(pd.spec.desc).toBe('Allow access to Kubeflow Pipelines');
    expect(pd.spec.selector).toEqual({ matchLabels: { 'access-ml-pipeline': 'true' } });
  });

  it('projects a 7200 s token for audience pipelines.kubeflow.org, mounted read-only, and points KFP to it', () => {
    expect(pd.spec.volumes).toEqual([{
      name: 'volume-kf-pipeline-token',
      projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 7200, audience: 'pipelines.kubeflow.org' } }] },
    }]);
    expect(pd.spec.volumeMounts).toEqual([{ name: 'volume-kf-pipeline-token', mountPath: '/var/run/secrets/kubeflow/pipelines', readOnly: true }]);
    expect(pd.spec.env).toEqual([{ name: 'KF_PIPELINES_SA_TOKEN_PATH', value: '/var/run/secrets/kubeflow/pipelines/token' }]);
  });

  it('validates strictly against the PodDefault CRD and passes the app checks', () => {
    expect(loadValidator().validateAll(objs)).toEqual([]);
    expect(checkApp(objs)).toEqual([]);
  });

  it('matches the snapshot', () => {
    expect(pd).toMatchSnapshot();
  });
});

describe('PodDefault', () => {
  it('renders env from secrets and every volume kind, each with its mount', () => {
    const objs = synthChart((chart) => {
      new PodDefault(chart, 'pd', {
        name: 'mlflow-access',
        description: 'Use MLflow',
        selectorLabel: 'example.com/mlflow',
        env: [
          ['MLFLOW_TRACKING_URI', EnvValue.literal('http://mlflow.kubeflow:5000')],
          ['MLFLOW_TRACKING_TOKEN', EnvValue.fromSecret(SecretValue.fromSecret('mlflow-token', 'token'))],
        ],
        mounts: [
          { volume: PodDefaultVolume.secret('creds', 'mlflow-creds'), mountPath: '/etc/creds' },
          { volume: PodDefaultVolume.configMap('conf', 'mlflow-conf'), mountPath: '/etc/conf', readOnly: false },
        ],
      });
    }, profile);
    const pd = find(objs, 'PodDefault', 'mlflow-access');
    expect(pd.spec.selector.matchLabels).toEqual({ 'example.com/mlflow': 'true' });
    expect(pd.spec.env[1]).toEqual({ name: 'MLFLOW_TRACKING_TOKEN', valueFrom: { secretKeyRef: { name: 'mlflow-token', key: 'token' } } });
    expect(pd.spec.volumes).toEqual([{ name: 'creds', secret: { secretName: 'mlflow-creds' } }, { name: 'conf', configMap: { name: 'mlflow-conf' } }]);
    expect(pd.spec.volumeMounts).toEqual([
      { name: 'creds', mountPath: '/etc/creds', readOnly: true },
      { name: 'conf', mountPath: '/etc/conf', readOnly: false },
    ]);
    expect(loadValidator().validateAll(objs)).toEqual([]);
  });

  const build = (props: any) => () => synthChart((chart) => { new PodDefault(chart, 'pd', { name: 'x', description: 'd', ...props }); }, profile);

  it.each([
    ['a literal credential', { env: [['MLFLOW_TRACKING_PASSWORD', EnvValue.literal('s3cret')]] },
      'test/pd: env.MLFLOW_TRACKING_PASSWORD looks like a credential and must not be a literal value, got "<redacted>". Fix: pass EnvValue.fromSecret(SecretValue.fromSecret(name, key)), or mount it and point to the file with a *_PATH variable'],
    ['a bad selector label', { selectorLabel: 'has space' },
      'test/pd: selectorLabel must be a label key ([prefix/]name, at most 63 characters in the name), got "has space". Fix: use a key such as "access-ml-pipeline"'],
    ['an empty description', { description: ' ' },
      'test/pd: description must be a non-empty text (the notebook form shows it), got " ". Fix: describe what the option gives, such as "Allow access to Kubeflow Pipelines"'],
    ['a relative mount path', { mounts: [{ volume: PodDefaultVolume.secret('s', 'sec'), mountPath: 'etc' }] },
      'test/pd: mounts[0].mountPath must be an absolute path without ".." segments, got "etc". Fix: write it as "/var/run/secrets/kubeflow/pipelines"'],
    ['a plain-object volume', { mounts: [{ volume: { name: 'v', secret: {} }, mountPath: '/v' }] },
      'test/pd: mounts[0].volume must be made with PodDefaultVolume.serviceAccountToken/secret/configMap, got "object". Fix: pass volume: PodDefaultVolume.serviceAccountToken("token", { audience: "..." })'],
    ['a token expiring in under 10 minutes', { mounts: [{ volume: PodDefaultVolume.serviceAccountToken('t', { audience: 'a', expiration: Duration.minutes(1) }), mountPath: '/t' }] },
      'test/pd: mounts[0].volume.expiration must be a whole number of seconds from 600 to 4294967296, got "1 minute". Fix: pass Duration.seconds(n) with n from 600 to 4294967296'],
    ['a token without audience', { mounts: [{ volume: PodDefaultVolume.serviceAccountToken('t', { audience: '' }), mountPath: '/t' }] },
      'test/pd: mounts[0].volume.audience must be a non-empty string without spaces, got "". Fix: set the audience the receiver checks, such as "pipelines.kubeflow.org"'],
    ['two mounts on one path', { mounts: [{ volume: PodDefaultVolume.secret('a', 'a'), mountPath: '/m' }, { volume: PodDefaultVolume.secret('b', 'b'), mountPath: '/m' }] },
      'test/pd: mounts[1].mountPath is mounted twice, got "/m". Fix: give each volume its own mountPath'],
    ['a variable set twice', { env: [['A', EnvValue.literal('1')], ['A', EnvValue.literal('2')]] },
      'test/pd: env.A is set twice, got "A". Fix: keep one entry per variable'],
  ])('refuses %s', (_, props, message) => {
    expect(build(props)).toThrowError(exactly(message));
  });
});
