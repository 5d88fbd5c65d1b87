/** Converts a yup schema's description into an OpenAPI 3.1 (JSON Schema) object. */
import type * as yup from 'yup';

type Description = yup.SchemaDescription & {
  fields?: Record<string, Description>;
  innerType?: Description;
  meta?: { description?: string; example?: unknown; format?: string } | undefined;
  default?: unknown;
};

export type JsonSchema = Record<string, unknown>;

function testParam(description: Description, name: string): unknown {
  const test = description.tests.find((t) => t.name === name);
  return test?.params ? Object.values(test.params)[0] : undefined;
}

export function describeToJsonSchema(description: Description): JsonSchema {
  const out: JsonSchema = {};
  switch (description.type) {
    case 'object': {
      out.type = 'object';
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [name, field] of Object.entries(description.fields ?? {})) {
        properties[name] = describeToJsonSchema(field);
        if (!field.optional) required.push(name);
      }
      out.properties = properties;
      if (required.length > 0) out.required = required;
      out.additionalProperties = false;
      break;
    }
    case 'array':
      out.type = 'array';
      if (description.innerType) out.items = describeToJsonSchema(description.innerType);
      break;
    case 'number': {
      const isInteger = description.tests.some((t) => t.name === 'integer');
      out.type = isInteger ? 'integer' : 'number';
      const min = testParam(description, 'min');
      const max = testParam(description, 'max');
      if (typeof min === 'number') out.minimum = min;
      if (typeof max === 'number') out.maximum = max;
      break;
    }
    case 'date':
      out.type = 'string';
      out.format = 'date-time';
      break;
    case 'boolean':
      out.type = 'boolean';
      break;
    default: {
      out.type = 'string';
      const min = testParam(description, 'min');
      const max = testParam(description, 'max');
      if (typeof min === 'number') out.minLength = min;
      if (typeof max === 'number') out.maxLength = max;
    }
  }
  const allowed = (description.oneOf ?? []).filter((v) => v !== undefined && v !== null);
  if (allowed.length > 0) out.enum = allowed;
  if (description.nullable) out.type = [out.type, 'null'];
  if (description.label) out.title = description.label;
  if (description.meta?.description) out.description = description.meta.description;
  if (description.meta?.example !== undefined) out.example = description.meta.example;
  if (description.meta?.format) out.format = description.meta.format;
  if (description.default !== undefined && typeof description.default !== 'function') {
    out.default = description.default;
  }
  return out;
}

export function yupToJsonSchema(schema: yup.AnySchema): JsonSchema {
  return describeToJsonSchema(schema.describe());
}
