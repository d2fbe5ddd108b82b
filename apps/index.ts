import { cdk8sTarget, SynthTarget } from '../lib/gitops/synth';
import { synthGcpKfp } from './gcp-kfp';
import { mlflowMinioPostgres } from './mlflow-minio-postgres';

/** The reference deployments main.ts writes to dist/<name>/. */
export const referenceApps: SynthTarget[] = [
  cdk8sTarget('mlflow-minio-postgres', (app) => mlflowMinioPostgres(app, 'mlflow-minio-postgres')),
  { name: 'gcp-kfp', synth: synthGcpKfp },
];
