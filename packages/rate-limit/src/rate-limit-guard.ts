import cluster from 'node:cluster';
import {
  ALLOW,
  MemoryStore,
  defineGuard,
  parseIp,
  type AllowOutcome,
  type DenyOutcome,
  type FirewallRequest,
  type Guard,
  type GuardContext,
  type GuardDefinition,
  type GuardOutcome,
  type Store,
} from '@portcullis/core';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { calendarClock } from './calendar.js';
import { rateLimitDeny } from './codes.js';
import { policyHeader, rateLimitHeader } from './headers.js';
import { readRateLimitOptions, type CompiledWindow, type RateLimitOptions } from './options.js';
import { StoreLimiter, withTimeout, type TaggedResult } from './store-limiter.js';

/** The bucket of requests whose key cannot be resolved, with `unresolved: 'shared'`. */
const SHARED_KEY = '(unresolved)';
/** Keys held by the insurance limiter and the local ban cache: bounded like every cache here. */
const INSURANCE_MAX_KEYS = 10_000;
const MAX_COST = 1_000_000_000;
/** Bound on one operation of a store that does not bound itself. */
const DEFAULT_STORE_TIMEOUT_MS = 250;

/** One limit's count for this request, whichever way it was counted. */
interface WindowOutcome {
  readonly window: CompiledWindow;
  readonly consumedPoints: number;
  readonly remainingPoints: number;
  readonly msBeforeNext: number;
  readonly exceeded: boolean;
  readonly quota: boolean;
  /** Counted by the in-memory insurance limiter (the store was down). */
  readonly insurance: boolean;
  /** Refused by the local deny cache, without asking the store. */
  readonly local: boolean;
}

/** The in-process MemoryStore's synchronous counter: no promise, no round trip to save or insure. */
interface SyncCounter {
  incrementSync(key: string, by: number, ttlMs: number): { readonly value: number; readonly ttlMs: number };
}

function syncCounterOf(store: Store): SyncCounter | undefined {
  const candidate = store as Store & Partial<SyncCounter>;
  return store.name === 'memory' && typeof candidate.incrementSync === 'function' ? (candidate as SyncCounter) : undefined;
}

function isRateLimiterRes(value: unknown): value is TaggedResult {
  return value instanceof RateLimiterRes;
}

/** True when this process is one of several workers sharing one service (a per-process memory store then limits each alone). */
function runsInSeveralProcesses(): boolean {
  return cluster.isWorker || process.env['NODE_APP_INSTANCE'] !== undefined || process.env['pm_id'] !== undefined;
}

/**
 * Rate limits, calendar quotas and penalties per key (client IP, identity, API key, route, header,
 * function, or a composite), counted in the core Store through rate-limiter-flexible. See
 * docs/rate-limits.md.
 */
export function rateLimit(options: RateLimitOptions): GuardDefinition {
  return defineGuard('rate-limit', (context) => {
    const o = readRateLimitOptions(options, context.path);
    const id = o.common.id;
    const store: Store = o.store ?? context.store;
    const inProcess = store.name === 'memory';

    for (const header of o.key.spoofableHeaders) {
      context.report({ code: 'PC_RATE_LIMIT_SPOOFABLE_KEY', severity: 'warn', guard: id, path: context.path, message: `the rate-limit key uses the "${header}" request header: a client can send any value and get a fresh bucket each time; combine it with a verified part (ip, subject, clientId)` });
    }
    for (const path of o.zeroLimits) {
      context.report({ code: 'PC_RATE_LIMIT_ZERO_LIMIT', severity: 'warn', guard: id, path, message: 'a limit of 0 points refuses every request it counts' });
    }
    if (inProcess && runsInSeveralProcesses()) {
      context.report({ code: 'PC_RATE_LIMIT_MEMORY_IN_CLUSTER', severity: 'warn', guard: id, path: context.path, message: 'the rate limit counts in this process\'s memory, but the service runs several processes: each allows the full limit; use @portcullis/redis' });
    }

    // The store is skipped for `storeRetryMs` after a failure (the insurance limiter answers), then
    // tried again. Real time, not the policy clock: a fixed test clock would never retry the store.
    let storeDownUntil = 0;
    let storeWasDown = false;
    const storeDown = (): boolean => storeDownUntil !== 0 && Date.now() < storeDownUntil;
    const onStoreError = (error: unknown): void => {
      storeDownUntil = Date.now() + o.storeRetryMs;
      if (!storeWasDown) {
        storeWasDown = true;
        const reason = error instanceof Error ? error.name : typeof error;
        context.report({ code: 'PC_RATE_LIMIT_STORE_UNAVAILABLE', severity: 'error', guard: id, message: `the rate-limit store (${store.name}) failed (${reason}); ${o.common.onError === 'allow' ? 'an in-memory insurance limiter counts until it answers again' : 'requests are refused per onError: deny'}` });
      }
    };
    const storeAnswered = (): void => {
      if (!storeWasDown) return;
      storeWasDown = false;
      storeDownUntil = 0;
      context.report({ code: 'PC_RATE_LIMIT_STORE_RECOVERED', severity: 'info', guard: id, message: `the rate-limit store (${store.name}) answers again` });
    };

    const insuranceStore = o.common.onError === 'allow' && !inProcess ? new MemoryStore({ maxKeys: INSURANCE_MAX_KEYS }) : undefined;
    // An in-process store cannot hang; a remote one is bounded, by its own command timeout when it
    // has one within ours (@portcullis/redis), else by a timer here (a second timer per operation
    // would only cost CPU).
    const bound = (store as Store & { readonly commandTimeoutMs?: unknown }).commandTimeoutMs;
    const storeBound = typeof bound === 'number' && bound > 0 ? bound : undefined;
    const ownTimeoutMs =
      inProcess || (storeBound !== undefined && (o.storeTimeoutMs === undefined || storeBound <= o.storeTimeoutMs))
        ? Number.POSITIVE_INFINITY
        : o.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    const makeLimiter = (window: CompiledWindow, prefix: string): StoreLimiter =>
      new StoreLimiter({
        store,
        keyPrefix: prefix,
        points: window.points,
        windowSeconds: window.windowSeconds,
        localDenyCache: o.localDenyCache,
        timeoutMs: ownTimeoutMs,
        onStoreError,
        onStoreAnswered: storeAnswered,
        storeDown,
        ...(insuranceStore === undefined
          ? {}
          : { insurance: new StoreLimiter({ store: insuranceStore, keyPrefix: prefix, points: window.points, windowSeconds: window.windowSeconds, localDenyCache: false, timeoutMs: Number.POSITIVE_INFINITY, isInsurance: true }) }),
      });
    const limiters = o.windows.map((window) => ({ window, limiter: makeLimiter(window, `${o.prefix}${window.name}:`), quota: false }));
    const quota = o.quota;
    const periodAt = quota === undefined ? undefined : calendarClock(quota.period);
    const quotaLimiter = quota === undefined ? undefined : { window: quota, limiter: makeLimiter(quota, `${o.prefix}${quota.name}:`), quota: true };
    const allWindows: CompiledWindow[] = [...o.windows, ...(quota === undefined ? [] : [quota])];
    const policyValue = policyHeader(allWindows);

    // Penalties: bans live in the store (so a fleet shares them) and in a bounded local cache (so a
    // banned key costs no store round trip while its ban lasts).
    const localBans = new Map<string, number>();
    // One iterator kept across evictions: `keys().next()` on a fresh iterator would walk every
    // deleted entry at the front of the map each time (quadratic under a flood of keys).
    let banCursor: Iterator<string> | undefined;
    const banKey = (key: string): string => `${o.prefix}ban:${key}`;
    const strikeKey = (key: string): string => `${o.prefix}strikes:${key}`;
    const rememberBan = (key: string, until: number): void => {
      localBans.delete(key);
      if (localBans.size >= INSURANCE_MAX_KEYS) {
        banCursor ??= localBans.keys();
        let oldest = banCursor.next();
        if (oldest.done === true) {
          banCursor = localBans.keys();
          oldest = banCursor.next();
        }
        if (oldest.done !== true) localBans.delete(oldest.value);
      }
      localBans.set(key, until);
    };

    const withHeaders = (extra: ReadonlyArray<readonly [string, string]>, name: string, remaining: number, resetMs: number): (readonly [string, string])[] => {
      const headers: (readonly [string, string])[] = [...extra];
      if (o.headers) headers.push(['ratelimit-policy', policyValue], ['ratelimit', rateLimitHeader(name, remaining, resetMs)]);
      return headers;
    };
    const blocked = (untilMs: number, now: number): DenyOutcome => {
      const retryAfter = Math.max(1, Math.ceil((untilMs - now) / 1000));
      // Like every 429: the policy, and no points left on the first limit until the block ends.
      return rateLimitDeny('rate_limit_blocked', withHeaders([['retry-after', String(retryAfter)]], (o.windows[0] as CompiledWindow).name, 0, untilMs - now), undefined, { 'ratelimit.blocked': true });
    };
    const missingKey = rateLimitDeny('rate_limit_key_missing', []);

    const costOf = (request: FirewallRequest, guardContext: GuardContext): number => {
      if (typeof o.cost === 'number') return o.cost;
      const cost = o.cost(request, guardContext);
      if (typeof cost !== 'number' || !Number.isInteger(cost) || cost < 0 || cost > MAX_COST) {
        throw new TypeError('the rate-limit cost function must return an integer from 0 to 1e9');
      }
      return cost;
    };

    const consumeOne = (entry: { window: CompiledWindow; limiter: StoreLimiter; quota: boolean }, key: string, cost: number, now: number): Promise<WindowOutcome> => {
      let consume: Promise<TaggedResult>;
      if (entry.quota && quota !== undefined) {
        const period = (periodAt as NonNullable<typeof periodAt>)(now);
        consume = entry.limiter.consume(`${period.id}:${key}`, cost, { customDuration: period.secondsLeft });
      } else {
        consume = entry.limiter.consume(key, cost);
      }
      const outcome = (res: TaggedResult, exceeded: boolean): WindowOutcome => ({
        window: entry.window,
        consumedPoints: res.consumedPoints,
        remainingPoints: res.remainingPoints,
        msBeforeNext: res.msBeforeNext,
        exceeded,
        quota: entry.quota,
        insurance: res.insurance === true,
        // rate-limiter-flexible's in-memory block refuses with nothing consumed; a store count is >= 1.
        local: exceeded && res.consumedPoints === 0,
      });
      return consume.then(
        (res) => outcome(res, false),
        (error: unknown) => {
          if (isRateLimiterRes(error)) return outcome(error, true);
          throw error;
        },
      );
    };

    /** A penalty's own store calls, bounded like the counters' (a hanging store must not stall a request). */
    const bounded = <T>(operation: Promise<T>): Promise<T> => (Number.isFinite(ownTimeoutMs) ? withTimeout(operation, ownTimeoutMs) : operation);

    /** A strike for the key; the ban grows with each strike inside the strike window. */
    const penalize = async (key: string, now: number): Promise<number> => {
      const penalty = o.penalty as NonNullable<typeof o.penalty>;
      let strikes = 1;
      try {
        strikes = (await bounded(store.increment(strikeKey(key), 1, penalty.strikeWindowMs))).value;
        const blockMs = Math.min(penalty.maxBlockMs, penalty.blockMs * penalty.escalation ** (strikes - 1));
        const until = now + blockMs;
        await bounded(store.set(banKey(key), String(until), blockMs));
        rememberBan(key, until);
        return until;
      } catch {
        // The store is down: the ban holds in this process at least.
        const until = now + penalty.blockMs;
        rememberBan(key, until);
        return until;
      }
    };

    const decide = async (key: string, cost: number, now: number): Promise<GuardOutcome> => {
      if (o.penalty !== undefined && !storeDown()) {
        let banned: string | undefined;
        try {
          banned = await bounded(store.get(banKey(key)));
        } catch (error) {
          onStoreError(error);
        }
        const until = banned === undefined ? Number.NaN : Number(banned);
        if (until > now) {
          rememberBan(key, until);
          return blocked(until, now);
        }
      }
      const entries = quotaLimiter === undefined ? limiters : [...limiters, quotaLimiter];
      const outcomes = await Promise.all(entries.map((entry) => consumeOne(entry, key, cost, now)));
      // Which counter answered: the store, the insurance limiter (store down), or only the local deny cache.
      const fromStore = outcomes.some((r) => !r.insurance && !r.local);
      const label = fromStore ? store.name : outcomes.some((r) => r.insurance) ? 'insurance' : 'local';
      const verdict = conclude(outcomes, label);
      // The request that first crosses a limit earns a strike (later ones in the window do not).
      const crossed = verdict.crossed;
      if (o.penalty === undefined || crossed === undefined) return verdict.outcome;
      // Only the request that crosses the limit earns a strike: not later ones in the window, and not
      // a refusal from the local deny cache (which counts nothing, so it would look like a crossing).
      if (crossed.local || crossed.consumedPoints - cost > crossed.window.points) return verdict.outcome;
      const until = await penalize(key, now);
      // Come back when both the block and the window allow it.
      let waitMs = until - now;
      for (const r of verdict.exceeded) waitMs = Math.max(waitMs, r.msBeforeNext);
      return refusal(verdict.exceeded, verdict.annotations, waitMs);
    };

    /** Every limit of the guard, counted synchronously in the in-process store. */
    const countSync = (counter: SyncCounter, key: string, cost: number, now: number): WindowOutcome[] => {
      const outcomes: WindowOutcome[] = [];
      const count = (window: CompiledWindow, storeKey: string, ttlMs: number, isQuota: boolean): void => {
        const result = counter.incrementSync(storeKey, cost, ttlMs);
        outcomes.push({
          window,
          consumedPoints: result.value,
          remainingPoints: Math.max(window.points - result.value, 0),
          msBeforeNext: result.ttlMs,
          exceeded: result.value > window.points,
          quota: isQuota,
          insurance: false,
          local: false,
        });
      };
      for (const window of o.windows) count(window, `${o.prefix}${window.name}:${key}`, window.windowSeconds * 1000, false);
      if (quota !== undefined) {
        const period = (periodAt as NonNullable<typeof periodAt>)(now);
        count(quota, `${o.prefix}${quota.name}:${period.id}:${key}`, period.secondsLeft * 1000, true);
      }
      return outcomes;
    };

    /** 429 with Retry-After (and the RateLimit fields), for the limits that were exceeded. */
    const refusal = (exceeded: readonly WindowOutcome[], annotations: Record<string, string | number>, waitMs: number): DenyOutcome => {
      const windowExceeded = exceeded.find((r) => !r.quota);
      const first = windowExceeded ?? (exceeded[0] as WindowOutcome);
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      return rateLimitDeny(
        windowExceeded === undefined ? 'quota_exceeded' : 'rate_limited',
        withHeaders([['retry-after', String(retryAfter)]], first.window.name, 0, waitMs),
        { limit: first.window.points, window: first.window.windowSeconds, retryAfter },
        annotations,
      );
    };

    /** The answer to a counted request: allowed with the RateLimit fields, or refused. */
    const conclude = (outcomes: readonly WindowOutcome[], storeLabel: string): { outcome: GuardOutcome; exceeded: readonly WindowOutcome[]; crossed: WindowOutcome | undefined; annotations: Record<string, string | number> } => {
      // The limit closest to refusing is the one reported in `RateLimit`.
      let closest = outcomes[0] as WindowOutcome;
      for (const r of outcomes) if (r.remainingPoints < closest.remainingPoints) closest = r;
      const annotations = { 'ratelimit.store': storeLabel, 'ratelimit.remaining': closest.remainingPoints, 'ratelimit.limit': closest.window.name };
      const exceeded = outcomes.filter((r) => r.exceeded);
      if (exceeded.length === 0) {
        const outcome: AllowOutcome = o.headers
          ? { outcome: 'allow', annotations, responseHeaders: withHeaders([], closest.window.name, closest.remainingPoints, closest.msBeforeNext) }
          : { outcome: 'allow', annotations };
        return { outcome, exceeded, crossed: undefined, annotations };
      }
      let waitMs = 0;
      for (const r of exceeded) waitMs = Math.max(waitMs, r.msBeforeNext);
      return { outcome: refusal(exceeded, annotations, waitMs), exceeded, crossed: exceeded.find((r) => !r.quota), annotations };
    };

    const syncCounter = o.penalty === undefined ? syncCounterOf(store) : undefined;

    return Object.freeze<Guard>({
      ...o.common,
      kind: 'rate-limit',
      phase: o.phase,
      evaluate(request, guardContext) {
        if (o.allowIps !== undefined && request.clientIp !== undefined) {
          const bytes = parseIp(request.clientIp);
          if (bytes !== undefined && o.allowIps.contains(bytes)) return ALLOW;
        }
        const identity = guardContext.identity;
        if (identity !== undefined && ((identity.subject !== undefined && o.allowSubjects.has(identity.subject)) || (identity.clientId !== undefined && o.allowClientIds.has(identity.clientId)))) {
          return ALLOW;
        }
        let key = o.key.resolve(request, guardContext);
        if (key === undefined) {
          if (o.unresolved === 'deny') return missingKey;
          key = SHARED_KEY;
        }
        const cost = costOf(request, guardContext);
        if (cost === 0) return ALLOW;
        const now = guardContext.now();
        // The in-process store answers synchronously: no promise, and nothing to insure.
        if (syncCounter !== undefined) return conclude(countSync(syncCounter, key, cost, now), store.name).outcome;
        const localBan = localBans.get(key);
        if (localBan !== undefined) {
          if (localBan > now) return blocked(localBan, now);
          localBans.delete(key);
        }
        return decide(key, cost, now);
      },
      async close() {
        localBans.clear();
      },
    });
  });
}
