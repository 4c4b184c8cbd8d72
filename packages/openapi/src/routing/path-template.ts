/**
 * One OpenAPI path key (`/users/{id}`, `/repos/{owner}/{repo}/compare/{base}...{head}`,
 * `/Accounts/{Sid}.json`) parsed into segments that the contract router can match.
 *
 * A template variable matches within one path segment only (OpenAPI 3.1 §4.8.8: "the value MUST
 * NOT contain" a slash, and Portcullis' normalized paths never carry an encoded one), and never an
 * empty string.
 */
export type TemplateSegment =
  | { readonly kind: 'literal'; readonly text: string }
  /** The whole segment is one variable: `{id}`. */
  | { readonly kind: 'param'; readonly name: string }
  /** Literal text and variables mixed in one segment: `{Sid}.json`, `{base}...{head}`, `thumbnail.{ext}`. */
  | { readonly kind: 'mixed'; readonly pattern: RegExp; readonly names: readonly string[]; readonly literalLength: number };

export interface PathTemplate {
  /** The key as written in the document, without a `#fragment` or `?query` suffix. */
  readonly template: string;
  readonly segments: readonly TemplateSegment[];
  /** Variable names in order of appearance. */
  readonly names: readonly string[];
}

const VARIABLE = /\{([^{}]+)\}/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Problems are returned, not thrown: the caller knows the document location to report. */
export type TemplateResult = { readonly ok: true; readonly value: PathTemplate } | { readonly ok: false; readonly problem: string };

export function parsePathTemplate(template: string): TemplateResult {
  if (!template.startsWith('/')) return { ok: false, problem: 'a path must start with "/"' };
  const trimmed = template.length > 1 && template.endsWith('/') ? template.slice(0, -1) : template;
  const raw = trimmed === '/' ? [] : trimmed.split('/').slice(1);
  const segments: TemplateSegment[] = [];
  const names: string[] = [];
  for (const segment of raw) {
    if (segment === '') return { ok: false, problem: 'a path must not contain an empty segment' };
    const found = [...segment.matchAll(VARIABLE)];
    if (found.length === 0) {
      if (segment.includes('{') || segment.includes('}')) return { ok: false, problem: `unbalanced braces in "${segment}"` };
      segments.push({ kind: 'literal', text: segment });
      continue;
    }
    const segmentNames = found.map((m) => m[1] as string);
    for (const name of segmentNames) {
      if (names.includes(name)) return { ok: false, problem: `the variable "${name}" appears twice` };
      names.push(name);
    }
    if (found.length === 1 && (found[0] as RegExpMatchArray)[0] === segment) {
      segments.push({ kind: 'param', name: segmentNames[0] as string });
      continue;
    }
    // Literal parts must match exactly; each variable takes at least one character, lazily, so that
    // `{base}...{head}` splits `a...b` at the first `...` (GitHub's compare endpoint documents it so).
    let source = '^';
    let last = 0;
    let literalLength = 0;
    for (const match of found) {
      const literal = segment.slice(last, match.index);
      if (literal.includes('{') || literal.includes('}')) return { ok: false, problem: `unbalanced braces in "${segment}"` };
      source += escapeRegExp(literal);
      literalLength += literal.length;
      source += '(.+?)';
      last = (match.index as number) + match[0].length;
    }
    const tail = segment.slice(last);
    if (tail.includes('{') || tail.includes('}')) return { ok: false, problem: `unbalanced braces in "${segment}"` };
    source += `${escapeRegExp(tail)}$`;
    literalLength += tail.length;
    segments.push({ kind: 'mixed', pattern: new RegExp(source, 's'), names: segmentNames, literalLength });
  }
  return { ok: true, value: { template: trimmed, segments, names } };
}

/**
 * A path key as some real documents write it: Box adds `#fragment`s to tell operations on one path
 * apart (`/files/{file_id}#get_shared_link`), OpenAI adds a query (`/responses?beta=true`). Neither
 * is part of the path that requests carry.
 */
export function splitPathKey(key: string): { readonly path: string; readonly suffix: string | undefined } {
  const at = key.search(/[#?]/);
  return at === -1 ? { path: key, suffix: undefined } : { path: key.slice(0, at), suffix: key.slice(at) };
}
