import type { PreparedDocument } from './document.js';

/**
 * Parsed documents by hash, bounded twice: by entries and by the tokens they hold (a parsed
 * document's memory follows its token count), so a flood of distinct large documents cannot grow
 * memory. Eviction is oldest-inserted first, which costs nothing on a hit.
 */
export class DocumentCache {
  readonly #entries = new Map<string, PreparedDocument>();
  readonly #maxEntries: number;
  readonly #maxTokens: number;
  #tokens = 0;

  constructor(maxEntries: number, maxTokens: number) {
    this.#maxEntries = maxEntries;
    this.#maxTokens = maxTokens;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(hash: string): PreparedDocument | undefined {
    return this.#entries.get(hash);
  }

  set(hash: string, document: PreparedDocument): void {
    if (this.#maxEntries === 0 || document.tokens > this.#maxTokens || this.#entries.has(hash)) return;
    while (this.#entries.size >= this.#maxEntries || this.#tokens + document.tokens > this.#maxTokens) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#tokens -= this.#entries.get(oldest.value)?.tokens ?? 0;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(hash, document);
    this.#tokens += document.tokens;
  }
}
