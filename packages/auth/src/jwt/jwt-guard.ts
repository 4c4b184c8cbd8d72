import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { defineGuard, type AllowOutcome, type Guard, type GuardDefinition, type GuardOutcome } from '@portcullis/core';
import { BoundedCache } from '../bounded-cache.js';
import { bearerRefusals } from '../bearer-refusals.js';
import { sha256Key } from '../hash.js';
import { importKeys, selectKeys, type Candidates, type VerificationKey } from './key-set.js';
import { readJwtOptions, type JwtOptions } from './options.js';
import { RemoteJwks } from './remote-jwks.js';
import { vetHeader, type VettedHeader } from './token-header.js';

/** Why a token was refused: the `auth.reason` annotation. The client only sees the coarse code. */
export type JwtFailureReason =
  | 'malformed' | 'algorithm' | 'embedded-key' | 'crit' | 'kid' | 'unknown-key' | 'algorithm-key-mismatch'
  | 'signature' | 'issuer' | 'audience' | 'not-yet-valid' | 'issued-in-future' | 'too-old' | 'missing-claim'
  | 'claim-type' | 'type' | 'expired';

/** A verified token, cached under the hash of the token until it expires. */
interface VerifiedToken {
  readonly outcome: AllowOutcome;
  readonly expMs: number | undefined;
  readonly nbfMs: number | undefined;
  readonly key: VerificationKey;
}

/** Tokens without `exp` (when the policy does not require it) are re-verified at least this often. */
const NO_EXP_CACHE_MS = 60_000;

/**
 * Bearer-token authentication with JSON Web Tokens (RFC 7519), verified by jose (WebCrypto).
 *
 * The expensive part, the signature, is paid once per token: a verified token is cached under the
 * SHA-256 of the token until its `exp`, re-checked against `exp`/`nbf` on every use, and dropped
 * when its key leaves the key set. See docs/auth/jwt.md.
 */
export function jwt(options: JwtOptions): GuardDefinition {
  return defineGuard('jwt', (context) => {
    const o = readJwtOptions(options, context.path);
    const id = o.common.id;
    const allowed = new Set<string>(o.algorithms);
    const understoodCrit = new Set(o.criticalHeaders);
    const toleranceMs = o.clockToleranceSeconds * 1_000;
    const cache = o.cacheEntries > 0 ? new BoundedCache<VerifiedToken>(o.cacheEntries) : undefined;
    // Verifications under way, by token hash. Entries live only as long as one verification (bounded
    // by the guard's timeout), so the map is bounded by the number of distinct tokens in flight.
    const inFlight = new Map<string, Promise<GuardOutcome>>();

    const { refuse, tokenOf } = bearerRefusals<JwtFailureReason>(o.realm);

    let remote: RemoteJwks | undefined;
    let staticKeys: VerificationKey[] | undefined;
    let staticImport: Promise<VerificationKey[]> | undefined;
    const source = o.keySource;
    if (source.kind === 'remote') {
      remote = new RemoteJwks(source.settings, o.algorithms, id, (d) => context.report(d));
    }
    // Importing keys into WebCrypto is asynchronous: done by ready(), or on first use if ready()
    // was not awaited.
    const importStatic = (): Promise<VerificationKey[]> => {
      if (source.kind !== 'static') return Promise.resolve([]);
      staticImport ??= importKeys(source.materials).then((keys) => (staticKeys = keys));
      return staticImport;
    };
    const candidatesFor = async (header: VettedHeader): Promise<Candidates> => {
      if (remote !== undefined) return remote.resolve(header);
      return selectKeys(staticKeys ?? (await importStatic()), header);
    };

    // The checks jose makes, built once; only the algorithm and the clock change per token.
    const claimChecks: JWTVerifyOptions = Object.freeze({
      ...(o.issuer === undefined ? {} : { issuer: o.issuer }),
      ...(o.audience === undefined ? {} : { audience: o.audience }),
      clockTolerance: o.clockToleranceSeconds,
      requiredClaims: [...o.requiredClaims],
      ...(o.maxTokenAgeSeconds === undefined ? {} : { maxTokenAge: o.maxTokenAgeSeconds }),
      ...(o.type === undefined ? {} : { typ: o.type }),
      crit: Object.fromEntries(o.criticalHeaders.map((name) => [name, true])),
    });
    const verifyOptions = (now: number, alg: string): JWTVerifyOptions => ({ ...claimChecks, algorithms: [alg], currentDate: new Date(now) });

    const verify = async (token: string, cacheKey: string | undefined, now: number): Promise<GuardOutcome> => {
      const header = vetHeader(token, allowed, understoodCrit);
      if (typeof header === 'string') return refuse(header);
      const candidates = await candidatesFor(header);
      if (candidates === 'unknown-kid') return refuse('unknown-key');
      if (candidates.length === 0) return refuse('algorithm-key-mismatch');
      let payload: JWTPayload | undefined;
      let usedKey: VerificationKey | undefined;
      for (const key of candidates) {
        try {
          ({ payload } = await jwtVerify(token, key.key, verifyOptions(now, header.alg)));
          usedKey = key;
          break;
        } catch (error) {
          // With several candidate keys (no kid), a signature mismatch means "try the next key".
          if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
          return refuse(reasonFor(error));
        }
      }
      if (payload === undefined || usedKey === undefined) return refuse('signature');
      // jose checks `iat` only with maxTokenAge; a token from the future is refused regardless.
      if (typeof payload.iat === 'number' && payload.iat * 1_000 > now + toleranceMs) return refuse('issued-in-future');
      const outcome: AllowOutcome = Object.freeze({ outcome: 'allow' as const, identity: o.mapping.map(payload as Record<string, unknown>, 'jwt') });
      if (cache !== undefined && cacheKey !== undefined) {
        const expMs = typeof payload.exp === 'number' ? payload.exp * 1_000 : undefined;
        const nbfMs = typeof payload.nbf === 'number' ? payload.nbf * 1_000 : undefined;
        let until = expMs === undefined ? now + NO_EXP_CACHE_MS : expMs + toleranceMs;
        // A token that becomes too old (maxTokenAgeSeconds) must leave the cache then, so that it is
        // verified again (and refused) instead of being served until its exp.
        if (o.maxTokenAgeSeconds !== undefined && typeof payload.iat === 'number') {
          until = Math.min(until, payload.iat * 1_000 + o.maxTokenAgeSeconds * 1_000 + toleranceMs);
        }
        cache.set(cacheKey, { outcome, expMs, nbfMs, key: usedKey }, until);
      }
      return outcome;
    };

    return Object.freeze<Guard>({
      id,
      kind: 'jwt',
      phase: 'identity' as const,
      mode: o.common.mode,
      onError: o.common.onError,
      timeoutMs: o.common.timeoutMs,
      evaluate(request, guardContext) {
        const token = tokenOf(request, guardContext, o);
        if (typeof token !== 'string') return token;
        const now = guardContext.now();
        if (cache === undefined) return verify(token, undefined, now);
        const cacheKey = sha256Key(token);
        const hit = cache.get(cacheKey, now);
        if (hit !== undefined) {
          // Cached, but still checked on every use: the clock moves, and keys leave the key set.
          if (!hit.key.active) cache.delete(cacheKey);
          else if (hit.expMs !== undefined && now >= hit.expMs + toleranceMs) {
            cache.delete(cacheKey);
            return refuse('expired');
          } else if (hit.nbfMs !== undefined && now + toleranceMs < hit.nbfMs) return refuse('not-yet-valid');
          else return hit.outcome;
        }
        // Concurrent first requests with one token (a client's parallel calls, a burst after a
        // key rotation) share one verification.
        let pending = inFlight.get(cacheKey);
        if (pending === undefined) {
          pending = verify(token, cacheKey, now).finally(() => inFlight.delete(cacheKey));
          inFlight.set(cacheKey, pending);
        }
        return pending;
      },
      async ready() {
        if (remote !== undefined) await remote.ready();
        else await importStatic();
      },
      async close() {
        remote?.close();
        cache?.clear();
      },
    });
  });
}

/** Maps a jose verification error to a refusal reason. Anything else is a bug or an outage: rethrown. */
function reasonFor(error: unknown): JwtFailureReason {
  if (error instanceof joseErrors.JWTExpired) return error.claim === 'iat' ? 'too-old' : 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'missing-claim';
    if (error.claim === 'iss') return 'issuer';
    if (error.claim === 'aud') return 'audience';
    if (error.claim === 'nbf') return 'not-yet-valid';
    if (error.claim === 'typ') return 'type';
    if (error.claim === 'iat') return 'issued-in-future';
    return 'claim-type';
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return 'algorithm';
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return 'malformed';
  throw error;
}
