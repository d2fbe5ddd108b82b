import { ref, TerraformElement, Token } from 'cdktf';
import { Construct } from 'constructs';
import { checkConstructProps } from '../core/props-guard';
import { checkInteger } from '../core/validate';

export interface EphemeralRandomPasswordProps {
  /** @default 32 */
  readonly length?: number;
}

/**
 * An `ephemeral "random_password"` block (Terraform 1.10+, OpenTofu 1.11+, hashicorp/random 3.7+).
 * Its value exists only while Terraform runs: it is never written to the plan or the state.
 * Feed it only to write-only arguments (`password_wo`, `secret_data_wo`); Terraform refuses it
 * anywhere else, so the password cannot leak into state by mistake.
 */
export class EphemeralRandomPassword extends TerraformElement {
  private readonly length: number;

  constructor(scope: Construct, id: string, props: EphemeralRandomPasswordProps = {}) {
    super(scope, id, 'ephemeral.random_password');
    checkConstructProps(this, new.target, props);
    this.length = checkInteger(this, 'length', props.length ?? 32, 16, 128);
  }

  /** The generated password, as a reference for a write-only argument. */
  public get result(): string {
    return Token.asString(ref(`ephemeral.random_password.${this.friendlyUniqueId}.result`, this.cdktfStack));
  }

  public toTerraform(): any {
    return {
      ephemeral: {
        random_password: {
          [this.friendlyUniqueId]: {
            length: this.length,
            special: true,
            // Characters that survive connection strings, shells and YAML unquoted.
            override_special: '-_.~',
            min_lower: 1,
            min_upper: 1,
            min_numeric: 1,
          },
        },
      },
    };
  }
}
