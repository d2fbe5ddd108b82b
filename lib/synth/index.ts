// The public API of lib/synth: named exports only; internal helpers are imported by deep path.
export type { ManifestObject } from './manifest';
export { toYaml, synthObjects, byCodePoint, fileNameFor, writeKustomizeDir, renderKustomizeDir, cdk8sTarget, readManifests, safeSynth } from './synth';
export type { SynthTarget, Deployable, SafeSynthOptions, SafeSynthResult } from './synth';
export { stringifyYaml } from './yaml';
export { podOf, checkPod, checkApp } from './manifest-checks';
export type { Prerequisites } from './manifest-checks';
export { assertNoMachinePaths } from './machine-paths';
