import { FirewallError, type CounterResult, type Store } from '@portcullis/core';
import { withDeadline } from './bounded.js';
import type { RedisCommands } from './client.js';
import { INCREMENT_SCRIPT, INCREMENT_SCRIPT_SHA } from './increment-script.js';
import { readRedisStoreOptions, type RedisStoreOptions } from './options.js';

/** A lone surrogate cannot be encoded as UTF-8: two different keys would reach Redis as one. */
const LONE_SURROGATE = /\p{Cs}/u;

function checkKey(key: string): void {
  if (typeof key !== 'string') throw new TypeError('store key: expected a string');
  if (LONE_SURROGATE.test(key)) throw new RangeError('store key: contains a lone surrogate (not encodable as UTF-8)');
}

/** Redis expiries are whole milliseconds and must be positive; a fraction is rounded up. */
function checkTtl(ttlMs: number): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('store ttlMs: expected a positive number of milliseconds');
  return Math.ceil(ttlMs);
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function unexpectedReply(operation: string): FirewallError {
  return new FirewallError('ERR_STORE_UNAVAILABLE', `redis ${operation}: unexpected reply`);
}

function toCounterResult(reply: unknown): CounterResult {
  if (!Array.isArray(reply) || reply.length !== 2) throw unexpectedReply('increment');
  const [value, ttlMs] = reply.map(Number) as [number, number];
  if (!Number.isSafeInteger(value) || !Number.isSafeInteger(ttlMs)) throw unexpectedReply('increment');
  return { value, ttlMs };
}

function toOptionalString(reply: unknown): string | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (typeof reply === 'string') return reply;
  // A client configured to return buffers.
  if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
  throw unexpectedReply('get');
}

/**
 * The core `Store` on Redis. Every operation is one atomic server-side step on one key:
 *
 *  - `increment`: one Lua script (INCRBY, then PEXPIRE only when the key has no expiry), so the
 *    counter and its window are created together and later increments keep the window's end;
 *  - `setIfAbsent`: `SET key value NX PX ttl` (the first caller wins, exactly once);
 *  - `get` (GET), `set` (SET PX), `delete` (DEL).
 *
 * Each operation is bounded by `commandTimeoutMs` and rejects with `ERR_STORE_UNAVAILABLE` on a
 * timeout or a client error; it never hangs a request.
 */
class RedisBackedStore implements RedisStore {
  readonly name = 'redis';
  readonly prefix: string;
  readonly commandTimeoutMs: number;
  readonly #commands: RedisCommands;

  constructor(commands: RedisCommands, prefix: string, commandTimeoutMs: number) {
    this.#commands = commands;
    this.prefix = prefix;
    this.commandTimeoutMs = commandTimeoutMs;
  }

  #key(key: string): string {
    checkKey(key);
    return this.prefix + key;
  }

  async increment(key: string, by: number, ttlMs: number): Promise<CounterResult> {
    const fullKey = this.#key(key);
    if (!Number.isSafeInteger(by)) throw new RangeError('store increment: expected an integer');
    const args = [String(by), String(checkTtl(ttlMs))];
    return withDeadline('increment', this.commandTimeoutMs, async () => {
      let reply: unknown;
      try {
        reply = await this.#commands.evalsha(INCREMENT_SCRIPT_SHA, fullKey, args);
      } catch (error) {
        // The server's script cache is empty (a restart, SCRIPT FLUSH, a failover, or another
        // Cluster node): EVAL runs the script and caches it for the next EVALSHA.
        if (!isNoScript(error)) throw error;
        reply = await this.#commands.eval(INCREMENT_SCRIPT, fullKey, args);
      }
      return toCounterResult(reply);
    });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const fullKey = this.#key(key);
    const ttl = checkTtl(ttlMs);
    return withDeadline('setIfAbsent', this.commandTimeoutMs, async () => {
      const reply = await this.#commands.set(fullKey, value, ttl, true);
      // `OK` when this call set the key; null when it was already there.
      if (reply === null || reply === undefined) return false;
      if (reply === 'OK') return true;
      throw unexpectedReply('setIfAbsent');
    });
  }

  async get(key: string): Promise<string | undefined> {
    const fullKey = this.#key(key);
    return withDeadline('get', this.commandTimeoutMs, async () => toOptionalString(await this.#commands.get(fullKey)));
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const fullKey = this.#key(key);
    const ttl = checkTtl(ttlMs);
    return withDeadline('set', this.commandTimeoutMs, async () => {
      const reply = await this.#commands.set(fullKey, value, ttl, false);
      if (reply !== 'OK') throw unexpectedReply('set');
    });
  }

  async delete(key: string): Promise<void> {
    const fullKey = this.#key(key);
    return withDeadline('delete', this.commandTimeoutMs, async () => {
      await this.#commands.del(fullKey);
    });
  }

  /**
   * Does nothing, on purpose: the client belongs to the application, which may use it for other
   * things and closes it itself (after `firewall.close()`).
   */
  async close(): Promise<void> {}
}

/** A Redis-backed `Store`, read-only properties included for diagnostics. */
export interface RedisStore extends Store {
  readonly name: 'redis';
  readonly prefix: string;
  readonly commandTimeoutMs: number;
}

/**
 * Builds the store over the application's client. Options are validated at once (a bad option is
 * a `PolicyError` naming `store.<field>`); no command is sent until the first operation.
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const resolved = readRedisStoreOptions(options);
  return Object.freeze(new RedisBackedStore(resolved.commands, resolved.prefix, resolved.commandTimeoutMs));
}
