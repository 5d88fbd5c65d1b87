/**
 * Validates external input (HTTP body or query, socket payload) against a yup schema and
 * turns every problem into the contract's `fields: {name: [messages]}`. Unknown fields are
 * refused by name, never silently dropped: a passenger sending `status` learns it may not.
 *
 * Errors name the field and the rule and never echo the rejected value: an echo of a large
 * or deep value made a small request cost megabytes and seconds of CPU (issue 9). At most
 * `maxFieldErrors` fields are reported, each name cut to a bounded length.
 */
import * as yup from 'yup';
import { AppError, type FieldErrors } from '../errors/app-error.js';
import { isFastAccepted } from './fast-accept.js';
import { assertSafeInput, echoedName } from './input-limits.js';

export const maxFieldErrors = 20;

// yup's default type message prints the whole value ("…but the final value was: …").
yup.setLocale({
  mixed: {
    notType: ({ path, type }: { path: string; type: string }) => `${path} must be a ${type}`,
  },
});

/** Adds a message under a field, up to `maxFieldErrors` fields (own keys only: see below). */
function addFieldError(fields: FieldErrors, name: string, message: string): void {
  const key = echoedName(name);
  if (!Object.hasOwn(fields, key)) {
    if (Object.keys(fields).length >= maxFieldErrors) return;
    fields[key] = [];
  }
  fields[key]!.push(message);
}

/** No prototype: a field named `__proto__` or `constructor` is an ordinary key here. */
const emptyFieldErrors = (): FieldErrors => Object.create(null) as FieldErrors;

function collectFieldErrors(error: yup.ValidationError): FieldErrors {
  const fields = emptyFieldErrors();
  const add = (name: string, message: string) => addFieldError(fields, name, message);
  const leaves = error.inner.length > 0 ? error.inner : [error];
  for (const leaf of leaves) {
    if (leaf.type === 'noUnknown') {
      const unknown = String((leaf.params as { unknown?: string } | undefined)?.unknown ?? '');
      for (const name of unknown
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        add(leaf.path ? `${leaf.path}.${name}` : name, 'This field is not allowed');
      }
      continue;
    }
    add(leaf.path || 'non_field_errors', leaf.message);
  }
  return fields;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Whether the object schema has noUnknown, asked once per schema: `describe()` costs more than
 * validating a small body, and a yup schema never changes (every method returns a new one).
 */
const refusesUnknownOf = new WeakMap<yup.AnySchema, boolean>();
function refusesUnknownKeys(schema: yup.AnySchema): boolean {
  let refuses = refusesUnknownOf.get(schema);
  if (refuses === undefined) {
    refuses = schema.describe().tests.some((test) => test.name === 'noUnknown');
    refusesUnknownOf.set(schema, refuses);
  }
  return refuses;
}

/**
 * Keys the schema does not declare, found with own-property checks: yup looks fields up with
 * `fields[key]`, so a key named `constructor` or `toString` met Object.prototype and crashed.
 */
function findUnknownKeys(schema: yup.AnySchema, data: unknown, path: string, out: string[]): void {
  if (!(schema instanceof yup.ObjectSchema) || !isPlainObject(data)) return;
  const fields = (schema as yup.AnyObjectSchema).fields as Record<string, yup.AnySchema>;
  // A schema without noUnknown keeps unknown keys; only those yup would trip over are refused.
  const refusesUnknown = refusesUnknownKeys(schema);
  for (const key of Object.keys(data)) {
    const name = path ? `${path}.${key}` : key;
    if (Object.hasOwn(fields, key)) findUnknownKeys(fields[key]!, data[key], name, out);
    else if (refusesUnknown || key in Object.prototype) out.push(name);
  }
}

export function parseInput<S extends yup.AnySchema>(schema: S, data: unknown): yup.InferType<S> {
  assertSafeInput(data);
  const unknown: string[] = [];
  findUnknownKeys(schema, data, '', unknown);
  // The commonest case, decided without yup when the schema allows (lib/validation/fast-accept.ts).
  if (unknown.length === 0 && isPlainObject(data) && isFastAccepted(schema, data)) {
    return data;
  }
  let checked = data;
  if (unknown.length > 0 && isPlainObject(data)) {
    // The declared fields are still validated, so one answer lists every problem.
    const known = Object.entries(data).filter(([key]) => !unknown.includes(key));
    checked = Object.fromEntries(known);
  }
  let fields = emptyFieldErrors();
  let value: yup.InferType<S> | undefined;
  try {
    value = schema.validateSync(checked ?? {}, { abortEarly: false, stripUnknown: false });
  } catch (e: unknown) {
    if (!(e instanceof yup.ValidationError)) throw e;
    fields = collectFieldErrors(e);
  }
  for (const name of unknown) addFieldError(fields, name, 'This field is not allowed');
  if (Object.keys(fields).length > 0) throw new AppError('validation_failed', { fields });
  return value;
}

/** A JSON body object with no unknown keys; the caller lists what it accepts. */
export const bodyObject = <T extends yup.ObjectShape>(shape: T) =>
  yup.object(shape).noUnknown('This field is not allowed').strict();
