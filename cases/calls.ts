/**
 * What a call on a case means for the agent holding it. A voice case occupies its agent's voice
 * capacity (and, voice being exclusive, all of it) only while its latest call is live, or before it
 * has any call: once the caller hangs up, the agent is free for other work even if they keep the
 * case open for follow-up. The release happens when the call ends, not again when the case leaves.
 */
import { eq, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import { cases, interactions } from "../db/schema/cases.ts";
import type { CaseDeps } from "./deps.ts";
import { withUnitOfWork } from "./unit-of-work.ts";

/** Call phases after which the call no longer occupies anybody (a caller who chose a callback hangs up). */
export const FINISHED_CALL_PHASES = ["ended", "voicemail", "callback"] as const;

/** The phase of the latest call on the case `caseId` refers to, null without a call. */
const latestCallPhase = (caseId: SQL | typeof cases.id) =>
  sql`(select ${interactions.metadata}->>'phase' from ${interactions}
       where ${interactions.caseId} = ${caseId} and ${interactions.kind} = 'call'
       order by ${interactions.createdAt} desc, ${interactions.seq} desc limit 1)`;

/** SQL: the case (a row of `cases`) occupies its agent on its channel. */
export const occupiesAgent = (caseId: SQL | typeof cases.id, channel: SQL | typeof cases.channel) =>
  sql`(${channel} <> 'voice' or coalesce(${latestCallPhase(caseId)}, 'live') not in (${finishedPhases()}))`;

const finishedPhases = () =>
  sql.join(
    FINISHED_CALL_PHASES.map((phase) => sql`${phase}`),
    sql`, `,
  );

/**
 * SQL rows `(agent_id, channel = 'voice')`, one per live call on a non-voice case the agent holds:
 * a call placed from an SMS or email case (click-to-call) occupies its agent like a phone case does.
 * `agentMatch` picks the agents, given the holding agent's column. Reads only the agents' held
 * cases' interactions, through the case index.
 */
export const liveCallsOnHeldCases = (agentMatch: (assignee: SQL) => SQL) => sql`
  select held.assignee_id as agent_id, 'voice'::text as channel
    from ${cases} held join ${interactions} ci on ci.case_id = held.id and ci.kind = 'call'
    where ${agentMatch(sql`held.assignee_id`)} and held.channel <> 'voice'
      and held.state in ('assigned', 'waiting_on_customer')
      and coalesce(ci.metadata->>'phase', 'live') not in (${finishedPhases()})`;

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
  await withUnitOfWork(deps, async (tx, uow) => {
    const [row] = await tx.select().from(cases).where(eq(cases.id, caseId)).for("update");
    if (!row?.assigneeId) return;
    if (row.state !== "assigned" && row.state !== "waiting_on_customer") return;
    await deps.routingHooks?.capacityReleased(tx, uow, {
      agentId: row.assigneeId,
      caseId: row.id,
      channel: "voice",
      queueId: row.queueId,
      at: deps.clock(),
    });
    uow.requestRouting("all");
  });
}
