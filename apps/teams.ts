/**
 * Many teams: one MLflow stack (seed 002: MLflow, its own PostgreSQL database and its own MinIO
 * bucket) per team namespace, each with a ResourceQuota, a LimitRange and its own credentials in
 * the secret store (`team-<name>/postgresql`, `team-<name>/minio`). Written as
 * `dist/mlflow-teams/<team>/`, one kustomize directory and one Argo CD Application per team.
 * Add a team by adding a line to {@link TEAMS}.
 */
import { App, Chart, Size } from 'cdk8s';
import {
  ConnectionGraph, ContainerAmounts, LimitRange, Peer, ResourceQuota, ResourceQuotaProps,
  ValidationError,
} from '../lib';
import { ManifestObject, renderAppReadme, renderKustomizeDir, synthObjects, SynthTarget, writeOutputFiles } from '../lib/synth';
import { mlflowMinioPostgres } from './mlflow-minio-postgres';

/** One team and what its namespace may use. */
export interface TeamSpec {
  /** A DNS label: the namespace is `team-<name>`. */
  readonly name: string;
  /** @default - {@link DEFAULT_TEAM_QUOTA} */
  readonly quota?: Omit<ResourceQuotaProps, 'name'>;
  /** Defaults for containers the team runs without resources. @default - {@link DEFAULT_CONTAINER_DEFAULTS} */
  readonly containerDefaults?: { readonly request: ContainerAmounts; readonly limit: ContainerAmounts };
  /** Who calls the team's MLflow. @default [Peer.namespace('team-<name>-training')] */
  readonly mlflowClients?: Peer[];
  /** @default 1 */
  readonly mlflowReplicas?: number;
}

/**
 * Room for the stack (MLflow 100m/256Mi, PostgreSQL 100m/256Mi, MinIO 100m/256Mi requested;
 * 2.5 CPU and 4Gi limits; 110Gi of volumes) plus its jobs, a rolling update and the team's own pods.
 */
export const DEFAULT_TEAM_QUOTA: Omit<ResourceQuotaProps, 'name'> = {
  requestsCpu: '4',
  requestsMemory: Size.gibibytes(8),
  limitsCpu: '16',
  limitsMemory: Size.gibibytes(24),
  requestsStorage: Size.gibibytes(250),
  persistentVolumeClaims: 10,
  pods: 40,
};

export const DEFAULT_CONTAINER_DEFAULTS = {
  request: { cpu: '100m', memory: Size.mebibytes(256) },
  limit: { cpu: '1', memory: Size.gibibytes(1) },
};

/** The example teams of `dist/mlflow-teams/`. */
export const TEAMS: TeamSpec[] = [
  { name: 'nlp' },
  { name: 'vision', quota: { ...DEFAULT_TEAM_QUOTA, requestsCpu: '8', limitsCpu: '32' } },
];

/** The namespace of a team. */
export function teamNamespace(team: TeamSpec): string {
  return `team-${team.name}`;
}

/** One team's stack as a chart of `app`. */
export function teamStack(app: App, team: TeamSpec): Chart {
  const namespace = teamNamespace(team);
  const chart = mlflowMinioPostgres(app, namespace, {
    namespace,
    mlflowClients: team.mlflowClients ?? [Peer.namespace(`${namespace}-training`)],
    ...(team.mlflowReplicas !== undefined ? { mlflowReplicas: team.mlflowReplicas } : {}),
  });
  new ResourceQuota(chart, 'quota', team.quota ?? DEFAULT_TEAM_QUOTA);
  const defaults = team.containerDefaults ?? DEFAULT_CONTAINER_DEFAULTS;
  new LimitRange(chart, 'limits', { defaultRequest: defaults.request, defaultLimit: defaults.limit });
  return chart;
}

function checkTeams(teams: readonly TeamSpec[]): void {
  const seen = new Set<string>();
  teams.forEach((t, i) => {
    ValidationError.checkDnsLabel('teams', `teams[${i}].name`, t?.name, 63 - 'team--training'.length);
    if (seen.has(t.name)) ValidationError.invalid('teams', `teams[${i}].name`, 'is used twice', t.name, 'give every team its own name');
    seen.add(t.name);
  });
}

/** Every team's directory in memory: `<team>/<file>` → text, plus the objects. Nothing is written. */
export function renderTeams(teams: readonly TeamSpec[]): { files: Map<string, string>; objects: ManifestObject[] } {
  checkTeams(teams);
  const files = new Map<string, string>();
  const objects: ManifestObject[] = [];
  for (const team of teams) {
    // One app per team: each team's graph, checks and README are its own.
    const app = new App();
    teamStack(app, team);
    const rendered = renderKustomizeDir(synthObjects(app));
    for (const [file, text] of rendered.files) files.set(`${team.name}/${file}`, text);
    files.set(`${team.name}/README.md`, renderAppReadme(`mlflow-teams/${team.name}`, rendered.objects, ConnectionGraph.of(app).connections));
    objects.push(...rendered.objects);
  }
  return { files, objects };
}

/**
 * Writes rendered files under `outdir`, as the other targets do (lib/synth/output-files.ts): inside
 * `npm run synth` a file unchanged since the last synth is hard-linked from the dist/ being replaced
 * instead of written again.
 */
export function writeFiles(outdir: string, files: Map<string, string>): void {
  writeOutputFiles(outdir, files);
}

/** The `mlflow-teams` target: `dist/mlflow-teams/<team>/`, one Argo CD Application each. */
export function teamsTarget(name: string, teams: readonly TeamSpec[] = TEAMS): SynthTarget {
  return {
    name,
    deployables: teams.map((t) => ({ name: `${name}-${t.name}`, dir: t.name })),
    synth(outdir: string) {
      const { files, objects } = renderTeams(teams);
      files.set('README.md', [
        `# ${name}`, '', '<!-- Generated by `npm run synth`; do not edit. -->', '',
        'One MLflow stack (MLflow, its own PostgreSQL and MinIO) per team namespace, with a ResourceQuota and a',
        'LimitRange; one directory and one Argo CD Application each. Teams are listed in `apps/teams.ts`.', '',
        '| Team | Namespace | Directory |', '|---|---|---|',
        ...teams.map((t) => `| ${t.name} | ${teamNamespace(t)} | [${t.name}/](${t.name}/README.md) |`), '',
      ].join('\n'));
      writeFiles(outdir, files);
      return objects;
    },
  };
}
