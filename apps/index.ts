import { cdk8sTarget, SynthTarget } from '../lib/synth/synth';
import { ENVIRONMENT_NAMES } from '../lib/infra/environments';
import { synthGcpKfp } from './gcp-kfp';
import { mlflowMinioPostgres } from './mlflow-minio-postgres';
import { teamsTarget } from './teams';

/** The reference deployments main.ts writes to dist/<name>/. */
export const referenceApps: SynthTarget[] = [
  cdk8sTarget('mlflow-minio-postgres', (app) => mlflowMinioPostgres(app, 'mlflow-minio-postgres')),
  {
    name: 'gcp-kfp',
    synth: synthGcpKfp,
    // terraform/<env>/ is applied with terraform; each kfp/<env>/ overlay goes to that environment's cluster.
    deployables: ENVIRONMENT_NAMES.map((env) => ({ name: `gcp-kfp-${env}`, dir: `kfp/${env}`, cluster: `kfp-${env}` })),
  },
  // One MLflow stack per team namespace (apps/teams.ts), a directory and an Application each.
  teamsTarget('mlflow-teams'),
];
