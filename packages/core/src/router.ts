/**
 * The route table: a segment trie over normalized paths.
 *
 * Semantics (docs/routing.md):
 * - Patterns use `:name` for one segment and a final `*` for the rest of the path (possibly empty).
 * - At each segment a static match is tried first, then a parameter, then a wildcard; the first
 *   complete match in that order wins, with backtracking (so `/users/me` beats `/users/:id`).
 * - Matching is case-insensitive by default (Express and koa-router route `/Admin` to `/admin`, so a
 *   guard on `/admin` must cover it); parameter values keep their case.
 * - Paths are already normalized (see normalize-path.ts), so there are no trailing or double slashes.
 */
export interface RouteMatch {
  /** The route's id: its `id` option, or `METHODS pattern`. */
  readonly id: string;
  readonly pattern: string;
  readonly params: Readonly<Record<string, string>>;
}

interface Node<T> {
  readonly statics: Map<string, Node<T>>;
  param: { name: string; node: Node<T> } | undefined;
  wildcard: T | undefined;
  value: T | undefined;
}

function newNode<T>(): Node<T> {
  return { statics: new Map(), param: undefined, wildcard: undefined, value: undefined };
}

export type PatternProblem = string;

/** Checks a route pattern; returns a description of the problem, or undefined when valid. */
export function checkPattern(pattern: string): PatternProblem | undefined {
  if (!pattern.startsWith('/')) return 'expected a path starting with "/"';
  if (pattern !== '/' && pattern.endsWith('/')) return 'expected no trailing slash';
  const segments = pattern.split('/').slice(1);
  const names = new Set<string>();
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment === '' && pattern !== '/') return 'expected no empty segment';
    if (segment === '.' || segment === '..') return 'expected no dot segment';
    if (segment === '*' && i !== segments.length - 1) return 'expected "*" only as the last segment';
    if (segment.startsWith(':')) {
      const name = segment.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `expected a parameter name after ":" in "${segment}"`;
      if (names.has(name)) return `expected unique parameter names ("${name}" repeats)`;
      names.add(name);
    } else if (segment.includes(':') || (segment.includes('*') && segment !== '*')) {
      return `expected ":" and "*" only as whole segments, got "${segment}"`;
    }
  }
  return undefined;
}

export class Router<T> {
  readonly #root: Node<T> = newNode();
  /** Patterns without parameters or wildcard, by (case-folded) path: one Map read for most lookups. */
  readonly #exact = new Map<string, T>();
  readonly #caseSensitive: boolean;

  constructor(caseSensitive: boolean) {
    this.#caseSensitive = caseSensitive;
  }

  #key(segment: string): string {
    return this.#caseSensitive ? segment : segment.toLowerCase();
  }

  /** Adds a pattern; returns the existing value when the same pattern was already added. */
  add(pattern: string, value: T): T | undefined {
    let node = this.#root;
    const segments = pattern === '/' ? [] : pattern.split('/').slice(1);
    for (const segment of segments) {
      if (segment === '*') {
        const existing = node.wildcard;
        if (existing === undefined) node.wildcard = value;
        return existing;
      }
      if (segment.startsWith(':')) {
        const name = segment.slice(1);
        if (node.param === undefined) node.param = { name, node: newNode() };
        else if (node.param.name !== name) {
          // Two patterns that differ only by a parameter's name are the same route shape; the
          // first name is used for both, which we refuse rather than silently rename.
          throw new RangeError(`conflicts with another route that names this parameter ":${node.param.name}"`);
        }
        node = node.param.node;
        continue;
      }
      const key = this.#key(segment);
      let next = node.statics.get(key);
      if (next === undefined) {
        next = newNode();
        node.statics.set(key, next);
      }
      node = next;
    }
    const existing = node.value;
    if (existing === undefined) {
      node.value = value;
      if (!pattern.includes(':') && !pattern.includes('*')) this.#exact.set(this.#key(pattern), value);
    }
    return existing;
  }

  find(path: string): { value: T; params: Record<string, string> } | undefined {
    const exact = this.#exact.get(this.#key(path));
    if (exact !== undefined) return { value: exact, params: {} };
    const segments = path === '/' ? [] : path.split('/').slice(1);
    const params: Record<string, string> = {};
    const value = this.#walk(this.#root, segments, 0, params);
    return value === undefined ? undefined : { value, params };
  }

  #walk(node: Node<T>, segments: readonly string[], index: number, params: Record<string, string>): T | undefined {
    if (index === segments.length) {
      if (node.value !== undefined) return node.value;
      return node.wildcard === undefined ? undefined : ((params['*'] = ''), node.wildcard);
    }
    const segment = segments[index] as string;
    const next = node.statics.get(this.#key(segment));
    if (next !== undefined) {
      const found = this.#walk(next, segments, index + 1, params);
      if (found !== undefined) return found;
    }
    if (node.param !== undefined) {
      const found = this.#walk(node.param.node, segments, index + 1, params);
      if (found !== undefined) {
        params[node.param.name] = segment;
        return found;
      }
    }
    if (node.wildcard !== undefined) {
      params['*'] = segments.slice(index).join('/');
      return node.wildcard;
    }
    return undefined;
  }
}
