/**
 * JSON pointers (RFC 6901) as they appear in `$ref` fragments: `~1` for `/`, `~0` for `~`, and,
 * because a fragment is part of a URI, percent-encoding (`#/paths/~1pets~1%7Bid%7D`).
 */

/** Escapes one reference token (`/pets/{id}` -> `~1pets~1{id}`). No percent-encoding: the result is for people and lookups. */
export function escapePointerToken(token: string): string {
  // Fast path: most keys need no escaping, and the loader escapes every key of a large document.
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins a parent pointer (`''` is the whole document) and one key. */
export function childPointer(parent: string, key: string | number): string {
  return `${parent}/${escapePointerToken(String(key))}`;
}

/** Builds a pointer from unescaped tokens. */
export function formatPointer(tokens: readonly string[]): string {
  let out = '';
  for (const token of tokens) out += `/${escapePointerToken(token)}`;
  return out;
}

/**
 * Splits a `$ref` fragment (the part after `#`, may be percent-encoded) into unescaped tokens.
 * Returns undefined when it is not a JSON pointer (a plain-name `$anchor` fragment, a bad
 * percent-escape, or a `~` not followed by 0 or 1).
 */
export function parseFragmentPointer(fragment: string): string[] | undefined {
  let decoded = fragment;
  if (fragment.includes('%')) {
    try {
      decoded = decodeURIComponent(fragment);
    } catch {
      return undefined;
    }
  }
  if (decoded === '') return [];
  if (!decoded.startsWith('/')) return undefined;
  const tokens = decoded.slice(1).split('/');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (!token.includes('~')) continue;
    if (/~(?![01])/.test(token)) return undefined;
    tokens[i] = token.replace(/~1/g, '/').replace(/~0/g, '~');
  }
  return tokens;
}

const NOT_FOUND: unique symbol = Symbol('not found');

/**
 * Follows unescaped tokens from `value` without following any `$ref` on the way (the pointer is
 * evaluated on the document as written, as downstream code will). Returns undefined when a
 * token does not exist.
 */
export function resolveTokens(value: unknown, tokens: readonly string[]): { readonly value: unknown } | undefined {
  let current: unknown = value;
  for (const token of tokens) {
    const next = step(current, token);
    if (next === NOT_FOUND) return undefined;
    current = next;
  }
  return { value: current };
}

function step(container: unknown, token: string): unknown {
  if (Array.isArray(container)) {
    // RFC 6901 array index: `0` or a number without leading zeros.
    if (!/^(0|[1-9][0-9]*)$/.test(token)) return NOT_FOUND;
    const index = Number(token);
    return index < container.length ? container[index] : NOT_FOUND;
  }
  if (container !== null && typeof container === 'object' && Object.hasOwn(container, token)) {
    return (container as Record<string, unknown>)[token];
  }
  return NOT_FOUND;
}

/**
 * Resolves an internal `$ref` (`#/components/schemas/Pet`) against a document root. Returns
 * undefined when the ref is not an internal JSON-pointer ref or does not resolve.
 */
export function resolveInternalRef(root: unknown, ref: string): { readonly value: unknown } | undefined {
  if (!ref.startsWith('#')) return undefined;
  const tokens = parseFragmentPointer(ref.slice(1));
  return tokens === undefined ? undefined : resolveTokens(root, tokens);
}
