import type { PathTemplate, TemplateSegment } from './path-template.js';

/**
 * The route table of a contract: a segment trie over OpenAPI path templates.
 *
 * Semantics (docs/openapi.md "Routing"):
 * - Case-sensitive, as OpenAPI paths are. A request whose case differs is undocumented.
 * - At each segment a literal is tried first, then segments mixing text and variables (most literal
 *   text first), then a whole-segment variable, with backtracking: `/users/me` beats `/users/{id}`,
 *   as the specification requires of concrete paths.
 * - The method decides between the candidates: `DELETE /users/me` goes to `DELETE /users/{id}` when
 *   only `GET /users/me` is documented, as the application's router would route it. When a path
 *   matches but none of its candidates documents the method, the answer is 405 with the `Allow` of
 *   the most concrete candidate.
 * - HEAD is served by GET when HEAD is not documented (every framework answers HEAD with the GET
 *   handler).
 */
export interface RouteCandidate<T> {
  readonly template: PathTemplate;
  readonly value: T;
}

interface Leaf<T> {
  /** By upper-case method. Templates of the same shape with different variable names share a leaf. */
  readonly byMethod: Map<string, RouteCandidate<T>>;
}

interface Node<T> {
  readonly literals: Map<string, Node<T>>;
  /** Mixed segments, most literal text first. */
  readonly mixed: { readonly segment: Extract<TemplateSegment, { kind: 'mixed' }>; readonly key: string; readonly node: Node<T> }[];
  param: Node<T> | undefined;
  leaf: Leaf<T> | undefined;
}

function newNode<T>(): Node<T> {
  return { literals: new Map(), mixed: [], param: undefined, leaf: undefined };
}

export type RouteLookup<T> =
  | { readonly kind: 'found'; readonly candidate: RouteCandidate<T>; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

const NOT_FOUND = Object.freeze({ kind: 'not-found' as const });

/** Bound on backtracking: a path has at most this many segments worth exploring. */
const MAX_SEGMENTS = 64;

export class ContractRouter<T> {
  readonly #root: Node<T> = newNode();

  /** Adds an operation; returns the existing candidate when the same shape and method was already added. */
  add(template: PathTemplate, method: string, value: T): RouteCandidate<T> | undefined {
    let node = this.#root;
    for (const segment of template.segments) {
      if (segment.kind === 'literal') {
        let next = node.literals.get(segment.text);
        if (next === undefined) node.literals.set(segment.text, (next = newNode()));
        node = next;
      } else if (segment.kind === 'param') {
        node = node.param ??= newNode();
      } else {
        const key = segment.pattern.source;
        let entry = node.mixed.find((m) => m.key === key);
        if (entry === undefined) {
          entry = { segment, key, node: newNode() };
          node.mixed.push(entry);
          node.mixed.sort((a, b) => b.segment.literalLength - a.segment.literalLength);
        }
        node = entry.node;
      }
    }
    const leaf = (node.leaf ??= { byMethod: new Map() });
    const existing = leaf.byMethod.get(method);
    if (existing !== undefined) return existing;
    leaf.byMethod.set(method, { template, value });
    return undefined;
  }

  find(path: string, method: string): RouteLookup<T> {
    const segments = path === '/' ? [] : path.split('/').slice(1);
    if (segments.length > MAX_SEGMENTS) return NOT_FOUND;
    const values: string[] = [];
    let firstLeaf: Leaf<T> | undefined;
    const wanted = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    const walk = (node: Node<T>, index: number): RouteCandidate<T> | undefined => {
      if (index === segments.length) {
        const leaf = node.leaf;
        if (leaf === undefined) return undefined;
        firstLeaf ??= leaf;
        for (const m of wanted) {
          const candidate = leaf.byMethod.get(m);
          if (candidate !== undefined) return candidate;
        }
        return undefined;
      }
      const segment = segments[index] as string;
      const literal = node.literals.get(segment);
      if (literal !== undefined) {
        const found = walk(literal, index + 1);
        if (found !== undefined) return found;
      }
      for (const mixed of node.mixed) {
        const match = mixed.segment.pattern.exec(segment);
        if (match === null) continue;
        const mark = values.length;
        for (let i = 1; i < match.length; i++) values.push(match[i] as string);
        const found = walk(mixed.node, index + 1);
        if (found !== undefined) return found;
        values.length = mark;
      }
      if (node.param !== undefined && segment !== '') {
        values.push(segment);
        const found = walk(node.param, index + 1);
        if (found !== undefined) return found;
        values.pop();
      }
      return undefined;
    };
    const candidate = walk(this.#root, 0);
    if (candidate !== undefined) {
      const params: Record<string, string> = Object.create(null) as Record<string, string>;
      const names = candidate.template.names;
      for (let i = 0; i < names.length; i++) params[names[i] as string] = values[i] as string;
      return { kind: 'found', candidate, params };
    }
    if (firstLeaf === undefined) return NOT_FOUND;
    return { kind: 'method-not-allowed', allow: allowOf(firstLeaf) };
  }
}

function allowOf<T>(leaf: Leaf<T>): string[] {
  const allow = new Set(leaf.byMethod.keys());
  if (allow.has('GET')) allow.add('HEAD');
  return [...allow].sort();
}
