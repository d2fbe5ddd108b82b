import { invalid } from '../core/validate';

/** The tensor datatypes of the KServe (Open Inference Protocol) v2 REST API. */
export enum V2Datatype {
  BOOL = 'BOOL',
  INT32 = 'INT32',
  INT64 = 'INT64',
  FP32 = 'FP32',
  FP64 = 'FP64',
  BYTES = 'BYTES',
}

/** One named input of a model, with a sample value the smoke test sends. */
export interface Feature {
  readonly name: string;
  readonly datatype: V2Datatype;
  /** A realistic value: a number for numeric types, a boolean for BOOL, a string for BYTES. */
  readonly example: number | boolean | string;
}

/** One output the smoke test expects in the answer. */
export interface ExpectedOutput {
  /** @default - any name */
  readonly name?: string;
  /** @default - any datatype */
  readonly datatype?: V2Datatype;
  /** The tensor shape for one input row, such as [1, 1]. */
  readonly shape: number[];
}

const FEATURE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/**
 * A model's declared input: named, typed features in the model signature's order. It builds the
 * v2 inference request of the smoke test, one row of the examples.
 */
export class InputSchema {
  /** Checks names (unique, identifier-like) and that each example fits its datatype. */
  public static of(features: Feature[]): InputSchema {
    const where = 'InputSchema.of';
    if (!Array.isArray(features) || features.length === 0) {
      invalid(where, 'features', 'must list at least one feature', features, 'pass [{ name: "Age", datatype: V2Datatype.FP64, example: 43 }]');
    }
    const seen = new Set<string>();
    for (const f of features) {
      if (typeof f?.name !== 'string' || !FEATURE_NAME.test(f.name)) {
        invalid(where, 'feature name', 'must start with a letter or "_" and hold letters, digits, "_", "." or "-"', f?.name, 'use the column name of the model signature, such as "CreditScore"');
      }
      if (seen.has(f.name)) invalid(where, `features.${f.name}`, 'is declared twice', f.name, 'declare each feature once');
      seen.add(f.name);
      if (!Object.values(V2Datatype).includes(f.datatype)) {
        invalid(where, `features.${f.name}.datatype`, 'must be a V2Datatype', f.datatype, 'use V2Datatype.FP64');
      }
      const ok = f.datatype === V2Datatype.BOOL ? typeof f.example === 'boolean'
        : f.datatype === V2Datatype.BYTES ? typeof f.example === 'string'
          : typeof f.example === 'number' && Number.isFinite(f.example)
            && (f.datatype === V2Datatype.FP32 || f.datatype === V2Datatype.FP64 || Number.isInteger(f.example));
      if (!ok) {
        invalid(where, `features.${f.name}.example`, `must be a value of datatype ${f.datatype}`, f.example,
          f.datatype === V2Datatype.BOOL ? 'write true or false' : f.datatype === V2Datatype.BYTES ? 'write a string' : 'write a number (a whole number for INT types)');
      }
    }
    return new InputSchema(features.map((f) => ({ ...f })));
  }

  /** The MLflow-in-Kubeflow guide's bank-churn model: ten FP64 features and one sample customer. */
  public static readonly BANK_CHURN: InputSchema = InputSchema.of([
    { name: 'CreditScore', datatype: V2Datatype.FP64, example: 850 },
    { name: 'Geography', datatype: V2Datatype.FP64, example: 1 },
    { name: 'Gender', datatype: V2Datatype.FP64, example: 0 },
    { name: 'Age', datatype: V2Datatype.FP64, example: 43 },
    { name: 'Tenure', datatype: V2Datatype.FP64, example: 2 },
    { name: 'Balance', datatype: V2Datatype.FP64, example: 125510.82 },
    { name: 'NumOfProducts', datatype: V2Datatype.FP64, example: 1 },
    { name: 'HasCrCard', datatype: V2Datatype.FP64, example: 1 },
    { name: 'IsActiveMember', datatype: V2Datatype.FP64, example: 1 },
    { name: 'EstimatedSalary', datatype: V2Datatype.FP64, example: 79084.1 },
  ]);

  private constructor(public readonly features: readonly Feature[]) {}

  /** The v2 request body: one input tensor of shape [1] per feature. */
  public inferenceRequest(): { inputs: Array<{ name: string; datatype: string; shape: number[]; data: Array<number | boolean | string> }> } {
    return { inputs: this.features.map((f) => ({ name: f.name, datatype: f.datatype, shape: [1], data: [f.example] })) };
  }
}
