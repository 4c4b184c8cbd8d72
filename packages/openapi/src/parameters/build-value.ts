/**
 * From a parsed structure to the value handed to the schema validator: scalars coerced as the
 * schema says, objects built without a prototype, keys that could reach a prototype refused.
 */
import { coerceScalar, type Coercion } from './coerce.js';
import { issue, safeClientPointer, type IssueList } from './issues.js';
import type { SchemaView } from './schema-view.js';
import type { Structured } from './styles.js';

/**
 * `__proto__` is refused anywhere: even on a prototype-less object it pollutes the first
 * `Object.assign` a handler makes. (Nested keys also refuse `constructor` followed by
 * `prototype`, which a recursive merge into a plain object would follow to `Object.prototype`:
 * see BracketTree.add; core's JSON check has the same two rules.)
 */
export function isForbiddenKey(key: string): boolean {
  return key === '__proto__';
}

/** A fresh object without a prototype, so no key the client chooses can reach one. */
export function emptyRecord(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/** The value of a parsed structure; undefined (with an issue added) when it cannot be built. */
export function buildValue(structured: Structured, view: SchemaView, coercion: Coercion, pointer: string, issues: IssueList): unknown {
  switch (structured.kind) {
    case 'primitive':
      return coerceScalar(structured.value, view.types, coercion);
    case 'array': {
      const itemTypes = view.items().types;
      return structured.items.map((item) => coerceScalar(item, itemTypes, coercion));
    }
    case 'object': {
      const out = emptyRecord();
      for (const [key, text] of structured.entries) {
        if (isForbiddenKey(key)) {
          issues.add(issue(pointer, 'forbiddenKey'));
          return undefined;
        }
        if (Object.hasOwn(out, key)) {
          issues.add(issue(safeClientPointer(pointer, key), 'duplicate'));
          return undefined;
        }
        out[key] = coerceScalar(text, view.property(key).types, coercion);
      }
      return out;
    }
  }
}
