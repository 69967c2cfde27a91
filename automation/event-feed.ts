/**
 * Which committed domain events become automation jobs. Decided in memory from the cached rules, so
 * a change nobody's rule listens to (and with no time rule enabled) costs nothing. Pure.
 */
import type { DomainEvent } from "../cases/events.ts";
import type { EventOrigin } from "./loop-guard.ts";
import type { AutomationEventJob } from "./ports.ts";
import type { ActiveRules } from "./rule-cache.ts";

type CaseUpdated = Extract<DomainEvent, { type: "case.updated" }>;

/** A case.updated of a case just opened: the write that created it (revision 0). */
export function isNewCase(event: CaseUpdated): boolean {
  return event.case !== undefined && event.case.revision === 0;
}

type JobOf = Omit<AutomationEventJob, "root">;

function jobOf(event: DomainEvent, depth: number): JobOf | null {
  if (event.type === "case.updated") {
    if (isNewCase(event))
      return { caseId: event.caseId, event: "case.created", key: `created-${event.caseId}`, depth };
    const version = event.case
      ? `${event.case.revision}`
      : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    return { caseId: event.caseId, event: "case.updated", key: `updated-${event.caseId}-${version}`, depth };
  }
  if (event.type === "interaction.created" && event.kind === "message") {
    if (event.direction === "inbound")
      return {
        caseId: event.caseId,
        event: "interaction.created",
        key: `message-${event.interactionId}`,
        depth,
        interactionId: event.interactionId,
      };
    // An agent's reply moves the "last agent reply" clock.
    return { caseId: event.caseId, event: "schedule", key: `schedule-${event.interactionId}`, depth };
  }
  return null;
}

/**
 * The jobs a batch of events (one committed change) calls for: one per case and kind of event, so a
 * change that edits a case twice (a firing that removes one tag and adds another) runs rules once.
 */
export function automationJobsFor(
  events: readonly DomainEvent[],
  originOf: (event: DomainEvent) => EventOrigin | null,
  active: ActiveRules,
): AutomationEventJob[] {
  const timeRules = active.timeRules.length > 0;
  const jobs = new Map<string, AutomationEventJob>();
  for (const event of events) {
    const origin = originOf(event);
    const job = jobOf(event, origin?.depth ?? 0);
    if (!job) continue;
    const wanted = job.event === "schedule" ? timeRules : timeRules || active.events.has(job.event);
    const per = job.event === "interaction.created" ? job.key : `${job.caseId}-${job.event}`;
    if (wanted) jobs.set(per, { ...job, root: origin?.root ?? job.key });
  }
  return [...jobs.values()];
}
