// `@mlops-cdk8s/platform/synth`: the build tooling, an entry point of its own so the main one holds
// only constructs, props, typed values and interfaces. Safe synth and targets, the manifest and
// schema checks, the cdk8s validation plugin, sync waves, README and Mermaid renderers, the dist/
// diff engine and output writing. Named exports only;
// internal helpers are imported by deep path.
export type { ManifestObject } from './manifest';
export { toYaml, synthObjects, byCodePoint, fileNameFor, writeKustomizeDir, renderKustomizeDir, cdk8sTarget, readManifests, safeSynth, constructPathOf, defaultTargetChecks } from './synth';
export type { SynthTarget, Deployable, SafeSynthOptions, SafeSynthResult, DistLockOptions, ReadmeRenderer } from './synth';
export { stringifyYaml } from './yaml';
export { checkPod, checkApp } from './manifest-checks';
export type { Prerequisites } from './manifest-checks';
export { assertNoMachinePaths } from './machine-paths';
export { SchemaValidator, formatViolation, packagedSchemaDir } from './schema-validator';
export type { SchemaViolation, SchemaValidatorOptions } from './schema-validator';
export { checkManifests, validateSchemas, renderedObjects, configureAppChecks, checkAppTree } from './app-validation';
export type { RenderedObject, ManifestCheckOptions } from './app-validation';
export { MlopsValidation, SCHEMA_RULE, MANIFEST_RULE } from './cdk8s-plugin';
export type { MlopsValidationProps, MlopsValidationContext } from './cdk8s-plugin';
export { SYNC_WAVE_ANNOTATION, SYNC_WAVE_BY_KIND, SyncWave, syncWaveOf, withSyncWave } from './sync-waves';
export { renderAppReadme } from './app-readme';
export { renderAppOfAppsReadme, renderAppOfAppsMermaid, appOfAppsEntries } from './app-of-apps-readme';
export type { AppOfAppsEntry } from './app-of-apps-readme';
export { renderFlowchart, mermaidId } from './mermaid-flowchart';
export { renderMermaid } from './connection-mermaid';
export type { Flowchart, FlowEdge, FlowGroup, FlowNode, FlowShape } from './mermaid-flowchart';
export { cell as markdownTableCell } from './app-readme';
export { writeOutputFiles } from './output-files';
export { diffTrees, formatMarkdown, formatText, readTreeFromDir, readTreeFromGit, MARKDOWN_MARKER } from './diff';
export type { DistDiff, FieldChange, FileTree, ObjectDiff } from './diff';
export { reachabilityReport, checkReachability, formatReachabilityReport, explainApp } from './reachability-check';
export type { FlowReport, ReachabilityReport } from './reachability-check';
export { enableAppChecks, registerAppCheck, withoutAppChecks, appChecksEnabled } from './app-checks';
export type { AppCheck } from './app-checks';
export { ReachabilitySimulator, selectorMatches, cidrContains, podAddress, selectIngressRoute, expectedFlows, expectedRoutes } from './reachability-simulator';
export type { SimPod, Endpoint, Hop, PolicyObject, SimulatorOptions, HopVerdict, FlowVerdict, IngressObject, RouteResult } from './reachability-simulator';
