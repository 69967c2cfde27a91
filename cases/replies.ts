/** What agents do to a case: reply, write a note, move it through its lifecycle. */

import { and, eq, isNull } from "drizzle-orm";
import type { Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { cases, interactions } from "../db/schema/cases.ts";
import { contactIdentities } from "../db/schema/contacts.ts";
import { storeMentions } from "./agent-notifications.ts";
import type { CaseEvent, CaseMachine } from "./case-machine.ts";
import { canAccept } from "./case-machine.ts";
import { CasePlan } from "./case-plan.ts";
import { caseStateHas } from "./case-states.ts";
import {
  type Actor,
  applyCaseEvent,
  type CaseRow,
  changeCase,
  lockCase,
  planCaseEvent,
  snapshotOf,
} from "./case-workflow.ts";
import { assertRequiredFieldsFilled } from "./custom-field-values.ts";
import type { CaseDeps } from "./deps.ts";
import { assertDispositionGiven } from "./dispositions.ts";
import { AppError } from "./errors.ts";
import type { InteractionRow } from "./ingest.ts";
import { handOver } from "./outbox.ts";
import { withUnitOfWork } from "./unit-of-work.ts";

export const CASE_ACTIONS = ["resolve", "reopen", "close", "wait_on_customer"] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

const ACTION_EVENTS: Record<CaseAction, CaseEvent["type"]> = {
  resolve: "RESOLVE",
  reopen: "REOPEN",
  close: "CLOSE",
  wait_on_customer: "WAIT_ON_CUSTOMER",
};

export function allowedActions(machine: CaseMachine, row: CaseRow, at: number): CaseAction[] {
  const snapshot = snapshotOf(row);
  return CASE_ACTIONS.filter((action) =>
    canAccept(machine, snapshot, { type: ACTION_EVENTS[action], at } as CaseEvent),
  );
}

/** The kind of identity a channel's customer address is. */
export const IDENTITY_KIND_OF_CHANNEL = {
  chat: "chat",
  email: "email",
  sms: "phone",
  voice: "phone",
} as const;

/** Refuses to message an address whose owner asked not to be messaged (e.g. replied STOP to an SMS). */
export async function assertNotOptedOut(tx: Tx, row: CaseRow): Promise<void> {
  const [identity] = await tx
    .select({ optedOutAt: contactIdentities.optedOutAt, method: contactIdentities.optOutMethod })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.kind, IDENTITY_KIND_OF_CHANNEL[row.channel]),
        eq(contactIdentities.address, row.customerAddress),
      ),
    );
  if (identity?.optedOutAt) {
    throw new AppError(
      "CONFLICT",
      `${row.customerAddress} opted out of ${row.channel} messages on ${identity.optedOutAt.toISOString()}${identity.method ? ` (${identity.method})` : ""}; nothing can be sent there until they opt in again.`,
      { optedOutAt: identity.optedOutAt.toISOString(), method: identity.method },
    );
  }
}

export interface ReplyInput {
  caseId: string;
  agentId: string;
  /** The author's name as the customer sees it (read from the agent when not given). */
  agentName?: string;
  body: string;
  metadata?: Record<string, unknown>;
}

/**
 * Records an agent's reply as a queued outbound interaction in the same transaction that decides to
 * send it (invariant 4); a job delivers it after commit, with retries.
 */
export function addReply(deps: CaseDeps, input: ReplyInput): Promise<InteractionRow> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const row = await lockCase(tx, input.caseId);
    const now = deps.clock();
    const replied: CaseEvent = { type: "AGENT_REPLIED", agentId: input.agentId, at: now.getTime() };
    if (!canAccept(deps.machine, snapshotOf(row), replied)) {
      const hint = caseStateHas(row.state, "final")
        ? "It is closed; the customer's next message opens a new case."
        : "It is not assigned yet; accept the offer or have it assigned first.";
      throw new AppError(
        "ILLEGAL_ACTION",
        `Case #${row.number} cannot take a reply in state '${row.state}'. ${hint}`,
        {
          state: row.state,
        },
      );
    }
    await assertNotOptedOut(tx, row);
    const [interaction] = await tx
      .insert(interactions)
      .values({
        caseId: row.id,
        channel: row.channel,
        kind: "message",
        direction: "outbound",
        authorAgentId: input.agentId,
        body: input.body,
        status: "queued",
        metadata: input.metadata ?? {},
        createdAt: now,
        statusChangedAt: now,
      })
      .returning();
    await applyCaseEvent(
      tx,
      uow,
      deps,
      row,
      replied,
      { type: "agent", id: input.agentId },
      {},
      row.firstResponseAt ? {} : { firstResponseAt: now },
    );
    uow.emit({
      type: "interaction.created",
      caseId: row.id,
      interactionId: interaction!.id,
      channel: row.channel,
      kind: "message",
      direction: "outbound",
      interaction: interaction!,
      assigneeId: row.assigneeId,
    });
    const agentName =
      input.agentName ??
      (await tx.select({ name: agents.name }).from(agents).where(eq(agents.id, input.agentId)))[0]?.name ??
      "";
    handOver(uow, deps.senders, {
      interaction: interaction!,
      caseRow: row,
      author: { id: input.agentId, name: agentName },
    });
    return interaction!;
  });
}

/**
 * The colleagues a note mentions: `@` followed by an active agent's full name, any case, not
 * followed by more of a word; where names overlap ("Bea" and "Bea Berg") the longest one wins.
 */
async function mentionedAgents(tx: Tx, body: string, authorId: string): Promise<string[]> {
  if (!body.includes("@")) return [];
  const active = await tx
    .select({ id: agents.id, name: agents.name })
    .from(agents)
    .where(isNull(agents.deactivatedAt));
  const names = active
    .map((agent) => ({ id: agent.id, name: agent.name.trim().toLowerCase() }))
    .filter((agent) => agent.name)
    .sort((a, b) => b.name.length - a.name.length);
  const text = body.toLowerCase();
  const found = new Set<string>();
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    if (at > 0 && /[\p{L}\p{N}]/u.test(text[at - 1]!)) continue;
    const match = names.find(
      (agent) =>
        text.startsWith(agent.name, at + 1) && !/[\p{L}\p{N}]/u.test(text[at + 1 + agent.name.length] ?? ""),
    );
    if (match && match.id !== authorId) found.add(match.id);
  }
  return [...found];
}

/** An internal note: stored on the timeline, never sent to the customer; mentioned colleagues are told. */
export function addNote(deps: CaseDeps, input: ReplyInput): Promise<InteractionRow> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const row = await lockCase(tx, input.caseId);
    const now = deps.clock();
    const mentions = await mentionedAgents(tx, input.body, input.agentId);
    const [interaction] = await tx
      .insert(interactions)
      .values({
        caseId: row.id,
        channel: row.channel,
        kind: "note",
        direction: "internal",
        authorAgentId: input.agentId,
        body: input.body,
        status: "recorded",
        metadata: { ...input.metadata, ...(mentions.length ? { mentions } : {}) },
        createdAt: now,
        statusChangedAt: now,
      })
      .returning();
    await tx.update(cases).set({ updatedAt: now }).where(eq(cases.id, row.id));
    uow.emit({
      type: "interaction.created",
      caseId: row.id,
      interactionId: interaction!.id,
      channel: row.channel,
      kind: "note",
      direction: "internal",
      interaction: interaction!,
      assigneeId: row.assigneeId,
    });
    await storeMentions(tx, {
      caseId: row.id,
      interactionId: interaction!.id,
      byAgentId: input.agentId,
      agentIds: mentions,
      excerpt: input.body.slice(0, 200),
      at: now,
    });
    if (mentions.length)
      uow.emit({
        type: "note.mentioned",
        caseId: row.id,
        caseNumber: row.number,
        interactionId: interaction!.id,
        byAgentId: input.agentId,
        agentIds: mentions,
        excerpt: input.body.slice(0, 200),
      });
    return interaction!;
  });
}

/** Moves a case through its lifecycle; refuses with the actions its state allows. */
export function performAction(
  deps: CaseDeps,
  input: { caseId: string; action: CaseAction; actor: Actor },
): Promise<CaseRow> {
  return changeCase(deps, input.caseId, async (context) => {
    const row = context.row;
    const at = deps.clock().getTime();
    const { accepted, plan } = await planCaseEvent(
      deps,
      new CasePlan(context, deps.db),
      { type: ACTION_EVENTS[input.action], at } as CaseEvent,
      input.actor,
      { action: input.action },
    );
    if (!accepted) {
      const allowed = allowedActions(deps.machine, row, at);
      throw new AppError(
        "ILLEGAL_ACTION",
        `Case #${row.number} is ${row.state}: '${input.action}' is not possible. Allowed: ${allowed.length ? allowed.join(", ") : "none"}.`,
        { state: row.state, allowedActions: allowed },
      );
    }
    // Finishing a case (resolving it, or closing one not resolved yet) may need a disposition.
    if (input.action === "resolve" || (input.action === "close" && !caseStateHas(row.state, "resolved")))
      await assertDispositionGiven(deps, row);
    // Required custom fields on resolving (as Zendesk on solve): 400 naming the empty ones. Closing an
    // unresolved case (spam, a duplicate) does not ask for them.
    if (input.action === "resolve") await assertRequiredFieldsFilled(deps, row);
    return { plan, result: (written) => written.case };
  });
}
