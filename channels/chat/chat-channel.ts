/**
 * Web chat: visitors identified by a signed token, their messages ingested like any channel's, agent
 * replies pushed to the visitor's open widgets. Transport-free: the server's socket.io gateway
 * calls these functions and hands in `pushToVisitor`.
 */
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { caseStateHas } from "../../cases/case-states.ts";
import type { ChannelSender } from "../../cases/channel-sender.ts";
import { resolveContact } from "../../cases/contacts.ts";
import type { CaseDeps } from "../../cases/deps.ts";
import { AppError } from "../../cases/errors.ts";
import { normaliseIdentity } from "../../cases/identities.ts";
import { createEmailProof } from "../../cases/identity-proofs.ts";
import { ingest } from "../../cases/ingest.ts";
import { recordDeliveryStatus } from "../../cases/outbox.ts";
import { withUnitOfWork } from "../../cases/unit-of-work.ts";
import { agents } from "../../db/schema/agents.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { systemMailJob } from "../email/system-mail.ts";
import { rateCase } from "../status-updates/status-page.ts";
import { assertIntroduced, checkIntroduction, type LeftMessage, leaveMessage } from "./chat-intake.ts";
import { newVisitorId, signVisitorToken, verifyVisitorToken } from "./visitor-token.ts";
import {
  createWidgetSettingsStore,
  type PublicWidgetSettings,
  publicWidgetSettings,
  type WidgetSettingsStore,
} from "./widget-settings.ts";

/** Whether a chat started now would be answered (sla/chat-availability.ts decides). */
export type ChatAvailability = "open" | "closed" | "no_agents";

export interface ChatMessage {
  id: string;
  body: string;
  from: "agent" | "visitor";
  at: string;
  agentName?: string;
  /** The case was resolved with this message: the widget asks the visitor for a rating under it. */
  askRating?: true;
}

export interface ChatHello {
  visitorToken: string;
  visitorId: string;
  caseId?: string;
  history: ChatMessage[];
  /** The visitor's chat is under way (not resolved or closed): the widget opens on it after a reload. */
  live: boolean;
  /** Whether a new chat would be answered now; otherwise the widget offers "leave a message". */
  availability: ChatAvailability;
  widget: PublicWidgetSettings;
}

export interface ChatChannelOptions {
  deps: CaseDeps;
  secret: string;
  /** Delivers an event to every open widget of one visitor, on any server process. */
  pushToVisitor(visitorId: string, event: "message", payload: ChatMessage): void;
  /** Whether a claimed email can be sent a proof link now (a mailbox can send); none are sent without it. */
  canMailProofs?: () => Promise<boolean>;
  /** Whether a new chat would be answered now; without it, always. */
  availability?: () => Promise<ChatAvailability>;
}

export const MAX_CHAT_MESSAGE_LENGTH = 5_000;

export interface ChatChannel {
  hello(input: { visitorToken?: string; name?: string; email?: string }): Promise<ChatHello>;
  /** Stores a visitor's message; resolves after commit with the interaction id to acknowledge. */
  receive(
    visitorId: string,
    input: { body: string; clientId?: string },
  ): Promise<{ id: string; caseId: string }>;
  /** A message of this visitor already stored under the widget's client id (a resend), if any. */
  stored(visitorId: string, clientId: string): Promise<{ id: string; caseId: string } | null>;
  /** The visitor's widget confirmed it shows an agent message. */
  markDelivered(visitorId: string, interactionId: string): Promise<boolean>;
  /** The visitor's current case and its assignee, for typing indicators. */
  currentCase(visitorId: string): Promise<{ caseId: string; assigneeId: string | null } | null>;
  /** The visitor rates their latest chat, once it is resolved; rating again replaces it. */
  rate(
    visitorId: string,
    input: { rating: number; comment?: string },
  ): Promise<{ rating: number; comment: string | null }>;
  /** Refuses (VALIDATION) a visitor who has not given the pre-chat fields the settings require. */
  assertIntroduced(visitorId: string): Promise<void>;
  /** A message left when nobody can chat: an email case, answered by email. */
  leaveMessage(visitorId: string, input: LeftMessage): Promise<{ caseNumber: number; duplicate: boolean }>;
  /** The widget's look and pre-chat form, as any visitor's browser may read them. */
  publicSettings(): Promise<PublicWidgetSettings>;
  /** The admin's widget settings. */
  settings: WidgetSettingsStore;
}

/** The visitor's most recent chat case, open or not. */
async function latestCase(deps: CaseDeps, visitorId: string) {
  const [row] = await deps.db
    .select({ id: cases.id, state: cases.state, assigneeId: cases.assigneeId })
    .from(cases)
    .innerJoin(contactIdentities, eq(contactIdentities.contactId, cases.contactId))
    .where(
      and(
        eq(contactIdentities.kind, "chat"),
        eq(contactIdentities.address, visitorId),
        eq(cases.channel, "chat"),
      ),
    )
    .orderBy(desc(cases.createdAt))
    .limit(1);
  return row;
}

async function history(deps: CaseDeps, caseId: string): Promise<ChatMessage[]> {
  const rows = await deps.db
    .select({ interaction: interactions, agentName: agents.name })
    .from(interactions)
    .leftJoin(agents, eq(agents.id, interactions.authorAgentId))
    .where(and(eq(interactions.caseId, caseId), eq(interactions.kind, "message")))
    .orderBy(asc(interactions.createdAt), asc(interactions.seq));
  return rows.map(({ interaction, agentName }) => ({
    id: interaction.id,
    body: interaction.body,
    from: interaction.direction === "inbound" ? "visitor" : "agent",
    at: interaction.createdAt.toISOString(),
    ...(agentName ? { agentName } : {}),
    ...(asksRating(interaction.metadata) ? { askRating: true as const } : {}),
  }));
}

/**
 * Records the pre-chat name and email on the visitor's contact. Anyone can type any address, so the
 * email is kept as an unverified claim: it shows on the contact, but inbound mail from it neither
 * finds this contact nor threads onto its cases until an agent confirms it or the customer follows
 * the proof link mailed to it (cases/identity-proofs.ts).
 */
async function identify(
  options: ChatChannelOptions,
  visitorId: string,
  claim: { name?: string; email?: string; canMail: boolean },
) {
  const { deps } = options;
  await withUnitOfWork(deps, async (tx, uow) => {
    const { contactId } = await resolveContact(tx, uow, { kind: "chat", address: visitorId }, claim.name);
    if (!claim.email) return;
    const address = normaliseIdentity("email", claim.email);
    await tx
      .insert(contactIdentities)
      .values({ contactId, kind: "email", address, verifiedAt: null })
      .onConflictDoNothing();
    if (!claim.canMail) return;
    const [identity] = await tx
      .select({ id: contactIdentities.id })
      .from(contactIdentities)
      .where(
        and(
          eq(contactIdentities.contactId, contactId),
          eq(contactIdentities.kind, "email"),
          eq(contactIdentities.address, address),
        ),
      );
    const proofId =
      identity &&
      (await createEmailProof(tx, options.secret, { identityId: identity.id, now: deps.clock() }));
    if (proofId) {
      const job = systemMailJob("email-proof", proofId);
      uow.schedule(job.name, job.data, job.options);
    }
  });
}

/** The visitor id a widget's token names, or null for none or one this server did not sign. */
function visitorOf(secret: string, visitorToken?: string): string | null {
  // A token from another server or an old secret: start a fresh conversation rather than fail the widget.
  return visitorToken ? verifyVisitorToken(secret, visitorToken) : null;
}

/** Everything in the history is now on the visitor's screen: agent messages still `sent` become `delivered`. */
async function markHistoryDelivered(deps: CaseDeps, messages: ChatMessage[]) {
  const undelivered = messages.filter((m) => m.from === "agent").map((m) => m.id);
  if (!undelivered.length) return;
  await deps.db
    .update(interactions)
    .set({ status: "delivered", statusChangedAt: deps.clock() })
    .where(and(inArray(interactions.id, undelivered), eq(interactions.status, "sent")));
}

async function hello(
  options: ChatChannelOptions,
  store: WidgetSettingsStore,
  input: { visitorToken?: string; name?: string; email?: string },
): Promise<ChatHello> {
  const { deps } = options;
  const settings = await store.get();
  checkIntroduction(settings, input);
  const tokenVisitorId = visitorOf(options.secret, input.visitorToken);
  // A visitor id minted just now has no conversation yet: nothing to read.
  const known = tokenVisitorId !== null;
  const visitorId = tokenVisitorId ?? newVisitorId();
  if (input.name || input.email) {
    const canMail = Boolean(input.email && (await options.canMailProofs?.()));
    await identify(options, visitorId, {
      name: input.name?.trim() || undefined,
      email: input.email,
      canMail,
    });
  }
  const current = known ? await latestCase(deps, visitorId) : undefined;
  const messages = current ? await history(deps, current.id) : [];
  if (current) await markHistoryDelivered(deps, messages);
  return {
    visitorToken: signVisitorToken(options.secret, visitorId),
    visitorId,
    ...(current ? { caseId: current.id } : {}),
    history: messages,
    live: current !== undefined && !caseStateHas(current.state, "done"),
    availability: (await options.availability?.()) ?? "open",
    widget: publicWidgetSettings(settings),
  };
}

/** The message's body, trimmed; refuses an empty or an over-long one. */
function chatBody(raw: string): string {
  const body = raw.trim();
  if (!body) throw new AppError("VALIDATION", "A chat message cannot be empty.");
  if (body.length > MAX_CHAT_MESSAGE_LENGTH) {
    throw new AppError("VALIDATION", `A chat message can be at most ${MAX_CHAT_MESSAGE_LENGTH} characters.`);
  }
  return body;
}

async function receive(
  deps: CaseDeps,
  visitorId: string,
  input: { body: string; clientId?: string },
): Promise<{ id: string; caseId: string }> {
  const body = chatBody(input.body);
  const result = await ingest(deps, {
    channel: "chat",
    // A client id makes a message re-sent after a reconnect the same message.
    externalId: `${visitorId}.${input.clientId ?? randomUUID()}`,
    from: { kind: "chat", address: visitorId },
    body,
  });
  return { id: result.interaction.id, caseId: result.case.id };
}

async function stored(deps: CaseDeps, visitorId: string, clientId: string) {
  const [row] = await deps.db
    .select({ id: interactions.id, caseId: interactions.caseId })
    .from(interactions)
    .where(and(eq(interactions.channel, "chat"), eq(interactions.externalId, `${visitorId}.${clientId}`)))
    .limit(1);
  return row ?? null;
}

/** Whether the interaction is a message of this visitor's chat: a widget may confirm only its own. */
async function isVisitorsMessage(deps: CaseDeps, visitorId: string, interactionId: string) {
  const [row] = await deps.db
    .select({ id: interactions.id })
    .from(interactions)
    .innerJoin(cases, eq(cases.id, interactions.caseId))
    .where(
      and(
        eq(interactions.id, interactionId),
        eq(cases.customerAddress, visitorId),
        eq(cases.channel, "chat"),
      ),
    );
  return row !== undefined;
}

async function markDelivered(deps: CaseDeps, visitorId: string, interactionId: string): Promise<boolean> {
  if (!(await isVisitorsMessage(deps, visitorId, interactionId))) return false;
  return recordDeliveryStatus(deps, { interactionId, status: "delivered" });
}

async function currentCase(deps: CaseDeps, visitorId: string) {
  const row = await latestCase(deps, visitorId);
  return row && !caseStateHas(row.state, "final") ? { caseId: row.id, assigneeId: row.assigneeId } : null;
}

/** The update telling the customer their case is resolved: the widget offers the rating with it. */
function asksRating(metadata: Record<string, unknown> | undefined): boolean {
  return metadata?.statusUpdate === "resolved";
}

async function rate(deps: CaseDeps, visitorId: string, input: { rating: number; comment?: string }) {
  const latest = await latestCase(deps, visitorId);
  if (!latest) throw new AppError("NOT_FOUND", "There is no chat to rate yet.");
  return rateCase(deps, latest.id, input);
}

export function createChatChannel(options: ChatChannelOptions): ChatChannel {
  const { deps } = options;
  const store = createWidgetSettingsStore(deps.db);
  return {
    hello: (input) => hello(options, store, input),
    receive: (visitorId, input) => receive(deps, visitorId, input),
    stored: (visitorId, clientId) => stored(deps, visitorId, clientId),
    markDelivered: (visitorId, interactionId) => markDelivered(deps, visitorId, interactionId),
    currentCase: (visitorId) => currentCase(deps, visitorId),
    rate: (visitorId, input) => rate(deps, visitorId, input),
    assertIntroduced: async (visitorId) => assertIntroduced(deps, await store.get(), visitorId),
    leaveMessage: async (visitorId, input) => leaveMessage(deps, await store.get(), visitorId, input),
    publicSettings: async () => publicWidgetSettings(await store.get()),
    settings: store,
  };
}

/** Sends an agent's chat message: a push to the visitor's open widgets from this process. */
export function createChatSender(pushToVisitor: ChatChannelOptions["pushToVisitor"]): ChannelSender {
  return {
    // The widget drops a message id it already shows, so sending again cannot duplicate.
    idempotent: true,
    inline: true,
    async send(message) {
      pushToVisitor(message.to, "message", {
        id: message.interactionId,
        body: message.body,
        from: "agent",
        at: new Date().toISOString(),
        ...(message.agent ? { agentName: message.agent.name } : {}),
        ...(asksRating(message.metadata) ? { askRating: true as const } : {}),
      });
      return { externalId: `out.${message.interactionId}` };
    },
  };
}
