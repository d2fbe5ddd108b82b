/**
 * Test helper: the library's own strict validator (the generated schemas in imports/schemas),
 * returning one readable message per violation.
 */
import { formatViolation, SchemaValidator } from '../../lib/synth/schema-validator';

export interface TestValidator {
  validate(object: unknown): string[];
  validateAll(objects: readonly unknown[]): string[];
}

export function loadValidator(): TestValidator {
  const v = SchemaValidator.shipped();
  const validate = (o: unknown): string[] => v.validate(o as any).map(formatViolation);
  return { validate, validateAll: (objects) => objects.flatMap(validate) };
}
