/**
 * The validation plugin for `cdk8s synth` (cdk8s-cli's `validations:` in cdk8s.yaml): every
 * manifest the CLI lists is validated strictly against its schema and checked with the manifest
 * checks, and each problem becomes a violation in the cdk8s report (which fails the synth).
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/@mlops-cdk8s/platform   # a local path: cdk8s never installs it
 *     class: MlopsValidation
 *     version: 0.1.0                                  # informational; must not be a range
 *     properties:                                     # all optional
 *       prerequisites: { secrets: [mlflow-db] }       # else unrendered Secrets are assumed to exist
 *       ignoreMissingSchemas: false
 * ```
 *
 * The types below are the parts of cdk8s-cli's plugin contract (`cdk8s-cli/plugins`) this
 * plugin uses, declared here so that the package does not depend on the CLI.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import type { ManifestObject } from './manifest';
import { checkApp, Prerequisites } from './manifest-checks';
import { SchemaValidator } from './schema-validator';

/** `properties:` of the plugin's entry in cdk8s.yaml. */
export interface MlopsValidationProps {
  /**
   * Secrets and ConfigMaps the pods may reference without the app rendering them.
   * @default - any Secret or ConfigMap the app does not render is assumed to be a prerequisite
   */
  readonly prerequisites?: Prerequisites;
  /**
   * Accept kinds without a schema (custom resources this package has no CRD schema for).
   * @default false
   */
  readonly ignoreMissingSchemas?: boolean;
}

/** What the plugin reads from cdk8s-cli's `ValidationContext`. */
export interface MlopsValidationContext {
  readonly manifests: readonly string[];
  readonly metadata?: { readonly [resourceName: string]: { readonly path: string } };
  readonly report: {
    addViolation(violation: {
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingResources: ReadonlyArray<{ readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }>;
    }): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger?: { log(message: string): void };
}

export const SCHEMA_RULE = 'mlops-cdk8s/strict-schema';
export const MANIFEST_RULE = 'mlops-cdk8s/manifest-checks';

/** The cdk8s-cli validation plugin: `class: MlopsValidation`. */
export class MlopsValidation {
  private readonly props: MlopsValidationProps;

  constructor(props: MlopsValidationProps = {}) {
    this.props = props ?? {};
  }

  public async validate(context: MlopsValidationContext): Promise<void> {
    const validator = new SchemaValidator({ ignoreMissingSchemas: this.props.ignoreMissingSchemas ?? false });
    const groups = new Map<string, Array<{ file: string; obj: ManifestObject }>>();
    const root = commonDir(context.manifests);
    let violations = 0;
    for (const file of context.manifests) {
      const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as ManifestObject | null);
      // One app per top-level directory of the output (dist/<app>/...), as npm run synth checks them.
      const rel = path.relative(root, file).split(path.sep);
      const group = rel.length > 1 ? rel[0] : '.';
      for (const obj of docs) {
        if (!obj || typeof obj !== 'object' || obj.kind === 'Kustomization') continue;
        if (!groups.has(group)) groups.set(group, []);
        groups.get(group)!.push({ file, obj });
        const constructPath = context.metadata?.[obj.metadata?.name]?.path;
        for (const v of validator.validate(obj, constructPath)) {
          violations++;
          context.report.addViolation({
            ruleName: SCHEMA_RULE,
            recommendation: `${v.object}: ${v.field}: ${v.message}`,
            fix: 'Change the construct prop that renders this field; the API server rejects unknown fields and values outside the schema.',
            violatingResources: [{ resourceName: obj.metadata?.name ?? '<unnamed>', locations: [v.field], manifestPath: file }],
          });
        }
      }
    }
    for (const [group, objs] of groups) {
      const byName = new Map(objs.map((o) => [`${o.obj.kind} "${o.obj.metadata?.name}"`, o]));
      const prerequisites = this.props.prerequisites;
      for (const e of checkApp(objs.map((o) => o.obj), prerequisites ?? {}, { assumePrerequisites: prerequisites === undefined })) {
        violations++;
        const m = /^(\w+ "[^"]*")/.exec(e);
        const o = (m && byName.get(m[1])) || objs[0];
        context.report.addViolation({
          ruleName: MANIFEST_RULE,
          recommendation: group === '.' ? e : `${group}: ${e}`,
          fix: 'See the message: the construct or prop that renders this object must change.',
          violatingResources: [{ resourceName: o.obj.metadata?.name ?? '<unnamed>', locations: [], manifestPath: o.file }],
        });
      }
    }
    context.logger?.log(`mlops-cdk8s: ${context.manifests.length} manifests, ${violations} violation(s)`);
    context.report.submit(violations === 0 ? 'success' : 'failure', { manifests: String(context.manifests.length) });
  }
}

function commonDir(files: readonly string[]): string {
  if (files.length === 0) return '.';
  let dir = path.dirname(path.resolve(files[0]));
  for (const f of files) {
    while (!path.resolve(f).startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  }
  return dir;
}
