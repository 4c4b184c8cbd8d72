import type { CounterResult, Store } from '@portcullis/core';
import { RateLimiterRes, type IRateLimiterStoreOptions } from 'rate-limiter-flexible';
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js';

/** Thrown when the store is skipped or fails: rate-limiter-flexible then asks the insurance limiter. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** What a limiter's answers say about where they came from. */
export interface TaggedResult extends RateLimiterRes {
  /** True when the in-memory insurance limiter answered (the store was down). */
  insurance?: boolean;
}

export interface StoreLimiterOptions {
  readonly store: Store;
  readonly keyPrefix: string;
  readonly points: number;
  readonly windowSeconds: number;
  /** A key over its limit is refused in memory until its window ends, without a store round trip. */
  readonly localDenyCache: boolean;
  /** Bound on one store operation; `Infinity` for an in-process store, which cannot hang. */
  readonly timeoutMs: number;
  readonly insurance?: StoreLimiter;
  /** Called on a store failure (to report it and to skip the store for a while). */
  readonly onStoreError?: (error: unknown) => void;
  /** Called when a store operation succeeded: the only proof that a store that failed is back. */
  readonly onStoreAnswered?: () => void;
  /** True while the store is known to be down: its calls are skipped, the insurance limiter answers. */
  readonly storeDown?: () => boolean;
  /** Marks this limiter's answers as the insurance limiter's. */
  readonly isInsurance?: boolean;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailableError(`store operation timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * rate-limiter-flexible's fixed-window limiter on the core Store, so that one store (the bounded
 * MemoryStore, or `@portcullis/redis` for a fleet) holds rate-limit counters, replay nonces and bans
 * alike. The counting is one atomic `Store.increment` per window (INCRBY + PEXPIRE-if-new on Redis);
 * rate-limiter-flexible adds the local deny cache (`inMemoryBlockOnConsumed`) and the fall-back to
 * an insurance limiter when the store fails.
 */
export class StoreLimiter extends RateLimiterStoreAbstract {
  readonly #store: Store;
  readonly #timeoutMs: number;
  readonly #onStoreError: ((error: unknown) => void) | undefined;
  readonly #onStoreAnswered: (() => void) | undefined;
  readonly #storeDown: (() => boolean) | undefined;
  readonly #isInsurance: boolean;

  constructor(options: StoreLimiterOptions) {
    const rlfOptions: IRateLimiterStoreOptions = {
      storeClient: options.store,
      keyPrefix: options.keyPrefix,
      points: options.points,
      duration: options.windowSeconds,
      // The first point over the limit blocks the key in memory for the rest of its window.
      ...(options.localDenyCache && options.points > 0 ? { inMemoryBlockOnConsumed: options.points + 1, inMemoryBlockDuration: 0 } : {}),
      ...(options.insurance === undefined ? {} : { insuranceLimiter: options.insurance }),
    };
    super(rlfOptions);
    this.#store = options.store;
    this.#timeoutMs = options.timeoutMs;
    this.#onStoreError = options.onStoreError;
    this.#onStoreAnswered = options.onStoreAnswered;
    this.#storeDown = options.storeDown;
    this.#isInsurance = options.isInsurance === true;
  }

  /** rate-limiter-flexible joins prefix and key with ':'; the store prefix is the Store's business. */
  override getKey(key: string | number): string {
    return `${this.keyPrefix}${key}`;
  }

  #guarded<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#storeDown?.() === true) return Promise.reject(new StoreUnavailableError('store marked down'));
    let promise: Promise<T>;
    try {
      promise = operation();
    } catch (error) {
      promise = Promise.reject(error);
    }
    const bounded = Number.isFinite(this.#timeoutMs) ? withTimeout(promise, this.#timeoutMs) : promise;
    return bounded.then(
      (value) => {
        this.#onStoreAnswered?.();
        return value;
      },
      (error: unknown) => {
        // A store that refuses one argument (a key it cannot encode) is not down: only that request fails.
        if (error instanceof RangeError || error instanceof TypeError) throw error;
        this.#onStoreError?.(error);
        throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError('store operation failed', { cause: error });
      },
    );
  }

  _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<CounterResult> {
    return this.#guarded(async () => {
      if (forceExpire) await this.#store.delete(rlKey);
      return this.#store.increment(rlKey, points, msDuration);
    });
  }

  _get(rlKey: string): Promise<CounterResult | null> {
    return this.#guarded(async () => {
      const value = await this.#store.get(rlKey);
      return value === undefined ? null : { value: Number(value), ttlMs: -1 };
    });
  }

  _delete(rlKey: string): Promise<boolean> {
    return this.#guarded(async () => {
      await this.#store.delete(rlKey);
      return true;
    });
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, result: CounterResult): TaggedResult {
    const res: TaggedResult = new RateLimiterRes(Math.max(this.points - result.value, 0), result.ttlMs, result.value, result.value === changedPoints);
    if (this.#isInsurance) res.insurance = true;
    return res;
  }
}
