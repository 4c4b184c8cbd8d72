import { createPublicKey, type KeyObject } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { algorithmFitsKey, isSymmetric, type JwtAlgorithm } from './algorithms.js';
import type { VettedHeader } from './token-header.js';

/** A key ready for verification, bound to one algorithm. */
export interface VerificationKey {
  readonly kid: string | undefined;
  readonly alg: JwtAlgorithm;
  readonly key: CryptoKey;
  /** A stable identity of the key material, so a refreshed key set keeps keys that did not change. */
  readonly fingerprint: string;
  /** Cleared when the key leaves the key set: tokens cached under it are then verified again. */
  active: boolean;
}

/** A public key as configured or published, checked but not yet imported for WebCrypto. */
export interface PublicKeyMaterial {
  readonly kid: string | undefined;
  /** The algorithms this key will verify: its own `alg`, or every allowed algorithm that fits it. */
  readonly algorithms: readonly JwtAlgorithm[];
  readonly jwk: JWK;
  readonly fingerprint: string;
}

export interface SecretMaterial {
  readonly kid: string | undefined;
  readonly secret: Uint8Array;
  readonly algorithms: readonly JwtAlgorithm[];
  readonly fingerprint: string;
}

export type KeyProblem = string;

const MAX_CANDIDATES_WITHOUT_KID = 4;

function canonicalPublicJwk(object: KeyObject): JWK {
  const jwk = object.export({ format: 'jwk' }) as JWK;
  // Only the public members, in a fixed order, so the same key always has the same fingerprint.
  const { kty, crv, n, e, x, y } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, n, e, x, y }).filter(([, v]) => v !== undefined)) as JWK;
}

/**
 * Checks a public key (PEM or JWK) against the allowed algorithms. Synchronous (node:crypto), so
 * a bad key fails `createFirewall`, not the first request.
 */
export function describePublicKey(source: { pem: string } | { jwk: Record<string, unknown> }, kid: string | undefined, alg: string | undefined, allowed: readonly JwtAlgorithm[]): PublicKeyMaterial | KeyProblem {
  let object: KeyObject;
  try {
    if ('pem' in source) {
      if (source.pem.includes('PRIVATE KEY')) return 'expected a public key or certificate, got a private key (never configure private keys for verification)';
      object = createPublicKey(source.pem);
    } else {
      const jwk = source.jwk;
      if (Object.hasOwn(jwk, 'd') || Object.hasOwn(jwk, 'k')) return 'expected a public JWK, got private or symmetric key material';
      if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return 'expected a signing key (use "sig")';
      if (Array.isArray(jwk['key_ops']) && !jwk['key_ops'].includes('verify')) return 'expected a key whose key_ops include "verify"';
      object = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    }
  } catch {
    return 'could not be read as a public key';
  }
  if (object.type !== 'public') return 'expected a public key';
  const jwk = canonicalPublicJwk(object);
  const shape = { kty: String(jwk.kty), ...(jwk.crv === undefined ? {} : { crv: jwk.crv }) };
  let algorithms: JwtAlgorithm[];
  if (alg !== undefined) {
    const wanted = allowed.find((a) => a === alg);
    if (wanted === undefined) return `its alg ${JSON.stringify(alg)} is not in \`algorithms\``;
    if (!algorithmFitsKey(wanted, shape)) return `its alg ${alg} does not fit a ${shape.kty}${shape.crv === undefined ? '' : ` ${shape.crv}`} key`;
    algorithms = [wanted];
  } else {
    algorithms = allowed.filter((a) => !isSymmetric(a) && algorithmFitsKey(a, shape));
    if (algorithms.length === 0) return `no algorithm in \`algorithms\` fits a ${shape.kty}${shape.crv === undefined ? '' : ` ${shape.crv}`} key`;
  }
  const fingerprint = `${kid ?? ''}|${JSON.stringify(jwk)}`;
  return { kid, algorithms, jwk, fingerprint };
}

/**
 * A shared secret imported once as a WebCrypto HMAC key: handed to jose as raw bytes, it would be
 * imported again on every verification (measured: about half of an HS256 verify).
 */
function importSecret(secret: Uint8Array, alg: JwtAlgorithm): Promise<CryptoKey> {
  const hash = alg === 'HS512' ? 'SHA-512' : alg === 'HS384' ? 'SHA-384' : 'SHA-256';
  return crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash }, false, ['verify']);
}

/** Imports key material into verification keys, reusing keys from `previous` whose material is unchanged. */
export async function importKeys(materials: readonly (PublicKeyMaterial | SecretMaterial)[], previous: readonly VerificationKey[] = []): Promise<VerificationKey[]> {
  const reusable = new Map<string, VerificationKey>();
  for (const key of previous) reusable.set(`${key.fingerprint}|${key.alg}`, key);
  const keys: VerificationKey[] = [];
  for (const material of materials) {
    for (const alg of material.algorithms) {
      const reused = reusable.get(`${material.fingerprint}|${alg}`);
      if (reused !== undefined) {
        keys.push(reused);
        continue;
      }
      const key = 'secret' in material ? await importSecret(material.secret, alg) : ((await importJWK(material.jwk, alg)) as CryptoKey);
      keys.push({ kid: material.kid, alg, key, fingerprint: material.fingerprint, active: true });
    }
  }
  // Keys of the previous set that did not survive: tokens verified with them must be verified again.
  const kept = new Set(keys);
  for (const key of previous) if (!kept.has(key)) key.active = false;
  return keys;
}

/** What a token's header selects in a key set. */
export type Candidates = readonly VerificationKey[] | 'unknown-kid';

/**
 * Selects the keys a token may be verified with. A `kid` selects by exact match among the
 * configured keys (keys configured without a kid stay candidates); a token without one is tried
 * against the few keys of its algorithm.
 */
export function selectKeys(keys: readonly VerificationKey[], header: VettedHeader): Candidates {
  if (header.kid !== undefined) {
    let known = false;
    const found: VerificationKey[] = [];
    for (const key of keys) {
      // A key configured without a kid is a candidate for any kid (the kid is then only a hint).
      if (key.kid !== undefined && key.kid !== header.kid) continue;
      known = true;
      if (key.alg === header.alg && found.length < MAX_CANDIDATES_WITHOUT_KID) found.push(key);
    }
    return known ? found : 'unknown-kid';
  }
  const found: VerificationKey[] = [];
  for (const key of keys) {
    if (key.alg === header.alg) found.push(key);
    if (found.length === MAX_CANDIDATES_WITHOUT_KID) break;
  }
  return found;
}
