/**
 * What a call on a case means for the agent holding it. A voice case occupies its agent's voice
 * capacity (and, voice being exclusive, all of it) only while its latest call is live, or before it
 * has any call: once the caller hangs up, the agent is free for other work even if they keep the
 * case open for follow-up. The release happens when the call ends, not again when the case leaves.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import { type cases, interactions } from "../db/schema/cases.ts";
import { CasePlan } from "./case-plan.ts";
import { caseStateHas } from "./case-states.ts";
import { changeCase } from "./case-workflow.ts";
import type { CaseDeps } from "./deps.ts";

/** Call phases after which the call no longer occupies anybody (a caller who chose a callback hangs up). */
export const FINISHED_CALL_PHASES = ["ended", "voicemail", "callback"] as const;

/** The phase of the latest call on the case `caseId` refers to, null without a call. */
const latestCallPhase = (caseId: SQL | typeof cases.id) =>
  sql`(select ${interactions.metadata}->>'phase' from ${interactions}
       where ${interactions.caseId} = ${caseId} and ${interactions.kind} = 'call'
       order by ${interactions.createdAt} desc, ${interactions.seq} desc limit 1)`;

/** Whether the voice case's calls are over, so its capacity was already given back. */
export async function callsFinished(
  executor: Executor,
  row: Pick<typeof cases.$inferSelect, "id" | "channel">,
): Promise<boolean> {
  if (row.channel !== "voice") return false;
  const [found] = await queryRows<{ phase: string | null }>(
    executor,
    sql`select ${latestCallPhase(sql`${row.id}::uuid`)} as phase`,
  );
  return (FINISHED_CALL_PHASES as readonly (string | null | undefined)[]).includes(found?.phase);
}

/**
 * A call on the case ended: its agent's voice capacity is free again (wrap-up first), whether the
 * case is a phone case or one the agent called the customer from.
 */
export async function callEnded(deps: CaseDeps, caseId: string): Promise<void> {
  await changeCase(deps, caseId, async (context) => {
    const plan = new CasePlan(context, deps.db);
    const row = context.row;
    if (row.assigneeId && caseStateHas(row.state, "occupiesAgent")) {
      const agentId = row.assigneeId;
      await deps.routingHooks?.capacityReleased(plan, {
        agentId,
        caseId: row.id,
        channel: "voice",
        queueId: row.queueId,
        at: deps.clock(),
      });
      plan.afterWrite((_written, uow) => uow.agentFreed(agentId));
    }
    return { plan, result: () => undefined };
  });
}
