/**
 * The canonical form of a signed request (docs/auth/signed-requests.md). The signer and the
 * verifier build the same string from what went on the wire, without decoding anything: the path
 * and the query are taken exactly as sent, so no two parties can disagree about a normalization.
 */

export type SignatureAlgorithm = 'sha256' | 'sha512';

export const SCHEMES: Readonly<Record<SignatureAlgorithm, string>> = Object.freeze({
  sha256: 'PC-HMAC-SHA256',
  sha512: 'PC-HMAC-SHA512',
});

/**
 * The raw query's pairs exactly as received, ordered by name only: the sort is stable, so the values
 * of a repeated name keep their order (`role=user&role=admin` and `role=admin&role=user` are
 * different requests to an application that reads the first value, and sign differently). A pair
 * without `=` stays as it is (`a` is not `a=`); only empty pairs (`&&`) are dropped. Names compare
 * in UTF-16 code unit order, which is byte order for the ASCII a request-target holds.
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: (readonly [string, string])[] = [];
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    pairs.push([eq === -1 ? pair : pair.slice(0, eq), pair]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map(([, pair]) => pair).join('&');
}

/** One signed header's line: `<lower-case name>:<values, each trimmed, joined by ", ">`. */
export function headerLine(name: string, values: readonly string[]): string {
  return `${name}:${values.map((v) => v.trim()).join(', ')}`;
}

export interface StringToSignParts {
  readonly algorithm: SignatureAlgorithm;
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly timestamp: string;
  readonly nonce: string;
  /** Already built with `headerLine`, in the order of the `headers` parameter. */
  readonly headerLines: readonly string[];
}

/** The lines joined by `\n`, without a trailing newline. */
export function stringToSign(parts: StringToSignParts): string {
  return [SCHEMES[parts.algorithm], parts.method.toUpperCase(), parts.rawPath, canonicalQuery(parts.rawQuery), parts.timestamp, parts.nonce, ...parts.headerLines].join('\n');
}
