/**
 * The value of one name in form encoding (a query parameter, a form-body field) in the styles that
 * do not use brackets: `form`, `spaceDelimited`, `pipeDelimited`. Takes the raw values, still
 * percent-encoded, so that delimiters are split before decoding (`%2C` is data in `a=x%2Cy`).
 */
import { kindOf, type Coercion } from './coerce.js';
import { buildValue } from './build-value.js';
import { issue, type IssueList } from './issues.js';
import { formDecode } from './percent-decode.js';
import type { SchemaView } from './schema-view.js';
import { splitBody } from './styles.js';

export type FormFamilyStyle = 'form' | 'spaceDelimited' | 'pipeDelimited';

// `spaceDelimited` is delimited by an encoded space: `%20`, or `+` in form encoding.
const SEPARATORS: Readonly<Record<FormFamilyStyle, string | RegExp>> = {
  form: ',',
  spaceDelimited: /\+|%20/,
  pipeDelimited: '|',
};

/**
 * `rawValues` are every value given to the name, in order (at least one). Returns the value, or
 * undefined with an issue. An exploded list takes one item per occurrence (`a=1&a=2`); anything
 * else must occur once (a repeat is `duplicate`: HTTP parameter pollution). An exploded `form`
 * object is read from top-level names by the caller; here it would be one string.
 */
export function formFamilyValue(
  rawValues: readonly string[],
  style: FormFamilyStyle,
  explode: boolean,
  view: SchemaView,
  coercion: Coercion,
  pointer: string,
  issues: IssueList,
): unknown {
  let kind = kindOf(view, coercion);
  if (kind === 'object' && explode) kind = 'primitive';
  if (kind === 'array' && explode) {
    // `a=` alone is the empty list (the spec's table of empty values).
    const raw = rawValues.length === 1 && rawValues[0] === '' ? [] : rawValues;
    const items: string[] = [];
    for (const part of raw) {
      const item = formDecode(part);
      if (item === undefined) {
        issues.add(issue(pointer, 'encoding'));
        return undefined;
      }
      items.push(item);
    }
    return buildValue({ kind: 'array', items }, view, coercion, pointer, issues);
  }
  if (rawValues.length > 1) {
    issues.add(issue(pointer, 'duplicate'));
    return undefined;
  }
  const parsed = splitBody(rawValues[0] as string, kind, SEPARATORS[style], false, formDecode);
  if (typeof parsed === 'string') {
    issues.add(issue(pointer, parsed));
    return undefined;
  }
  return buildValue(parsed, view, coercion, pointer, issues);
}
