/**
 * Test helper: the library's own strict validator (the generated schemas in imports/schemas),
 * with a `validateAll` that returns one readable message per violation.
 */
import { formatViolation, SchemaValidator } from '../../lib/synth/schema-validator';

export interface TestValidator {
  validateAll(objects: readonly unknown[]): string[];
}

export function loadValidator(): TestValidator {
  const v = SchemaValidator.shipped();
  return { validateAll: (objects) => objects.flatMap((o) => v.validate(o as any).map(formatViolation)) };
}
