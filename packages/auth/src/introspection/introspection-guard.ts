import { defineGuard, type AllowOutcome, type DenyOutcome, type Guard, type GuardContext, type GuardDefinition, type GuardOutcome } from '@portcullis/core';
import { BoundedCache } from '../bounded-cache.js';
import { bearerRefusals } from '../bearer-refusals.js';
import { sha256Key } from '../hash.js';
import { CircuitBreaker } from './breaker.js';
import { IntrospectionError, createIntrospectionEndpoint } from './endpoint.js';
import { readIntrospectionOptions, type IntrospectionOptions } from './options.js';

/** Why a token was refused: the `auth.reason` annotation. The client only sees the coarse code. */
export type IntrospectionFailureReason = 'malformed' | 'inactive' | 'audience' | 'issuer' | 'not-yet-valid' | 'expired' | 'claim-type';

/** What the endpoint said about one token, as kept in the cache. */
type Verdict =
  | { readonly kind: 'active'; readonly outcome: AllowOutcome; readonly expMs: number | undefined; readonly nbfMs: number | undefined }
  | { readonly kind: 'refused'; readonly outcome: DenyOutcome };

/** A NumericDate claim (seconds) in milliseconds; undefined when absent; NaN when not a number. */
function numericDate(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value * 1_000 : Number.NaN;
}

/**
 * Bearer-token authentication by OAuth 2.0 Token Introspection (RFC 7662): the token is sent to the
 * authorization server's introspection endpoint, which says whether it is active and what it
 * grants. Results are cached under the SHA-256 of the token (never the token itself), concurrent
 * look-ups of one token share one request, and a circuit breaker stops calling an endpoint that
 * keeps failing. See docs/auth/introspection.md.
 */
export function introspection(options: IntrospectionOptions): GuardDefinition {
  return defineGuard('introspection', (context) => {
    const o = readIntrospectionOptions(options, context.path);
    const id = o.common.id;
    const endpoint = createIntrospectionEndpoint(o);
    const breaker = new CircuitBreaker(o.breaker.failureThreshold, o.breaker.resetMs);
    const cache = o.cache === undefined ? undefined : new BoundedCache<Verdict>(o.cache.maxEntries);
    // One request per token at a time; entries live only while their request does (bounded by
    // requestTimeoutMs), so the map is bounded by the number of concurrent distinct tokens.
    const inFlight = new Map<string, Promise<Verdict>>();
    const origin = o.url.origin;

    const { refuse, tokenOf } = bearerRefusals<IntrospectionFailureReason>(o.realm);

    /** Turns an answer into a verdict (the checks that do not depend on the time of use). */
    const judge = (response: Readonly<Record<string, unknown>>): Verdict => {
      if (response['active'] !== true) return { kind: 'refused', outcome: refuse('inactive') };
      const expMs = numericDate(response['exp']);
      const nbfMs = numericDate(response['nbf']);
      if (Number.isNaN(expMs) || Number.isNaN(nbfMs)) return { kind: 'refused', outcome: refuse('claim-type') };
      if (o.issuer !== undefined && response['iss'] !== o.issuer) return { kind: 'refused', outcome: refuse('issuer') };
      if (o.audience !== undefined) {
        const aud = response['aud'];
        const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
        if (!audiences.some((a) => typeof a === 'string' && o.audience?.has(a) === true)) return { kind: 'refused', outcome: refuse('audience') };
      }
      const claims: Record<string, unknown> = { ...response };
      delete claims['active'];
      const identity = o.identity.map(Object.freeze(claims), 'introspection');
      return { kind: 'active', outcome: Object.freeze({ outcome: 'allow' as const, identity }), expMs, nbfMs };
    };

    /** The time-dependent checks, on every use (a cached verdict outlives the moment it was made). */
    const apply = (verdict: Verdict, now: number): GuardOutcome => {
      if (verdict.kind === 'refused') return verdict.outcome;
      if (verdict.expMs !== undefined && verdict.expMs <= now) return refuse('expired');
      if (verdict.nbfMs !== undefined && verdict.nbfMs > now) return refuse('not-yet-valid');
      return verdict.outcome;
    };

    /** How long a verdict may be reused. */
    const cacheUntil = (verdict: Verdict, now: number): number => {
      const settings = o.cache;
      if (settings === undefined) return now;
      if (verdict.kind === 'refused') {
        // An inactive token may become active only by being issued anew (a new value): the short
        // negative TTL bounds a flood of one bad token, nothing more.
        return now + settings.negativeTtlMs;
      }
      return Math.min(verdict.expMs ?? Number.POSITIVE_INFINITY, now + settings.maxTtlMs);
    };

    const lookUp = (token: string, key: string, guardContext: GuardContext): Promise<Verdict> => {
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      if (!breaker.admit(guardContext.now())) return Promise.reject(new IntrospectionError('circuit-open'));
      const request = endpoint.introspect(token).then(
        (response) => {
          if (breaker.succeeded() === 'closed') {
            context.report({ code: 'PC_INTROSPECTION_RECOVERED', severity: 'info', guard: id, message: `token introspection at ${origin} answers again; the breaker is closed` });
          }
          const verdict = judge(response);
          const now = guardContext.now();
          const until = cacheUntil(verdict, now);
          if (cache !== undefined && until > now) cache.set(key, verdict, until);
          return verdict;
        },
        (error: unknown) => {
          const reason = error instanceof IntrospectionError ? (error.status === undefined ? error.reason : `HTTP ${error.status}`) : 'error';
          if (breaker.failed(guardContext.now()) === 'opened') {
            context.report({
              code: 'PC_INTROSPECTION_UNAVAILABLE',
              severity: 'error',
              guard: id,
              message: `token introspection at ${origin} failed ${o.breaker.failureThreshold === 1 ? 'once' : 'repeatedly'} (last: ${reason}); requests needing it are refused per onError for ${o.breaker.resetMs} ms before one trial request`,
            });
          }
          throw error;
        },
      );
      const shared = request.finally(() => inFlight.delete(key));
      inFlight.set(key, shared);
      return shared;
    };

    const guard: Guard = {
      id,
      kind: 'introspection',
      phase: 'identity' as const,
      mode: o.common.mode,
      onError: o.common.onError,
      timeoutMs: o.common.timeoutMs,
      evaluate(request, guardContext) {
        const token = tokenOf(request, guardContext, o);
        if (typeof token !== 'string') return token;
        const key = sha256Key(token);
        const cached = cache?.get(key, guardContext.now());
        if (cached !== undefined) return apply(cached, guardContext.now());
        return lookUp(token, key, guardContext).then((verdict) => apply(verdict, guardContext.now()));
      },
      async close() {
        cache?.clear();
      },
    };
    return Object.freeze(guard);
  });
}
