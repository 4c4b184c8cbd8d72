/**
 * The store takes the application's own Redis client and speaks to it through the library's
 * public command methods, so it depends on no Redis library at run time and works with whichever
 * the application already has. Two families are recognised by shape:
 *
 *  - ioredis 5 (`Redis` and `Cluster`): lower-case `evalsha` and `defineCommand`;
 *  - node-redis 4 and 5 (`createClient()` and `createCluster()`): `evalSha` and `sendCommand`.
 *
 * Only named commands are used (never `sendCommand`, whose signature differs between a node-redis
 * client and cluster), and every command names exactly one key, so a Cluster client routes each
 * one to the node that owns the key's slot.
 */

/** Any method: a real client's overloaded signatures are all assignable to it. */
type AnyMethod = (...args: never[]) => unknown;

/** The part of an ioredis `Redis` or `Cluster` this store uses. */
export interface IoRedisClientLike {
  readonly evalsha: AnyMethod;
  readonly eval: AnyMethod;
  readonly defineCommand: AnyMethod;
  readonly set: AnyMethod;
  readonly get: AnyMethod;
  readonly del: AnyMethod;
}

/** The part of a node-redis (v4 or v5) client or cluster this store uses. */
export interface NodeRedisClientLike {
  readonly evalSha: AnyMethod;
  readonly eval: AnyMethod;
  readonly sendCommand: AnyMethod;
  readonly set: AnyMethod;
  readonly get: AnyMethod;
  readonly del: AnyMethod;
}

export type RedisClientLike = IoRedisClientLike | NodeRedisClientLike;

/** The commands the store needs, the same whichever library runs them. */
export interface RedisCommands {
  readonly library: 'ioredis' | 'node-redis';
  evalsha(sha: string, key: string, args: readonly string[]): Promise<unknown>;
  eval(script: string, key: string, args: readonly string[]): Promise<unknown>;
  /** `SET key value PX ttlMs` (with `NX` when `onlyIfAbsent`). */
  set(key: string, value: string, ttlMs: number, onlyIfAbsent: boolean): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

// The precise call shapes used below (a subset of each library's own overloads).
interface IoRedisCalls {
  evalsha(sha: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  set(key: string, value: string, px: 'PX', ttlMs: number, ...condition: ['NX'] | []): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

interface NodeRedisCalls {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  // `PX`/`NX` are the option names node-redis 4 knows; node-redis 5 still accepts them.
  set(key: string, value: string, options: { PX: number; NX?: true }): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

function hasMethods(value: object, names: readonly string[]): boolean {
  return names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

export function isIoRedis(value: object): value is IoRedisClientLike {
  return hasMethods(value, ['evalsha', 'defineCommand', 'eval', 'set', 'get', 'del']);
}

export function isNodeRedis(value: object): value is NodeRedisClientLike {
  return hasMethods(value, ['evalSha', 'sendCommand', 'eval', 'set', 'get', 'del']);
}

function ioredisCommands(client: IoRedisClientLike): RedisCommands {
  const calls = client as unknown as IoRedisCalls;
  return Object.freeze<RedisCommands>({
    library: 'ioredis',
    evalsha: (sha, key, args) => calls.evalsha(sha, 1, key, ...args),
    eval: (script, key, args) => calls.eval(script, 1, key, ...args),
    set: (key, value, ttlMs, onlyIfAbsent) => (onlyIfAbsent ? calls.set(key, value, 'PX', ttlMs, 'NX') : calls.set(key, value, 'PX', ttlMs)),
    get: (key) => calls.get(key),
    del: (key) => calls.del(key),
  });
}

function nodeRedisCommands(client: NodeRedisClientLike): RedisCommands {
  const calls = client as unknown as NodeRedisCalls;
  return Object.freeze<RedisCommands>({
    library: 'node-redis',
    evalsha: (sha, key, args) => calls.evalSha(sha, { keys: [key], arguments: [...args] }),
    eval: (script, key, args) => calls.eval(script, { keys: [key], arguments: [...args] }),
    set: (key, value, ttlMs, onlyIfAbsent) => calls.set(key, value, onlyIfAbsent ? { PX: ttlMs, NX: true } : { PX: ttlMs }),
    get: (key) => calls.get(key),
    del: (key) => calls.del(key),
  });
}

/** The uniform command set for a recognised client; undefined for anything else. */
export function commandsFor(client: unknown): RedisCommands | undefined {
  if (typeof client !== 'object' || client === null) return undefined;
  // ioredis first: an ioredis client also has a `sendCommand` (taking a Command object).
  if (isIoRedis(client)) return ioredisCommands(client);
  if (isNodeRedis(client)) return nodeRedisCommands(client);
  return undefined;
}
