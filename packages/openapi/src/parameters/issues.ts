/**
 * Issues for problems found before schema validation (a parameter missing, given twice, not
 * parsable in its style...). Messages are fixed texts: the client's values never appear in them.
 */
import type { ValidationIssue } from '../schema/types.js';
import { escapePointerToken } from '../document/json-pointer.js';

/** The keywords of the issues this module raises itself (schema issues keep ajv's keywords). */
export type ParameterIssueKeyword =
  | 'required'
  | 'duplicate'
  | 'unknown'
  | 'style'
  | 'content'
  | 'encoding'
  | 'forbiddenKey'
  | 'maxDepth'
  | 'maxKeys';

const MESSAGES: Readonly<Record<ParameterIssueKeyword, string>> = {
  required: 'is required',
  duplicate: 'must not be given more than once',
  unknown: 'is not a documented parameter',
  style: 'cannot be parsed in the style the document declares',
  content: 'must be valid JSON',
  encoding: 'must be valid percent-encoded UTF-8',
  forbiddenKey: 'must not use a reserved key',
  maxDepth: 'is nested too deeply',
  maxKeys: 'has too many keys',
};

export function issue(pointer: string, keyword: ParameterIssueKeyword): ValidationIssue {
  return { pointer, keyword, message: MESSAGES[keyword] };
}

/** `/query` + one RFC 6901 token. */
export function pointerTo(prefix: string, token: string): string {
  return `${prefix}/${escapePointerToken(token)}`;
}

/**
 * A name the client invented (an undocumented query parameter, a form key) may be long or odd;
 * it is echoed in a pointer only when it is short and made of plain characters.
 */
export function safeClientPointer(prefix: string, name: string): string {
  return name.length <= 64 && /^[A-Za-z0-9_.\-[\]]+$/.test(name) ? pointerTo(prefix, name) : prefix;
}

/** Collects issues up to a cap; `full` tells callers they may stop looking. */
export class IssueList {
  readonly items: ValidationIssue[] = [];
  readonly #max: number;

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  get full(): boolean {
    return this.items.length >= this.#max;
  }

  add(item: ValidationIssue): void {
    if (!this.full) this.items.push(item);
  }

  addAll(items: readonly ValidationIssue[]): void {
    for (const item of items) this.add(item);
  }
}
