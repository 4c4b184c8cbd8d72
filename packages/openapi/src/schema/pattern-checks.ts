/**
 * Checks on the regular expressions a document brings (`pattern`, `patternProperties` keys). The
 * document's author is trusted, but the patterns run against client input, so two things matter:
 * whether the pattern is valid in the `u` mode JSON Schema asks for, and whether it can backtrack
 * catastrophically.
 */

/** How a pattern can be compiled: with the `u` flag, only without it, or not at all. */
export type PatternSyntax = 'unicode' | 'legacy-only' | 'invalid';

export function patternSyntax(pattern: string): PatternSyntax {
  if (compiles(pattern, 'u')) return 'unicode';
  return compiles(pattern, '') ? 'legacy-only' : 'invalid';
}

function compiles(pattern: string, flags: string): boolean {
  try {
    new RegExp(pattern, flags);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when a quantified group contains a quantifier, i.e. star height above 1 (`(a+)+`,
 * `(?:\w*\s?)*`, `(x{1,5})+`): the classic shape of catastrophic backtracking. Fixed counts
 * (`{4}`) and at-most-once (`?`, `{0,1}`) do not count as repeating. A heuristic in one
 * linear pass: it can flag harmless patterns (`(ab+c)+` is unambiguous) and misses overlapping
 * alternations (`(a|a)+`), so it only feeds a start-up warning.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  // One entry per open group: whether something inside it repeats.
  const groups: boolean[] = [false];
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i];
    if (char === '\\') {
      i += 2;
      i = afterQuantifier(pattern, i, groups);
      continue;
    }
    if (char === '[') {
      i = endOfClass(pattern, i + 1);
      i = afterQuantifier(pattern, i, groups);
      continue;
    }
    if (char === '(') {
      groups.push(false);
      i += 1;
      continue;
    }
    if (char === ')') {
      const innerRepeats = groups.length > 1 ? (groups.pop() as boolean) : false;
      i += 1;
      const repeat = quantifierAt(pattern, i);
      if (repeat !== undefined && repeat.repeats && innerRepeats) return true;
      if (innerRepeats) groups[groups.length - 1] = true;
      i = afterQuantifier(pattern, i, groups);
      continue;
    }
    i += 1;
    i = afterQuantifier(pattern, i, groups);
  }
  return false;
}

/** Skips a quantifier at `i` (if any), recording in the current group whether it repeats. */
function afterQuantifier(pattern: string, i: number, groups: boolean[]): number {
  const quantifier = quantifierAt(pattern, i);
  if (quantifier === undefined) return i;
  if (quantifier.repeats) groups[groups.length - 1] = true;
  let next = i + quantifier.length;
  if (pattern[next] === '?') next += 1; // lazy form
  return next;
}

function quantifierAt(pattern: string, i: number): { readonly length: number; readonly repeats: boolean } | undefined {
  const char = pattern[i];
  if (char === '*' || char === '+') return { length: 1, repeats: true };
  if (char === '?') return { length: 1, repeats: false };
  if (char !== '{') return undefined;
  const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 32));
  if (match === null) return undefined;
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
  // A fixed count (`{4}`) repeats exactly one way: `(?:[A-Za-z0-9+/]{4})*` (base64) cannot backtrack badly.
  return { length: match[0].length, repeats: max > 1 && max !== min };
}

/** Index just after the `]` closing a character class whose body starts at `i`. */
function endOfClass(pattern: string, i: number): number {
  let j = i;
  while (j < pattern.length) {
    if (pattern[j] === '\\') j += 2;
    else if (pattern[j] === ']') return j + 1;
    else j += 1;
  }
  return j;
}
