import { GraphQLError, type DocumentNode } from 'graphql';
import { Parser } from 'graphql/language/parser.js';

export type ParseResult =
  | { readonly ok: true; readonly document: DocumentNode; readonly tokens: number }
  | { readonly ok: false; readonly reason: 'too-large' | 'too-deep' | 'invalid' };

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

/**
 * The deepest nesting of `{`, `[` and `(` outside strings and comments. graphql-js parses
 * recursively, so a document nested thousands of levels could exhaust the stack inside the parser:
 * this linear scan refuses it first. It is a bound, not the depth metric (fragments reset it).
 */
export function maxNesting(text: string, stopAbove: number): number {
  let level = 0;
  let max = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === OPEN_BRACE || code === OPEN_BRACKET || code === OPEN_PAREN) {
      level++;
      if (level > max) {
        max = level;
        if (max > stopAbove) return max;
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET || code === CLOSE_PAREN) {
      if (level > 0) level--;
    } else if (code === HASH) {
      while (i + 1 < length && text.charCodeAt(i + 1) !== NEWLINE && text.charCodeAt(i + 1) !== RETURN) i++;
    } else if (code === QUOTE) {
      if (text.charCodeAt(i + 1) === QUOTE && text.charCodeAt(i + 2) === QUOTE) {
        // Block string: ends at the next unescaped """.
        i += 3;
        while (i < length) {
          if (text.charCodeAt(i) === BACKSLASH && text.startsWith('"""', i + 1)) i += 4;
          else if (text.startsWith('"""', i)) {
            i += 2;
            break;
          } else i++;
        }
      } else {
        i++;
        while (i < length) {
          const c = text.charCodeAt(i);
          if (c === BACKSLASH) i += 2;
          else if (c === QUOTE || c === NEWLINE || c === RETURN) break;
          else i++;
        }
      }
    }
  }
  return max;
}

/**
 * Parses once, without locations, bounded by graphql-js's own `maxTokens`. Never throws.
 */
export function parseDocument(text: string, maxTokens: number, maxNestingLevel: number): ParseResult {
  if (maxNesting(text, maxNestingLevel) > maxNestingLevel) return { ok: false, reason: 'too-deep' };
  const parser = new Parser(text, { maxTokens, noLocation: true });
  try {
    const document = parser.parseDocument();
    return { ok: true, document, tokens: parser.tokenCount };
  } catch (error) {
    if (error instanceof GraphQLError && error.message.includes('tokens. Parsing aborted')) {
      return { ok: false, reason: 'too-large' };
    }
    // RangeError (stack) cannot happen after the nesting scan, but a refusal is the only safe answer.
    if (error instanceof RangeError) return { ok: false, reason: 'too-large' };
    return { ok: false, reason: 'invalid' };
  }
}
