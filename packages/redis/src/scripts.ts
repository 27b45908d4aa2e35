/** A Lua script sent by SHA1 (EVALSHA), falling back to its source (EVAL) when Redis lacks it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/**
 * The SHA1 is written out rather than computed: hashing synchronously needs `node:crypto`,
 * which Workers and Edge runtimes lack. A test checks each one against its source.
 */
function script(source: string, sha: string): LuaScript {
  return { source, sha };
}

/**
 * Compare-and-delete: delete KEYS[1] only if it still holds ARGV[1]. Releases a lock only
 * for its owner, and drops a token only if nobody replaced it meanwhile. Returns 1 when deleted.
 */
export const compareAndDelete = script(
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`,
  'f4f23e4b63559980e4fd8dd1b2bf8e156fe4c29f',
);

/**
 * Sliding-window slot, atomically: forget events older than the window, count, add one
 * (a unique member scored by time) unless the window is full, keep the key only as long as
 * its newest event can matter, and say when the oldest event leaves the window.
 *
 * ARGV: now (ms), windowMs, max (-1 for none), unique member.
 * Returns { added (0|1), count, retryAfterMs }.
 */
export const takeSlot = script(
  `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local added = 0
if max < 0 or count < max then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  count = count + 1
  added = 1
end
local retry = 0
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] then
  retry = tonumber(oldest[2]) + window - now
  if retry < 0 then retry = 0 end
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(window)))
end
return { added, count, math.ceil(retry) }
`,
  '169232a929ced2ffde55e9fdd4685211d82dba66',
);
