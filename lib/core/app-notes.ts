import { Construct, IConstruct } from 'constructs';
import { enableAppChecks } from './app-checks';

const NOTES_ID = 'AppNotes';

/**
 * What an app's generated README says besides its objects and connections: where it deliberately
 * differs from the guide it replaces, and warnings about an opt-in that weakens a default (also
 * printed when the app is synthesized). One per app (the construct tree's root), like the
 * connection graph; constructs and apps add to it, the README renderer reads it.
 */
export class AppNotes extends Construct {
  /** The notes of the app `scope` belongs to. */
  public static of(scope: IConstruct): AppNotes {
    const root = scope.node.root;
    return (root.node.tryFindChild(NOTES_ID) as AppNotes | undefined) ?? new AppNotes(root as Construct, NOTES_ID);
  }

  private readonly differenceList: string[] = [];
  private readonly warningList: string[] = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    enableAppChecks(this);
  }

  /** A deliberate difference from the guide (Markdown, one sentence or two). Repeats are kept once. */
  public addDifference(text: string): void {
    if (!this.differenceList.includes(text)) this.differenceList.push(text);
  }

  /** A warning: `<construct path>: <what is weaker>. <what to do instead>`. Repeats are kept once. */
  public addWarning(scope: IConstruct, text: string): void {
    const line = `${scope.node.path}: ${text}`;
    if (!this.warningList.includes(line)) this.warningList.push(line);
  }

  /** In the order added. */
  public get differences(): readonly string[] {
    return [...this.differenceList];
  }

  /** In the order added. */
  public get warnings(): readonly string[] {
    return [...this.warningList];
  }
}
