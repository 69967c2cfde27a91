/**
 * Live metrics: facts derived from a case's audit trail (case_events), pure. One walk over the
 * case's transitions in the order they were written yields its queue arrivals, answers,
 * abandonments, the stretches each agent held it and the resolutions.
 *
 * Queue attribution: every fact belongs to the queue the case was in at that moment, not to the queue
 * it is in now. Transfers write `fromQueueId`/`toQueueId` in their audit rows, so walking back from
 * the current queue recovers the queue before each transfer. A case moved from "billing" to
 * "support" keeps its arrival and answer in "billing"; it arrives in "support" when moved.
 */

import { caseStateHas, INITIAL_CASE_STATE } from "../cases/case-states.ts";
import type { Presence } from "../db/schema/agents.ts";
import type { CaseState, Channel } from "../db/schema/cases.ts";
import type { MetricsFacts, Span } from "./metrics-figures.ts";

/** The fields of one case_events row the metrics read. */
export interface AuditRow {
  type: string;
  fromState: CaseState | null;
  toState: CaseState | null;
  actorType: string;
  at: number;
  /** The row records a change of assignee (`details.toAssigneeId`, possibly null). */
  assigneeChanged: boolean;
  toAssigneeId: string | null;
  /** The row records a move between queues (`details.toQueueId`). */
  queueChanged: boolean;
  fromQueueId: string | null;
  toQueueId: string | null;
  /** A transfer by hand (`details.transfer`), to an agent or a queue. */
  transfer: boolean;
}

export interface CaseHistory {
  caseId: string;
  channel: Channel;
  /** The queue the case is in now. */
  queueId: string | null;
  createdAt: number;
  /** In the order they were written (case_events.id). */
  events: AuditRow[];
  /** When calls of this case were abandoned while waiting for an agent. */
  abandonedCalls: number[];
}

export interface QueueSettings {
  serviceLevelSeconds: number;
  wrapUpSeconds: number;
}

/** Used for cases in no queue (their queue was deleted): the schema's default goal, no wrap-up. */
export const NO_QUEUE_SETTINGS: QueueSettings = { serviceLevelSeconds: 20, wrapUpSeconds: 0 };

/** Waiting in a queue (offered included), held by an agent, finished: the machine's tags. */
const isWaiting = (state: CaseState) => caseStateHas(state, "inQueue");
const isHeld = (state: CaseState) => caseStateHas(state, "occupiesAgent");
const isEnded = (state: CaseState) => caseStateHas(state, "done");
/** After these the queue's wrap-up time keeps the agent from new work (routing/wrap-up.ts). */
const WRAP_UP_CHANNELS = new Set<Channel>(["chat", "voice"]);

/** The queue of the case just before and just after each of its events. */
function queuesAround(history: CaseHistory): { before: (string | null)[]; after: (string | null)[] } {
  const n = history.events.length;
  const before: (string | null)[] = new Array(n);
  const after: (string | null)[] = new Array(n);
  let next = history.queueId;
  for (let i = n - 1; i >= 0; i--) {
    const event = history.events[i]!;
    after[i] = event.queueChanged ? event.toQueueId : next;
    before[i] = event.queueChanged ? event.fromQueueId : after[i]!;
    next = before[i]!;
  }
  return { before, after };
}

/** The queue the case was in at `at`: after its last event at or before then. */
export function queueAt(history: CaseHistory, at: number): string | null {
  const { before, after } = queuesAround(history);
  let queue = history.events.length ? before[0]! : history.queueId;
  history.events.forEach((event, i) => {
    if (event.at <= at) queue = after[i]!;
  });
  return queue;
}

interface Hold {
  agentId: string;
  workMs: number;
  /** Since when the case has been `assigned` (being worked); null while it waits on the customer. */
  workingSince: number | null;
}

/** One case's facts being gathered: where they go, the case, and its queues' settings. */
interface FactsWalk {
  facts: MetricsFacts;
  history: CaseHistory;
  settingsOf: (queueId: string | null) => QueueSettings;
}

/** What the walk over a case's events carries from one event to the next. */
interface WalkState {
  state: CaseState;
  assignee: string | null;
  lastJoin: number | null;
  /** Every time the case joined a queue, in order. */
  joins: number[];
  hold: Hold | null;
  assignees: Set<string>;
  reopened: boolean;
  transferred: boolean;
  resolutions: { at: number; queueId: string | null }[];
}

function markBusy(facts: MetricsFacts, agentId: string, start: number, end: number): void {
  const spans = facts.agents.get(agentId) ?? { available: [], busy: [] };
  facts.agents.set(agentId, spans);
  spans.busy.push({ start, end });
}

/** The agent lets go of the case: their handle, and the wrap-up that keeps them busy after it. */
function releaseHold(
  { facts, history, settingsOf }: FactsWalk,
  hold: Hold,
  at: number,
  queueId: string | null,
): void {
  if (hold.workingSince !== null) {
    markBusy(facts, hold.agentId, hold.workingSince, at);
    hold.workMs += at - hold.workingSince;
  }
  const wrapUpMs = WRAP_UP_CHANNELS.has(history.channel) ? settingsOf(queueId).wrapUpSeconds * 1000 : 0;
  if (wrapUpMs > 0) markBusy(facts, hold.agentId, at, at + wrapUpMs);
  facts.handles.push({
    caseId: history.caseId,
    queueId,
    agentId: hold.agentId,
    releasedAt: at,
    workMs: hold.workMs,
    wrapUpMs,
  });
}

/** The queue's facts of one event: an arrival, an answer, an abandonment, a resolution. */
function queueEventFacts(
  { facts, history, settingsOf }: FactsWalk,
  walk: WalkState,
  event: AuditRow,
  queueBefore: string | null,
  queueAfter: string | null,
): void {
  const { caseId } = history;
  const from = event.fromState ?? walk.state;
  const to = event.toState ?? walk.state;
  const { at } = event;
  // An offer coming back is not a new arrival; a move to another queue while waiting is one there.
  if ((caseStateHas(to, "routable") && !isWaiting(from)) || (event.queueChanged && isWaiting(to))) {
    facts.arrivals.push({ caseId, queueId: queueAfter, at });
    walk.lastJoin = at;
    walk.joins.push(at);
  }
  if (isWaiting(from) && isHeld(to)) {
    const waitMs = Math.max(0, at - (walk.lastJoin ?? history.createdAt));
    const withinTarget = waitMs <= settingsOf(queueBefore).serviceLevelSeconds * 1000;
    facts.answers.push({ caseId, queueId: queueBefore, at, waitMs, withinTarget });
  }
  // An agent closing a waiting case (spam, a duplicate) did not lose a customer.
  if (isWaiting(from) && isEnded(to) && event.actorType !== "agent")
    facts.abandons.push({
      caseId,
      queueId: queueBefore,
      at,
      source: "queue",
      joinedAt: walk.lastJoin ?? history.createdAt,
    });
  if (isHeld(from) && isEnded(to)) walk.resolutions.push({ at, queueId: queueBefore });
  if (caseStateHas(from, "resolved") && !isEnded(to)) walk.reopened = true;
  if (event.transfer) walk.transferred = true;
}

/** Follows who holds the case, and whether they are working it, through one event. */
function followHold(gather: FactsWalk, walk: WalkState, event: AuditRow, queueBefore: string | null): void {
  const to = event.toState ?? walk.state;
  const { at } = event;
  const nextAssignee = event.assigneeChanged ? event.toAssigneeId : walk.assignee;
  if (nextAssignee) walk.assignees.add(nextAssignee);
  const holding = isHeld(to) && nextAssignee !== null;
  let hold = walk.hold;
  if (hold && (!holding || nextAssignee !== hold.agentId)) {
    releaseHold(gather, hold, at, queueBefore);
    hold = null;
  }
  if (holding && !hold) {
    hold = {
      agentId: nextAssignee!,
      workMs: 0,
      workingSince: caseStateHas(to, "agentWorking") ? at : null,
    };
  } else if (hold) {
    if (!caseStateHas(to, "agentWorking") && hold.workingSince !== null) {
      markBusy(gather.facts, hold.agentId, hold.workingSince, at);
      hold.workMs += at - hold.workingSince;
      hold.workingSince = null;
    } else if (caseStateHas(to, "agentWorking") && hold.workingSince === null) {
      hold.workingSince = at;
    }
  }
  walk.hold = hold;
  walk.state = to;
  walk.assignee = nextAssignee;
}

/** Adds the facts of one case to `facts`. */
export function addCaseFacts(
  facts: MetricsFacts,
  history: CaseHistory,
  settingsOf: (queueId: string | null) => QueueSettings,
): void {
  const { before, after } = queuesAround(history);
  const { caseId } = history;
  const gather: FactsWalk = { facts, history, settingsOf };
  const walk: WalkState = {
    state: INITIAL_CASE_STATE,
    assignee: null,
    lastJoin: null,
    joins: [],
    hold: null,
    assignees: new Set<string>(),
    reopened: false,
    transferred: false,
    resolutions: [],
  };
  history.events.forEach((event, i) => {
    queueEventFacts(gather, walk, event, before[i]!, after[i]!);
    followHold(gather, walk, event, before[i]!);
  });
  // Still being worked on: busy until now, whatever window asks.
  const open = walk.hold;
  if (open?.workingSince != null) markBusy(facts, open.agentId, open.workingSince, Number.POSITIVE_INFINITY);

  const firstContact = !walk.reopened && !walk.transferred && walk.assignees.size === 1;
  for (const resolution of walk.resolutions) facts.resolutions.push({ caseId, ...resolution, firstContact });
  for (const at of history.abandonedCalls) {
    const joinedAt = Math.max(history.createdAt, ...walk.joins.filter((join) => join <= at));
    facts.abandons.push({ caseId, queueId: queueAt(history, at), at, source: "call", joinedAt });
  }
}

/**
 * An agent's available stretches within `span`, from their presence when it began and the changes
 * during it (in order).
 */
export function availableSpans(
  initial: Presence,
  changes: readonly { presence: Presence; at: number }[],
  span: Span,
): Span[] {
  const spans: Span[] = [];
  let presence = initial;
  let since = span.start;
  for (const change of changes) {
    const at = Math.min(Math.max(change.at, span.start), span.end);
    if (presence === "available" && at > since) spans.push({ start: since, end: at });
    presence = change.presence;
    since = at;
  }
  if (presence === "available" && span.end > since) spans.push({ start: since, end: span.end });
  return spans;
}
