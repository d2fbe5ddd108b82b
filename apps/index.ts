import { App } from 'cdk8s';
import { cdk8sTarget, SynthTarget } from '../lib/synth';
import { gcpKfpTarget } from './gcp-kfp-target';
import { KUBEFLOW_MLFLOW_PREREQUISITES, kubeflowMlflow } from './kubeflow-mlflow';
import { eoepcaMlops, SHARINGHUB_OAUTH_SECRET } from './eoepca-mlops';
import { mlflowMinioPostgres } from './mlflow-minio-postgres';
import { thinkubeMlflow } from './thinkube-mlflow';
import { TEAMS, teamStack, teamsTarget } from './teams';

/** How each cdk8s reference app is built (also for `npm run explain -- <app>`). */
export const referenceAppBuilders: Readonly<Record<string, (app: App) => void>> = {
  'mlflow-minio-postgres': (app) => mlflowMinioPostgres(app, 'mlflow-minio-postgres'),
  'kubeflow-mlflow': (app) => kubeflowMlflow(app, 'kubeflow-mlflow'),
  'thinkube-mlflow': (app) => thinkubeMlflow(app, 'thinkube-mlflow'),
  // The seed deploys GitLab too (step 3); the OAuth application's Secret is made by hand (step 4).
  'eoepca-mlops': (app) => eoepcaMlops(app, 'eoepca-mlops', { deployGitLab: true }),
  // dist/mlflow-teams/<team>/: one app per team, as apps/teams.ts renders them.
  ...Object.fromEntries(TEAMS.map((t) => [`mlflow-teams/${t.name}`, (app: App) => void teamStack(app, t)])),
};

/** The reference deployments main.ts writes to dist/<name>/. */
export const referenceApps: SynthTarget[] = [
  cdk8sTarget('mlflow-minio-postgres', referenceAppBuilders['mlflow-minio-postgres']),
  cdk8sTarget('kubeflow-mlflow', referenceAppBuilders['kubeflow-mlflow'], KUBEFLOW_MLFLOW_PREREQUISITES),
  cdk8sTarget('thinkube-mlflow', referenceAppBuilders['thinkube-mlflow'], { secrets: ['harbor-registry-secret'] }),
  cdk8sTarget('eoepca-mlops', referenceAppBuilders['eoepca-mlops'], { secrets: [SHARINGHUB_OAUTH_SECRET] }),
  // cdktf: rendered on the second core by a command-line synth (apps/gcp-kfp-prestart.ts).
  gcpKfpTarget(),
  // One MLflow stack per team namespace (apps/teams.ts), a directory and an Application each.
  teamsTarget('mlflow-teams'),
];
