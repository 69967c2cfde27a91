/**
 * Stores fetched emails. Each message's files go to storage first under keys derived from the
 * message, so a retry after a crash rewrites the same files; then one transaction appends the
 * interactions of a batch of messages, their attachment rows and the mailbox checkpoint past the
 * last of them (one commit for the batch, not one per message). A crash before the commit
 * re-fetches the batch, a crash after it finds the checkpoint past it: nothing is lost and nothing
 * is stored twice.
 */
import { createHash, randomUUID } from "node:crypto";
import { and, eq, inArray, or } from "drizzle-orm";
import type { CaseDeps } from "../../cases/deps.ts";
import { type InboundMessage, ingestInTransaction } from "../../cases/ingest.ts";
import { recordDeliveryStatus } from "../../cases/outbox.ts";
import { withUnitOfWork } from "../../cases/unit-of-work.ts";
import type { Db } from "../../db/connect.ts";
import { interactions } from "../../db/schema/cases.ts";
import { attachments } from "../../db/schema/channels.ts";
import { type BlobStorage, storageKey } from "../storage.ts";
import { deliveryOutcome, describeFailure } from "./delivery-report.ts";
import {
  type AttachmentSummary,
  formatSize,
  inboundEmail,
  type MailboxAddressing,
  oversizedEmail,
  receivedAtOf,
} from "./inbound-email.ts";
import { advanceCheckpoint, type Checkpoint } from "./mailboxes.ts";
import { type ParsedEmail, parseEmail, syntheticMessageId } from "./parse-email.ts";

export interface EmailStoreDeps {
  cases: CaseDeps;
  storage: BlobStorage;
  attachmentMaxBytes: number;
}

/** Where one ingester stands: the committed checkpoint, and how far skipped messages take it. */
export interface MailboxCursor {
  mailbox: MailboxAddressing & { id: string; name: string };
  committed: Checkpoint;
  /** The highest UID examined; ahead of `committed` while only skipped messages followed it. */
  examinedUid: number;
}

export interface FetchedEmail {
  uid: number;
  size: number;
  internalDate: Date | null;
  /** The whole message; absent when it was over the size limit and only `headers` were fetched. */
  source?: Buffer;
  headers?: Buffer;
  /** A Message-ID the fetcher already found not stored (from the envelope): no need to look again. */
  checkedMessageId?: string;
}

export type StoreOutcome = "stored" | "duplicate" | "delivery-report" | "own-copy" | "too-large";

/**
 * The largest message fetched whole: an attachment at the limit is a third bigger in base64, plus
 * room for the text and headers around it.
 */
export function messageSizeLimit(attachmentMaxBytes: number): number {
  return Math.ceil((attachmentMaxBytes * 4) / 3) + 1024 * 1024;
}

/** Our outbound Message-IDs are `<interactionId@our domain>`. */
const OWN_ID = /^<([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^>]+>$/i;

async function findOutbound(db: Db, messageIds: readonly string[]) {
  const ownIds = messageIds.map((id) => id.match(OWN_ID)?.[1]).filter((id): id is string => Boolean(id));
  if (!messageIds.length) return undefined;
  const [row] = await db
    .select({ id: interactions.id })
    .from(interactions)
    .where(
      and(
        eq(interactions.channel, "email"),
        eq(interactions.direction, "outbound"),
        or(
          inArray(interactions.externalId, [...messageIds]),
          ownIds.length ? inArray(interactions.id, ownIds) : undefined,
        ),
      ),
    )
    .limit(1);
  return row;
}

export async function isStored(db: Db, messageIds: readonly string[]): Promise<Set<string>> {
  if (!messageIds.length) return new Set();
  const rows = await db
    .select({ externalId: interactions.externalId })
    .from(interactions)
    .where(and(eq(interactions.channel, "email"), inArray(interactions.externalId, [...messageIds])));
  return new Set(rows.map((row) => row.externalId!));
}

/** Commits the checkpoint past messages that were examined but needed no interaction. */
export async function flushCursor(deps: EmailStoreDeps, cursor: MailboxCursor): Promise<void> {
  if (cursor.examinedUid <= cursor.committed.lastUid) return;
  const next = { uidValidity: cursor.committed.uidValidity, lastUid: cursor.examinedUid };
  await deps.cases.db.transaction((tx) =>
    advanceCheckpoint(tx, cursor.mailbox, cursor.committed, next, deps.cases.clock()),
  );
  cursor.committed = next;
}

/** A message ready to be written: what it becomes, its attachment rows, and the UID it came from. */
export interface PreparedEmail {
  uid: number;
  message: InboundMessage;
  attachmentRows: (interactionId: string) => (typeof attachments.$inferInsert)[];
}

/**
 * Writes prepared messages (in UID order) in one transaction, with the checkpoint past the last of
 * them: one commit for the batch. Each message is still stored at most once.
 */
export async function commitEmails(
  deps: EmailStoreDeps,
  cursor: MailboxCursor,
  batch: readonly PreparedEmail[],
): Promise<("stored" | "duplicate")[]> {
  if (!batch.length) return [];
  const lastUid = Math.max(...batch.map((item) => item.uid));
  const next = {
    uidValidity: cursor.committed.uidValidity,
    lastUid: Math.max(lastUid, cursor.committed.lastUid),
  };
  const results = await withUnitOfWork(deps.cases, async (tx, uow) => {
    const outcomes: ("stored" | "duplicate")[] = [];
    const rows: (typeof attachments.$inferInsert)[] = [];
    for (const item of batch) {
      const ingested = await ingestInTransaction(tx, uow, deps.cases, item.message);
      if (!ingested.duplicate) rows.push(...item.attachmentRows(ingested.interaction.id));
      outcomes.push(ingested.duplicate ? "duplicate" : "stored");
    }
    if (rows.length) await tx.insert(attachments).values(rows);
    await advanceCheckpoint(tx, cursor.mailbox, cursor.committed, next, deps.cases.clock());
    return outcomes;
  });
  cursor.committed = next;
  cursor.examinedUid = Math.max(cursor.examinedUid, lastUid);
  return results;
}

/** A stable folder-safe name for the files of one message. */
const fileStem = (messageId: string) => createHash("sha256").update(messageId).digest("hex").slice(0, 32);

async function parseOrDescribe(raw: Buffer): Promise<ParsedEmail> {
  try {
    return await parseEmail(raw);
  } catch (error) {
    // Unreadable MIME must not stop the mailbox: keep a stand-in that points at the raw source.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      messageId: syntheticMessageId(raw),
      messageIdSynthetic: true,
      from: null,
      to: [],
      cc: [],
      replyTo: null,
      subject: null,
      date: null,
      inReplyTo: null,
      references: [],
      text: `This email could not be read (${reason}). Its original source is kept with it.`,
      html: null,
      htmlTruncated: false,
      headers: new Map(),
      automaticReason: "The message could not be read",
      deliveryReport: null,
      attachments: [],
    };
  }
}

/** Stores one fetched message on its own (its own commit). */
export async function storeFetchedEmail(
  deps: EmailStoreDeps,
  cursor: MailboxCursor,
  fetched: FetchedEmail,
): Promise<StoreOutcome> {
  const prepared = await prepareFetchedEmail(deps, cursor, fetched);
  if ("skipped" in prepared) return prepared.skipped;
  const [outcome] = await commitEmails(deps, cursor, [prepared]);
  return prepared.tooLarge ? "too-large" : outcome!;
}

/**
 * Reads one fetched message: parses it, puts its files in storage and returns what to write; or
 * deals with it at once (a delivery report, our own copy, one already stored) and says so.
 */
export async function prepareFetchedEmail(
  deps: EmailStoreDeps,
  cursor: MailboxCursor,
  fetched: FetchedEmail,
): Promise<(PreparedEmail & { tooLarge: boolean }) | { skipped: StoreOutcome }> {
  if (!fetched.source) return prepareOversized(deps, cursor, fetched);
  const email = await parseOrDescribe(fetched.source);
  const handled = await handledWithoutStoring(deps, fetched, email);
  if (handled) {
    cursor.examinedUid = Math.max(cursor.examinedUid, fetched.uid);
    return { skipped: handled };
  }
  return storeEmailFiles(deps, cursor, fetched, fetched.source, email);
}

/** A message over the size limit, fetched without its body: stored as a note saying so. */
async function prepareOversized(
  deps: EmailStoreDeps,
  cursor: MailboxCursor,
  fetched: FetchedEmail,
): Promise<PreparedEmail & { tooLarge: boolean }> {
  const email = await parseOrDescribe(fetched.headers ?? Buffer.alloc(0));
  const message = oversizedEmail(email, {
    mailbox: cursor.mailbox,
    receivedAt: receivedAtOf(email.date, fetched.internalDate, deps.cases.clock()),
    size: fetched.size,
    limit: messageSizeLimit(deps.attachmentMaxBytes),
  });
  return { uid: fetched.uid, message, attachmentRows: () => [], tooLarge: true };
}

/**
 * Deals at once with a message that is not stored as an interaction: our own copy of one we sent,
 * a delivery report on one of ours (recorded on it), one already stored. Null for any other.
 */
async function handledWithoutStoring(
  deps: EmailStoreDeps,
  fetched: FetchedEmail,
  email: ParsedEmail,
): Promise<StoreOutcome | null> {
  const { db } = deps.cases;
  if (OWN_ID.test(email.messageId) && (await findOutbound(db, [email.messageId]))) return "own-copy";

  if (email.deliveryReport) {
    const outbound = await findOutbound(db, email.deliveryReport.originalMessageIds);
    if (outbound) {
      const outcome = deliveryOutcome(email.deliveryReport);
      if (outcome === "failed")
        await recordDeliveryStatus(deps.cases, {
          interactionId: outbound.id,
          status: "failed",
          reason: describeFailure(email.deliveryReport),
        });
      if (outcome === "delivered")
        await recordDeliveryStatus(deps.cases, { interactionId: outbound.id, status: "delivered" });
      return "delivery-report";
    }
  }

  if (email.messageId !== fetched.checkedMessageId && (await isStored(db, [email.messageId])).size)
    return "duplicate";
  return null;
}

/** Puts the message's source and its attachments in storage; returns what to write for it. */
async function storeEmailFiles(
  deps: EmailStoreDeps,
  cursor: MailboxCursor,
  fetched: FetchedEmail,
  source: Buffer,
  email: ParsedEmail,
): Promise<PreparedEmail & { tooLarge: boolean }> {
  const receivedAt = receivedAtOf(email.date, fetched.internalDate, deps.cases.clock());
  const stem = fileStem(email.messageId);
  const rawKey = storageKey("raw", stem, "message.eml", receivedAt);
  await deps.storage.put(rawKey, source);
  const summaries: AttachmentSummary[] = [];
  const keys: (string | null)[] = [];
  for (const [index, attachment] of email.attachments.entries()) {
    const stored = attachment.size <= deps.attachmentMaxBytes;
    const key = stored
      ? storageKey("attachments", `${stem}-${index}`, attachment.filename, receivedAt)
      : null;
    if (key) await deps.storage.put(key, attachment.content);
    keys.push(key);
    summaries.push({
      id: randomUUID(),
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      inline: attachment.inline,
      contentId: attachment.contentId,
      stored,
    });
  }
  const message = inboundEmail(email, {
    mailbox: cursor.mailbox,
    receivedAt,
    rawKey,
    attachments: summaries,
  });
  return {
    uid: fetched.uid,
    message,
    tooLarge: false,
    attachmentRows: (interactionId) =>
      summaries.map((summary, index) => ({
        id: summary.id,
        interactionId,
        filename: summary.filename.slice(0, 255),
        contentType: summary.contentType,
        size: summary.size,
        storageKey: keys[index] ?? null,
        contentId: summary.contentId,
        inline: summary.inline,
        note: summary.stored
          ? null
          : `Over the ${formatSize(deps.attachmentMaxBytes)} limit (${formatSize(summary.size)}); not stored.`,
      })),
  };
}
