import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

/**
 * The `hashicorp/random` provider, declared without a generated binding (none is installed):
 * only its ephemeral `random_password` is used, see {@link EphemeralRandomPassword}.
 */
export class RandomProvider extends TerraformProvider {
  /** Ephemeral resources need random 3.7 or later. */
  public static readonly VERSION_CONSTRAINT = '~> 3.7';

  constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: 'random',
      terraformProviderSource: 'hashicorp/random',
      terraformGeneratorMetadata: { providerName: 'random', providerVersionConstraint: RandomProvider.VERSION_CONSTRAINT },
    });
  }
}
