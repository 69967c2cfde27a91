/**
 * How much work each agent holds, per channel: assigned open cases plus pending offers. A voice case
 * counts only while its call is live (or before its first call); a live call placed from another
 * case, or an outbound campaign call the agent is on, counts as voice work. The rule lives in one
 * place, the database function `sb_agent_load`, which offers are also claimed against.
 */
import { sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import type { CapacityChannel } from "../db/schema/cases.ts";

export type Load = Record<CapacityChannel, number>;

const asJson = <T>(value: T | string): T => (typeof value === "string" ? (JSON.parse(value) as T) : value);

export function loadOf(value: Partial<Load> | string | null): Load {
  const load = value ? asJson(value) : {};
  return { chat: load.chat ?? 0, email: load.email ?? 0, sms: load.sms ?? 0, voice: load.voice ?? 0 };
}

export async function loadsFor(executor: Executor, agentIds: string[]): Promise<Map<string, Load>> {
  if (!agentIds.length) return new Map();
  const rows = await queryRows<{ id: string; load: Partial<Load> | string }>(
    executor,
    sql`select id, sb_agent_load(id) as load from unnest(${`{${agentIds.join(",")}}`}::uuid[]) as id`,
  );
  return new Map(rows.map((row) => [row.id, loadOf(row.load)]));
}
