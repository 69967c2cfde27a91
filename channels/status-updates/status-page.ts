/**
 * What the customer's status page shows and accepts: the case's state and public messages (never
 * internal notes), a reply that lands on the case like any inbound message, and a 1–5 rating with
 * an optional comment once the case is resolved.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { caseStateHas } from "../../cases/case-states.ts";
import { writeAudit } from "../../cases/case-workflow.ts";
import type { CaseDeps } from "../../cases/deps.ts";
import { AppError, notFound } from "../../cases/errors.ts";
import { ingest } from "../../cases/ingest.ts";
import { IDENTITY_KIND_OF_CHANNEL } from "../../cases/replies.ts";
import { withUnitOfWork } from "../../cases/unit-of-work.ts";
import { agents } from "../../db/schema/agents.ts";
import { cases, interactions } from "../../db/schema/cases.ts";

export const STATE_LABELS: Record<string, string> = {
  new: "Received",
  queued: "Waiting for an agent",
  offered: "Waiting for an agent",
  assigned: "In progress",
  waiting_on_customer: "Waiting for your reply",
  resolved: "Resolved",
  closed: "Closed",
};

export interface StatusView {
  case: {
    number: number;
    subject: string;
    state: string;
    stateLabel: string;
    createdAt: Date;
    resolvedAt: Date | null;
    csatRating: number | null;
    csatComment: string | null;
  };
  messages: { id: string; from: "customer" | "agent"; author: string | null; body: string; at: Date }[];
  canReply: boolean;
  canRate: boolean;
}

export async function statusView(deps: CaseDeps, caseId: string): Promise<StatusView> {
  const [row] = await deps.db.select().from(cases).where(eq(cases.id, caseId));
  if (!row) throw notFound("Case", caseId);
  const rows = await deps.db
    .select({ interaction: interactions, authorName: agents.name })
    .from(interactions)
    .leftJoin(agents, eq(agents.id, interactions.authorAgentId))
    .where(
      and(
        eq(interactions.caseId, caseId),
        inArray(interactions.kind, ["message", "call"]),
        inArray(interactions.direction, ["inbound", "outbound"]),
        // Someone else's mail on the thread (a CC'd colleague) is not the customer's own message.
        sql`not coalesce((${interactions.metadata}->>'thirdParty')::boolean, false)`,
      ),
    )
    .orderBy(asc(interactions.createdAt), asc(interactions.seq));
  return {
    case: {
      number: row.number,
      subject: row.subject,
      state: row.state,
      stateLabel: STATE_LABELS[row.state] ?? row.state,
      createdAt: row.createdAt,
      resolvedAt: row.resolvedAt,
      csatRating: row.csatRating,
      csatComment: row.csatComment,
    },
    messages: rows.map(({ interaction, authorName }) => ({
      id: interaction.id,
      from: interaction.direction === "inbound" ? ("customer" as const) : ("agent" as const),
      author: interaction.direction === "outbound" ? (authorName ?? "Support") : null,
      body: interaction.body,
      at: interaction.createdAt,
    })),
    // A closed case takes no reply here; writing on the usual channel opens a follow-up.
    canReply: !caseStateHas(row.state, "final"),
    canRate: caseStateHas(row.state, "done"),
  };
}

export const MAX_STATUS_REPLY = 10_000;

/**
 * The customer's reply from the status page: an inbound message on the case's own channel, from the
 * address the case belongs to, so it threads, reopens and routes like any other. `clientId` makes a
 * double-submitted form one message.
 */
export async function replyFromStatusPage(
  deps: CaseDeps,
  caseId: string,
  input: { body: string; clientId?: string },
) {
  const body = input.body.trim();
  if (!body) throw new AppError("VALIDATION", "The reply is empty.");
  if (body.length > MAX_STATUS_REPLY)
    throw new AppError("VALIDATION", `A reply can be at most ${MAX_STATUS_REPLY} characters.`);
  const [row] = await deps.db.select().from(cases).where(eq(cases.id, caseId));
  if (!row) throw notFound("Case", caseId);
  if (caseStateHas(row.state, "final")) {
    throw new AppError(
      "ILLEGAL_ACTION",
      `Case #${row.number} is closed; write to us again and we will open a new one.`,
    );
  }
  const result = await ingest(deps, {
    channel: row.channel,
    externalId: `status-page.${caseId}.${input.clientId ?? randomUUID()}`,
    from: { kind: IDENTITY_KIND_OF_CHANNEL[row.channel], address: row.customerAddress },
    ...(row.channelAddress ? { to: row.channelAddress } : {}),
    body,
    thread: { caseId },
    metadata: { via: "status-page" },
  });
  return { id: result.interaction.id, duplicate: result.duplicate };
}

/** Records the customer's rating of a resolved case; rating again replaces it. */
export function rateCase(deps: CaseDeps, caseId: string, input: { rating: number; comment?: string | null }) {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    return Promise.reject(new AppError("VALIDATION", "A rating is a whole number from 1 to 5."));
  }
  return withUnitOfWork(deps, async (tx, uow) => {
    const [row] = await tx.select().from(cases).where(eq(cases.id, caseId)).for("update");
    if (!row) throw notFound("Case", caseId);
    if (!caseStateHas(row.state, "done")) {
      throw new AppError(
        "ILLEGAL_ACTION",
        `Case #${row.number} is not resolved yet; you can rate it once it is.`,
      );
    }
    const at = deps.clock();
    const comment = input.comment?.trim() || null;
    const [rated] = await tx
      .update(cases)
      .set({ csatRating: input.rating, csatComment: comment, csatAt: at })
      .where(eq(cases.id, caseId))
      .returning();
    // An open case page and the inbox show the rating as it arrives.
    uow.emit({ type: "case.updated", caseId, state: row.state, assigneeId: row.assigneeId, case: rated });
    uow.emit({ type: "csat.received", caseId, rating: input.rating, comment });
    await writeAudit(tx, {
      caseId,
      type: "csat",
      actor: { type: "customer", id: row.contactId },
      details: { rating: input.rating, comment },
      at,
    });
    return { rating: input.rating, comment };
  });
}
