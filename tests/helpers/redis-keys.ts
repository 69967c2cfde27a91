/** The Redis keys a test run or benchmark makes under its prefix: listed, and removed afterwards. */
import { Redis } from "ioredis";

async function withRedis<T>(redisUrl: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

async function scanPrefix(
  redis: Redis,
  prefix: string,
  each: (keys: string[]) => Promise<void>,
): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await each(keys);
  } while (cursor !== "0");
}

/** Every key starting with `prefix`. */
export function keysWithPrefix(redisUrl: string, prefix: string): Promise<string[]> {
  return withRedis(redisUrl, async (redis) => {
    const found: string[] = [];
    await scanPrefix(redis, prefix, async (keys) => {
      found.push(...keys);
    });
    return found;
  });
}

/** Removes every key starting with `prefix`. */
export function clearRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  return withRedis(redisUrl, (redis) =>
    scanPrefix(redis, prefix, async (keys) => {
      await redis.del(...keys);
    }),
  );
}
