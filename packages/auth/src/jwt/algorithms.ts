/**
 * The JWS algorithms Portcullis verifies, and the key each needs. `none` is not one of them and
 * cannot be configured; an allowlist is required (there is no default that accepts everything).
 */
export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
] as const;

export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export function isJwtAlgorithm(value: unknown): value is JwtAlgorithm {
  return typeof value === 'string' && (JWT_ALGORITHMS as readonly string[]).includes(value);
}

export function isSymmetric(alg: JwtAlgorithm): boolean {
  return alg.startsWith('HS');
}

/** Minimum shared-secret length per algorithm: the hash output size (RFC 7518 §3.2). */
export function minimumSecretBytes(alg: JwtAlgorithm): number {
  return alg === 'HS512' ? 64 : alg === 'HS384' ? 48 : 32;
}

/** A public key's type, as node:crypto reports it in JWK form. */
export interface KeyShape {
  readonly kty: string;
  readonly crv?: string;
}

/** Whether an asymmetric algorithm can use a key of this shape (an RSA key serves RS* and PS*). */
export function algorithmFitsKey(alg: JwtAlgorithm, key: KeyShape): boolean {
  switch (alg) {
    case 'RS256': case 'RS384': case 'RS512': case 'PS256': case 'PS384': case 'PS512':
      return key.kty === 'RSA';
    case 'ES256':
      return key.kty === 'EC' && key.crv === 'P-256';
    case 'ES384':
      return key.kty === 'EC' && key.crv === 'P-384';
    case 'ES512':
      return key.kty === 'EC' && key.crv === 'P-521';
    case 'EdDSA': case 'Ed25519':
      return key.kty === 'OKP' && key.crv === 'Ed25519';
    default:
      return false;
  }
}
