import { Construct } from 'constructs';
import { checkConstructProps } from '../core/props-guard';
import { checkProjectId } from './checks';

/** The props of a construct whose resources live in one GCP project. */
export interface ProjectProps {
  /** The GCP project ID: `my-project-123`. */
  readonly projectId: string;
}

/**
 * A construct whose resources live in one GCP project: its props pass the props guard (an object,
 * only the names its props interface declares) and `projectId` is checked here, once.
 */
export abstract class ProjectConstruct extends Construct {
  public readonly projectId: string;

  protected constructor(scope: Construct, id: string, props: ProjectProps) {
    super(scope, id);
    checkConstructProps(this, new.target, props);
    this.projectId = checkProjectId(this, 'projectId', props.projectId);
  }
}
