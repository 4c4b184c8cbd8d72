import type { JwtAlgorithm } from './algorithms.js';

/**
 * Reads and vets a JWS compact token's protected header before any key is looked up or any
 * signature computed. The header is attacker-controlled: it may choose among the keys the policy
 * configured (by `kid`) but never supply or locate one.
 */
export interface VettedHeader {
  readonly alg: JwtAlgorithm;
  readonly kid: string | undefined;
}

export type HeaderRefusal =
  | 'malformed'
  | 'algorithm'
  /** `jku`, `x5u`, `jwk`, `x5c`: keys or key locations chosen by the token. */
  | 'embedded-key'
  | 'crit'
  | 'kid';

const MAX_HEADER_SEGMENT = 2_048;
const MAX_KID_LENGTH = 256;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
const decoder = new TextDecoder('utf-8', { fatal: true });

export function vetHeader(token: string, allowed: ReadonlySet<string>, understoodCrit: ReadonlySet<string>): VettedHeader | HeaderRefusal {
  const firstDot = token.indexOf('.');
  if (firstDot <= 0) return 'malformed';
  const secondDot = token.indexOf('.', firstDot + 1);
  // Exactly three segments; a JWE (five) or an unsigned token with an empty signature is refused.
  if (secondDot === -1 || secondDot === token.length - 1 || token.indexOf('.', secondDot + 1) !== -1) return 'malformed';
  const segment = token.slice(0, firstDot);
  if (segment.length > MAX_HEADER_SEGMENT || !SEGMENT.test(segment)) return 'malformed';
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(Buffer.from(segment, 'base64url')));
  } catch {
    return 'malformed';
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return 'malformed';
  const h = header as Record<string, unknown>;
  // Exact, case-sensitive match against the allowlist: `none`, `None`, `NONE` are never in it.
  if (typeof h['alg'] !== 'string' || !allowed.has(h['alg'])) return 'algorithm';
  for (const name of KEY_HEADERS) if (Object.hasOwn(h, name)) return 'embedded-key';
  if (Object.hasOwn(h, 'crit')) {
    const crit = h['crit'];
    if (!Array.isArray(crit) || crit.length === 0) return 'crit';
    for (const name of crit) if (typeof name !== 'string' || !understoodCrit.has(name) || !Object.hasOwn(h, name)) return 'crit';
  }
  let kid: string | undefined;
  if (Object.hasOwn(h, 'kid')) {
    if (typeof h['kid'] !== 'string' || h['kid'].length === 0 || h['kid'].length > MAX_KID_LENGTH) return 'kid';
    kid = h['kid'];
  }
  return { alg: h['alg'] as JwtAlgorithm, kid };
}
