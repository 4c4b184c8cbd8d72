import type { CounterResult, Store } from './store.js';
import { PolicyError } from '../errors.js';

export interface MemoryStoreOptions {
  /**
   * The most keys held at once. When full, the least recently written key is evicted first
   * (so a flood of distinct keys evicts old entries instead of growing memory). Default 100,000.
   */
  readonly maxKeys?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

interface Entry {
  value: string | number;
  expiresAt: number;
}

/**
 * A bounded in-process Store. Entries expire lazily on access and are evicted in insertion order
 * (a Map keeps it) once `maxKeys` is reached. Not shared between processes: in a cluster or fleet
 * use `@portcullis/redis`.
 */
export class MemoryStore implements Store {
  readonly name = 'memory';
  readonly maxKeys: number;
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  #evictionCursor: Iterator<string> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new PolicyError('store.maxKeys', `expected a positive integer, got ${String(maxKeys)}`);
    }
    this.maxKeys = maxKeys;
    this.#now = options.now ?? Date.now;
  }

  /** Number of live (possibly expired but not yet collected) keys. */
  get size(): number {
    return this.#entries.size;
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #insert(key: string, entry: Entry): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxKeys) this.#evictOldest();
    this.#entries.set(key, entry);
  }

  /**
   * Map iteration order is insertion order: the next key of one long-lived iterator is the oldest
   * write. A fresh `keys().next()` per eviction would walk every deleted entry at the front of the
   * map each time, which makes a flood of distinct keys quadratic (measured: 5 µs per write rising to
   * over 20 µs once the store is full).
   */
  #evictOldest(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      this.#evictionCursor ??= this.#entries.keys();
      const oldest = this.#evictionCursor.next();
      if (oldest.done !== true) {
        this.#entries.delete(oldest.value);
        return;
      }
      // Used up (the map was emptied and refilled): start again from the front.
      this.#evictionCursor = undefined;
    }
  }

  incrementSync(key: string, by: number, ttlMs: number): CounterResult {
    const now = this.#now();
    const entry = this.#live(key, now);
    if (entry === undefined || typeof entry.value !== 'number') {
      this.#insert(key, { value: by, expiresAt: now + ttlMs });
      return { value: by, ttlMs };
    }
    entry.value += by;
    return { value: entry.value, ttlMs: entry.expiresAt - now };
  }

  async increment(key: string, by: number, ttlMs: number): Promise<CounterResult> {
    return this.incrementSync(key, by, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    if (this.#live(key, now) !== undefined) return false;
    this.#insert(key, { value, expiresAt: now + ttlMs });
    return true;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.#live(key, this.#now());
    return entry === undefined ? undefined : String(entry.value);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#insert(key, { value, expiresAt: this.#now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async close(): Promise<void> {
    this.#entries.clear();
    this.#evictionCursor = undefined;
  }
}
