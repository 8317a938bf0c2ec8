// JSON Schema validation of the input formats (schemas/*.schema.json), with the JSON path of
// the first fault in the error.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction, ErrorObject } from 'ajv';
import platformSchema from '../../schemas/platform.schema.json' with { type: 'json' };
import requestSchema from '../../schemas/request.schema.json' with { type: 'json' };
import workloadSchema from '../../schemas/workload.schema.json' with { type: 'json' };
import manifestSchema from '../../schemas/manifest.schema.json' with { type: 'json' };
import { InputError } from '../errors.js';

export type SchemaName = 'platform' | 'request' | 'workload' | 'manifest';

const SCHEMAS: Record<SchemaName, object> = { platform: platformSchema, request: requestSchema, workload: workloadSchema, manifest: manifestSchema };
const compiled = new Map<SchemaName, ValidateFunction>();

function validator(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    // One Ajv per schema: the workload schema may embed the platform schema under the same $id.
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    if (name === 'workload') ajv.addSchema(platformSchema);
    const fresh = ajv.compile(SCHEMAS[name]);
    compiled.set(name, fresh);
    return fresh;
  }
  return v;
}

function describe(err: ErrorObject): string {
  if (err.keyword === 'additionalProperties') return `unknown property "${(err.params as { additionalProperty: string }).additionalProperty}"`;
  if (err.keyword === 'enum') return `${err.message}: ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return err.message ?? err.keyword;
}

/** Throws an InputError naming `file` and the JSON path of the first fault. */
export function validate(name: SchemaName, value: unknown, file: string, basePath = ''): void {
  const v = validator(name);
  if (v(value)) return;
  const err = v.errors![0]!;
  throw new InputError(file, `${basePath}${err.instancePath}` || '/', describe(err));
}
