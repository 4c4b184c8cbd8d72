/**
 * Bracket notation, as `deepObject` and form bodies use it (Stripe: `metadata[key]=v`,
 * `items[0][price]=p`, `expand[]=a`; nested `filter[a][b]=1`). Names are collected into a tree,
 * then read into a value guided by the schema: numeric keys make an array only where the schema
 * wants one. Depth is capped, and keys that could reach a prototype are refused.
 */
import { coerceScalar, type Coercion } from './coerce.js';
import { buildValue, emptyRecord, isForbiddenKey } from './build-value.js';
import { issue, safeClientPointer, type IssueList, type ParameterIssueKeyword } from './issues.js';
import type { SchemaView } from './schema-view.js';

export interface BracketName {
  /** The name before the first `[`. */
  readonly base: string;
  /** The keys in brackets, without a final `[]`. */
  readonly keys: readonly string[];
  /** True when the name ends with `[]` (append to a list). */
  readonly appended: boolean;
}

/** Splits `a[b][c]` / `a[]`; undefined when the brackets are not well formed (`a[b`, `a[b]c`, `a[][b]`). */
export function parseBracketName(name: string): BracketName | undefined {
  const open = name.indexOf('[');
  if (open <= 0) return undefined;
  const keys: string[] = [];
  let appended = false;
  let i = open;
  while (i < name.length) {
    if (appended || name.charCodeAt(i) !== 91 /* [ */) return undefined;
    const close = name.indexOf(']', i + 1);
    if (close === -1) return undefined;
    const key = name.slice(i + 1, close);
    if (key.includes('[')) return undefined;
    if (key === '') appended = true;
    else keys.push(key);
    i = close + 1;
  }
  return { base: name.slice(0, open), keys, appended };
}

interface BracketNode {
  /** Values given to this exact name (`a[b]=1`). */
  readonly values: string[];
  /** Values appended with `[]` (`a[b][]=1`). */
  readonly appended: string[];
  readonly children: Map<string, BracketNode>;
}

function newNode(): BracketNode {
  return { values: [], appended: [], children: new Map() };
}

/** One tree per bracketed name (`metadata`, `items`...). */
export class BracketTree {
  readonly #root = newNode();
  readonly #maxDepth: number;
  readonly #base: string;

  /** `base` is the name before the brackets (`constructor[prototype]` is refused like any nested one). */
  constructor(base: string, maxDepth: number) {
    this.#base = base;
    this.#maxDepth = maxDepth;
  }

  /**
   * Adds one decoded value under its keys; returns the problem when it cannot be added. Depth is
   * the number of bracket pairs (`a[b][]` is 2).
   */
  add(keys: readonly string[], appended: boolean, value: string): ParameterIssueKeyword | undefined {
    if (keys.length + (appended ? 1 : 0) > this.#maxDepth) return 'maxDepth';
    let node = this.#root;
    let parentKey = this.#base;
    for (const key of keys) {
      if (isForbiddenKey(key) || (parentKey === 'constructor' && key === 'prototype')) return 'forbiddenKey';
      let child = node.children.get(key);
      if (child === undefined) node.children.set(key, (child = newNode()));
      node = child;
      parentKey = key;
    }
    (appended ? node.appended : node.values).push(value);
    return undefined;
  }

  /** The tree's value for a schema; undefined (with an issue) when it cannot be read. */
  value(view: SchemaView, coercion: Coercion, pointer: string, issues: IssueList): unknown {
    return nodeValue(this.#root, view, coercion, pointer, issues);
  }
}

const INDEX = /^(0|[1-9][0-9]{0,8})$/;

// Recursion is bounded by the tree's depth, which `add` caps.
function nodeValue(node: BracketNode, view: SchemaView, coercion: Coercion, pointer: string, issues: IssueList): unknown {
  const leaf = node.values.length + node.appended.length > 0;
  if (node.children.size > 0) {
    // `a=1&a[b]=2`: a name that is both a value and an object.
    if (leaf) return fail(issues, pointer, 'style');
    return branchValue(node, view, coercion, pointer, issues);
  }
  if (node.values.length > 0 && node.appended.length > 0) return fail(issues, pointer, 'style');
  const types = view.types;
  if (node.appended.length > 0) return buildValue({ kind: 'array', items: node.appended }, view, coercion, pointer, issues);
  const wantsList = coercion === 'schema' && types !== undefined && types.has('array');
  if (node.values.length > 1) {
    if (!wantsList) return fail(issues, pointer, 'duplicate');
    return buildValue({ kind: 'array', items: node.values }, view, coercion, pointer, issues);
  }
  const text = node.values[0] as string;
  // A list-only schema given one plain value (`expand=a`) reads it as a list of one.
  if (wantsList && ![...types].some((t) => t !== 'array' && t !== 'object')) {
    return buildValue({ kind: 'array', items: [text] }, view, coercion, pointer, issues);
  }
  return coerceScalar(text, types, coercion);
}

function branchValue(node: BracketNode, view: SchemaView, coercion: Coercion, pointer: string, issues: IssueList): unknown {
  const types = view.types;
  const keys = [...node.children.keys()];
  const asList =
    coercion === 'schema' && types !== undefined && types.has('array') && keys.every((key) => INDEX.test(key));
  if (asList) {
    // `items[0]...items[n-1]`: indices must be exactly 0..n-1, so no sparse or huge array is built.
    const ordered = keys.map(Number).sort((a, b) => a - b);
    if (ordered.some((index, position) => index !== position)) return fail(issues, pointer, 'style');
    const itemView = view.items();
    const list: unknown[] = [];
    for (const index of ordered) {
      const child = node.children.get(String(index)) as BracketNode;
      const value = nodeValue(child, itemView, coercion, `${pointer}/${index}`, issues);
      if (value === undefined) return undefined;
      list.push(value);
    }
    return list;
  }
  const out = emptyRecord();
  for (const [key, child] of node.children) {
    const value = nodeValue(child, view.property(key), coercion, safeClientPointer(pointer, key), issues);
    if (value === undefined) return undefined;
    out[key] = value;
  }
  return out;
}

function fail(issues: IssueList, pointer: string, keyword: ParameterIssueKeyword): undefined {
  issues.add(issue(pointer, keyword));
  return undefined;
}
