import * as fs from 'fs';
import { App, Testing } from 'cdktf';
import { afterAll } from 'vitest';
import { GCP_KFP_SITES } from '../../apps/gcp-kfp';
import { EnvironmentName, kfpEnvironment, KfpEnvironmentSettings } from '../../lib/infra/environments';
import { KfpEnvironmentStack } from '../../lib/infra/kfp-environment-stack';

const outdirs: string[] = [];
// Testing.app() makes a temporary output directory per app and never removes it.
afterAll(() => {
  for (const d of outdirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A cdktf app like production's (no future flags); its temporary outdir goes when the file's tests end. */
export function testApp(): App {
  const app = Testing.app({ enableFutureFlags: false });
  outdirs.push(app.outdir);
  return app;
}

/** The reference settings of one environment, optionally changed. */
export function settingsFor(env: EnvironmentName, change: Partial<KfpEnvironmentSettings> = {}): KfpEnvironmentSettings {
  return { ...kfpEnvironment(env, GCP_KFP_SITES[env]), ...change };
}

/** The reference stack of one environment and its synthesized JSON (Testing.synth). */
export function synthEnvironment(env: EnvironmentName, change: Partial<KfpEnvironmentSettings> = {}) {
  const stack = new KfpEnvironmentStack(testApp(), env, settingsFor(env, change));
  const synth = Testing.synth(stack, true);
  return { stack, synth, json: JSON.parse(synth) as TerraformJson };
}

export interface TerraformJson {
  readonly terraform: Record<string, any>;
  readonly provider: Record<string, any[]>;
  readonly resource: Record<string, Record<string, any>>;
  readonly ephemeral?: Record<string, Record<string, any>>;
  readonly output?: Record<string, any>;
}

/** Every resource of a type, as a list. */
export function resources(json: TerraformJson, type: string): any[] {
  return Object.values(json.resource[type] ?? {});
}
