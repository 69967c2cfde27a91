/**
 * Each action, done inside the executor's transaction through the same case services people use:
 * edits and state changes go through the machine (audited, SLA clocks re-targeted), replies through
 * the outbox, queue moves and assignment through routing's transfer and capacity checks.
 */

import { and, eq, isNull, or, sql } from "drizzle-orm";
import { caseStateHas } from "../cases/case-states.ts";
import { readCaseContext } from "../cases/case-store.ts";
import { type Actor, applyCaseEvent, type CaseRow, lockCase } from "../cases/case-workflow.ts";
import { setCaseCustomFieldsIn } from "../cases/custom-field-values.ts";
import type { CustomFieldValues } from "../cases/custom-fields.ts";
import { assertDispositionGiven } from "../cases/dispositions.ts";
import { AppError } from "../cases/errors.ts";
import { handOver } from "../cases/outbox.ts";
import { agentFirstName, contactNameValues, fillPlaceholders } from "../cases/placeholders.ts";
import { assertNotOptedOut } from "../cases/replies.ts";
import type { UnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { cannedResponses } from "../db/schema/canned-responses.ts";
import { agentNotifications, interactions } from "../db/schema/cases.ts";
import { contacts } from "../db/schema/contacts.ts";
import { agentQueueScopes } from "../db/schema/routing.ts";
import { assignToAgent, transferCaseIn } from "../routing/transfers.ts";
import { editCaseIn } from "../sla/case-edits.ts";
import type { AutomationDeps } from "./ports.ts";
import type { AutomationAction } from "./rule-schema.ts";

/** Who runs the actions: a rule (automatic) or an agent applying a macro. */
export type ActionSource =
  | { kind: "rule"; ruleId: string; ruleName: string }
  | { kind: "macro"; macroId: string; macroName: string; agentId: string };

export interface StepContext {
  tx: Tx;
  uow: UnitOfWork;
  deps: AutomationDeps;
  caseId: string;
  source: ActionSource;
  actor: Actor;
  at: Date;
}

/** What one action did: `done`, or `skipped` with the reason (nothing to change, a guard held it back). */
export interface StepResult {
  status: "done" | "skipped";
  note?: string;
}

const DONE: StepResult = { status: "done" };
const skipped = (note: string): StepResult => ({ status: "skipped", note });

const sourceTag = (source: ActionSource) =>
  source.kind === "rule"
    ? { automation: { ruleId: source.ruleId, ruleName: source.ruleName } }
    : { macro: { macroId: source.macroId, macroName: source.macroName } };

function normalTags(tags: readonly string[]): string[] {
  return tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean);
}

async function editTags(
  ctx: StepContext,
  row: CaseRow,
  add: string[],
  remove: string[],
): Promise<StepResult> {
  const removing = new Set(normalTags(remove));
  const next = [...new Set([...row.tags.filter((tag) => !removing.has(tag)), ...normalTags(add)])].sort();
  if (next.join() === [...row.tags].sort().join()) return skipped("tags already so");
  await editCaseIn(ctx.tx, ctx.uow, ctx.deps.routing, {
    caseId: row.id,
    edit: { tags: next },
    actor: ctx.actor,
  });
  return DONE;
}

/**
 * Through the same write an agent's edit takes (cases/custom-field-values.ts): the value checked
 * against the field's definition, audited, SLA clocks re-targeted and the case placed again if a
 * rule on the field says so. A value the field refuses fails this action alone.
 */
async function setCustomField(
  ctx: StepContext,
  row: CaseRow,
  key: string,
  value: unknown,
): Promise<StepResult> {
  if (!caseStateHas(row.state, "open"))
    throw new AppError("ILLEGAL_ACTION", `Case #${row.number} is ${row.state}; it can no longer be changed.`);
  const before = row.customFields?.[key];
  if (JSON.stringify(before ?? null) === JSON.stringify(value)) return skipped(`${key} already so`);
  await setCaseCustomFieldsIn(ctx.tx, ctx.uow, ctx.deps.routing, {
    caseId: row.id,
    values: { [key]: value as CustomFieldValues[string] },
    actor: ctx.actor,
  });
  return DONE;
}

async function unassign(ctx: StepContext, row: CaseRow): Promise<StepResult> {
  if (!row.assigneeId) return skipped("not assigned");
  const applied = await applyCaseEvent(
    ctx.tx,
    ctx.uow,
    ctx.deps.routing,
    row,
    { type: "UNASSIGN", at: ctx.at.getTime() },
    ctx.actor,
    sourceTag(ctx.source),
    { enqueuedAt: ctx.at, stickyAgentId: null },
  );
  if (!applied.accepted)
    throw new AppError("ILLEGAL_ACTION", `Case #${row.number} cannot be unassigned in state '${row.state}'.`);
  return DONE;
}

/** The reply's text: a canned response or the action's own, placeholders filled for this case. */
async function replyText(
  ctx: StepContext,
  row: CaseRow,
  action: { text?: string | undefined; cannedResponseId?: string | undefined },
) {
  let text = action.text ?? "";
  if (action.cannedResponseId) {
    const [canned] = await ctx.tx
      .select({ body: cannedResponses.body })
      .from(cannedResponses)
      .where(eq(cannedResponses.id, action.cannedResponseId));
    if (!canned)
      throw new AppError("NOT_FOUND", `Canned response '${action.cannedResponseId}' does not exist.`);
    text = canned.body;
  }
  const [contact] = await ctx.tx
    .select({ name: contacts.name })
    .from(contacts)
    .where(eq(contacts.id, row.contactId));
  const agentId = ctx.source.kind === "macro" ? ctx.source.agentId : row.assigneeId;
  const [agent] = agentId
    ? await ctx.tx.select({ name: agents.name }).from(agents).where(eq(agents.id, agentId))
    : [];
  return {
    body: fillPlaceholders(text, {
      ...contactNameValues(contact?.name),
      "agent.name": agentFirstName(agent?.name),
      "case.number": String(row.number),
      "case.subject": row.subject,
    }),
    agent: agentId && agent ? { id: agentId, name: agent.name } : null,
  };
}

/**
 * A reply to the customer through the outbox. A rule's reply is automatic: it never answers a message
 * that must not get an automatic answer (an auto-reply, a bounce), and it is marked so the channels
 * keep other robots from answering it. A macro's reply is the agent's own.
 */
async function reply(
  ctx: StepContext,
  row: CaseRow,
  action: Extract<AutomationAction, { type: "reply" }>,
): Promise<StepResult> {
  if (row.channel === "voice") return skipped("a voice case takes no written reply");
  const automatic = ctx.source.kind === "rule";
  if (automatic) {
    const context = await readCaseContext(ctx.tx, row.id);
    const last = context?.lastInbound;
    if (last?.noAutoReply)
      return skipped(
        `the customer's message must not be answered automatically (${String(last.loopReason ?? "automatic mail")})`,
      );
    if (last?.automatic) return skipped("the customer's message was itself automatic");
  }
  await assertNotOptedOut(ctx.tx, row);
  const { body, agent } = await replyText(ctx, row, action);
  const author = automatic ? null : agent;
  const [message] = await ctx.tx
    .insert(interactions)
    .values({
      caseId: row.id,
      channel: row.channel,
      kind: "message",
      direction: "outbound",
      authorAgentId: author?.id ?? null,
      body,
      status: "queued",
      metadata: { ...(automatic ? { automatic: true } : {}), ...sourceTag(ctx.source) },
      createdAt: ctx.at,
      statusChangedAt: ctx.at,
    })
    .returning();
  if (author) {
    const replied = await applyCaseEvent(
      ctx.tx,
      ctx.uow,
      ctx.deps.routing,
      row,
      { type: "AGENT_REPLIED", agentId: author.id, at: ctx.at.getTime() },
      ctx.actor,
      {},
      row.firstResponseAt ? {} : { firstResponseAt: ctx.at },
    );
    if (!replied.accepted)
      throw new AppError(
        "ILLEGAL_ACTION",
        `Case #${row.number} cannot take a reply in state '${row.state}'.`,
      );
  }
  ctx.uow.emit({
    type: "interaction.created",
    caseId: row.id,
    interactionId: message!.id,
    channel: row.channel,
    kind: "message",
    direction: "outbound",
    interaction: message!,
    assigneeId: row.assigneeId,
  });
  handOver(ctx.uow, ctx.deps.routing.senders, { interaction: message!, caseRow: row, author });
  return DONE;
}

async function note(ctx: StepContext, row: CaseRow, text: string): Promise<StepResult> {
  const [written] = await ctx.tx
    .insert(interactions)
    .values({
      caseId: row.id,
      channel: row.channel,
      kind: "note",
      direction: "internal",
      authorAgentId: ctx.source.kind === "macro" ? ctx.source.agentId : null,
      body: text,
      status: "recorded",
      metadata: sourceTag(ctx.source),
      createdAt: ctx.at,
      statusChangedAt: ctx.at,
    })
    .returning();
  ctx.uow.emit({
    type: "interaction.created",
    caseId: row.id,
    interactionId: written!.id,
    channel: row.channel,
    kind: "note",
    direction: "internal",
    interaction: written!,
    assigneeId: row.assigneeId,
  });
  return DONE;
}

/** Supervisors who see the queue: those not limited to some queues, and those limited to it. */
async function queueSupervisors(tx: Tx, queueId: string | null): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: agents.id })
    .from(agents)
    .leftJoin(agentQueueScopes, eq(agentQueueScopes.agentId, agents.id))
    .where(
      and(
        eq(agents.role, "supervisor"),
        isNull(agents.deactivatedAt),
        queueId
          ? or(eq(agents.queueScopeLimited, false), eq(agentQueueScopes.queueId, queueId))
          : eq(agents.queueScopeLimited, false),
      ),
    );
  return rows.map((row) => row.id);
}

async function notify(
  ctx: StepContext,
  row: CaseRow,
  action: Extract<AutomationAction, { type: "notify" }>,
): Promise<StepResult> {
  const recipients = new Set(action.agentIds ?? []);
  if (action.supervisors) for (const id of await queueSupervisors(ctx.tx, row.queueId)) recipients.add(id);
  if (!recipients.size) return skipped("nobody to notify");
  const known = await ctx.tx
    .select({ id: agents.id })
    .from(agents)
    .where(
      and(sql`${agents.id} = any(${`{${[...recipients].join(",")}}`}::uuid[])`, isNull(agents.deactivatedAt)),
    );
  if (!known.length) return skipped("none of the agents exists any more");
  await ctx.tx.insert(agentNotifications).values(
    known.map((agent) => ({
      agentId: agent.id,
      kind: "automation" as const,
      caseId: row.id,
      byAgentId: ctx.source.kind === "macro" ? ctx.source.agentId : null,
      excerpt: action.message.slice(0, 200),
      createdAt: ctx.at,
    })),
  );
  return { status: "done", note: `${known.length} notified` };
}

async function setState(
  ctx: StepContext,
  row: CaseRow,
  state: "resolved" | "waiting_on_customer",
): Promise<StepResult> {
  if (row.state === state) return skipped(`already ${state}`);
  if (state === "resolved") await assertDispositionGiven(ctx.deps.routing, row, ctx.tx);
  const type = state === "resolved" ? "RESOLVE" : "WAIT_ON_CUSTOMER";
  const applied = await applyCaseEvent(
    ctx.tx,
    ctx.uow,
    ctx.deps.routing,
    row,
    { type, at: ctx.at.getTime() },
    ctx.actor,
    {
      action: state === "resolved" ? "resolve" : "wait_on_customer",
      ...sourceTag(ctx.source),
    },
  );
  if (!applied.accepted)
    throw new AppError(
      "ILLEGAL_ACTION",
      `Case #${row.number} is ${row.state}: it cannot be set to ${state}.`,
    );
  return DONE;
}

function callWebhook(ctx: StepContext, row: CaseRow, endpointId: string): StepResult {
  const webhooks = ctx.deps.webhooks;
  if (!webhooks) return skipped("webhooks not configured");
  const payload = {
    type: "automation.webhook",
    caseId: row.id,
    caseNumber: row.number,
    ...sourceTag(ctx.source),
  };
  // An outside call waits for the commit: a rolled-back change must not be announced.
  ctx.uow.afterCommit(() => webhooks.callWebhook(endpointId, payload, row.id));
  return DONE;
}

/** Runs one action on the case (locked by the caller's transaction). */
export async function runStep(ctx: StepContext, action: AutomationAction): Promise<StepResult> {
  const row = await lockCase(ctx.tx, ctx.caseId);
  const { tx, uow, actor } = ctx;
  switch (action.type) {
    case "set_priority":
      if (row.priority === action.priority) return skipped(`already ${action.priority}`);
      await editCaseIn(tx, uow, ctx.deps.routing, {
        caseId: row.id,
        edit: { priority: action.priority },
        actor,
      });
      return DONE;
    case "add_tags":
      return editTags(ctx, row, action.tags, []);
    case "remove_tags":
      return editTags(ctx, row, [], action.tags);
    case "set_queue":
      if (row.queueId === action.queueId) return skipped("already in that queue");
      await transferCaseIn(tx, uow, ctx.deps.routing, { caseId: row.id, toQueueId: action.queueId, actor });
      return DONE;
    case "set_custom_field":
      return setCustomField(ctx, row, action.key, action.value);
    case "assign":
      if (row.assigneeId === action.agentId) return skipped("already assigned to them");
      await assignToAgent(tx, uow, ctx.deps.routing, {
        row,
        agentId: action.agentId,
        actor,
        details: sourceTag(ctx.source),
        at: ctx.at,
      });
      return DONE;
    case "unassign":
      return unassign(ctx, row);
    case "reply":
      return reply(ctx, row, action);
    case "note":
      return note(ctx, row, action.text);
    case "notify":
      return notify(ctx, row, action);
    case "set_state":
      return setState(ctx, row, action.state);
    case "call_webhook":
      return callWebhook(ctx, row, action.endpointId);
  }
}
