import { TerraformStack } from 'cdktf';
import { assertNoMachinePaths } from '../synth/machine-paths';

/**
 * Terraform JSON for one stack, as plain `terraform` (or OpenTofu) applies it without cdktf:
 * validated, cdktf's `//` metadata removed and object keys sorted, so the file depends only on the
 * stack's settings (never on the machine, the clock or the run).
 */
export function terraformJson(stack: TerraformStack): string {
  stack.runAllValidations();
  const text = `${JSON.stringify(normalise(stack.toTerraform()), null, 2)}\n`;
  assertNoMachinePaths(text, `terraform/${stack.node.id}/main.tf.json`);
  return text;
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (key === '//') continue;
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = normalise(v);
  }
  return out;
}
