/**
 * What the widget must collect before a chat starts, and the message a visitor leaves when nobody
 * can chat. Required pre-chat fields are enforced here as well as in the widget: a hello that
 * introduces the visitor must carry them, and a visitor without them on file cannot start a chat.
 * A left message is an inbound email (channel `email`, from the address typed), so the team answers
 * it by email; the widget's client id makes a retried submission the same message.
 */
import { and, eq, sql } from "drizzle-orm";
import { caseStateHas } from "../../cases/case-states.ts";
import type { CaseDeps } from "../../cases/deps.ts";
import { AppError } from "../../cases/errors.ts";
import { ingest } from "../../cases/ingest.ts";
import { cases } from "../../db/schema/cases.ts";
import { contactIdentities, contacts } from "../../db/schema/contacts.ts";
import { requiredPreChatFields, type WidgetSettings } from "./widget-settings.ts";

/** Loose on purpose: the address is only ever mailed, so a typo is caught by the person, not by us. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

export const MAX_LEFT_MESSAGE_LENGTH = 5_000;

const FIELD_WORDS = { name: "your name", email: "your email address" } as const;

function missingFieldsError(missing: ("name" | "email")[]): AppError {
  const words = missing.map((field) => FIELD_WORDS[field]).join(" and ");
  return new AppError("VALIDATION", `Please tell us ${words} to start the chat.`, { missing });
}

/** The email as typed, trimmed; refuses one that is not an address. */
export function checkedEmail(raw: string): string {
  const email = raw.trim();
  if (!EMAIL.test(email) || email.length > 320)
    throw new AppError("VALIDATION", `"${email}" is not an email address; check it and try again.`, {
      field: "email",
    });
  return email;
}

/** A hello that introduces the visitor (any pre-chat field given) must carry every required one. */
export function checkIntroduction(settings: WidgetSettings, input: { name?: string; email?: string }): void {
  const given = { name: Boolean(input.name?.trim()), email: Boolean(input.email?.trim()) };
  if (!given.name && !given.email) return;
  const missing = requiredPreChatFields(settings).filter((field) => !given[field]);
  if (missing.length) throw missingFieldsError(missing);
  if (input.email?.trim()) checkedEmail(input.email);
}

/**
 * Refuses a message from a visitor the settings want introduced who has not been, unless their
 * chat is already under way (started before the field became required).
 */
export async function assertIntroduced(
  deps: CaseDeps,
  settings: WidgetSettings,
  visitorId: string,
): Promise<void> {
  const required = requiredPreChatFields(settings);
  if (!required.length) return;
  const [row] = await deps.db
    .select({
      name: contacts.name,
      hasEmail: sql<boolean>`exists (select 1 from contact_identities e where e.contact_id = ${contacts.id} and e.kind = 'email')`,
      caseState: sql<
        string | null
      >`(select c.state from ${cases} c where c.contact_id = ${contacts.id} and c.channel = 'chat' order by c.created_at desc limit 1)`,
    })
    .from(contactIdentities)
    .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
    .where(and(eq(contactIdentities.kind, "chat"), eq(contactIdentities.address, visitorId)));
  if (row?.caseState && !caseStateHas(row.caseState, "done")) return;
  const has = { name: Boolean(row?.name), email: Boolean(row?.hasEmail) };
  const missing = required.filter((field) => !has[field]);
  if (missing.length) throw missingFieldsError(missing);
}

export interface LeftMessage {
  name: string;
  email: string;
  body: string;
  clientId: string;
}

/** Stores a left message as an email case; the same client id again returns the case it made. */
export async function leaveMessage(
  deps: CaseDeps,
  settings: WidgetSettings,
  visitorId: string,
  input: LeftMessage,
): Promise<{ caseNumber: number; duplicate: boolean }> {
  const name = input.name.trim();
  if (!name) throw new AppError("VALIDATION", "Please tell us your name.", { field: "name" });
  const email = checkedEmail(input.email);
  const body = input.body.trim();
  if (!body) throw new AppError("VALIDATION", "Please write your message.", { field: "body" });
  if (body.length > MAX_LEFT_MESSAGE_LENGTH)
    throw new AppError("VALIDATION", `A message can be at most ${MAX_LEFT_MESSAGE_LENGTH} characters.`);
  const result = await ingest(deps, {
    channel: "email",
    externalId: `widget-message.${visitorId}.${input.clientId}`,
    from: { kind: "email", address: email, name },
    body,
    queueHint: settings.leaveMessageQueueId,
    // A new conversation: it does not join whatever case this address has open.
    thread: { strict: true },
    metadata: { via: "chat-widget", leftMessage: true },
  });
  return { caseNumber: result.case.number, duplicate: result.duplicate };
}
