/**
 * The checks before every dial, in order: the do-not-call list (global and the campaign's), the
 * contact's opt-out, the calling window. Each answer explains itself, and says what becomes of the
 * record: finished (never call), or tried again when the window next opens.
 */
import { and, eq, isNotNull, isNull, or } from "drizzle-orm";
import type { Executor, Tx } from "../db/connect.ts";
import { contactIdentities } from "../db/schema/contacts.ts";
import { type campaigns, dialAttempts, doNotCall, listRecords } from "../db/schema/outbound.ts";
import { decideCallingWindow } from "./calling-window.ts";

export type CampaignRow = typeof campaigns.$inferSelect;
export type ListRecordRow = typeof listRecords.$inferSelect;

export type DialCheck =
  | { dial: true; explanation: string }
  | { dial: false; explanation: string; finished: boolean; retryAt: Date | null };

/** A record not dialled for a passing reason is looked at again this much later, unless told when. */
const RECHECK_MS = 3600_000;

/** Stores the decision not to dial, with its reason, and when (if ever) to look at the record again. */
export async function recordSkip(
  tx: Tx,
  campaignId: string,
  record: ListRecordRow,
  check: Extract<DialCheck, { dial: false }>,
  now: Date,
): Promise<void> {
  await tx.insert(dialAttempts).values({
    campaignId,
    recordId: record.id,
    contactId: record.contactId,
    phone: record.phone,
    kind: "skip",
    status: "skipped",
    explanation: check.explanation,
    createdAt: now,
  });
  await tx
    .update(listRecords)
    .set(
      check.finished
        ? { status: "done", nextAttemptAt: null, statusReason: check.explanation, updatedAt: now }
        : {
            nextAttemptAt: check.retryAt ?? new Date(now.getTime() + RECHECK_MS),
            statusReason: check.explanation,
            updatedAt: now,
          },
    )
    .where(eq(listRecords.id, record.id));
}

export async function checkBeforeDial(
  executor: Executor,
  campaign: CampaignRow,
  record: ListRecordRow,
  at: Date,
): Promise<DialCheck> {
  const [listed] = await executor
    .select({ campaignId: doNotCall.campaignId, createdAt: doNotCall.createdAt })
    .from(doNotCall)
    .where(
      and(
        eq(doNotCall.phone, record.phone),
        or(isNull(doNotCall.campaignId), eq(doNotCall.campaignId, campaign.id)),
      ),
    )
    .limit(1);
  if (listed) {
    const which = listed.campaignId ? "this campaign's" : "the global";
    return {
      dial: false,
      explanation: `skipped: ${record.phone} is on ${which} do-not-call list since ${listed.createdAt.toISOString().slice(0, 10)}`,
      finished: true,
      retryAt: null,
    };
  }
  // An opt-out recorded on the number (an SMS STOP) is taken as withdrawn consent to be contacted.
  const [optedOut] = await executor
    .select({ at: contactIdentities.optedOutAt, method: contactIdentities.optOutMethod })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.kind, "phone"),
        eq(contactIdentities.address, record.phone),
        isNotNull(contactIdentities.optedOutAt),
      ),
    );
  if (optedOut) {
    return {
      dial: false,
      explanation: `skipped: ${record.phone} opted out${optedOut.method ? ` (${optedOut.method})` : ""} on ${optedOut.at!.toISOString().slice(0, 10)}`,
      finished: true,
      retryAt: null,
    };
  }
  const window = decideCallingWindow({
    at,
    zones: record.timeZones,
    campaignHours: campaign.callingHours,
    schedule: campaign.schedule,
  });
  if (!window.allowed)
    return {
      dial: false,
      explanation: window.explanation,
      finished: false,
      retryAt: window.nextOpenAt ?? null,
    };
  return { dial: true, explanation: window.explanation.replace(/^allowed: /, "dialled: ") };
}
