/**
 * Third plugin: the channels over the domain services — web chat, email  (mailboxes fetched while
 * this process holds their lock) and voice through Twilio — and the one `Services` the routes,
 * sockets and jobs are given. SMS needs only its sender, built with the clients.
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { createChatChannel } from "../../channels/chat/chat-channel.ts";
import { agentSnapshots } from "../../routing/agent-snapshot.ts";
import { availableAgentsKept, chatAvailability } from "../../sla/chat-availability.ts";

/** How long the available agents read for "would a chat be answered now?" are kept (every hello asks). */
const AVAILABLE_AGENTS_KEPT_MS = 2_000;

import { queueWebhookDelivery } from "../../integrations/webhooks/deliveries.ts";
import { createEmail } from "../channels/email.ts";
import { createVoiceChannel } from "../channels/twilio.ts";
import { createAutomationDeps } from "../jobs/automation-jobs.ts";
import { agentNamespaceOf } from "../realtime/namespaces.ts";
import type { Services } from "../services.ts";
import { buildWebhooks } from "../webhooks.ts";

declare module "fastify" {
  interface FastifyInstance {
    services: Services;
  }
}

async function channelsPlugin(app: FastifyInstance): Promise<void> {
  const { clients, domain } = app;
  // Read, not this process's routing view: that may lag a presence change made elsewhere by
  // seconds, and a visitor told "nobody is there" would leave instead of chatting.
  const availableAgents = availableAgentsKept(
    () => agentSnapshots(clients.db, clients.clock(), { presence: "available" }),
    AVAILABLE_AGENTS_KEPT_MS,
  );
  const chat = createChatChannel({
    deps: domain.cases,
    secret: clients.secret,
    pushToVisitor: clients.pushToVisitor,
    canMailProofs: async () => (await clients.systemMail.mailbox()) !== null,
    availability: () =>
      chatAvailability(clients.db, {
        config: domain.routing.config,
        agents: availableAgents,
        at: clients.clock(),
      }),
  });
  const email = await createEmail(clients, domain);
  const voice = createVoiceChannel(clients, domain);
  const { io } = clients;
  const services: Services = {
    config: clients.config,
    database: clients.database,
    db: clients.db,
    clock: clients.clock,
    jobs: clients.jobs,
    metrics: clients.metrics,
    logger: clients.logger,
    storage: clients.storage,
    senders: clients.senders,
    pushToVisitor: clients.pushToVisitor,
    limits: clients.limits,
    clientAddressOf: clients.clientAddressOf,
    secret: clients.secret,
    systemMail: clients.systemMail,
    agentNamespace: () => agentNamespaceOf(io),
    cases: domain.cases,
    routing: domain.routing,
    router: domain.router,
    routingRunner: domain.routingRunner,
    slaPolicies: domain.slaPolicies,
    auth: domain.auth,
    sso: domain.sso,
    statusUpdates: domain.statusUpdates,
    chat,
    email,
    voice: voice?.voice ?? null,
    callbacks: voice?.callbacks ?? null,
    automation: createAutomationDeps(domain.routing, {
      // A rule's `call_webhook` action: a delivery like any event's, signed, retried and logged.
      callWebhook: async (endpointId, payload, caseId) => {
        await queueWebhookDelivery(
          { db: clients.db, clock: clients.clock, jobs: clients.jobs },
          endpointId,
          "automation.webhook",
          payload,
          caseId,
        );
      },
    }),
    webhooks: buildWebhooks(clients, domain),
  };
  app.decorate("services", Object.freeze(services));
}

export const channels = fp(channelsPlugin, {
  name: "switchboard-channels",
  fastify: "5.x",
  dependencies: ["switchboard-domain"],
});
