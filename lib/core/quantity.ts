import { Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkByteQuantity, invalid } from './validate';

/**
 * A memory or storage amount: a cdk8s `Size` (`Size.gibibytes(4)`) or a Kubernetes quantity
 * string (`"4Gi"`). CPU stays a quantity string (`"500m"`, `"2"`), as in container resources.
 */
export type Amount = Size | string;

/** Renders an {@link Amount} as a quantity string (a Size in whole Mi), checking it is positive. */
export function amountQuantity(scope: IConstruct, prop: string, value: Amount, example = '4Gi'): string {
  if (value instanceof Size) {
    const mi = value.toMebibytes();
    if (!(mi > 0)) invalid(scope, prop, 'must be a positive size', `${mi}Mi`, `pass Size.gibibytes(4) or "${example}"`);
    return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
  }
  return checkByteQuantity(scope, prop, value, example);
}
