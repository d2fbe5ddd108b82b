import { Construct } from 'constructs';
import { checkProjectId } from './checks';

/** The props of a construct whose resources live in one GCP project. */
export interface ProjectProps {
  /** The GCP project ID: `my-project-123`. */
  readonly projectId: string;
}

/** A construct whose resources live in one GCP project: `projectId` is checked here, once. */
export abstract class ProjectConstruct extends Construct {
  public readonly projectId: string;

  protected constructor(scope: Construct, id: string, props: ProjectProps) {
    super(scope, id);
    this.projectId = checkProjectId(this, 'projectId', props.projectId);
  }
}
