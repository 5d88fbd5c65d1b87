/**
 * A quick "yes" for the commonest inputs of a flat, strict body schema (a position report
 * arrives every few seconds from every driver): derived once from the yup schema itself, so
 * the schema stays the one definition. It only ever says "valid as it is" or "ask yup": an
 * input it does not accept goes through yup as before (which then names every problem), so
 * it can only be wrong by accepting what yup refuses — the property test
 * (test/unit/fast-accept.test.ts) checks it never does.
 *
 * Compiled only for what it understands fully: an object schema that is strict (no casting,
 * no defaults applied), has no conditions, no object tests but noUnknown, and whose fields are
 * numbers (tests min / max) or strings (their tests are run by the field's own yup schema);
 * any other schema gets no fast path.
 */
import * as yup from 'yup';

type Accept = (value: Record<string, unknown>) => boolean;

const compiled = new WeakMap<yup.AnySchema, Accept | null>();

interface FieldRule {
  key: string;
  optional: boolean;
  nullable: boolean;
  check: (value: unknown) => boolean;
}

/** yup keeps these off its public types; they are what `describe()` cannot show. */
interface SchemaInternals {
  conditions: unknown[];
  tests: { OPTIONS?: { name?: string; params?: Record<string, unknown> } }[];
}
const internals = (schema: yup.AnySchema) => schema as unknown as SchemaInternals;

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

function numberCheck(field: yup.AnySchema): ((value: unknown) => boolean) | null {
  let min = -Infinity;
  let max = Infinity;
  for (const test of internals(field).tests) {
    const { name, params } = test.OPTIONS ?? {};
    if (name === 'min' && isNumber(params?.min)) min = Math.max(min, params.min);
    else if (name === 'max' && isNumber(params?.max)) max = Math.min(max, params.max);
    else return null;
  }
  return (v) => isNumber(v) && v >= min && v <= max;
}

function fieldRule(key: string, field: yup.AnySchema): FieldRule | null {
  const description = field.describe();
  if (internals(field).conditions.length > 0 || field.spec.strip || description.oneOf.length > 0)
    return null;
  if (description.notOneOf.length > 0 || description.default !== undefined) return null;
  let check: ((value: unknown) => boolean) | null = null;
  if (field instanceof yup.NumberSchema) check = numberCheck(field);
  else if (field instanceof yup.StringSchema) {
    check = (v) => typeof v === 'string' && field.isValidSync(v, { strict: true });
  }
  if (!check) return null;
  return { key, optional: description.optional, nullable: description.nullable, check };
}

function compile(schema: yup.AnySchema): Accept | null {
  if (!(schema instanceof yup.ObjectSchema) || !schema.spec.strict) return null;
  const object = schema as yup.AnyObjectSchema;
  const description = object.describe();
  const onlyNoUnknown = description.tests.every((test) => test.name === 'noUnknown');
  if (internals(object).conditions.length > 0 || !onlyNoUnknown || description.nullable)
    return null;
  const rules: FieldRule[] = [];
  for (const [key, field] of Object.entries(object.fields as Record<string, yup.AnySchema>)) {
    const rule = fieldRule(key, field);
    if (!rule) return null;
    rules.push(rule);
  }
  return (value) =>
    rules.every((rule) => {
      const v = Object.hasOwn(value, rule.key) ? value[rule.key] : undefined;
      if (v === undefined) return rule.optional;
      if (v === null) return rule.nullable;
      return rule.check(v);
    });
}

/**
 * Whether `value` (a plain object whose keys the schema all declares) is valid as it is under
 * `schema`; false means "not known here", never "invalid".
 */
export function isFastAccepted(schema: yup.AnySchema, value: Record<string, unknown>): boolean {
  let accept = compiled.get(schema);
  if (accept === undefined) {
    accept = compile(schema);
    compiled.set(schema, accept);
  }
  return accept !== null && accept(value);
}
