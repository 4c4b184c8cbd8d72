/**
 * Internal pointers as the schema compiler uses them: `#` followed by RFC 6901 tokens
 * (`#/components/schemas/Pet`). One canonical spelling per location, so that caches and ids keyed
 * by pointer never hold the same schema twice.
 */

/** Escapes one reference token (`/pets/{id}` -> `~1pets~1{id}`). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `#/a` + `b/c` -> `#/a/b~1c`. */
export function childOf(pointer: string, ...tokens: readonly (string | number)[]): string {
  let out = pointer;
  for (const token of tokens) out += `/${escapeToken(String(token))}`;
  return out;
}

/**
 * Splits a canonical pointer (`#/a/b~1c`, or `#` for the root) into unescaped tokens. No
 * percent-decoding: callers build these pointers from keys. Undefined when malformed.
 */
export function pointerTokens(pointer: string): string[] | undefined {
  if (pointer === '#' || pointer === '') return [];
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (!body.startsWith('/')) return undefined;
  const tokens = body.slice(1).split('/');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (/~(?![01])/.test(token)) return undefined;
    tokens[i] = token.replace(/~1/g, '/').replace(/~0/g, '~');
  }
  return tokens;
}

/** Canonical spelling of a pointer given by a caller (`/a/b` and `#/a/b` are the same). */
export function canonicalPointer(pointer: string): string | undefined {
  const tokens = pointerTokens(pointer);
  return tokens === undefined ? undefined : childOf('#', ...tokens);
}

/**
 * The canonical pointer of an internal `$ref` (`#/components/schemas/Pet`). A `$ref` is a URI
 * fragment, so it may be percent-encoded (`#/paths/~1pets~1%7Bid%7D`). Undefined when the ref is
 * not an internal JSON-pointer ref (external file, plain-name anchor, bad escape).
 */
export function refPointer(ref: string): string | undefined {
  if (!ref.startsWith('#')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  return canonicalPointer(`#${decoded}`);
}

/** Follows a canonical pointer through own properties only (never the prototype chain). */
export function resolvePointer(root: unknown, pointer: string): { readonly value: unknown } | undefined {
  const tokens = pointerTokens(pointer);
  if (tokens === undefined) return undefined;
  let current: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      const index = Number(token);
      if (index >= current.length) return undefined;
      current = current[index];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return { value: current };
}

/** Every proper ancestor of a pointer, nearest first (`#/a/b/c` -> `#/a/b`, `#/a`, `#`). */
export function ancestorsOf(pointer: string): string[] {
  const tokens = pointerTokens(pointer) ?? [];
  const out: string[] = [];
  for (let length = tokens.length - 1; length >= 0; length--) out.push(childOf('#', ...tokens.slice(0, length)));
  return out;
}
