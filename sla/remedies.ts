/**
 * Remedies: for a case at risk or breached, and for a queue short of its goal, a ranked list of
 * concrete actions with their predicted effect, computed from live state. A supervisor applies one
 * with one call (sla/remedy-apply.ts); it is audited, and whether the service level recovered is
 * recorded afterwards.
 */
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import { caseStateHas, stateIn } from "../cases/case-states.ts";
import type { CaseDeps } from "../cases/deps.ts";
import { notFound } from "../cases/errors.ts";
import type { Db } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { capacityChannelOf, cases, type Priority } from "../db/schema/cases.ts";
import { type AgentSnapshot, availableAgents } from "../routing/agent-snapshot.ts";
import { hasRoom, type OverflowStep } from "../routing/matcher.ts";
import { criteriaAt, meetsCriteria, routingStep, sortedSteps } from "../routing/matcher-rules.ts";
import type { RoutingDeps } from "../routing/ports.ts";
import { type QueueRow, toMatcherQueue } from "../routing/queue-config.ts";
import { raisedPriority } from "./escalation.ts";
import { meetsRequired, predictedServiceLevel, queueLoads, staffOf, verdict } from "./staffing.ts";

export const REMEDY_KINDS = [
  "widen_routing",
  "offer_to_agent",
  "move_agents",
  "overflow_to_queue",
  "raise_priority",
  "delay_notice",
  "offer_callback",
] as const;
export type RemedyKind = (typeof REMEDY_KINDS)[number];

/** Callers holding on the line (in a queue, or on given cases) and offering them a callback. */
export interface CallbackPort {
  waiting(where: { queueId?: string; caseIds?: string[] }): Promise<{ caseId: string }[]>;
  /** Offers each caller still holding a callback; returns how many were offered one. */
  offer(where: { queueId?: string; caseIds?: string[] }): Promise<number>;
}

export interface RemedyOptions {
  /** Present when the voice channel is configured. */
  callbacks?: CallbackPort | null;
}

const CALLBACK_EFFECT =
  "keep their place and hang up: they can no longer abandon, and the agent who takes their case calls them back";

/** What each kind of remedy needs to be carried out (the API checks them: server/routes/sla.ts). */
export interface RemedyParams {
  /** Apply the queue's overflow steps up to this one now. */
  widen_routing: { steps: number };
  offer_to_agent: { agentId: string };
  /** Give these agents the queue's skills; `fromQueueId` is the queue they are taken from. */
  move_agents: { agentIds: string[]; fromQueueId?: string | undefined };
  overflow_to_queue: { queueId: string };
  /** The priority the board expected; the case is raised one step from where it is when applied. */
  raise_priority: { priority?: Priority | undefined };
  delay_notice: Record<string, never>;
  offer_callback: Record<string, never>;
}
/** A remedy's kind with the params of that kind. */
export type RemedyAction = { [K in RemedyKind]: { kind: K; params: RemedyParams[K] } }[RemedyKind];

export type Remedy = RemedyAction & {
  caseId?: string;
  queueId?: string;
  title: string;
  predicted: { text: string; serviceLevel?: number | null; donorServiceLevel?: number | null };
};

const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? "n/a" : `${Math.round(value * 100)} %`;
const names = (list: { name: string }[]) => list.map((a) => a.name).join(list.length === 2 ? " and " : ", ");

/** Open cases at risk or breached, the soonest due first: the SLA board's rows. */
export async function flaggedCases(db: Db, limit = 50) {
  return db
    .select({ id: cases.id, slaStatus: cases.slaStatus, slaDueAt: cases.slaDueAt })
    .from(cases)
    .where(and(inArray(cases.slaStatus, ["at_risk", "breached"]), stateIn(cases.state, "open")))
    .orderBy(asc(cases.slaDueAt))
    .limit(limit);
}

/** Remedies for one case, best first. */
export async function caseRemedies(
  deps: RoutingDeps,
  caseId: string,
  options: RemedyOptions = {},
): Promise<Remedy[]> {
  const [row] = await deps.db.select().from(cases).where(eq(cases.id, caseId));
  if (!row) throw notFound("Case", caseId);
  if (caseStateHas(row.state, "done")) return [];
  const now = deps.clock();
  const config = await deps.config.get(deps.db);
  const queue = row.queueId ? config.queues.get(row.queueId) : undefined;
  const available = await availableAgents(deps.db, now);
  const people = await agentNames(
    deps,
    available.map((a) => a.id),
  );
  const result: Remedy[] = [];

  if (caseStateHas(row.state, "inQueue"))
    result.push(...waitingCaseRemedies(row, queue, config.queues, available, now.getTime(), people));
  if (row.channel === "voice" && options.callbacks) {
    const holding = await options.callbacks.waiting({ caseIds: [caseId] });
    if (holding.length)
      result.push({
        kind: "offer_callback",
        caseId,
        title: `Offer the caller of case #${row.number} a callback`,
        params: {},
        predicted: { text: `If they accept, they ${CALLBACK_EFFECT}.` },
      });
  }
  if (row.priority !== "urgent") result.push(await raisePriorityRemedy(deps, row));
  result.push({
    kind: "delay_notice",
    caseId,
    title: `Tell the customer of case #${row.number} it will take longer`,
    params: {},
    predicted: { text: "The customer knows we are on it; fewer follow-ups and abandoned contacts." },
  });
  return result;
}

/** For a case waiting in a queue: an agent who can take it, the queue's overflow now, another queue. */
function waitingCaseRemedies(
  row: typeof cases.$inferSelect,
  queue: QueueRow | undefined,
  queues: Map<string, QueueRow>,
  available: AgentSnapshot[],
  now: number,
  people: Map<string, string>,
): Remedy[] {
  const result: Remedy[] = [];
  // Someone who can take it now, best fit first.
  const fit = available
    .filter((a) => a.available && hasRoom(a, row.channel) && (!queue || meetsRequired(a, queue)))
    .sort(
      (a, b) =>
        a.load[capacityChannelOf(row.channel)] - b.load[capacityChannelOf(row.channel)] ||
        a.idleSince - b.idleSince,
    )
    .slice(0, 3);
  for (const agent of fit) {
    const name = people.get(agent.id) ?? "An agent";
    result.push({
      kind: "offer_to_agent",
      caseId: row.id,
      title: `Offer case #${row.number} to ${name} (${agent.load[capacityChannelOf(row.channel)]} of ${agent.capacity[capacityChannelOf(row.channel)]} ${row.channel} cases)`,
      params: { agentId: agent.id },
      predicted: { text: `${name} can answer now: the wait ends as soon as they accept.` },
    });
  }
  // The queue's own overflow steps, applied now instead of after their wait.
  if (queue && caseStateHas(row.state, "routable")) {
    const widen = widenRouting(row, queue, queues, available, now, people);
    if (widen) result.push(widen);
  }
  // Another queue whose agents are idle and could take it.
  for (const other of queues.values()) {
    if (other.id === row.queueId) continue;
    const idle = staffOf(available, other).filter((a) => hasRoom(a, row.channel));
    if (!idle.length) continue;
    result.push({
      kind: "overflow_to_queue",
      caseId: row.id,
      title: `Move case #${row.number} to ${other.name}, where ${idle.length} agent${idle.length > 1 ? "s are" : " is"} idle`,
      params: { queueId: other.id },
      predicted: {
        text: `${other.name} has ${idle.length} idle agent${idle.length > 1 ? "s" : ""} with room: answered within seconds.`,
      },
    });
  }
  return result;
}

/** Raising a case's priority one step, with how many older cases it then passes. */
async function raisePriorityRemedy(deps: RoutingDeps, row: typeof cases.$inferSelect): Promise<Remedy> {
  const priority = raisedPriority(row.priority);
  const [{ ahead }] = (await deps.db
    .select({ ahead: sql<number>`count(*)::int` })
    .from(cases)
    .where(
      and(
        stateIn(cases.state, "routable"),
        row.queueId ? eq(cases.queueId, row.queueId) : sql`true`,
        lt(cases.enqueuedAt, row.enqueuedAt ?? row.createdAt),
      ),
    )) as [{ ahead: number }];
  return {
    kind: "raise_priority",
    caseId: row.id,
    title: `Raise case #${row.number} to ${priority} priority`,
    params: { priority },
    predicted: {
      text: `Served before the ${Number(ahead)} older ${row.priority}-priority case${Number(ahead) === 1 ? "" : "s"} waiting ahead of it.`,
    },
  };
}

/** Remedies for a queue below its goal: move named agents from queues that can spare them. */
export async function queueRemedies(
  deps: RoutingDeps,
  queueId: string,
  options: RemedyOptions = {},
): Promise<Remedy[]> {
  const now = deps.clock();
  const config = await deps.config.get(deps.db);
  const target = config.queues.get(queueId);
  if (!target) throw notFound("Queue", queueId);
  const available = await availableAgents(deps.db, now);
  const loads = await queueLoads(deps.db, [...config.queues.keys()], now);
  const staff = staffOf(available, target);
  const mine = verdict(target, loads.get(queueId)!, staff.length);
  if (mine.needed <= mine.staffed) return [];
  const short = mine.needed - mine.staffed;
  const people = await agentNames(
    deps,
    available.map((a) => a.id),
  );
  const result: Remedy[] = [];
  for (const donor of config.queues.values()) {
    // A queue without required skills is served by everyone: nobody can be moved out of it.
    if (donor.id === queueId || donor.requiredSkills.length === 0) continue;
    const donorStaff = staffOf(available, donor).filter((a) => !meetsRequired(a, target));
    if (!donorStaff.length) continue;
    const donorVerdict = verdict(donor, loads.get(donor.id)!, staffOf(available, donor).length);
    // As many as the target needs, while the donor still meets its own goal.
    let moving = 0;
    while (moving < Math.min(short, donorStaff.length)) {
      const left = predictedServiceLevel(
        loads.get(donor.id)!,
        donorVerdict.staffed - (moving + 1),
        donor.serviceLevelSeconds,
      );
      if (left === null || left < donor.serviceLevelPercent / 100) break;
      moving += 1;
    }
    if (moving === 0) continue;
    const chosen = donorStaff.sort((a, b) => a.idleSince - b.idleSince).slice(0, moving);
    const after = predictedServiceLevel(mine.load, mine.staffed + moving, target.serviceLevelSeconds);
    const donorAfter = predictedServiceLevel(
      loads.get(donor.id)!,
      donorVerdict.staffed - moving,
      donor.serviceLevelSeconds,
    );
    const who = names(chosen.map((a) => ({ name: people.get(a.id) ?? "an agent" })));
    result.push({
      kind: "move_agents",
      queueId,
      title: `Move ${who} from ${donor.name} to ${target.name}`,
      params: { agentIds: chosen.map((a) => a.id), fromQueueId: donor.id },
      predicted: {
        text: `${target.name} needs ${mine.needed} to meet ${target.serviceLevelPercent}/${target.serviceLevelSeconds} and has ${mine.staffed}; moving ${who} from ${donor.name} brings ${target.name} to ${percent(after)} and keeps ${donor.name} at ${percent(donorAfter)}.`,
        serviceLevel: after,
        donorServiceLevel: donorAfter,
      },
    });
  }
  result.sort(
    (a, b) =>
      (b.predicted.serviceLevel ?? 0) - (a.predicted.serviceLevel ?? 0) ||
      (b.predicted.donorServiceLevel ?? 0) - (a.predicted.donorServiceLevel ?? 0),
  );
  // Moving people takes effect at once; a callback only relieves the callers who take it.
  const holding = options.callbacks ? await options.callbacks.waiting({ queueId }) : [];
  if (holding.length) {
    const callers = `${holding.length} caller${holding.length === 1 ? "" : "s"}`;
    result.push({
      kind: "offer_callback",
      queueId,
      title: `Offer a callback to the ${callers} waiting in ${target.name}`,
      params: {},
      predicted: {
        text: `${target.name} needs ${mine.needed} agents for ${target.serviceLevelPercent}/${target.serviceLevelSeconds} and has ${mine.staffed}; callers who accept ${CALLBACK_EFFECT}.`,
      },
    });
  }
  return result;
}

function stepWords(step: OverflowStep, queues: Map<string, QueueRow>): string {
  switch (step.action) {
    case "drop_preferred":
      return "drop the preferred skills";
    case "lower_required":
      return `lower the required levels by ${step.by}`;
    case "add_queue":
      return `let ${queues.get(step.queueId)?.name ?? "another queue"}'s agents take it`;
  }
}

/**
 * The fewest of the queue's overflow steps that, applied now, make an available agent with room
 * eligible for the case when nobody is under the criteria in force.
 */
function widenRouting(
  row: typeof cases.$inferSelect,
  queue: QueueRow,
  queues: Map<string, QueueRow>,
  available: AgentSnapshot[],
  now: number,
  people: Map<string, string>,
): Remedy | null {
  const matcherQueue = toMatcherQueue(queue);
  const matcherQueues = new Map([...queues.values()].map((q) => [q.id, toMatcherQueue(q)]));
  const steps = sortedSteps(matcherQueue);
  const withRoom = available.filter((a) => a.available && hasRoom(a, row.channel));
  const eligibleAt = (k: number) =>
    withRoom.filter((a) => meetsCriteria(a, criteriaAt(matcherQueue, steps, k, matcherQueues)));
  const current = routingStep(
    {
      id: row.id,
      queueId: queue.id,
      channel: row.channel,
      priority: row.priority,
      enqueuedAt: (row.enqueuedAt ?? row.createdAt).getTime(),
      stickyAgentId: null,
      excludedAgentIds: [],
      stepsApplied: row.routingStepsApplied,
    },
    steps,
    now,
    (k) => eligibleAt(k).length === 0,
  );
  if (eligibleAt(current).length > 0) return null;
  for (let k = current + 1; k <= steps.length; k++) {
    const gained = eligibleAt(k);
    if (!gained.length) continue;
    const what = steps.slice(current, k).map((step) => stepWords(step, queues));
    const who = names(gained.slice(0, 3).map((a) => ({ name: people.get(a.id) ?? "an agent" })));
    return {
      kind: "widen_routing",
      caseId: row.id,
      queueId: queue.id,
      title: `Widen routing of case #${row.number} now: ${what.join(", then ")}`,
      params: { steps: k },
      predicted: {
        text: `${gained.length} available agent${gained.length === 1 ? "" : "s"} (${who}${gained.length > 3 ? " and others" : ""}) can then take it; nobody can now.`,
      },
    };
  }
  return null;
}

async function agentNames(deps: CaseDeps, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await deps.db
    .select({ id: agents.id, name: agents.name })
    .from(agents)
    .where(inArray(agents.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
