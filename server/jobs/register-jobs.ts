/** The job catalogue: every job name, its payload type and its handler, in one place. */
import { closeIfDue, closeOverdueResolved } from "../../cases/auto-close.ts";
import { deliverInteraction, deliveryJob, findStrandedOutbound } from "../../cases/outbox.ts";
import type { JobName } from "../../cases/ports.ts";
import { findDueStatusUpdates, sendStatusUpdate } from "../../channels/status-updates/status-updates.ts";
import { escalate } from "../../sla/escalation.ts";
import { judgeRemedies } from "../../sla/remedy-apply.ts";
import { sweepSla } from "../../sla/sla-monitor.ts";
import { pruneSecurityEvents } from "../auth/security-log.ts";
import { checkAgentConnection, sweepVanishedAgents } from "../realtime/agent-connections.ts";
import { createLiveStatsPusher } from "../realtime/live-stats.ts";
import type { Services } from "../services.ts";
import type { Jobs } from "./job-catalogue.ts";
import type { JobQueue } from "./job-queue.ts";
import { registerMetricsJobs } from "./metrics-jobs.ts";
import { registerOutboundJobs } from "./outbound-jobs.ts";
import { registerReportJobs } from "./report-jobs.ts";
import { registerSystemMailJobs } from "./system-mail-jobs.ts";

export type { JobName, Jobs };

/** Outbound messages still queued this long after their last change have lost their job. */
const STRANDED_AFTER_MS = 120_000;

export const LIVE_STATS_INTERVAL_MS = 1000;
export const SLA_MONITOR_INTERVAL_MS = 2000;

export function registerJobs(queue: JobQueue, services: Services): void {
  const on = <K extends JobName>(
    name: K,
    handler: (data: Jobs[K], context: { attempt: number; maxAttempts: number }) => Promise<unknown>,
  ) =>
    queue.register(name, async (data, context) => {
      await handler(data, context);
    });

  registerMetricsJobs(queue, services);
  registerOutboundJobs(queue, services);
  registerReportJobs(queue, services);
  registerSystemMailJobs(queue, services);
  on("route-queue", ({ queueId }) =>
    queueId === "all" ? services.router.routeAll() : services.router.routeQueue(queueId),
  );
  on("expire-offer", ({ offerId }) => services.router.expireOffer(offerId));
  on("close-resolved-case", ({ caseId }) => closeIfDue(services.cases, caseId));
  on("deliver-interaction", ({ interactionId }, context) =>
    deliverInteraction(services.cases, services.senders, interactionId, context),
  );
  on("check-agent-connection", ({ agentId }) =>
    checkAgentConnection(services.agentNamespace(), services, agentId),
  );
  on("push-live-stats", createLiveStatsPusher(services));
  on("sla-monitor", async () => {
    // Drain what is due, in batches, then act on the flags written.
    for (let pass = 0; pass < 20; pass++) {
      const flags = await sweepSla(services.cases, 500);
      if (flags.length) await escalate(services.cases, services.router, flags);
      if (flags.length < 500) break;
    }
  });
  on("send-status-update", ({ notificationId }) =>
    sendStatusUpdate(services.cases, services.statusUpdates, notificationId),
  );
  on("maintenance-sweep", async () => {
    await services.router.expireOverdueOffers();
    await services.router.routeAll();
    for (const interactionId of await findStrandedOutbound(services.cases, STRANDED_AFTER_MS, 500)) {
      const delivery = deliveryJob(interactionId);
      await queue.enqueue(delivery.name, delivery.data, delivery.options);
    }
    await closeOverdueResolved(services.cases, 500);
    for (const notificationId of await findDueStatusUpdates(services.cases, 60_000, 500)) {
      await queue.enqueue(
        "send-status-update",
        { notificationId },
        { jobId: `status-update-${notificationId}-sweep` },
      );
    }
    await sweepVanishedAgents(services.agentNamespace(), services);
    await judgeRemedies(services.routing);
    await pruneSecurityEvents(
      services.db,
      new Date(services.clock().getTime() - services.config.securityLogRetentionMs),
    );
  });
}
