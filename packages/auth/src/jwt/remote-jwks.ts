import type { Diagnostic } from '@portcullis/core';
import type { JwtAlgorithm } from './algorithms.js';
import { describePublicKey, importKeys, selectKeys, type Candidates, type PublicKeyMaterial, type VerificationKey } from './key-set.js';
import type { VettedHeader } from './token-header.js';

export interface RemoteJwksSettings {
  readonly url: URL;
  /** How long a fetched key set is fresh; it is refreshed before then, with jitter. */
  readonly cacheMaxAgeMs: number;
  /** Minimum gap between refreshes caused by unknown `kid`s (an attacker can send any kid). */
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  /** How long past freshness the last-known-good keys are still used while the endpoint fails. */
  readonly maxStaleMs: number;
}

/** Thrown when no trustworthy key set is available: the guard's `onError` decides. */
export class JwksUnavailableError extends Error {
  override readonly name = 'JwksUnavailableError';
}

const MAX_JWKS_BYTES = 512 * 1024;
const MAX_KEYS = 100;

async function readCapped(response: Response, cap: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > cap) throw new Error('key set too large');
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel();
      throw new Error('key set too large');
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

/**
 * A JWKS endpoint, fetched by Portcullis itself rather than by jose's remote key set, because a
 * firewall needs what that one does not offer together: last-known-good keys through an outage
 * (bounded by `maxStaleMs`), refresh with jitter before expiry, refreshes on unknown kids that an
 * attacker cannot turn into a request flood, and keys that stay the same objects across refreshes
 * so tokens verified with them stay cached.
 *
 * Bookkeeping uses the real clock (it schedules real fetches); token validity uses the policy's.
 */
export class RemoteJwks {
  readonly #settings: RemoteJwksSettings;
  readonly #allowed: readonly JwtAlgorithm[];
  readonly #report: (diagnostic: Diagnostic) => void;
  readonly #guardId: string;
  #keys: VerificationKey[] = [];
  #fetchedAt: number | undefined;
  #lastUnknownKidRefresh = Number.NEGATIVE_INFINITY;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #failing = false;
  #consecutiveFailures = 0;
  #inflight: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(settings: RemoteJwksSettings, allowed: readonly JwtAlgorithm[], guardId: string, report: (diagnostic: Diagnostic) => void) {
    this.#settings = settings;
    this.#allowed = allowed;
    this.#guardId = guardId;
    this.#report = report;
  }

  /** Fetches the key set once. A failure is reported, not thrown: requests then follow `onError`. */
  async ready(): Promise<void> {
    if (this.#fetchedAt === undefined) await this.#refresh();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The keys a token's header selects, fetching or refreshing the key set when it must. */
  async resolve(header: VettedHeader): Promise<Candidates> {
    const now = Date.now();
    if (this.#fetchedAt === undefined) {
      if (now - this.#lastAttempt >= this.#settings.cooldownMs || this.#inflight !== undefined) await this.#refresh();
      if (this.#fetchedAt === undefined) throw new JwksUnavailableError('no key set has been fetched');
    }
    const age = now - this.#fetchedAt;
    if (age > this.#settings.cacheMaxAgeMs + this.#settings.maxStaleMs) {
      this.#report({ code: 'PC_JWKS_STALE', severity: 'error', guard: this.#guardId, message: `the key set from ${this.#settings.url.host} is older than cacheMaxAgeMs + maxStaleMs; tokens are not verified until it is fetched again` });
      if (now - this.#lastAttempt >= this.#settings.cooldownMs || this.#inflight !== undefined) await this.#refresh();
      if (Date.now() - (this.#fetchedAt as number) > this.#settings.cacheMaxAgeMs + this.#settings.maxStaleMs) throw new JwksUnavailableError('the key set is stale');
    } else if (age > this.#settings.cacheMaxAgeMs && this.#inflight === undefined && now - this.#lastAttempt >= this.#settings.cooldownMs) {
      // Normally the timer refreshed it already; this covers a timer that could not run.
      void this.#refresh();
    }
    let candidates = selectKeys(this.#keys, header);
    if (candidates !== 'unknown-kid') return candidates;
    if (this.#inflight !== undefined) {
      await this.#inflight;
    } else if (now - this.#lastUnknownKidRefresh >= this.#settings.cooldownMs) {
      this.#lastUnknownKidRefresh = now;
      await this.#refresh();
    }
    candidates = selectKeys(this.#keys, header);
    // An unknown kid while the endpoint fails may be a key we cannot see yet: not the client's fault.
    if (candidates === 'unknown-kid' && this.#failing) throw new JwksUnavailableError('unknown kid while the key set cannot be refreshed');
    return candidates;
  }

  #refresh(): Promise<void> {
    if (this.#inflight !== undefined) return this.#inflight;
    this.#lastAttempt = Date.now();
    this.#inflight = this.#fetchAndSwap().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetchAndSwap(): Promise<void> {
    try {
      const materials = await this.#fetch();
      this.#keys = await importKeys(materials, this.#keys);
      this.#fetchedAt = Date.now();
      if (this.#failing) {
        this.#report({ code: 'PC_JWKS_RECOVERED', severity: 'info', guard: this.#guardId, message: `the key set from ${this.#settings.url.host} was fetched again` });
      }
      this.#failing = false;
      this.#consecutiveFailures = 0;
      // Refresh before expiry, with jitter so that a fleet does not refresh in step.
      this.#schedule(this.#settings.cacheMaxAgeMs * (0.75 + Math.random() * 0.2));
    } catch (error) {
      this.#failing = true;
      this.#consecutiveFailures++;
      const reason = error instanceof Error ? error.message : 'unknown error';
      this.#report({
        code: 'PC_JWKS_FETCH_FAILED',
        severity: 'warn',
        guard: this.#guardId,
        message: `fetching the key set from ${this.#settings.url.host} failed (${reason}); ${this.#fetchedAt === undefined ? 'no keys yet' : 'last-known-good keys stay in use'}`,
      });
      const backoff = Math.min(this.#settings.cooldownMs * 2 ** Math.min(this.#consecutiveFailures - 1, 6), this.#settings.cacheMaxAgeMs);
      this.#schedule(backoff * (0.8 + Math.random() * 0.4));
    }
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#refresh();
    }, Math.max(1_000, Math.round(delayMs)));
    // A key refresh must never keep the process alive.
    this.#timer.unref?.();
  }

  async #fetch(): Promise<PublicKeyMaterial[]> {
    let response: Response;
    try {
      response = await fetch(this.#settings.url, {
        signal: AbortSignal.timeout(this.#settings.timeoutMs),
        headers: { accept: 'application/jwk-set+json, application/json' },
        // A redirect could point the key set anywhere.
        redirect: 'error',
      });
    } catch (error) {
      throw new Error(error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'network error');
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`HTTP ${response.status}`);
    }
    let document: unknown;
    try {
      document = JSON.parse(await readCapped(response, MAX_JWKS_BYTES));
    } catch (error) {
      throw new Error(error instanceof Error && error.message === 'key set too large' ? 'key set too large' : 'not JSON');
    }
    const keys = (document as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys)) throw new Error('no "keys" array');
    const materials: PublicKeyMaterial[] = [];
    for (const jwk of keys.slice(0, MAX_KEYS)) {
      if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) continue;
      const j = jwk as Record<string, unknown>;
      const kid = typeof j['kid'] === 'string' && j['kid'].length > 0 && j['kid'].length <= 256 ? j['kid'] : undefined;
      const alg = typeof j['alg'] === 'string' ? j['alg'] : undefined;
      // Keys for other algorithms or uses are not errors: a provider publishes keys for many relying parties.
      const material = describePublicKey({ jwk: j }, kid, alg, this.#allowed);
      if (typeof material !== 'string') materials.push(material);
    }
    if (materials.length === 0) throw new Error('no usable key for the allowed algorithms');
    return materials;
  }
}
