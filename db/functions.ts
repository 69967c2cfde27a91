/**
 * Calls our SQL functions (db/migrations: `sb_*`), which take and return one JSON value. On the
 * app's database handle the call is a prepared statement sent straight to the driver (one round
 * trip, planned once per connection); inside a drizzle transaction it goes through the transaction.
 */
import { sql } from "drizzle-orm";
import type { Executor } from "./connect.ts";
import { queryRows } from "./rows.ts";

/** Our functions and the type of their one argument. */
const FUNCTIONS = {
  sb_case_context: "uuid",
  sb_offer_context: "uuid",
  sb_agent_load: "uuid",
  sb_write_case: "jsonb",
  sb_offer: "jsonb",
  sb_inbound_context: "jsonb",
  sb_ingest: "jsonb",
  sb_next_case_number: "jsonb",
  sb_agent_snapshots: "jsonb",
} as const;

export type SqlFunction = keyof typeof FUNCTIONS;

type RawCall = (text: string, json: string) => Promise<unknown>;

const rawCalls = new WeakMap<object, RawCall>();

/** Lets `callFunction` bypass drizzle on this handle (db/connect.ts registers every handle it opens). */
export function registerRawCall(db: object, call: RawCall): void {
  rawCalls.set(db, call);
}

// The argument travels as text and is cast in SQL, so both drivers send it the same way.
const callText = (fn: SqlFunction) => `select ${fn}($1::text::${FUNCTIONS[fn]}) as r`;

/** Calls `fn` with a uuid (a string) or a JSON value, and returns its JSON result. */
export async function callFunction<T>(executor: Executor, fn: SqlFunction, argument: unknown): Promise<T> {
  const text = FUNCTIONS[fn] === "uuid" ? String(argument) : JSON.stringify(argument);
  const raw = rawCalls.get(executor);
  const result = raw
    ? await raw(callText(fn), text)
    : (
        await queryRows<{ r: unknown }>(
          executor,
          sql`select ${sql.raw(fn)}(${text}::text::${sql.raw(FUNCTIONS[fn])}) as r`,
        )
      )[0]?.r;
  // Drivers parse jsonb results; a driver that hands back text is parsed here.
  return (typeof result === "string" ? JSON.parse(result) : result) as T;
}
