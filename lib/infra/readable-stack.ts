import { TerraformElement, TerraformStack } from 'cdktf';
import { Node } from 'constructs';

/**
 * A TerraformStack whose resource addresses are the construct path (`network_vpc`,
 * `database_instance`) instead of cdktf's default path plus hash (`network_vpc_4E8F0223`):
 * readable in `terraform plan` and in review, and stable, since paths are unique in a stack.
 * Renaming a construct id still renames the address: move state with `terraform state mv`.
 */
export abstract class ReadableStack extends TerraformStack {
  protected allocateLogicalId(tfElement: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(tfElement) ? tfElement.node : tfElement;
    const components = node.scopes.slice(node.scopes.indexOf(this) + 1).map((c) => c.node.id)
      .filter((id) => id !== 'Default' && id !== 'Resource')
      .filter((id, i, all) => id !== all[i - 1]); // `cluster/cluster` → `cluster`, as cdktf does
    const id = components.join('_').replace(/[^A-Za-z0-9_-]/g, '_');
    return /^[A-Za-z_]/.test(id) ? id : `r_${id}`;
  }
}
