/**
 * The stored files of messages, for download: attachments (the rows email ingest writes) and the raw
 * source of an email. A file that was over the size limit has a row but no bytes; it says why.
 */
import { and, eq } from "drizzle-orm";
import { AppError, notFound } from "../cases/errors.ts";
import type { Db } from "../db/connect.ts";
import { interactions } from "../db/schema/cases.ts";
import { attachments } from "../db/schema/channels.ts";

export interface StoredFile {
  storageKey: string;
  filename: string;
  contentType: string;
  size: number | null;
}

export async function attachmentFile(db: Db, id: string): Promise<StoredFile> {
  const [row] = await db.select().from(attachments).where(eq(attachments.id, id));
  if (!row) throw notFound("Attachment", id);
  if (!row.storageKey)
    throw new AppError(
      "CONFLICT",
      `'${row.filename}' was not stored${row.note ? `: ${row.note}` : ""}. Ask the sender for it another way.`,
    );
  return { storageKey: row.storageKey, filename: row.filename, contentType: row.contentType, size: row.size };
}

export async function messageSourceFile(db: Db, interactionId: string): Promise<StoredFile> {
  const [row] = await db
    .select({ metadata: interactions.metadata })
    .from(interactions)
    .where(and(eq(interactions.id, interactionId), eq(interactions.channel, "email")));
  if (!row) throw notFound("Email message", interactionId);
  const rawKey = (row.metadata as { rawKey?: unknown }).rawKey;
  if (typeof rawKey !== "string" || !rawKey)
    throw new AppError("CONFLICT", "This message has no stored source (it was written here, not received).");
  return { storageKey: rawKey, filename: "message.eml", contentType: "message/rfc822", size: null };
}
