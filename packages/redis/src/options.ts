import { PolicyError, childPath, readObject, readInteger, readString, describeValue } from '@portcullis/core';
import { commandsFor, type RedisClientLike, type RedisCommands } from './client.js';

export interface RedisStoreOptions {
  /**
   * The application's own client: an ioredis `Redis` or `Cluster`, or a node-redis (v4/v5)
   * client or cluster, already configured (and, for node-redis, connected). The store never
   * connects, disconnects or closes it.
   */
  readonly client: RedisClientLike;
  /**
   * Prepended to every key, to share a Redis with other applications or keep two policies apart.
   * 1 to 128 printable characters, no whitespace. Default `pc:`.
   */
  readonly prefix?: string;
  /**
   * The most milliseconds one store operation may take before it rejects with
   * `ERR_STORE_UNAVAILABLE` (the calling guard's `onError` then decides). Default 500.
   */
  readonly commandTimeoutMs?: number;
}

export interface ResolvedRedisStoreOptions {
  readonly commands: RedisCommands;
  readonly prefix: string;
  readonly commandTimeoutMs: number;
}

export const DEFAULT_PREFIX = 'pc:';
export const DEFAULT_COMMAND_TIMEOUT_MS = 500;
const MAX_PREFIX_LENGTH = 128;
/** Whitespace, control characters and lone surrogates: a prefix is a visible namespace. */
const UNFIT_PREFIX_CHARACTER = /[\s\p{Cc}\p{Cs}]/u;

/** The store's options are checked like a policy's, under the path `store`. */
export function readRedisStoreOptions(options: unknown, path = 'store'): ResolvedRedisStoreOptions {
  const o = readObject(options, path, ['client', 'prefix', 'commandTimeoutMs']);
  const commands = commandsFor(o['client']);
  if (commands === undefined) {
    throw new PolicyError(
      childPath(path, 'client'),
      `expected an ioredis Redis or Cluster, or a node-redis client or cluster, got ${describeValue(o['client'])}`,
    );
  }
  let prefix = DEFAULT_PREFIX;
  if (o['prefix'] !== undefined) {
    const prefixPath = childPath(path, 'prefix');
    prefix = readString(o['prefix'], prefixPath);
    if (prefix.length > MAX_PREFIX_LENGTH) throw new PolicyError(prefixPath, `expected at most ${MAX_PREFIX_LENGTH} characters, got ${prefix.length}`);
    if (UNFIT_PREFIX_CHARACTER.test(prefix)) throw new PolicyError(prefixPath, 'expected printable characters without whitespace');
  }
  const commandTimeoutMs =
    o['commandTimeoutMs'] === undefined ? DEFAULT_COMMAND_TIMEOUT_MS : readInteger(o['commandTimeoutMs'], childPath(path, 'commandTimeoutMs'), { min: 1, max: 60_000 });
  return { commands, prefix, commandTimeoutMs };
}
