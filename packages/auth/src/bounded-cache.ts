/**
 * A size-bounded map with per-entry expiry, for verified tokens, API-key lookups and
 * introspection results. Eviction is least-recently-inserted (a Map keeps insertion order), which
 * costs nothing on a hit; a hot entry evicted by a flood of one-off entries is simply verified
 * again. Expired entries are dropped when read.
 */
export class BoundedCache<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly expiresAt: number }>();
  readonly #maxEntries: number;
  #cursor: Iterator<string> | undefined;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    if (this.#maxEntries === 0) return;
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      // One iterator kept across evictions (a fresh one would walk every deleted entry at the front).
      this.#cursor ??= this.#entries.keys();
      const oldest = this.#cursor.next();
      if (oldest.done === true) {
        this.#cursor = undefined;
        if (this.#entries.size === 0) break;
        continue;
      }
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops every entry the predicate selects (e.g. tokens signed by a key that left the key set). */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, entry] of this.#entries) if (predicate(entry.value)) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#cursor = undefined;
  }
}
