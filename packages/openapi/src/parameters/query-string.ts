import { countPairs } from '@portcullis/core';
/**
 * A query string (or form body) split into names and their raw values. Names are decoded (so
 * `filter%5Ba%5D` is `filter[a]`); values stay percent-encoded until their style has split them.
 */
import { formDecode } from './percent-decode.js';

export interface FormPairs {
  /** Decoded name -> raw values in the order they came. Never holds an undecodable name. */
  readonly byName: ReadonlyMap<string, readonly string[]>;
  /** True when some name had a malformed escape (the pair is left out). */
  readonly badName: boolean;
}

export function splitFormPairs(raw: string): FormPairs {
  const byName = new Map<string, string[]>();
  let badName = false;
  if (raw === '') return { byName, badName };
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    // `?flag` and `?flag=` are both the empty value.
    const name = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    if (name === undefined) {
      badName = true;
      continue;
    }
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    const list = byName.get(name);
    if (list === undefined) byName.set(name, [value]);
    else list.push(value);
  }
  return { byName, badName };
}

/** Counts non-empty `&`-separated pairs without splitting or decoding (a limit is checked before any work). */
export const countFormPairs = countPairs;
