/**
 * Limits every external value (JSON body, query, path parameter, socket payload) must meet
 * before any schema sees it. They protect the process, not the business: a value nested
 * deeper than `maxInputDepth` costs stack and CPU in every walker (yup's included), a NUL
 * byte is refused by PostgreSQL, and Infinity (`1e999` in JSON) passes numeric range checks
 * that only have a lower bound. The walk is iterative, so no depth can overflow the stack.
 */
import { AppError } from '../errors/app-error.js';

/** Deepest nesting of objects and arrays accepted (the contract's deepest is 3). */
export const maxInputDepth = 16;

/** Longest field name echoed back in an error; longer names are cut. */
export const maxEchoedNameLength = 64;

/** A field name as it may appear in an error: never longer than `maxEchoedNameLength`. */
export const echoedName = (name: string): string =>
  name.length > maxEchoedNameLength ? `${name.slice(0, maxEchoedNameLength)}…` : name;

const refuse = (path: string, message: string): never => {
  throw new AppError('validation_failed', {
    fields: { [echoedName(path || 'non_field_errors')]: [message] },
  });
};

const childPath = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Throws validation_failed naming the first value that breaks a limit. */
export function assertSafeInput(value: unknown): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const current = item.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) refuse(item.path, 'NUL characters are not allowed');
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) refuse(item.path, 'The number is out of range');
    } else if (current !== null && typeof current === 'object') {
      if (item.depth >= maxInputDepth) {
        refuse(item.path, `Values may be nested at most ${maxInputDepth} levels deep`);
      }
      const entries: [string | number, unknown][] = Array.isArray(current)
        ? current.map((v, i) => [i, v])
        : Object.entries(current);
      for (const [key, child] of entries) {
        if (typeof key === 'string' && key.includes('\u0000')) {
          refuse(item.path, 'NUL characters are not allowed');
        }
        stack.push({ value: child, path: childPath(item.path, key), depth: item.depth + 1 });
      }
    }
  }
}
