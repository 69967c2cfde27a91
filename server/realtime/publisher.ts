/**
 * Turns committed domain events into socket.io pushes. Rooms: `agent:<id>` (each agent's consoles),
 * `supervisors` (unlimited supervisors), `supervisors:queue:<id>` (supervisors limited to a scope
 * with that queue, realtime/scope-rooms.ts), `case:<id>` (consoles showing that case), `agents`
 * (every console, for broadcasts).
 * With the Redis adapter a push reaches sockets on every process.
 */
import { eq } from "drizzle-orm";
import { caseSummaryColumns } from "../../cases/case-queries.ts";
import { csatOf } from "../../cases/csat.ts";
import { customerWaitingSince } from "../../cases/customer-wait.ts";
import type { DomainEvent, DomainEventType } from "../../cases/events.ts";
import type { EventSink } from "../../cases/ports.ts";
import type { Db } from "../../db/connect.ts";
import { agents } from "../../db/schema/agents.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import { contacts } from "../../db/schema/contacts.ts";
import type { AgentNamespace } from "./namespaces.ts";

export const rooms = {
  /** Every signed-in console. */
  agents: "agents",
  agent: (agentId: string) => `agent:${agentId}`,
  /** The sockets of one sign-in, closed when it signs out. */
  session: (sessionId: string) => `session:${sessionId}`,
  case: (caseId: string) => `case:${caseId}`,
  /** Supervisors who see every queue. */
  supervisors: "supervisors",
  /** Supervisors limited to a scope with this queue (realtime/scope-rooms.ts). */
  queueSupervisors: (queueId: string) => `supervisors:queue:${queueId}`,
  visitor: (visitorId: string) => `visitor:${visitorId}`,
};

type CaseRow = typeof cases.$inferSelect;
export type CaseSummaryPayload = NonNullable<Awaited<ReturnType<typeof caseSummary>>>;

/** The list view of one case, as the API's case list returns it. */
export function summaryOf(row: CaseRow, contactName: string | null): CaseSummaryPayload {
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    state: row.state,
    priority: row.priority,
    channel: row.channel,
    queueId: row.queueId,
    assigneeId: row.assigneeId,
    tags: row.tags,
    dispositionId: row.dispositionId,
    linkedCaseId: row.linkedCaseId,
    enqueuedAt: row.enqueuedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastCustomerMessageAt: row.lastCustomerMessageAt,
    slaStatus: row.slaStatus,
    slaDueAt: row.slaDueAt,
    firstResponseAt: row.firstResponseAt,
    resolvedAt: row.resolvedAt,
    csat: csatOf(row),
    contact: { id: row.contactId, name: contactName },
  };
}

export async function caseSummary(db: Db, caseId: string) {
  const [row] = await db
    .select(caseSummaryColumns)
    .from(cases)
    .innerJoin(contacts, eq(contacts.id, cases.contactId))
    .where(eq(cases.id, caseId));
  if (!row) return null;
  const { contactId, contactName, csatRating, csatComment, csatAt, ...rest } = row;
  return {
    ...rest,
    csat: csatOf({ csatRating, csatComment, csatAt }),
    contact: { id: contactId, name: contactName },
  };
}

export function offerPayloadOf(offer: { offerId: string; expiresAt: Date }, summary: CaseSummaryPayload) {
  return {
    offerId: offer.offerId,
    caseId: summary.id,
    caseNumber: summary.number,
    channel: summary.channel,
    subject: summary.subject,
    priority: summary.priority,
    queueId: summary.queueId,
    contact: summary.contact,
    waitingSince: customerWaitingSince(summary).toISOString(),
    expiresAt: offer.expiresAt.toISOString(),
  };
}

export async function offerPayload(db: Db, offer: { offerId: string; caseId: string; expiresAt: Date }) {
  const summary = await caseSummary(db, offer.caseId);
  return summary ? offerPayloadOf(offer, summary) : null;
}

/** A name looked up by id, kept briefly: a rename shows within `ttlMs`. Events that carry a name teach it. */
function cachedNames(load: (id: string) => Promise<string | null>, ttlMs: number) {
  const names = new Map<string, { name: string | null; at: number }>();
  const remember = (id: string, name: string | null) => {
    if (names.size > 10_000) names.clear();
    names.set(id, { name, at: Date.now() });
  };
  const lookup = async (id: string): Promise<string | null> => {
    const hit = names.get(id);
    if (hit && Date.now() - hit.at < ttlMs) return hit.name;
    const name = await load(id);
    remember(id, name);
    return name;
  };
  return Object.assign(lookup, { remember });
}

/** Contact and agent names for pushes, kept briefly: a renamed contact shows within seconds. */
function nameCache(db: Db, ttlMs = 30_000) {
  return {
    contact: cachedNames(
      async (id) =>
        (await db.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, id)))[0]?.name ?? null,
      ttlMs,
    ),
    agent: cachedNames(
      async (id) =>
        (await db.select({ name: agents.name }).from(agents).where(eq(agents.id, id)))[0]?.name ?? null,
      ttlMs,
    ),
  };
}

/** What the pushes read: names and summaries (cached or carried by the event), assignees, interactions. */
function publisherReads(db: Db) {
  const names = nameCache(db);
  return {
    names,
    summaryFor: async (caseId: string, row?: CaseRow, contactName?: string | null) => {
      if (!row) return caseSummary(db, caseId);
      if (contactName !== undefined) names.contact.remember(row.contactId, contactName);
      return summaryOf(row, contactName !== undefined ? contactName : await names.contact(row.contactId));
    },
    /** The case's agent: from the event when it says, else read. */
    assigneeOf: async (caseId: string, known?: string | null) => {
      if (known !== undefined) return known;
      const [row] = await db.select({ assigneeId: cases.assigneeId }).from(cases).where(eq(cases.id, caseId));
      return row?.assigneeId ?? null;
    },
    interactionWithAssignee: async (interactionId: string) => {
      const [row] = await db
        .select({ interaction: interactions, assigneeId: cases.assigneeId })
        .from(interactions)
        .innerJoin(cases, eq(cases.id, interactions.caseId))
        .where(eq(interactions.id, interactionId));
      return row;
    },
  };
}

interface Push {
  ns: AgentNamespace;
  reads: ReturnType<typeof publisherReads>;
}

type EventOf<K extends DomainEventType> = Extract<DomainEvent, { type: K }>;

/** One small function per event kind: what it pushes, and to which rooms. */
type EventPushes = { [K in DomainEventType]: (event: EventOf<K>, push: Push) => Promise<void> | void };

/** The rooms of those who work or watch a case: supervisors, the case's consoles, its agent. */
function caseRooms(caseId: string, assigneeId: string | null | undefined): string[] {
  const targets = [rooms.supervisors, rooms.case(caseId)];
  if (assigneeId) targets.push(rooms.agent(assigneeId));
  return targets;
}

const eventPushes: EventPushes = {
  "offer.created": async (event, { ns, reads }) => {
    const summary = await reads.summaryFor(event.caseId, event.case, event.contactName);
    if (summary) ns.to(rooms.agent(event.agentId)).emit("offer", offerPayloadOf(event, summary));
  },

  "offer.closed": (event, { ns }) => {
    ns.to(rooms.agent(event.agentId)).emit("offer.closed", {
      offerId: event.offerId,
      caseId: event.caseId,
      status: event.status,
    });
  },

  "case.updated": async (event, { ns, reads }) => {
    const summary = await reads.summaryFor(event.caseId, event.case, event.contactName);
    if (!summary) return;
    // To those who work the case or watch it. Sending every change to every console would cost
    // (changes × consoles) pushes: team-wide lists re-read instead.
    const targets = caseRooms(event.caseId, event.assigneeId);
    // Limited supervisors get the case list's changes of their queues only.
    if (summary.queueId) targets.push(rooms.queueSupervisors(summary.queueId));
    if (event.previousAssigneeId) targets.push(rooms.agent(event.previousAssigneeId));
    ns.to(targets).emit("case.updated", summary);
  },

  "interaction.created": async (event, { ns, reads }) => {
    let interaction = event.interaction;
    let assigneeId = event.assigneeId;
    if (!interaction) {
      const row = await reads.interactionWithAssignee(event.interactionId);
      if (!row) return;
      interaction = row.interaction;
      assigneeId = row.assigneeId;
    }
    const authorId = interaction.authorAgentId;
    ns.to(caseRooms(event.caseId, assigneeId)).emit("interaction.created", {
      ...interaction,
      author: authorId ? { id: authorId, name: (await reads.names.agent(authorId)) ?? "" } : null,
    });
  },

  "interaction.updated": async (event, { ns, reads }) => {
    const row = await reads.interactionWithAssignee(event.interactionId);
    if (!row) return;
    ns.to(caseRooms(event.caseId, row.assigneeId)).emit("interaction.updated", row.interaction);
  },

  "interaction.status": async (event, { ns, reads }) => {
    const assigneeId = await reads.assigneeOf(event.caseId, event.assigneeId);
    const targets = [rooms.case(event.caseId)];
    if (assigneeId) targets.push(rooms.agent(assigneeId));
    ns.to(targets).emit("interaction.status", {
      caseId: event.caseId,
      interactionId: event.interactionId,
      status: event.status,
      reason: event.reason ?? null,
    });
  },

  "sla.changed": async (event, { ns, reads }) => {
    const assigneeId = await reads.assigneeOf(event.caseId, event.assigneeId);
    ns.to(caseRooms(event.caseId, assigneeId)).emit("sla.changed", {
      caseId: event.caseId,
      status: event.status,
      dueAt: event.dueAt?.toISOString() ?? null,
      ...(event.flagged ? { flagged: event.flagged, metric: event.metric } : {}),
    });
  },

  "note.mentioned": async (event, { ns, reads }) => {
    ns.to(event.agentIds.map((id) => rooms.agent(id))).emit("mention", {
      caseId: event.caseId,
      caseNumber: event.caseNumber,
      interactionId: event.interactionId,
      by: { id: event.byAgentId, name: await reads.names.agent(event.byAgentId) },
      excerpt: event.excerpt,
    });
  },

  "sla.escalated": (event, { ns }) => {
    ns.to(rooms.supervisors).emit("sla.escalated", {
      caseId: event.caseId,
      ruleId: event.ruleId,
      ruleName: event.ruleName,
      message: event.message,
    });
  },

  "agent.presence": (event, { ns }) => {
    ns.to([rooms.agent(event.agentId), rooms.supervisors]).emit("agent.presence", {
      agentId: event.agentId,
      presence: event.presence,
      reason: event.reason ?? null,
    });
  },

  // Routing reads the agent again; consoles have nothing to show.
  "agent.updated": () => {},

  // For webhooks (integrations/webhooks): consoles learn of these through `case.updated`.
  "case.created": () => {},
  "contact.created": () => {},
  "contact.merged": () => {},
  "csat.received": () => {},
  "campaign.record_dispositioned": () => {},
};

/**
 * One chain per key: a case's pushes leave in commit order (a console never sees `offer.closed`
 * before the `offer` it closes), while different cases do not wait for each other.
 */
function orderedByKey<T>(
  keyOf: (item: T) => string,
  run: (item: T) => Promise<void>,
  onError: (error: unknown) => void,
) {
  const chains = new Map<string, Promise<void>>();
  return {
    add(item: T) {
      const key = keyOf(item);
      const next = (chains.get(key) ?? Promise.resolve()).then(() => run(item)).catch(onError);
      chains.set(key, next);
      void next.then(() => {
        if (chains.get(key) === next) chains.delete(key);
      });
    },
    idle: async () => {
      while (chains.size) await Promise.allSettled([...chains.values()]);
    },
  };
}

export function createPublisher(deps: {
  db: Db;
  agentNamespace: () => AgentNamespace;
  onError: (error: unknown) => void;
}): EventSink & { idle(): Promise<void> } {
  const reads = publisherReads(deps.db);
  const deliver = async (event: DomainEvent) => {
    // The map is exhaustive over event types; TypeScript cannot correlate the event with its entry.
    const pushFor = eventPushes[event.type] as (event: DomainEvent, push: Push) => Promise<void> | void;
    await pushFor(event, { ns: deps.agentNamespace(), reads });
  };
  const keyOf = (event: DomainEvent) =>
    "caseId" in event ? event.caseId : "agentId" in event ? `agent:${event.agentId}` : event.type;
  const queue = orderedByKey(keyOf, deliver, deps.onError);
  return {
    publish(events) {
      for (const event of events) queue.add(event);
    },
    idle: queue.idle,
  };
}
