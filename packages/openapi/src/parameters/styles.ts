/**
 * The OpenAPI parameter styles (3.1 §4.8.12.4, identical in 3.0) read back into a structure:
 * one string, a list of strings, or name/value entries. Delimiters are split on the text as it
 * arrived, before each part is decoded, so an escaped delimiter (`%2C`) is data.
 */
import type { ValueKind } from './coerce.js';

export type Structured =
  | { readonly kind: 'primitive'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly string[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, string])[] };

/** A structure, or why the text could not be read: its shape (`style`) or a bad escape (`encoding`). */
export type StyleResult = Structured | 'style' | 'encoding';

/** Decodes one part (percent-decoding, trimming...); undefined when it is malformed. */
export type Decode = (raw: string) => string | undefined;

/**
 * Splits the text that holds the value (prefixes already removed) into the kind's structure.
 * Items are separated by `separator`; object entries alternate names and values (`R,100,G,200`)
 * or, when `exploded`, are `name=value` items (`R=100,G=200`). Empty text is the empty value of the
 * kind (`''`, `[]`, `{}`), as the spec's table of empty values says.
 */
export function splitBody(body: string, kind: ValueKind, separator: string | RegExp, exploded: boolean, decode: Decode): StyleResult {
  if (kind === 'primitive') {
    const value = decode(body);
    return value === undefined ? 'encoding' : { kind, value };
  }
  const parts = body === '' ? [] : body.split(separator);
  if (kind === 'array') {
    const items: string[] = [];
    for (const part of parts) {
      const item = decode(part);
      if (item === undefined) return 'encoding';
      items.push(item);
    }
    return { kind, items };
  }
  const entries: [string, string][] = [];
  if (exploded) {
    for (const part of parts) {
      const eq = part.indexOf('=');
      if (eq === -1) return 'style';
      const name = decode(part.slice(0, eq));
      const value = decode(part.slice(eq + 1));
      if (name === undefined || value === undefined) return 'encoding';
      entries.push([name, value]);
    }
  } else {
    if (parts.length % 2 !== 0) return 'style';
    for (let i = 0; i < parts.length; i += 2) {
      const name = decode(parts[i] as string);
      const value = decode(parts[i + 1] as string);
      if (name === undefined || value === undefined) return 'encoding';
      entries.push([name, value]);
    }
  }
  return { kind, entries };
}

/** `simple` (path, header): `blue`, `blue,black`, `R,100,G,200` / explode `R=100,G=200`. */
export function parseSimple(text: string, kind: ValueKind, explode: boolean, decode: Decode): StyleResult {
  return splitBody(text, kind, ',', explode, decode);
}

/** `label` (path): `.blue`, `.blue,black` / explode `.blue.black`, `.R,100,G,200` / explode `.R=100.G=200`. */
export function parseLabel(text: string, kind: ValueKind, explode: boolean, decode: Decode): StyleResult {
  if (!text.startsWith('.')) return 'style';
  return splitBody(text.slice(1), kind, explode && kind !== 'primitive' ? '.' : ',', explode, decode);
}

/**
 * `matrix` (path): `;color=blue`, `;color=blue,black` / explode `;color=blue;color=black`,
 * `;color=R,100,G,200` / explode `;R=100;G=200`; empty: `;color`.
 */
export function parseMatrix(text: string, name: string, kind: ValueKind, explode: boolean, decode: Decode): StyleResult {
  if (!text.startsWith(';')) return 'style';
  const bare = `;${name}`;
  if (text === bare) return splitBody('', kind, ',', explode, decode);
  if (kind === 'object' && explode) return splitBody(text.slice(1), kind, ';', true, decode);
  if (kind === 'array' && explode) {
    const items: string[] = [];
    for (const part of text.slice(1).split(';')) {
      if (!part.startsWith(`${name}=`)) return 'style';
      const item = decode(part.slice(name.length + 1));
      if (item === undefined) return 'encoding';
      items.push(item);
    }
    return { kind, items };
  }
  if (!text.startsWith(`${bare}=`)) return 'style';
  return splitBody(text.slice(bare.length + 1), kind, ',', false, decode);
}
