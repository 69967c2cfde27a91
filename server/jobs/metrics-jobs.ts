/** Jobs of the live metrics: interval figures kept for reports, figures pushed to supervisors. */
import { computeIntervals } from "../../sla/metrics-intervals.ts";
import { createLiveMetricsPusher } from "../realtime/live-stats.ts";
import type { Services } from "../services.ts";
import type { JobQueue } from "./job-queue.ts";

export interface MetricsJobs {
  /** Computes and stores the 15-minute interval figures not yet final, and the current one provisionally. */
  "metrics-intervals": Record<string, never>;
  /** Live metrics per queue and for the team to supervisors (`metrics.live`). */
  "push-live-metrics": Record<string, never>;
}

declare module "../../cases/ports.ts" {
  interface JobCatalogue extends MetricsJobs {}
}

/**
 * How often supervisors get fresh live metrics. Each push reads the day's history so far, so not
 * every second (queue.stats, the cheap live counts, are pushed every second).
 */
export const LIVE_METRICS_INTERVAL_MS = 2000;
export const METRICS_INTERVALS_EVERY_MS = 60_000;

export function registerMetricsJobs(
  queue: JobQueue,
  services: Pick<Services, "agentNamespace" | "clock" | "config" | "database" | "pushToVisitor" | "routing">,
): void {
  queue.register("metrics-intervals", async () => {
    await computeIntervals(services.database.reporting, services.clock());
  });
  queue.register("push-live-metrics", createLiveMetricsPusher(services));
}

/** Periodic jobs to schedule at start-up: name and interval. */
export const METRICS_SCHEDULE: { name: keyof MetricsJobs; intervalMs: number }[] = [
  { name: "metrics-intervals", intervalMs: METRICS_INTERVALS_EVERY_MS },
  { name: "push-live-metrics", intervalMs: LIVE_METRICS_INTERVAL_MS },
];
