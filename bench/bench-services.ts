/**
 * The PostgreSQL and Redis a benchmark may use, and throwaway places on them: a fresh database
 * dropped afterwards, a Redis key prefix whose keys are removed afterwards.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { clearRedisPrefix } from "../tests/helpers/redis-keys.ts";

export const BENCH_DATABASE_SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";
export const BENCH_REDIS_URL =
  process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Runs `fn` with the URL of a new empty database on the bench server, and drops it afterwards. */
export async function withBenchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `sb_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(BENCH_DATABASE_SERVER_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(BENCH_DATABASE_SERVER_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** Runs `fn` with a new Redis key prefix, and removes every key under it afterwards. */
export async function withBenchRedisPrefix<T>(fn: (prefix: string) => Promise<T>): Promise<T> {
  const prefix = `bench-${randomBytes(3).toString("hex")}`;
  try {
    return await fn(prefix);
  } finally {
    await clearRedisPrefix(BENCH_REDIS_URL, prefix);
  }
}
