/** The cases linked to a case: the one it was opened from, and those opened from it. */
import { asc, eq, or } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { type CaseLinkReason, type CaseState, cases } from "../db/schema/cases.ts";

export interface LinkedCase {
  id: string;
  number: number;
  subject: string;
  state: CaseState;
  reason: CaseLinkReason;
  /** `from`: this case was opened from that one; `to`: that one was opened from this case. */
  direction: "from" | "to";
}

export async function linkedCases(
  executor: Executor,
  row: { id: string; linkedCaseId: string | null; linkReason: CaseLinkReason | null },
): Promise<LinkedCase[]> {
  const rows = await executor
    .select({
      id: cases.id,
      number: cases.number,
      subject: cases.subject,
      state: cases.state,
      linkedCaseId: cases.linkedCaseId,
      linkReason: cases.linkReason,
    })
    .from(cases)
    .where(
      row.linkedCaseId
        ? or(eq(cases.id, row.linkedCaseId), eq(cases.linkedCaseId, row.id))
        : eq(cases.linkedCaseId, row.id),
    )
    .orderBy(asc(cases.number));
  return rows.map(({ linkedCaseId, linkReason, ...linked }) =>
    linked.id === row.linkedCaseId
      ? { ...linked, reason: row.linkReason ?? "follows_closed", direction: "from" as const }
      : { ...linked, reason: linkReason ?? "follows_closed", direction: "to" as const },
  );
}
