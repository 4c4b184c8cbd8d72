/**
 * The one small async storage interface behind rate limits, replay nonces, bans and anomaly
 * counters. `@portcullis/redis` implements it for a fleet; `MemoryStore` is the bounded default.
 *
 * Every operation is atomic on its key: there is no read-then-write in callers.
 */
export interface CounterResult {
  /** The value after the increment. */
  readonly value: number;
  /** Milliseconds until the counter expires. */
  readonly ttlMs: number;
}

export interface Store {
  /** A short name for telemetry, e.g. `memory` or `redis`. */
  readonly name: string;
  /**
   * Adds `by` to the counter at `key`, creating it with `ttlMs` when absent. An existing counter
   * keeps its expiry (fixed window semantics).
   */
  increment(key: string, by: number, ttlMs: number): Promise<CounterResult>;
  /** Sets `key` only when it is absent. Returns true when this call set it (nonce first seen). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
}
