/**
 * `application/x-www-form-urlencoded` bodies read into the value their schema expects, honouring
 * the media type's `encoding` map (style and explode per property). Bracket notation (Stripe:
 * `metadata[key]=v`, `items[0][price]=p`, `expand[]=a`) is read for `deepObject` properties, and
 * for properties the encoding map does not mention. Same coercion as parameters. Bounded: pair
 * count (`maxKeys`) and bracket depth (`maxDepth`); keys that could reach a prototype are refused.
 */
import type { LoadedDocument } from '../document/types.js';
import type { ValidationIssue } from '../schema/types.js';
import { BracketTree, parseBracketName } from './bracket-tree.js';
import { emptyRecord, isForbiddenKey } from './build-value.js';
import { formFamilyValue, type FormFamilyStyle } from './form-values.js';
import { IssueList, issue, safeClientPointer } from './issues.js';
import type { ParameterOptions } from './parameter-validator.js';
import { formDecode } from './percent-decode.js';
import { countFormPairs, splitFormPairs } from './query-string.js';
import { SchemaShapes } from './schema-view.js';

export type FormEncoding = Readonly<Record<string, { readonly style?: string; readonly explode?: boolean }>>;

export type FormBodyResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

const MAX_FORM_ISSUES = 10;

export function deserializeFormBody(
  rawBody: string,
  schemaPointer: string | undefined,
  encoding: FormEncoding | undefined,
  document: LoadedDocument,
  options: ParameterOptions & { readonly maxDepth: number; readonly maxKeys: number },
): FormBodyResult {
  const issues = new IssueList(MAX_FORM_ISSUES);
  if (countFormPairs(rawBody) > options.maxKeys) return { ok: false, issues: [issue('/body', 'maxKeys')] };
  const pairs = splitFormPairs(rawBody);
  if (pairs.badName) return { ok: false, issues: [issue('/body', 'encoding')] };
  const view = SchemaShapes.of(document.root).at(schemaPointer);
  const declared = new Set(view.propertyNames());
  const out = emptyRecord();

  // Bracketed names are grouped per base name into trees, unless the name is itself declared.
  const trees = new Map<string, BracketTree>();
  const plain: [string, readonly string[]][] = [];
  for (const [name, rawValues] of pairs.byName) {
    const bracketed = options.coercion === 'schema' && !declared.has(name) && name.includes('[') ? parseBracketName(name) : undefined;
    if (bracketed === undefined || !usesBrackets(encoding, bracketed.base)) {
      plain.push([name, rawValues]);
      continue;
    }
    if (isForbiddenKey(bracketed.base)) return refuse(issues, '/body', 'forbiddenKey');
    let tree = trees.get(bracketed.base);
    if (tree === undefined) trees.set(bracketed.base, (tree = new BracketTree(bracketed.base, options.maxDepth)));
    for (const rawValue of rawValues) {
      const value = formDecode(rawValue);
      if (value === undefined) return refuse(issues, safeClientPointer('/body', bracketed.base), 'encoding');
      const problem = tree.add(bracketed.keys, bracketed.appended, value);
      if (problem !== undefined) return refuse(issues, safeClientPointer('/body', bracketed.base), problem);
    }
  }

  for (const [name, rawValues] of plain) {
    if (isForbiddenKey(name)) return refuse(issues, '/body', 'forbiddenKey');
    const pointer = safeClientPointer('/body', name);
    const tree = trees.get(name);
    if (tree !== undefined) {
      // `metadata=` beside `metadata[a]=1` joins the tree (and is refused there as ambiguous).
      for (const rawValue of rawValues) {
        const value = formDecode(rawValue);
        if (value === undefined) return refuse(issues, pointer, 'encoding');
        tree.add([], false, value);
      }
      continue;
    }
    const { style, explode } = encodingOf(encoding, name);
    const value = formFamilyValue(rawValues, style, explode, view.property(name), options.coercion, pointer, issues);
    if (value === undefined) return { ok: false, issues: issues.items };
    out[name] = value;
  }

  for (const [base, tree] of trees) {
    const value = tree.value(view.property(base), options.coercion, safeClientPointer('/body', base), issues);
    if (value === undefined) return { ok: false, issues: issues.items };
    out[base] = value;
  }
  return { ok: true, value: out };
}

/** Bracket notation applies to `deepObject` properties and to those the encoding map leaves unstyled. */
function usesBrackets(encoding: FormEncoding | undefined, base: string): boolean {
  const entry = encoding !== undefined && Object.hasOwn(encoding, base) ? encoding[base] : undefined;
  return entry?.style === undefined || entry.style === 'deepObject';
}

function encodingOf(encoding: FormEncoding | undefined, name: string): { style: FormFamilyStyle; explode: boolean } {
  const entry = encoding !== undefined && Object.hasOwn(encoding, name) ? encoding[name] : undefined;
  const style: FormFamilyStyle = entry?.style === 'spaceDelimited' || entry?.style === 'pipeDelimited' ? entry.style : 'form';
  // The spec's default: explode is true for `form`, false otherwise.
  return { style, explode: entry?.explode ?? style === 'form' };
}

function refuse(issues: IssueList, pointer: string, keyword: Parameters<typeof issue>[1]): FormBodyResult {
  issues.add(issue(pointer, keyword));
  return { ok: false, issues: issues.items };
}
