/**
 * The per-robot limiter in Redis, shared by every mail worker process (RobotLimiter, contracts/channels.ts):
 *  - a sliding window log per robot (a sorted set of send instants): at most `max` sends in any
 *    `windowMs`, which is how both services count their 20 a minute. Our own Lua, 10 lines, because
 *    the window must slide (a fixed-window limiter such as rate-limiter-flexible's lets 40 through
 *    across a window edge, which the services refuse) and BullMQ's per-group limiter is BullMQ Pro;
 *  - a cool-down key after the service said "too fast": no slot until it expires;
 *  - a lock per robot (SET NX PX with a token, released only by its owner) so that one job at a
 *    time sends to a robot and the messages waiting past the rate are merged by exactly one job.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RobotLimiter } from '../../contracts/channels';

const TAKE = `
local cool = redis.call('PTTL', KEYS[2])
if cool > 0 then return {tonumber(ARGV[1]) + cool, 0} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local used = redis.call('ZCARD', KEYS[1])
if used < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {0, tonumber(ARGV[3]) - used - 1}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {tonumber(oldest[2]) + tonumber(ARGV[2]) + 1, 0}`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisRobotLimiterOptions {
  redis: Redis;
  /** key prefix (the queue prefix): test runs do not share windows */
  prefix: string;
  /** sends per window (default 20) */
  max?: number;
  /** window length (default 60 000 ms) */
  windowMs?: number;
  /** how long a lock is held at most, should its holder die (default 60 s) */
  lockMs?: number;
}

export function createRedisRobotLimiter(o: RedisRobotLimiterOptions): RobotLimiter {
  const max = o.max ?? 20;
  const windowMs = o.windowMs ?? 60_000;
  const lockMs = o.lockMs ?? 60_000;
  const key = (robotId: string, what: string) => `${o.prefix}:robot:${robotId}:${what}`;
  return {
    async take(robotId, nowMs) {
      const [retryAtMs, remaining] = (await o.redis.eval(
        TAKE,
        2,
        key(robotId, 'sent'),
        key(robotId, 'cool'),
        String(nowMs),
        String(windowMs),
        String(max),
        `${nowMs}-${randomBytes(4).toString('hex')}`,
      )) as [number, number];
      return retryAtMs === 0 ? { ok: true, remaining } : { ok: false, retryAtMs };
    },
    async coolDown(robotId, untilMs) {
      const ms = Math.max(1, Math.ceil(untilMs - Date.now()));
      await o.redis.set(key(robotId, 'cool'), '1', 'PX', ms);
    },
    async lock(robotId, fn) {
      const k = key(robotId, 'lock');
      const token = randomBytes(8).toString('hex');
      for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
        if ((await o.redis.set(k, token, 'PX', lockMs, 'NX')) === 'OK') break;
        await new Promise((r) => setTimeout(r, wait));
      }
      try {
        return await fn();
      } finally {
        await o.redis.eval(RELEASE, 1, k, token);
      }
    },
  };
}
