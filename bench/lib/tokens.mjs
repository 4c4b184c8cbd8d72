// JSON Web Tokens for the benchmarks, signed here with node:crypto rather than with a JWT library:
// the library under test (jose, behind the jwt() guard) must not also be the one that made the
// tokens, and signing thousands of tokens at start-up has to be cheap. One builder for the load
// workloads (lib/workload.mjs) and the micro cases (lib/micro-cases.mjs).
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

/** Benchmark-only claims every token carries, and that every verifier in the run checks. */
export const JWT_ISSUER = 'https://auth.bench.example';
export const JWT_AUDIENCE = 'bench-api';
/** Fixed times (2023-11-14 and 2100-01-01) so that the same run always sends the same tokens. */
const ISSUED_AT = 1_700_000_000;
const EXPIRES_AT = 4_102_444_800;

const encodeJson = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The signing side of one algorithm: what the header says and how the signature is made. */
function signer(alg, key) {
  if (alg === 'HS256') return (input) => createHmac('sha256', key).update(input).digest('base64url');
  // JWS wants the raw r||s form (RFC 7518 §3.4), not node's default DER.
  if (alg === 'ES256') return (input) => sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  throw new Error(`tokens.mjs signs HS256 and ES256, not ${alg}`);
}

/** The claims of client `index`: each client its own subject, all with the run's issuer and audience. */
export function clientClaims(index) {
  return { iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub: `client-${index}`, scope: 'items:write orders:write', iat: ISSUED_AT, exp: EXPIRES_AT };
}

/**
 * `count` distinct tokens, token i for client i. `key` is the HS256 secret (string or bytes) or an
 * ES256 private KeyObject. The header is built once; only payload and signature differ.
 */
export function signTokens({ alg, key, count, claims = clientClaims }) {
  const header = encodeJson({ alg, typ: 'JWT' });
  const signature = signer(alg, key);
  return Array.from({ length: count }, (_, i) => {
    const input = `${header}.${encodeJson(claims(i))}`;
    return `${input}.${signature(input)}`;
  });
}

/** A fresh P-256 key pair for ES256; the public half as a JWK for the verifiers. */
export function es256KeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, publicJwk: publicKey.export({ format: 'jwk' }) };
}
