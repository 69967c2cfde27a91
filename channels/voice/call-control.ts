/** Who may control a case's live call (pause its recording, hold its caller). */
import { eq } from "drizzle-orm";
import { AppError, notFound } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { cases } from "../../db/schema/cases.ts";

/** Only the case's agent, or a supervisor, controls its live call; `what` names the control in the refusal. */
export async function assertCaseCallControl(
  db: Db,
  caseId: string,
  agent: { id: string; isSupervisor: boolean },
  what: string,
): Promise<void> {
  const [row] = await db.select({ assigneeId: cases.assigneeId }).from(cases).where(eq(cases.id, caseId));
  if (!row) throw notFound("Case", caseId);
  if (row.assigneeId !== agent.id && !agent.isSupervisor)
    throw new AppError("FORBIDDEN", `Only the case's agent or a supervisor can control ${what}.`);
}
