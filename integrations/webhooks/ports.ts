/** What the webhook core is given by the composition root, and the jobs it schedules. */
import type { Clock, JobScheduler } from "../../cases/ports.ts";
import type { Db } from "../../db/connect.ts";
import type { Resolver } from "./address-guard.ts";

export const DELIVER_WEBHOOK_JOB = "deliver-webhook";
export const WEBHOOK_SWEEP_JOB = "webhook-sweep";

declare module "../../cases/ports.ts" {
  interface JobCatalogue {
    /** One attempt of one webhook delivery (the row says whether it is still due). */
    [DELIVER_WEBHOOK_JOB]: { deliveryId: string };
    /** Re-enqueues webhook deliveries whose attempt is overdue (their job was lost). */
    [WEBHOOK_SWEEP_JOB]: Record<string, never>;
  }
}

export interface WebhookSettings {
  /** The server secret that seals endpoints' signing secrets at rest. */
  serverSecret: string;
  /** WEBHOOK_ALLOW_PRIVATE: plain http and private, loopback and link-local addresses allowed. */
  allowPrivate: boolean;
  /** Waits between attempts, in seconds (WEBHOOK_RETRY_SCHEDULE). */
  retrySchedule: readonly number[];
  /** How long one request may take before it counts as failed. */
  timeoutMs: number;
  /** DNS resolution (the system's by default). */
  resolve?: Resolver;
}

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  jobs: Pick<JobScheduler, "enqueue">;
  settings: WebhookSettings;
  log: {
    warn(details: Record<string, unknown>, message: string): void;
    info(details: Record<string, unknown>, message: string): void;
  };
  /** Tells an endpoint's owner (or the admins) it was disabled; the app mails them. */
  endpointDisabled(endpointId: string): Promise<void>;
}
