/**
 * Automation wiring: its dependencies built from the app's services, the committed events that
 * become rule jobs, the periodic sweep of due time rules and the schedule back-fill.
 */

import { automationJobsFor } from "../../automation/event-feed.ts";
import { runEventJob } from "../../automation/event-runner.ts";
import { EventDepths } from "../../automation/loop-guard.ts";
import type { AutomationDeps, WebhookPort } from "../../automation/ports.ts";
import { createRuleCache } from "../../automation/rule-cache.ts";
import { backfillRule, sweepDueRules } from "../../automation/schedule.ts";
import type { DomainEvent } from "../../cases/events.ts";
import type { RoutingDeps } from "../../routing/ports.ts";
import type { Services } from "../services.ts";
import type { JobQueue } from "./job-queue.ts";

export const AUTOMATION_SWEEP_INTERVAL_MS = 5000;
const SWEEP_BATCH = 200;
const SWEEP_PASSES = 10;

/** Periodic jobs to schedule at start-up: name and interval. */
export const AUTOMATION_SCHEDULE = [
  { name: "automation-sweep" as const, intervalMs: AUTOMATION_SWEEP_INTERVAL_MS },
];

/** Automation's dependencies; `webhooks` is the outbound webhooks module's port when there is one. */
export function createAutomationDeps(
  routing: RoutingDeps,
  webhooks: WebhookPort | null = null,
): AutomationDeps {
  return { routing, rules: createRuleCache(), depths: new EventDepths(), webhooks };
}

export function registerAutomationJobs(queue: JobQueue, services: Pick<Services, "automation">): void {
  const deps = services.automation;
  queue.register("automation-event", (job) => runEventJob(deps, job));
  queue.register("automation-backfill", async ({ ruleId }) => {
    await backfillRule(deps, ruleId);
  });
  queue.register("automation-sweep", async () => {
    for (let pass = 0; pass < SWEEP_PASSES; pass++)
      if ((await sweepDueRules(deps, SWEEP_BATCH)) < SWEEP_BATCH) break;
  });
}

/** Turns committed events into rule jobs (nothing at all when no enabled rule could care). */
export function listenForAutomation(
  onEvents: (listener: (events: readonly DomainEvent[]) => void) => void,
  services: Pick<Services, "automation" | "jobs" | "logger" | "db">,
): void {
  const deps = services.automation;
  onEvents((events) => {
    void (async () => {
      const active = await deps.rules.get(services.db);
      for (const job of automationJobsFor(events, (event) => deps.depths.originOf(event), active))
        await services.jobs.enqueue("automation-event", job, { jobId: `automation-${job.key}`, attempts: 3 });
    })().catch((error) => services.logger.error({ err: error }, "queueing automation jobs failed"));
  });
}
