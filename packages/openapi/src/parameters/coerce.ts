/**
 * Turning the strings of a URL, a header or a form into the JSON value the schema asks for.
 * Strict grammars only: what JavaScript's `Number()` would also accept (`0x10`, ` 1`, `1_000`,
 * `Infinity`, ``) stays a string, so the schema refuses it with a `type` issue instead of the
 * request passing with a value the client never meant.
 */
import type { JsonType, SchemaView } from './schema-view.js';

export type Coercion = 'schema' | 'none';

/** How a parameter's text is structured: one value, a list, or name/value pairs. */
export type ValueKind = 'primitive' | 'array' | 'object';

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/**
 * The structure to parse a value into. `'none'` coercion builds no lists or objects: the value
 * stays the one string that was sent. A schema that admits both a list and a single value
 * (`type: [string, array]`) is read as a list, which it accepts either way.
 */
export function kindOf(view: SchemaView, coercion: Coercion): ValueKind {
  const types = view.types;
  if (coercion === 'none' || types === undefined) return 'primitive';
  if (types.has('array')) return 'array';
  if (types.has('object')) return 'object';
  return 'primitive';
}

/**
 * One string to the first type, in this order, that the schema admits and whose grammar the text
 * matches exactly: boolean (`true`/`false`), integer (safe range), number (decimal, finite), null
 * (`null`, only when the schema does not also admit a string); otherwise the string itself.
 */
export function coerceScalar(text: string, types: ReadonlySet<JsonType> | undefined, coercion: Coercion): unknown {
  if (coercion === 'none' || types === undefined) return text;
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.has('integer') && INTEGER.test(text)) {
    const value = Number(text);
    if (Number.isSafeInteger(value)) return value;
  }
  if (types.has('number') && NUMBER.test(text)) {
    const value = Number(text);
    if (Number.isFinite(value)) return value;
  }
  if (types.has('null') && !types.has('string') && text === 'null') return null;
  return text;
}
