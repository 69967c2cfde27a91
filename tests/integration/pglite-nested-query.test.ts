/**
 * The embedded database has one connection: a query on the database handle made while the same
 * code holds a transaction open can never run (it waits for the transaction, which waits for it).
 * Such a query fails within seconds with an error saying so, instead of hanging the whole server;
 * queries from unrelated work, or started inside a transaction but not awaited by it, wait their turn
 * and run.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Database } from "../../db/connect.ts";
import { queryRows } from "../../db/rows.ts";

describe("embedded database: a query outside an open transaction from inside it", () => {
  let database: Database;
  beforeAll(async () => {
    database = await connect({});
  });
  afterAll(async () => {
    await database?.close();
  });

  it("fails with the reason instead of waiting forever", async () => {
    const { db } = database;
    const attempt = db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await db.execute(sql`select 2`);
    });
    const failure = await Promise.race([
      attempt.then(
        () => new Error("the query ran"),
        (error: Error) => error,
      ),
      new Promise<Error>((resolve) => setTimeout(() => resolve(new Error("hung")), 15_000)),
    ]);
    // drizzle reports the failed statement; the reason is its cause.
    expect((failure.cause as Error | undefined)?.message).toMatch(/inside its own open transaction/);
    // The database is still usable afterwards.
    expect((await queryRows<{ n: number }>(db, sql`select 3 as n`))[0]!.n).toBe(3);
  });

  it("lets other work wait for the transaction and then run", async () => {
    const { db } = database;
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    const transaction = db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await held;
      order.push("transaction");
    });
    const outside = db.execute(sql`select 2`).then(() => order.push("outside"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await Promise.all([transaction, outside]);
    expect(order).toEqual(["transaction", "outside"]);
  });

  it("runs a query started inside a transaction, not awaited by it, once it has committed", async () => {
    const { db } = database;
    let later: Promise<unknown> | undefined;
    await db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      // Not awaited by the transaction: it waits for the commit, then runs.
      later = db.execute(sql`select 2`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    await expect(later).resolves.toBeDefined();
  });
});
