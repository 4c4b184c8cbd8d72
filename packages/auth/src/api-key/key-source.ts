import type { GuardContext } from '@portcullis/core';
import { BoundedCache } from '../bounded-cache.js';
import { compileRuntimeRecord, type CompiledKeyRecord } from './key-record.js';

const MAX_IN_FLIGHT = 10_000;

/** Finds the record of a key by its hash (`sha256:<base64url>`). */
export interface KeySource {
  find(hash: string, context: GuardContext): CompiledKeyRecord | undefined | Promise<CompiledKeyRecord | undefined>;
}

export interface KeyCacheSettings {
  readonly maxEntries: number;
  /** How long a found record is reused. */
  readonly ttlMs: number;
  /** How long "no such key" is reused: short, so a new key works soon, but a flood of wrong keys does not reach the source. */
  readonly negativeTtlMs: number;
}

/** The keys listed in the policy. */
export function listSource(records: ReadonlyMap<string, CompiledKeyRecord>): KeySource {
  return { find: (hash) => records.get(hash) };
}

/**
 * A lookup function or a Store behind a bounded cache, with concurrent lookups of one hash
 * coalesced into one call. A fetch that throws is not cached and reaches the guard, where core
 * applies `onError`.
 */
export function cachedSource(fetch: (hash: string, context: GuardContext) => unknown, settings: KeyCacheSettings): KeySource {
  const cache = new BoundedCache<{ readonly record: CompiledKeyRecord | undefined }>(settings.maxEntries);
  const inFlight = new Map<string, Promise<CompiledKeyRecord | undefined>>();
  const load = async (hash: string, context: GuardContext): Promise<CompiledKeyRecord | undefined> => {
    const raw: unknown = await fetch(hash, context);
    const record = raw === undefined || raw === null ? undefined : compileRuntimeRecord(raw);
    const ttl = record === undefined ? settings.negativeTtlMs : settings.ttlMs;
    if (ttl > 0) cache.set(hash, { record }, context.now() + ttl);
    return record;
  };
  return {
    find(hash, context) {
      const hit = cache.get(hash, context.now());
      if (hit !== undefined) return hit.record;
      const pending = inFlight.get(hash);
      if (pending !== undefined) return pending;
      // Bounded: with a source that hangs, a flood of distinct keys must not grow this map; past
      // the bound each request simply asks the source itself.
      if (inFlight.size >= MAX_IN_FLIGHT) return load(hash, context);
      const started = load(hash, context).finally(() => inFlight.delete(hash));
      inFlight.set(hash, started);
      return started;
    },
  };
}

/** Records kept as JSON in the policy Store under `prefix + hash`. */
export function storeFetch(prefix: string): (hash: string, context: GuardContext) => Promise<unknown> {
  return async (hash, context) => {
    const text = await context.store.get(prefix + hash);
    // A record that is not JSON throws (a SyntaxError): a broken key store is a fault, not a denial.
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  };
}
