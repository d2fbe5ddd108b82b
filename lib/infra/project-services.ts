import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { invalid } from '../core/validate';
import { ProjectConstruct, ProjectProps } from './project-construct';

/** The 11 Cloud APIs of the reference ML environment (the GCP reference ML environment, "Enabling Cloud Services"). */
export const ML_ENVIRONMENT_APIS: readonly string[] = [
  'compute.googleapis.com',
  'storage.googleapis.com',
  'containerregistry.googleapis.com',
  'container.googleapis.com',
  'bigquery.googleapis.com',
  'cloudbuild.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'ml.googleapis.com',
  'iam.googleapis.com',
  'sqladmin.googleapis.com',
  'dataflow.googleapis.com',
];

/**
 * APIs the hardened design needs on top of the GCP reference ML environment's: private service access for the
 * private-IP Cloud SQL instance, Secret Manager for the generated database credentials, and
 * Artifact Registry, which replaces the deprecated Container Registry for image pulls.
 */
export const HARDENING_APIS: readonly string[] = [
  'servicenetworking.googleapis.com',
  'secretmanager.googleapis.com',
  'artifactregistry.googleapis.com',
];

export interface ProjectServicesProps extends ProjectProps {
  /** The project to enable the APIs in. */
  /**
   * The service names to enable.
   * @default - ML_ENVIRONMENT_APIS followed by HARDENING_APIS
   */
  readonly services?: string[];
}

/**
 * Enables Cloud APIs in a project (`google_project_service`, one per API). Destroying the stack
 * leaves the APIs enabled: disabling an API can break resources that other teams created.
 */
export class ProjectServices extends ProjectConstruct {
  /** One resource per API, in the order given. */
  public readonly resources: ProjectService[];
  private readonly byName = new Map<string, ProjectService>();

  constructor(scope: Construct, id: string, props: ProjectServicesProps) {
    super(scope, id, props);
    const projectId = this.projectId;
    const services = props.services ?? [...ML_ENVIRONMENT_APIS, ...HARDENING_APIS];
    const seen = new Set<string>();
    for (const s of services) {
      if (typeof s !== 'string' || !/^[a-z][-a-z0-9]*\.googleapis\.com$/.test(s)) {
        invalid(this, 'services', 'must hold API service names', s, 'write each as "container.googleapis.com"');
      }
      if (seen.has(s)) invalid(this, 'services', 'must not repeat an API', s, `list "${s}" once`);
      seen.add(s);
    }
    this.resources = services.map((service) => {
      const resource = new ProjectService(this, service.replace('.googleapis.com', ''), {
        project: projectId,
        service,
        disableOnDestroy: false,
        disableDependentServices: false,
      });
      this.byName.set(service, resource);
      return resource;
    });
  }

  /**
   * What a resource lists in `dependsOn` so that it is created only once the APIs it calls are on.
   * Precise edges (rather than every API) keep the graph readable and the synth fast.
   */
  public dependables(...apis: string[]): ITerraformDependable[] {
    return apis.map((api) => {
      const r = this.byName.get(api);
      if (!r) invalid(this, 'services', `must include ${api}, which a resource of this stack depends on`, [...this.byName.keys()], `add "${api}"`);
      return r;
    });
  }
}
