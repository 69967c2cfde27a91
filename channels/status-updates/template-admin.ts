/**
 * Editing the customer update templates: one per event and channel (email, SMS, chat). A template
 * that uses a placeholder we do not fill is refused with the list of the ones we do, so a typo
 * never reaches a customer as `{{case.numbr}}`.
 */
import { asc, sql } from "drizzle-orm";
import { AppError } from "../../cases/errors.ts";
import { assertKnownPlaceholders } from "../../cases/placeholders.ts";
import type { Db } from "../../db/connect.ts";
import { type NotificationEvent, notificationTemplates } from "../../db/schema/channels.ts";
import { TEMPLATE_PLACEHOLDERS } from "./templates.ts";

/** Channels customers get written updates on (callers hear nothing: voice has none). */
export const TEMPLATE_CHANNELS = ["email", "sms", "chat"] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

export type TemplateRow = typeof notificationTemplates.$inferSelect;

export const listTemplates = (db: Db): Promise<TemplateRow[]> =>
  db
    .select()
    .from(notificationTemplates)
    .orderBy(asc(notificationTemplates.event), asc(notificationTemplates.channel));

export interface TemplateInput {
  subject?: string;
  body: string;
  enabled: boolean;
}

export async function saveTemplate(
  db: Db,
  key: { event: NotificationEvent; channel: TemplateChannel },
  input: TemplateInput,
  at: Date,
): Promise<TemplateRow> {
  const subject = key.channel === "email" ? (input.subject ?? "").trim() : "";
  if (key.channel === "email" && !subject)
    throw new AppError("VALIDATION", "An email update needs a subject.", { subject: "required for email" });
  assertKnownPlaceholders([subject, input.body], TEMPLATE_PLACEHOLDERS);
  const [row] = await db
    .insert(notificationTemplates)
    .values({ ...key, subject, body: input.body, enabled: input.enabled, updatedAt: at })
    .onConflictDoUpdate({
      target: [notificationTemplates.event, notificationTemplates.channel],
      set: { subject, body: input.body, enabled: input.enabled, updatedAt: sql`excluded.updated_at` },
    })
    .returning();
  return row!;
}
