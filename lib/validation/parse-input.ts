/**
 * Validates external input (HTTP body or query, socket payload) against a yup schema and
 * turns every problem into the contract's `fields: {name: [messages]}`. Unknown fields are
 * refused by name, never silently dropped: a passenger sending `status` learns it may not.
 */
import * as yup from 'yup';
import { AppError, type FieldErrors } from '../errors/app-error.js';

function collectFieldErrors(error: yup.ValidationError): FieldErrors {
  const fields: FieldErrors = {};
  const add = (name: string, message: string) => {
    (fields[name] ??= []).push(message);
  };
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

export function parseInput<S extends yup.AnySchema>(schema: S, data: unknown): yup.InferType<S> {
  try {
    return schema.validateSync(data ?? {}, { abortEarly: false, stripUnknown: false });
  } catch (e: unknown) {
    if (e instanceof yup.ValidationError) {
      throw new AppError('validation_failed', { fields: collectFieldErrors(e) });
    }
    throw e;
  }
}

/** A JSON body object with no unknown keys; the caller lists what it accepts. */
export const bodyObject = <T extends yup.ObjectShape>(shape: T) =>
  yup.object(shape).noUnknown('This field is not allowed').strict();
