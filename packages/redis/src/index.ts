// The public API of @portcullis/redis. Every export is listed here explicitly.

export { redisStore } from './redis-store.js';
export type { RedisStore } from './redis-store.js';
export type { RedisStoreOptions } from './options.js';
export { DEFAULT_PREFIX, DEFAULT_COMMAND_TIMEOUT_MS } from './options.js';
export type { RedisClientLike, IoRedisClientLike, NodeRedisClientLike } from './client.js';
export { INCREMENT_SCRIPT } from './increment-script.js';
