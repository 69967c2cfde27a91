/**
 * What a reply says and carries, decided before it is stored: the agent's words, or an approved
 * WhatsApp template filled in; and on WhatsApp, whether the 24-hour window allows free-form words
 * at the time the reply will leave (now, or its scheduled time).
 */
import type { Tx } from "../db/connect.ts";
import type { CaseRow } from "./case-workflow.ts";
import { AppError } from "./errors.ts";
import { fillWhatsAppTemplate, type TemplateChoice } from "./whatsapp-templates.ts";
import { assertWindowOpen, whatsappWindow } from "./whatsapp-window.ts";

export interface ReplyContentInput {
  body: string;
  template?: TemplateChoice;
  /** Public URLs of files to attach (WhatsApp media). */
  mediaUrls?: string[];
  metadata?: Record<string, unknown>;
}

export async function replyContent(
  tx: Tx,
  row: CaseRow,
  input: ReplyContentInput,
  leavesAt: Date,
  now: Date,
): Promise<{ body: string; metadata: Record<string, unknown> }> {
  const metadata = { ...input.metadata, ...(input.mediaUrls?.length ? { mediaUrls: input.mediaUrls } : {}) };
  if (input.mediaUrls?.length && row.channel !== "whatsapp")
    throw new AppError(
      "VALIDATION",
      `Files by URL go only to WhatsApp cases; this case is on ${row.channel}.`,
    );
  if (input.template) {
    if (row.channel !== "whatsapp")
      throw new AppError(
        "VALIDATION",
        `Templates are for WhatsApp cases; case #${row.number} is on ${row.channel}. Write the reply instead.`,
      );
    const filled = await fillWhatsAppTemplate(tx, input.template);
    return { body: filled.body, metadata: { ...metadata, template: filled.template } };
  }
  if (!input.body.trim()) throw new AppError("VALIDATION", "A reply needs words (body) or a template.");
  if (row.channel === "whatsapp") assertWindowOpen(await whatsappWindow(tx, row.id, now), leavesAt, now);
  return { body: input.body, metadata };
}
