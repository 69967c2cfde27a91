/**
 * Outbound webhooks wired to the app: the webhook core's dependencies from the clients, the domain
 * events it hears, its jobs (one attempt; the sweep for lost attempts), and the mail that tells an
 * endpoint's owner — or, when its creator is gone, the admins — that it was disabled.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { SystemMessage } from "../channels/email/system-mail.ts";
import { systemMailJob } from "../channels/email/system-mail.ts";
import { agents } from "../db/schema/agents.ts";
import { webhookEndpoints } from "../db/schema/integrations.ts";
import {
  attemptDelivery,
  createWebhooks,
  DELIVER_WEBHOOK_JOB,
  sweepOverdueDeliveries,
  WEBHOOK_SWEEP_JOB,
  type Webhooks,
} from "../integrations/webhooks/index.ts";
import type { JobQueue } from "./jobs/job-queue.ts";
import type { AppClients } from "./plugins/clients.ts";
import type { DomainServices } from "./plugins/domain.ts";
import type { Services } from "./services.ts";

export const WEBHOOK_SWEEP_INTERVAL_MS = 60_000;
/** A pending delivery this late has lost its job (an attempt in flight holds it for two minutes). */
const OVERDUE_GRACE_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;

export function buildWebhooks(clients: AppClients, domain: Pick<DomainServices, "onEvents">): Webhooks {
  const { config, db, clock, jobs, logger, lifecycle } = clients;
  const webhooks = createWebhooks(
    {
      db,
      clock,
      jobs,
      settings: {
        serverSecret: clients.secret,
        allowPrivate: config.webhooks.allowPrivate,
        retrySchedule: config.webhooks.retrySchedule,
        timeoutMs: REQUEST_TIMEOUT_MS,
      },
      log: logger,
      endpointDisabled: async (endpointId) => {
        const mail = systemMailJob("webhook-disabled", endpointId);
        await jobs.enqueue(mail.name, mail.data, mail.options);
      },
    },
    (error) => logger.error({ err: error }, "writing webhook deliveries failed"),
  );
  domain.onEvents((events) => webhooks.onEvents(events));
  lifecycle.onClose(async () => {
    webhooks.stop();
    await webhooks.idle();
  });
  return webhooks;
}

export function registerWebhookJobs(queue: JobQueue, services: Pick<Services, "webhooks">): void {
  const { deps } = services.webhooks;
  queue.register(DELIVER_WEBHOOK_JOB, async ({ deliveryId }) => {
    await attemptDelivery(deps, deliveryId);
  });
  queue.register(WEBHOOK_SWEEP_JOB, async () => {
    await sweepOverdueDeliveries(deps, OVERDUE_GRACE_MS, 1000);
  });
}

/** The mail telling an endpoint's creator (or every admin) it was disabled; null if it is enabled again. */
export async function webhookDisabledMessage(
  services: Pick<Services, "db" | "config">,
  endpointId: string,
): Promise<SystemMessage | null> {
  const [endpoint] = await services.db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, endpointId));
  if (!endpoint || endpoint.enabled) return null;
  const creator = endpoint.createdBy
    ? await services.db
        .select({ email: agents.email })
        .from(agents)
        .where(and(eq(agents.id, endpoint.createdBy), isNull(agents.deactivatedAt)))
    : [];
  const to = creator.length
    ? creator
    : await services.db
        .select({ email: agents.email })
        .from(agents)
        .where(and(eq(agents.role, "admin"), isNull(agents.deactivatedAt)));
  if (!to.length) return null;
  return {
    to: to.map((agent) => agent.email).join(", "),
    subject: `Webhook disabled: ${endpoint.name || endpoint.url}`,
    text: `Hello,\n\nThe webhook endpoint ${endpoint.name ? `"${endpoint.name}" ` : ""}(${endpoint.url}) was disabled: ${endpoint.disabledReason ?? "it kept failing"}\n\nIts pending deliveries were marked failed. Fix the receiver, enable the endpoint again in Admin → Webhooks, and replay the deliveries you need from its delivery log:\n\n${services.config.publicUrl}/admin/webhooks\n`,
  };
}
