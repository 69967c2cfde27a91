/**
 * Delivers queued outbound interactions through their channel and tracks their delivery status.
 * A message is marked `sending` (committed) before the provider is called, so after a crash we know
 * an attempt may have reached the customer: channels that deduplicate by our id retry it, the others
 * mark it failed with a reason instead of risking a duplicate.
 */
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { type Channel, cases, type DeliveryStatus, interactions } from "../db/schema/cases.ts";
import { type ChannelSender, type ChannelSenders, outboundMessageOf } from "./channel-sender.ts";
import type { CaseDeps } from "./deps.ts";
import { AppError, isAppError } from "./errors.ts";
import { type UnitOfWork, withUnitOfWork } from "./unit-of-work.ts";

/** How far along a message is; a status callback never moves it backwards. */
const STATUS_RANK: Record<DeliveryStatus, number> = {
  received: 0,
  recorded: 0,
  // Not on the outbox's way yet; a delivery report never touches them.
  scheduled: 0,
  cancelled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  failed: 4,
};

/** Delivery attempts for an outbound message before it is marked failed. */
export const DELIVERY_ATTEMPTS = 5;

/**
 * The job that delivers one outbound interaction; its id makes enqueueing it twice harmless.
 * `after` names the message whose delivery released this one (see `deliverInteraction`).
 */
export function deliveryJob(interactionId: string, after?: string) {
  return {
    name: "deliver-interaction",
    data: { interactionId },
    options: {
      jobId: after ? `deliver-${interactionId}-after-${after}` : `deliver-${interactionId}`,
      attempts: DELIVERY_ATTEMPTS,
      backoffMs: 2000,
    },
  } as const;
}

/** A `sending` mark older than this is treated as a crashed attempt rather than one still in flight. */
export const STALE_SENDING_MS = 5 * 60_000;

export interface DeliveryAttempt {
  attempt: number;
  maxAttempts: number;
}

type DeliverOutcome = "sent" | "delivered" | "failed" | "skipped" | "waiting" | "retry";

/** Outbound messages that still have to reach the customer, in the order they must arrive. */
const undelivered = (caseId: string, channel: Channel) =>
  and(
    eq(interactions.caseId, caseId),
    eq(interactions.channel, channel),
    eq(interactions.direction, "outbound"),
    sql`${interactions.kind} <> 'note'`,
    inArray(interactions.status, ["queued", "sending"]),
  );

/** The agent of an interaction's case, read in the statement that changes the interaction. */
const caseAssignee = sql<
  string | null
>`(select ${cases.assigneeId} from ${cases} where ${cases.id} = ${interactions.caseId})`;

const isPending = (status: DeliveryStatus) => status === "queued" || status === "sending";

/** A message has settled (sent, delivered or failed): the next one on its conversation may go. */
async function releaseNext(
  tx: Tx,
  uow: UnitOfWork,
  settled: { id: string; caseId: string; channel: Channel; seq: number },
): Promise<void> {
  const [next] = await tx
    .select({ id: interactions.id })
    .from(interactions)
    .where(and(undelivered(settled.caseId, settled.channel), sql`${interactions.seq} > ${settled.seq}`))
    .orderBy(interactions.seq)
    .limit(1);
  if (!next) return;
  const delivery = deliveryJob(next.id, settled.id);
  uow.schedule(delivery.name, delivery.data, delivery.options);
}

async function setStatus(
  deps: CaseDeps,
  interactionId: string,
  from: DeliveryStatus[],
  status: DeliveryStatus,
  changes: { reason?: string | null; externalId?: string; metadata?: Record<string, unknown> } = {},
): Promise<boolean> {
  const settled = !isPending(status);
  return withUnitOfWork(deps, async (tx, uow) => {
    const now = deps.clock();
    const [row] = await tx
      .update(interactions)
      .set({
        status,
        statusReason: changes.reason ?? null,
        statusChangedAt: now,
        ...(changes.externalId ? { externalId: changes.externalId } : {}),
        ...(changes.metadata
          ? { metadata: sql`${interactions.metadata} || ${JSON.stringify(changes.metadata)}::jsonb` }
          : {}),
      })
      .where(and(eq(interactions.id, interactionId), inArray(interactions.status, from)))
      .returning({
        caseId: interactions.caseId,
        channel: interactions.channel,
        seq: interactions.seq,
        assigneeId: caseAssignee,
      });
    if (!row) return false;
    if (settled) await releaseNext(tx, uow, { id: interactionId, ...row });
    uow.emit({
      type: "interaction.status",
      caseId: row.caseId,
      interactionId,
      status,
      reason: changes.reason ?? null,
      assigneeId: row.assigneeId,
    });
    return true;
  });
}

/**
 * After the write that queued an outbound message: an inline channel sends it at once and it is
 * marked sent in one statement; any other goes to a delivery job with retries. A message an inline
 * send never marked (the process stopped in between) is found by the stranded-message sweep and
 * sent again through the job, which the channel's idempotence makes harmless.
 */
export function handOver(
  uow: UnitOfWork,
  senders: ChannelSenders | undefined,
  message: {
    interaction: typeof interactions.$inferSelect;
    caseRow: typeof cases.$inferSelect;
    author?: { id: string; name: string } | null;
  },
): void {
  const sender = senders?.[message.interaction.channel];
  if (!sender?.inline) {
    const delivery = deliveryJob(message.interaction.id);
    uow.schedule(delivery.name, delivery.data, delivery.options);
    return;
  }
  uow.afterCommit(async (deps) => {
    const { interaction, caseRow } = message;
    const result = await sender.send(outboundMessageOf(interaction, caseRow, message.author ?? null));
    const status = result.status ?? "sent";
    const [row] = await deps.db
      .update(interactions)
      .set({
        status,
        statusChangedAt: deps.clock(),
        attempts: 1,
        ...(result.externalId ? { externalId: result.externalId } : {}),
      })
      .where(and(eq(interactions.id, interaction.id), eq(interactions.status, "queued")))
      .returning({ id: interactions.id });
    if (row)
      deps.events.publish([
        {
          type: "interaction.status",
          caseId: caseRow.id,
          interactionId: interaction.id,
          status,
          reason: null,
          assigneeId: caseRow.assigneeId,
        },
      ]);
  });
}

/**
 * Claims one outbound interaction for sending, under its row lock: marks it `sending` and returns it
 * with its case and author; or says why not (not ours to send, already on its way, waiting for an
 * earlier message, or an attempt that crashed mid-send on a channel that cannot deduplicate).
 */
async function claimDelivery(tx: Tx, deps: CaseDeps, senders: ChannelSenders, interactionId: string) {
  const [row] = await tx
    .select({ interaction: interactions, caseRow: cases })
    .from(interactions)
    .innerJoin(cases, eq(cases.id, interactions.caseId))
    .where(eq(interactions.id, interactionId))
    .for("update", { of: interactions });
  if (row?.interaction.direction !== "outbound" || row.interaction.kind === "note") return null;
  const { interaction } = row;
  const sender = senders[interaction.channel];
  const now = deps.clock();
  if (interaction.status === "sending") {
    const age = now.getTime() - interaction.statusChangedAt.getTime();
    if (age < STALE_SENDING_MS) return null;
    if (!sender?.idempotent) return { outcome: "unknown" as const, row };
  } else if (interaction.status !== "queued") {
    return null;
  }
  // Messages on one conversation reach the customer in the order they were written: while an
  // earlier one is still on its way this one waits, and that one's outcome releases it.
  const [earlier] = await tx
    .select({ id: interactions.id })
    .from(interactions)
    .where(
      and(
        undelivered(interaction.caseId, interaction.channel),
        sql`${interactions.seq} < ${interaction.seq}`,
      ),
    )
    .limit(1);
  if (earlier) return { outcome: "waiting" as const };
  await tx
    .update(interactions)
    .set({ status: "sending", attempts: sql`${interactions.attempts} + 1`, statusChangedAt: now })
    .where(eq(interactions.id, interactionId));
  const [author] = interaction.authorAgentId
    ? await tx
        .select({ id: agents.id, name: agents.name })
        .from(agents)
        .where(eq(agents.id, interaction.authorAgentId))
    : [];
  return { outcome: "claimed" as const, row, author: author ?? null };
}

/** Sends a claimed message; a failure is retried later unless it is permanent or the last attempt. */
async function sendClaimed(
  deps: CaseDeps,
  sender: ChannelSender,
  claimed: Extract<Awaited<ReturnType<typeof claimDelivery>>, { outcome: "claimed" }>,
  attempt: DeliveryAttempt,
): Promise<DeliverOutcome> {
  const { interaction, caseRow } = claimed.row;
  const interactionId = interaction.id;
  try {
    const result = await sender.send(outboundMessageOf(interaction, caseRow, claimed.author));
    const status = result.status ?? "sent";
    await setStatus(deps, interactionId, ["sending"], status, {
      externalId: result.externalId,
      metadata: result.metadata,
    });
    return status;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const permanent = isAppError(error, "INVALID") || isAppError(error, "AUTH");
    if (permanent || attempt.attempt >= attempt.maxAttempts) {
      const reason = permanent ? message : `Gave up after ${attempt.attempt} attempts: ${message}`;
      await setStatus(deps, interactionId, ["sending"], "failed", { reason });
      return "failed";
    }
    await setStatus(deps, interactionId, ["sending"], "queued", {
      reason: `Attempt ${attempt.attempt} failed: ${message}`,
    });
    throw new AppError("TEMPORARY", message);
  }
}

/**
 * Delivers one outbound interaction (the `deliver-interaction` job): claims it, then sends it through
 * its channel and records the outcome.
 */
export async function deliverInteraction(
  deps: CaseDeps,
  senders: ChannelSenders,
  interactionId: string,
  attempt: DeliveryAttempt,
): Promise<DeliverOutcome> {
  const claimed = await deps.db.transaction((tx) => claimDelivery(tx, deps, senders, interactionId));

  if (!claimed) return "skipped";
  if (claimed.outcome === "waiting") return "waiting";
  if (claimed.outcome === "unknown") {
    await setStatus(deps, interactionId, ["sending"], "failed", {
      reason:
        "The server stopped while this message was being sent, so it may or may not have reached the customer. " +
        "It was not sent again to avoid a duplicate; send it again if the customer did not get it.",
    });
    return "failed";
  }

  const { interaction } = claimed.row;
  const sender = senders[interaction.channel];
  if (!sender) {
    await setStatus(deps, interactionId, ["sending"], "failed", {
      reason: `The ${interaction.channel} channel is not configured on this server, so the message cannot be sent.`,
    });
    return "failed";
  }

  return sendClaimed(deps, sender, claimed, attempt);
}

/**
 * Applies a delivery report (provider callback, chat receipt). Statuses only move forward, so
 * reports arriving out of order cannot undo a later one.
 */
export async function recordDeliveryStatus(
  deps: CaseDeps,
  input: {
    interactionId?: string;
    channel?: Channel;
    externalId?: string;
    status: DeliveryStatus;
    reason?: string | null;
  },
): Promise<boolean> {
  const target = input.interactionId
    ? eq(interactions.id, input.interactionId)
    : input.channel && input.externalId
      ? and(eq(interactions.channel, input.channel), eq(interactions.externalId, input.externalId))
      : undefined;
  if (!target)
    throw new AppError(
      "VALIDATION",
      "A delivery report needs an interaction id or the channel and provider id.",
    );
  const behind = (Object.keys(STATUS_RANK) as DeliveryStatus[]).filter(
    (status) => STATUS_RANK[status] < STATUS_RANK[input.status] && STATUS_RANK[status] > 0,
  );
  return withUnitOfWork(deps, async (tx, uow) => {
    const [row] = await tx
      .update(interactions)
      .set({ status: input.status, statusReason: input.reason ?? null, statusChangedAt: deps.clock() })
      .where(and(target, eq(interactions.direction, "outbound"), inArray(interactions.status, behind)))
      .returning({
        id: interactions.id,
        caseId: interactions.caseId,
        channel: interactions.channel,
        seq: interactions.seq,
        assigneeId: caseAssignee,
      });
    if (!row) return false;
    if (!isPending(input.status)) await releaseNext(tx, uow, row);
    uow.emit({
      type: "interaction.status",
      caseId: row.caseId,
      interactionId: row.id,
      status: input.status,
      reason: input.reason,
      assigneeId: row.assigneeId,
    });
    return true;
  });
}

/** Outbound messages that no job is known to hold (lost with a crashed process): the sweep re-enqueues them. */
export async function findStrandedOutbound(
  deps: CaseDeps,
  olderThanMs: number,
  limit: number,
): Promise<string[]> {
  const cutoff = new Date(deps.clock().getTime() - olderThanMs);
  const stale = new Date(deps.clock().getTime() - STALE_SENDING_MS);
  const rows = await deps.db
    .select({ id: interactions.id })
    .from(interactions)
    .where(
      sql`(${interactions.status} = 'queued' and ${lt(interactions.statusChangedAt, cutoff)}) or (${interactions.status} = 'sending' and ${lt(interactions.statusChangedAt, stale)})`,
    )
    .limit(limit);
  return rows.map((row) => row.id);
}
