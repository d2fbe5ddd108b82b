import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { renderJob } from '../core/batch';
import { Workload } from '../core/workload';
import { IObjectStore } from './object-store';
import { MC_RUN_AS, MC_WRITABLE_DIRS, mcAliasCommand, mcImage, s3AliasEnv } from './s3-client';

export interface MinioBucketsProps {
  /** The store to create buckets on (its credentials are used). */
  readonly store: IObjectStore & { readonly workloadName: string };
  /** @default - none */
  readonly partOf?: string;
}

/**
 * A Job that creates buckets with `mc mb --ignore-existing`: safe to run again on every sync.
 * It waits (bounded) for the store to answer before creating anything.
 */
export class MinioBuckets extends Workload {
  private readonly names: string[] = [];

  constructor(scope: Construct, id: string, props: MinioBucketsProps) {
    super(scope, id, { name: 'minio', instance: `${props.store.workloadName}-buckets`, component: 'bucket-setup', partOf: props.partOf });
    props.store.grantConnect(this, 'bucket creation');
    const script = Lazy.any({
      produce: () => [
        'for i in $(seq 1 60); do',
        `  if ${mcAliasCommand('SRC')} && mc ls src >/dev/null 2>&1; then break; fi`,
        '  echo "waiting for object store ($i/60)"; sleep 5',
        'done',
        ...this.bucketNames.map((b) => `mc mb --ignore-existing src/${b}`),
      ].join('\n'),
    }) as unknown as string;
    renderJob(this, {
      runAs: MC_RUN_AS,
      containers: [{
        name: 'create-buckets',
        image: mcImage(this),
        command: ['/bin/sh', '-ec', script],
        env: s3AliasEnv(this, 'store', props.store, 'SRC'),
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
        writableDirs: MC_WRITABLE_DIRS,
      }],
    });
  }

  /** Adds a bucket (kept sorted, so the rendered Job does not depend on call order). */
  public add(bucket: string): void {
    if (!this.names.includes(bucket)) this.names.push(bucket);
  }

  public get bucketNames(): string[] {
    return [...this.names].sort();
  }
}
