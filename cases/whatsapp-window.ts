/**
 * WhatsApp's customer-service window: a business may write freely to a customer for 24 hours after
 * the customer's last message; outside it, only a template the provider approved may be sent.
 * Only a message the customer sent on WhatsApp opens it (one left on the status page does not), so
 * the window is read from the case's last inbound WhatsApp interaction that came from Twilio.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { interactions } from "../db/schema/cases.ts";
import { AppError } from "./errors.ts";

export const WHATSAPP_WINDOW_MS = 24 * 60 * 60_000;

export interface WhatsAppWindow {
  open: boolean;
  /** When free-form replies stop (or stopped) being allowed; null before the customer ever wrote. */
  closesAt: Date | null;
}

/** The window as it stands at `at`, given the customer's last WhatsApp message. */
export function windowAt(lastInboundAt: Date | null, at: Date): WhatsAppWindow {
  if (!lastInboundAt) return { open: false, closesAt: null };
  const closesAt = new Date(lastInboundAt.getTime() + WHATSAPP_WINDOW_MS);
  return { open: at.getTime() < closesAt.getTime(), closesAt };
}

export async function lastWhatsAppInboundAt(executor: Executor, caseId: string): Promise<Date | null> {
  const [row] = await executor
    .select({ at: interactions.createdAt })
    .from(interactions)
    .where(
      and(
        eq(interactions.caseId, caseId),
        eq(interactions.channel, "whatsapp"),
        eq(interactions.direction, "inbound"),
        sql`${interactions.metadata}->>'provider' = 'twilio'`,
      ),
    )
    .orderBy(desc(interactions.createdAt))
    .limit(1);
  return row?.at ?? null;
}

export async function whatsappWindow(executor: Executor, caseId: string, at: Date): Promise<WhatsAppWindow> {
  return windowAt(await lastWhatsAppInboundAt(executor, caseId), at);
}

/** Why a free-form WhatsApp message cannot go at `at`, in words an agent can act on. */
export function windowClosedMessage(window: WhatsAppWindow, at: Date, now: Date): string {
  const when = at.getTime() > now.getTime() ? ` at the chosen send time (${at.toISOString()})` : "";
  if (!window.closesAt)
    return `The customer has not written on WhatsApp yet, so the 24-hour window is not open${when}; only an approved template can be sent.`;
  return `The 24-hour WhatsApp window ${window.closesAt.getTime() <= now.getTime() ? "closed" : "closes"} at ${window.closesAt.toISOString()}${when ? ", before the chosen send time" : ""}; only an approved template can be sent.`;
}

/** Refuses a free-form WhatsApp message that would leave at `at` with the window closed. */
export function assertWindowOpen(window: WhatsAppWindow, at: Date, now: Date): void {
  if (window.closesAt && at.getTime() < window.closesAt.getTime()) return;
  throw new AppError("CONFLICT", windowClosedMessage(window, at, now), {
    reason: "whatsapp_window_closed",
    closesAt: window.closesAt?.toISOString() ?? null,
  });
}
