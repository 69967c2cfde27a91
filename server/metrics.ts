/** Prometheus metrics on their own registry (one per app, so tests can run several apps in a process). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export function createMetrics(sources: { statementCount?: () => number } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "switchboard_" });
  let statementsReported = 0;
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
