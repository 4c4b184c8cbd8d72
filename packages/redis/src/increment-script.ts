import { createHash } from 'node:crypto';

/**
 * The counter as one Lua script, so that the increment and the first expiry are one atomic step on
 * the server: with INCRBY then PEXPIRE as two commands, a process that dies between them leaves a
 * counter that never expires (a permanent ban), and two racing callers could each reset the window.
 *
 * The expiry is set only when the key has none (it is new, or someone wrote it without one), so
 * later increments keep the window's end: fixed-window semantics, as `Store.increment` documents.
 * Returns `{ value, ttlMs }` as a two-element array of integers.
 *
 * KEYS[1] the counter; ARGV[1] the increment (integer); ARGV[2] the window in milliseconds.
 */
export const INCREMENT_SCRIPT = `local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return { value, ttl }`;

/** The script's SHA-1, the name EVALSHA knows it by (Redis computes the same digest). */
export const INCREMENT_SCRIPT_SHA = createHash('sha1').update(INCREMENT_SCRIPT).digest('hex');
