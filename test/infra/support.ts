import * as fs from 'fs';
import { App, Testing } from 'cdktf';
import { GCP_KFP_SITES } from '../../apps/gcp-kfp';
import { EnvironmentName, kfpEnvironment, KfpEnvironmentSettings } from '../../lib/infra/environments';
import { KfpEnvironmentStack } from '../../lib/infra/kfp-environment-stack';

/**
 * A cdktf app like production's (no future flags). Testing.app() makes a temporary output
 * directory and never removes it; nothing here writes to it (Testing.synth renders in memory), so
 * it goes at once (a hook per file would not do: test files share this module, see vitest.config.mts).
 */
export function testApp(): App {
  const app = Testing.app({ enableFutureFlags: false });
  fs.rmSync(app.outdir, { recursive: true, force: true });
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
