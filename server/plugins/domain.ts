/**
 * Second plugin: the domain services over the clients — the case core with its transition hooks
 * (SLA targets, customer updates), routing (registry, offer timers, router, runner), the pushes
 * that follow commits, and sign-in. Channels, routes, sockets and jobs are built on these.
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { CountryCode } from "libphonenumber-js";
import { createCaseMachine } from "../../cases/case-machine.ts";
import { createCustomFieldCache } from "../../cases/custom-fields.ts";
import type { CaseDeps } from "../../cases/deps.ts";
import type { DomainEvent } from "../../cases/events.ts";
import type { RoutingTrigger } from "../../cases/ports.ts";
import { createStatusUpdateHook } from "../../channels/status-updates/status-updates.ts";
import { createTemplateCache } from "../../channels/status-updates/template-cache.ts";
import type { StatusUpdateOptions } from "../../channels/status-updates/update-decision.ts";
import { AgentRegistry } from "../../routing/agent-registry.ts";
import { createRoutingConfigCache, type RoutingConfigCache } from "../../routing/config-cache.ts";
import { OfferTimers } from "../../routing/offer-timers.ts";
import type { RoutingDeps } from "../../routing/ports.ts";
import { createRoutingHooks, createSkillRouter, type Router } from "../../routing/router.ts";
import { createRoutingRunner, type RoutingRunner } from "../../routing/routing-runner.ts";
import { createSlaPolicyCache, type SlaPolicyCache } from "../../sla/sla-policies.ts";
import { createSlaHook } from "../../sla/sla-targets.ts";
import { ensureFirstAdmin } from "../auth/accounts.ts";
import { type AuthService, createAuthService } from "../auth/auth-service.ts";
import { createSsoService, type SsoService } from "../auth/sso/sso-service.ts";
import { agentNamespaceOf } from "../realtime/namespaces.ts";
import { createPublisher } from "../realtime/publisher.ts";
import type { AppClients } from "./clients.ts";

export interface DomainServices {
  cases: CaseDeps;
  routing: RoutingDeps;
  router: Router;
  /** Runs routing passes in this process, coalesced per queue. */
  routingRunner: RoutingRunner;
  /** SLA policies, cached briefly; cleared by changes made through this process. */
  slaPolicies: SlaPolicyCache;
  auth: AuthService;
  /** Single sign-on with an OpenID Connect provider. */
  sso: SsoService;
  /** What customer updates need: the senders, links to the status page, quiet hours, templates. */
  statusUpdates: StatusUpdateOptions;
  /** Hears every batch of committed domain events in this process (after the pushes are sent). */
  onEvents(listener: (events: readonly DomainEvent[]) => void): void;
  /** The first admin, created on a first start; its password is set when one was generated. */
  firstAdmin: Promise<{ generatedPassword?: string }>;
}

declare module "fastify" {
  interface FastifyInstance {
    domain: DomainServices;
  }
}

/** The agents whose load, presence or idle time an event may have changed. */
function agentsTouchedBy(event: DomainEvent): string[] {
  switch (event.type) {
    case "offer.closed":
      return event.status === "accepted" ? [] : [event.agentId];
    case "case.updated":
      return [event.assigneeId, event.previousAssigneeId].filter((id): id is string => Boolean(id));
    case "agent.presence":
    case "agent.updated":
      return [event.agentId];
    default:
      return [];
  }
}

function statusUpdateOptions(clients: AppClients): StatusUpdateOptions {
  const { config } = clients;
  return {
    senders: clients.senders,
    settings: {
      publicUrl: config.publicUrl,
      secret: clients.secret,
      quietHours: config.quietHours,
      defaultTimeZone: config.defaultTimeZone,
    },
    templates: createTemplateCache(),
    clock: clients.clock,
  };
}

/** Routing's parts, wired to each other: offers expire through the router, which passes run. */
function buildRouting(
  clients: AppClients,
  cases: CaseDeps,
  parts: { trigger: RoutingTrigger; registry: AgentRegistry; config: RoutingConfigCache },
) {
  const { trigger, registry } = parts;
  const { config, logger, lifecycle } = clients;
  const onError = (error: unknown) => logger.error({ err: error }, "after-commit work failed");
  const waiting = new Set<string>();
  // The timers fire only after start-up, when `router` exists.
  const offerTimers = new OfferTimers((offerId) => router.expireOffer(offerId), onError);
  lifecycle.onClose(async () => offerTimers.stop());
  const routing: RoutingDeps = {
    ...cases,
    settings: {
      offerTimeoutMs: config.offerTimeoutMs,
      voiceOfferTimeoutMs: config.voiceOfferTimeoutMs,
      maxMissedOffers: config.maxMissedOffers,
      missedOfferCooldownMs: config.missedOfferCooldownMs,
    },
    config: parts.config,
    registry,
    offerTimers,
    waiting,
  };
  const router = createSkillRouter(routing);
  const { io, fanout } = clients;
  const routingRunner = createRoutingRunner({
    routeQueue: (queueId) => router.routeQueue(queueId),
    queuesToRoute: () => router.queuesToRoute(),
    routeArrival: (queued) => router.routeArrival(queued),
    onAgentFreed: (agentId) => registry.markStale(agentId),
    waiting,
    shareWaiting: (queueIds) => {
      if (fanout?.hasPeers()) io.serverSideEmit("routing.waiting", queueIds);
    },
    onError: (error) => logger.warn({ err: error }, "routing pass failed; the sweep will retry"),
  });
  trigger.request = (queueId) => routingRunner.request(queueId);
  trigger.caseQueued = (queued) => routingRunner.caseQueued?.(queued);
  trigger.agentFreed = (agentId) => routingRunner.agentFreed?.(agentId);
  lifecycle.onClose(() => routingRunner.idle());
  if (fanout)
    io.on("routing.waiting", (queueIds: unknown) => {
      if (Array.isArray(queueIds) && queueIds.every((id) => typeof id === "string"))
        routingRunner.waitingElsewhere(queueIds);
    });
  return { routing, router, routingRunner, offerTimers };
}

async function domainPlugin(app: FastifyInstance): Promise<void> {
  const clients = app.clients;
  const { config, db, clock, metrics, logger, lifecycle, secret } = clients;
  // Awaited once the app is set up: on a first start, hashing the admin's password (Argon2, a few
  // hundred milliseconds on libuv's threads) runs while the routes are registered.
  const firstAdmin = ensureFirstAdmin(db, config.admin);
  // If a later step fails first, this is never awaited: without a handler, its own failure (the
  // database closing under it) would be an unhandled rejection.
  firstAdmin.catch(() => {});
  const onError = (error: unknown) => logger.error({ err: error }, "after-commit work failed");
  const policy = { reopenWindowMs: config.reopenWindowMs, autoCloseAfterMs: config.autoCloseAfterMs };
  const routingConfig = createRoutingConfigCache();
  const registry = new AgentRegistry(db, clock);
  const slaPolicies = createSlaPolicyCache();
  const statusUpdates = statusUpdateOptions(clients);
  const publisher = createPublisher({ db, agentNamespace: () => agentNamespaceOf(clients.io), onError });
  // Runs after the job queue has closed too (last steps): pushes still in flight read the database.
  lifecycle.onClose(() => publisher.idle());
  lifecycle.onCloseLast(() => publisher.idle());
  const listeners: ((events: readonly DomainEvent[]) => void)[] = [];
  // The case core asks for routing through this; it is bound to the runner below, before any case moves.
  const trigger: RoutingTrigger = { request: () => {} };
  let offerTimers: OfferTimers | undefined;
  const cases: CaseDeps = {
    db,
    events: {
      publish(events) {
        for (const event of events) {
          if (event.type === "interaction.created" && event.direction === "inbound")
            metrics.inboundMessages.inc({ channel: event.channel });
          for (const id of agentsTouchedBy(event)) registry.markStale(id);
          if (event.type === "offer.closed") offerTimers?.cancel(event.offerId);
        }
        publisher.publish(events);
        for (const listener of listeners) {
          try {
            listener(events);
          } catch (error) {
            onError(error);
          }
        }
      },
    },
    jobs: clients.jobs,
    clock,
    machine: createCaseMachine(policy),
    policy,
    defaultCountry: config.defaultCountry as CountryCode,
    routing: trigger,
    senders: clients.senders,
    routingHooks: createRoutingHooks(routingConfig),
    transitionHooks: [
      createSlaHook({
        policies: slaPolicies,
        queueHours: async (executor, queueId) =>
          queueId ? ((await routingConfig.get(executor)).queues.get(queueId)?.businessHours ?? null) : null,
      }),
      ...(config.statusUpdates ? [createStatusUpdateHook(statusUpdates)] : []),
    ],
    onAfterCommitError: onError,
    customFields: createCustomFieldCache(),
  };
  const built = buildRouting(clients, cases, { trigger, registry, config: routingConfig });
  offerTimers = built.offerTimers;
  app.decorate("domain", {
    cases,
    routing: built.routing,
    router: built.router,
    routingRunner: built.routingRunner,
    slaPolicies,
    auth: createAuthService({ db, clock, secret, sessionTtlMs: config.sessionTtlMs, limits: config.login }),
    sso: createSsoService({ db, clock, secret, config }),
    statusUpdates,
    onEvents: (listener) => void listeners.push(listener),
    firstAdmin,
  } satisfies DomainServices);
}

export const domain = fp(domainPlugin, {
  name: "switchboard-domain",
  fastify: "5.x",
  dependencies: ["switchboard-clients"],
});
