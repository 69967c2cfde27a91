/**
 * Last plugin: every job's handler and the periodic jobs' schedules, then the queue starts. A job
 * without a handler stops start-up.
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { registerVoiceJobs } from "../channels/twilio.ts";
import { AUTOMATION_SCHEDULE, listenForAutomation, registerAutomationJobs } from "../jobs/automation-jobs.ts";
import { METRICS_SCHEDULE } from "../jobs/metrics-jobs.ts";
import { OUTBOUND_SCHEDULE } from "../jobs/outbound-jobs.ts";
import { LIVE_STATS_INTERVAL_MS, registerJobs, SLA_MONITOR_INTERVAL_MS } from "../jobs/register-jobs.ts";
import { WEBHOOK_SWEEP_INTERVAL_MS } from "../webhooks.ts";

async function jobsPlugin(app: FastifyInstance): Promise<void> {
  const { services } = app;
  const { jobs, config } = services;
  registerJobs(jobs, services);
  registerVoiceJobs(jobs, services.voice);
  registerAutomationJobs(jobs, services);
  listenForAutomation(app.domain.onEvents, services);
  await app.domain.firstAdmin;
  await jobs.every("maintenance-sweep", config.sweepIntervalMs);
  await jobs.every("push-live-stats", LIVE_STATS_INTERVAL_MS);
  await jobs.every("sla-monitor", SLA_MONITOR_INTERVAL_MS);
  for (const job of METRICS_SCHEDULE) await jobs.every(job.name, job.intervalMs);
  for (const job of OUTBOUND_SCHEDULE) await jobs.every(job.name, job.intervalMs);
  for (const job of AUTOMATION_SCHEDULE) await jobs.every(job.name, job.intervalMs);
  await jobs.every("webhook-sweep", WEBHOOK_SWEEP_INTERVAL_MS);
  await jobs.start();
}

export const jobs = fp(jobsPlugin, {
  name: "switchboard-jobs",
  fastify: "5.x",
  dependencies: ["switchboard-routes", "switchboard-sockets"],
});
