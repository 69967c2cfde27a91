/** Live metrics: every fact of a span of time, gathered from the database and derived in memory. */
import type { Executor } from "../db/connect.ts";
import { loadQueues, type QueueRow } from "../routing/queue-config.ts";
import {
  addCaseFacts,
  availableSpans,
  NO_QUEUE_SETTINGS,
  type QueueSettings,
  queueAt,
} from "./metrics-facts.ts";
import { emptyFacts, type MetricsFacts, type Span } from "./metrics-figures.ts";
import { agentPresence, caseHistories, slaOutcomes } from "./metrics-queries.ts";

export interface GatheredFacts {
  facts: MetricsFacts;
  queues: QueueRow[];
  /** Per queue id: the agents holding its required skills (today's skills, whatever the span). */
  agentsOf: Map<string, Set<string>>;
}

const settingsFrom =
  (queues: Map<string, QueueRow>) =>
  (queueId: string | null): QueueSettings => {
    const queue = queueId ? queues.get(queueId) : undefined;
    return queue
      ? { serviceLevelSeconds: queue.serviceLevelSeconds, wrapUpSeconds: queue.wrapUpSeconds }
      : NO_QUEUE_SETTINGS;
  };

/** Every fact of `span`: windows inside it can then be counted without the database. */
export async function gatherFacts(executor: Executor, span: Span): Promise<GatheredFacts> {
  const queueRows = await loadQueues(executor);
  const settingsOf = settingsFrom(queueRows);
  const facts = emptyFacts();
  const histories = await caseHistories(executor, span);
  for (const history of histories.values()) addCaseFacts(facts, history, settingsOf);
  for (const outcome of await slaOutcomes(executor, span)) {
    const history = histories.get(outcome.caseId);
    facts.sla.push({ ...outcome, queueId: history ? queueAt(history, outcome.at) : outcome.queueId });
  }

  const agentsOf = new Map<string, Set<string>>([...queueRows.keys()].map((id) => [id, new Set<string>()]));
  for (const agent of await agentPresence(executor, span)) {
    const available = availableSpans(agent.initial, agent.changes, span);
    const spans = facts.agents.get(agent.agentId);
    if (spans) spans.available = available;
    else facts.agents.set(agent.agentId, { available, busy: [] });
    for (const queue of queueRows.values()) {
      const qualified = queue.requiredSkills.every((r) => (agent.skills[r.skillId] ?? 0) >= r.level);
      if (qualified) agentsOf.get(queue.id)!.add(agent.agentId);
    }
  }
  return { facts, queues: [...queueRows.values()], agentsOf };
}
