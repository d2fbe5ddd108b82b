import { Construct } from 'constructs';
import { renderJob } from '../core/batch';
import { k8s } from '../core/k8s';
import { EnvValue } from '../core/pod';
import { readScript } from '../core/script-file';
import { Workload } from '../core/workload';
import { WorkloadComponent } from '../core/workload-component';
import { MinioUserScope } from './minio-user';
import { IObjectStore } from './object-store';
import { MC_RUN_AS, MC_WRITABLE_DIRS, mcImage, s3AliasEnv } from './s3-client';

export interface MinioSetupProps {
  /** The store to set up (its root credentials are used). */
  readonly store: IObjectStore & { readonly workloadName: string };
  /** Scoped users to create, each with its policy. @default - none */
  readonly users?: MinioUserScope[];
  /** @default - none */
  readonly partOf?: string;
}

/**
 * A Job that sets MinIO up idempotently, safe to run on every sync: waits (bounded) for the store,
 * creates buckets with `mc mb --ignore-existing`, then creates each scoped user, (re)writes its
 * policy and attaches it.
 */
export class MinioSetup extends WorkloadComponent {
  /** The Job (also `node.defaultChild`). */
  public readonly resource: k8s.KubeJob;
  private readonly names: string[] = [];

  constructor(scope: Construct, id: string, props: MinioSetupProps) {
    super(scope, id, props);
    const w = this.attachWorkload(new Workload(this, 'Workload', {
      owner: this, name: 'minio', instance: `${props.store.workloadName}-setup`, component: 'setup', partOf: props.partOf,
    }));
    props.store.grantConnect(this, 'bucket and user setup');
    const users = [...(props.users ?? [])].sort((a, b) => (a.userName < b.userName ? -1 : 1));
    const envName = (u: MinioUserScope, what: string) => `USER_${u.userName.toUpperCase().replace(/-/g, '_')}_${what}`;
    const policies = users.length ? new k8s.KubeConfigMap(this, 'Policies', {
      metadata: { name: `${props.store.workloadName}-policies`, labels: w.labels },
      data: Object.fromEntries(users.map((u) => [`${u.policyName}.json`, `${JSON.stringify(u.policyDocument(), null, 2)}\n`])),
    }) : undefined;
    this.resource = renderJob(w, {
      runAs: MC_RUN_AS,
      containers: [{
        name: 'setup',
        image: mcImage(this),
        command: ['/bin/sh', '-ec', readScript(__dirname, 'minio-setup.sh')],
        env: [
          ...s3AliasEnv(this, 'store', props.store, 'SRC'),
          // Read at synth, once every bucket has been added.
          ['BUCKETS', EnvValue.lazy(() => this.bucketNames.join(' '))],
          ...(users.length ? [['USERS', EnvValue.literal(users.map((u) => `${u.policyName}:${envName(u, 'ACCESS_KEY_ID')}:${envName(u, 'SECRET_ACCESS_KEY')}`).join(' '))] as [string, EnvValue]] : []),
          ...users.flatMap((u): Array<[string, EnvValue]> => [
            [envName(u, 'ACCESS_KEY_ID'), EnvValue.fromSecret(u.credentials.accessKeyId)],
            [envName(u, 'SECRET_ACCESS_KEY'), EnvValue.fromSecret(u.credentials.secretAccessKey)],
          ]),
        ],
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
        volumeMounts: policies ? [{ name: 'policies', mountPath: '/policies', readOnly: true }] : [],
        writableDirs: MC_WRITABLE_DIRS,
      }],
      volumes: policies ? [{ name: 'policies', configMap: { name: policies.name } }] : [],
    }, {}, this);
  }

  /** Adds a bucket (kept sorted, so the rendered Job does not depend on call order). */
  public add(bucket: string): void {
    if (!this.names.includes(bucket)) this.names.push(bucket);
  }

  public get bucketNames(): string[] {
    return [...this.names].sort();
  }
}
