/** Prometheus metrics on their own registry (one per app, so tests can run several apps in a process). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { QueueStats } from "./jobs/job-catalogue.ts";

export interface MetricsSources {
  statementCount?: () => number;
  /** The job queues' figures, read when /metrics is scraped. */
  jobStats?: () => Promise<QueueStats[]>;
}

/** One read of the queues serves the three job gauges of a scrape. */
function sharedJobStats(read: (() => Promise<QueueStats[]>) | undefined) {
  let last: { at: number; stats: Promise<QueueStats[]> } | undefined;
  return () => {
    if (!read) return Promise.resolve([]);
    const now = Date.now();
    // Best effort: a queue backend that does not answer leaves the job gauges at their last values
    // instead of failing the whole scrape, whose process and database figures matter most then.
    if (!last || now - last.at > 500) last = { at: now, stats: read().catch(() => []) };
    return last.stats;
  };
}

export function createMetrics(sources: MetricsSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "switchboard_" });
  let statementsReported = 0;
  const jobStats = sharedJobStats(sources.jobStats);
  const jobGauge = (name: string, help: string, value: (queue: QueueStats) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ["queue"] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const queue of await jobStats()) this.set({ queue: queue.queue }, value(queue) ?? 0);
      },
    });
  jobGauge(
    "switchboard_job_queue_waiting",
    "Jobs ready to run and waiting for a free slot, by queue",
    (q) => q.waiting,
  );
  jobGauge(
    "switchboard_job_queue_oldest_seconds",
    "Seconds the oldest ready job of a queue has waited (0 when none waits)",
    (q) => q.oldestWaitingSeconds,
  );
  jobGauge(
    "switchboard_job_queue_failed",
    "Failed jobs kept for inspection and retry, by queue",
    (q) => q.failed,
  );
  return {
    dbStatements: new Counter({
      name: "switchboard_db_statements_total",
      help: "SQL statements this process sent to the database",
      registers: [registry],
      collect() {
        const now = sources.statementCount?.() ?? 0;
        if (now > statementsReported) this.inc(now - statementsReported);
        statementsReported = now;
      },
    }),
    registry,
    httpDuration: new Histogram({
      name: "switchboard_http_request_duration_seconds",
      help: "HTTP request duration",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    inboundMessages: new Counter({
      name: "switchboard_inbound_messages_total",
      help: "Inbound messages stored, by channel",
      labelNames: ["channel"] as const,
      registers: [registry],
    }),
    jobs: new Counter({
      name: "switchboard_jobs_total",
      help: "Jobs run, by name and outcome",
      labelNames: ["name", "outcome"] as const,
      registers: [registry],
    }),
    socketConnections: new Gauge({
      name: "switchboard_socket_connections",
      help: "Open websocket connections on this process",
      labelNames: ["namespace"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
