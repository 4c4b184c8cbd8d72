import { DocumentError, type LoadedDocument } from '../document/types.js';
import { childOf, refPointer, resolvePointer } from '../schema/schema-pointer.js';

/** `#/a/b` + `c/d` -> `#/a/b/c~1d` (canonical internal pointers: escaped, never percent-encoded). */
export const childPointer = childOf;

/** The value at a canonical internal pointer of the root (`#/paths/~1pets`), or undefined. */
export function valueAt(root: unknown, pointer: string): unknown {
  return resolvePointer(root, pointer)?.value;
}

/** Longest `$ref` chain followed before the document is declared circular there. */
const MAX_REF_HOPS = 64;

/**
 * Follows `$ref`s (internal, as the loader leaves them) from the object at `pointer` to a value that
 * is not a reference, returning it with its own canonical pointer. Throws DocumentError on a
 * dangling or circular chain of pure references.
 */
export function resolveRef(document: LoadedDocument, pointer: string): { readonly value: unknown; readonly pointer: string } {
  let at = pointer;
  let value = valueAt(document.root, at);
  for (let hops = 0; hops < MAX_REF_HOPS; hops++) {
    if (value === null || typeof value !== 'object' || typeof (value as { $ref?: unknown }).$ref !== 'string') return { value, pointer: at };
    const ref = (value as { $ref: string }).$ref;
    const next = refPointer(ref);
    if (next === undefined) throw new DocumentError(document.describe(at), `unresolved reference "${ref}"`);
    const target = resolvePointer(document.root, next);
    if (target === undefined) throw new DocumentError(document.describe(at), `the reference "${ref}" does not resolve`);
    at = next;
    value = target.value;
  }
  throw new DocumentError(document.describe(pointer), 'a chain of references that never reaches a value (circular)');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
