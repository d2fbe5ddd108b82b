import { Size, SizeRoundingBehavior } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkTypedValue, invalid } from './validate';

/** Binary suffixes, largest first, with their size in KiB and the cdk8s factory that makes them. */
const BINARY: Array<[string, number, string]> = [
  ['Pi', 1024 ** 4, 'pebibyte'], ['Ti', 1024 ** 3, 'tebibytes'], ['Gi', 1024 ** 2, 'gibibytes'], ['Mi', 1024, 'mebibytes'], ['Ki', 1, 'kibibytes'],
];

/** The `Size.<unit>(n)` call for a number of KiB, in the largest unit that divides it. */
function factoryCall(kib: number): string {
  const [, size, factory] = BINARY.find(([, f]) => kib % f === 0) ?? BINARY[BINARY.length - 1];
  return `Size.${factory}(${kib / size})`;
}

/**
 * A cdk8s `Size` at the public boundary, or `fallback` when undefined. A quantity string
 * (`"10Gi"`) is refused with the `Size.gibibytes(10)` to write instead (`"512m"`, thousandths of a
 * byte, is read as the mebibytes it was meant to be).
 * @internal
 */
export function checkSize(scope: IConstruct | string, prop: string, value: Size | undefined, fallback: Size): Size {
  if (value === undefined) return fallback;
  const m = typeof value === 'string' ? /^([0-9]+)(Ki|Mi|Gi|Ti|Pi|m)$/.exec(value) : null;
  const unit = m?.[2] === 'm' ? 'Mi' : m?.[2];
  const kib = m ? Number(m[1]) * BINARY.find(([s]) => s === unit)![1] : fallback.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  return checkTypedValue(scope, prop, value, Size, 'a Size', `write ${prop.split('.').pop()}: ${factoryCall(kib)}`);
}

/**
 * A positive `Size` as a Kubernetes quantity in the largest binary unit that holds it exactly
 * (`10Gi`, `1536Mi`, `2Ti`). Fractions of a KiB are refused.
 * @internal
 */
export function sizeQuantity(scope: IConstruct | string, prop: string, size: Size): string {
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(kib) || kib <= 0) {
    invalid(scope, prop, 'must be a positive whole number of KiB', `${kib} KiB`, `write ${prop.split('.').pop()}: ${factoryCall(Math.max(1, Math.ceil(Number.isFinite(kib) ? kib : 1)))}`);
  }
  const [suffix, factor] = BINARY.find(([, f]) => kib % f === 0)!;
  return `${kib / factor}${suffix}`;
}

/**
 * A `Size` prop checked and rendered as a quantity (`10Gi`): `fallback` when it is optional and
 * unset; a required one (no `fallback`) that is missing is refused with `example` to write.
 * @internal
 */
export function sizeProp(scope: IConstruct | string, prop: string, value: Size | undefined, fallback: Size | undefined, example: Size = fallback ?? Size.gibibytes(10)): string {
  if (value === undefined && fallback === undefined) {
    invalid(scope, prop, 'is required', undefined, `write ${prop.split('.').pop()}: ${factoryCall(example.toKibibytes({ rounding: SizeRoundingBehavior.NONE }))}`);
  }
  return sizeQuantity(scope, prop, checkSize(scope, prop, value, fallback ?? example));
}
