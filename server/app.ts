/**
 * The composition root: the one place that knows how the parts are wired. External clients first
 * (database, job queue, Redis), then the domain services, then HTTP routes and websockets.
 */
import { join, resolve } from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { CountryCode } from "libphonenumber-js";
import { type Logger, pino } from "pino";
import { Server } from "socket.io";
import { createCaseMachine } from "../cases/case-machine.ts";
import type { CaseDeps } from "../cases/deps.ts";
import type { DomainEvent } from "../cases/events.ts";
import type { ChannelSenders } from "../cases/outbox.ts";
import type { Clock, RoutingTrigger } from "../cases/ports.ts";
import { createChatChannel } from "../channels/chat/chat-channel.ts";
import {
  createStatusUpdateHook,
  createTemplateCache,
  type StatusUpdateOptions,
} from "../channels/status-updates/status-updates.ts";
import { createDiskStorage } from "../channels/storage.ts";
import type { Database } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { AgentRegistry } from "../routing/agent-registry.ts";
import { createRoutingConfigCache } from "../routing/config-cache.ts";
import { OfferTimers } from "../routing/offer-timers.ts";
import type { RoutingDeps } from "../routing/ports.ts";
import { createRoutingHooks, createSkillRouter } from "../routing/router.ts";
import { createRoutingRunner } from "../routing/routing-runner.ts";
import { createSlaPolicyCache } from "../sla/sla-policies.ts";
import { createSlaHook } from "../sla/sla-targets.ts";
import { ensureFirstAdmin } from "./auth/accounts.ts";
import { createAuthService } from "./auth/auth-service.ts";
import { setupChannels } from "./channels/index.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./database.ts";
import { installAccessControl } from "./http/access.ts";
import { installErrorHandler } from "./http/errors.ts";
import { installInputGuards } from "./http/input-guards.ts";
import { InProcessJobQueue } from "./jobs/in-process-queue.ts";
import { appQueueLayout } from "./jobs/job-catalogue.ts";
import type { JobEvents, JobQueue } from "./jobs/job-queue.ts";
import { METRICS_SCHEDULE } from "./jobs/metrics-jobs.ts";
import { OUTBOUND_SCHEDULE } from "./jobs/outbound-jobs.ts";
import { LIVE_STATS_INTERVAL_MS, registerJobs, SLA_MONITOR_INTERVAL_MS } from "./jobs/register-jobs.ts";
import { createMetrics } from "./metrics.ts";
import { trackAgentConnections } from "./realtime/agent-connections.ts";
import { setupAgentNamespace } from "./realtime/agent-namespace.ts";
import { setupChatNamespace } from "./realtime/chat-namespace.ts";
import type { Fanout } from "./realtime/fanout.ts";
import {
  agentNamespaceOf,
  chatNamespaceOf,
  type NoEvents,
  type SwitchboardServer,
  visitorPusher,
} from "./realtime/namespaces.ts";
import type { InterServerEvents } from "./realtime/protocol.ts";
import { createPublisher } from "./realtime/publisher.ts";
import { agentRoutes } from "./routes/agents.ts";
import { authRoutes } from "./routes/auth.ts";
import { cannedResponseRoutes } from "./routes/canned-responses.ts";
import { caseEditRoutes } from "./routes/case-edits.ts";
import { caseRoutes } from "./routes/cases.ts";
import { contactRoutes } from "./routes/contacts.ts";
import { dispositionRoutes } from "./routes/dispositions.ts";
import { fileRoutes } from "./routes/files.ts";
import { healthRoutes } from "./routes/health.ts";
import { jobsAdminRoutes } from "./routes/jobs-admin.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { outboundRoutes } from "./routes/outbound.ts";
import { routingAdminRoutes } from "./routes/routing-admin.ts";
import { slaRoutes } from "./routes/sla.ts";
import { statusPageRoutes } from "./routes/status-page.ts";
import { statusTemplateRoutes } from "./routes/status-templates.ts";
import { supervisionRoutes } from "./routes/supervision.ts";
import { CONSOLE_DIST, webRoutes } from "./routes/web.ts";
import type { ZodApp } from "./routes/zod-app.ts";
import { ensureSecret } from "./secrets.ts";
import type { Services } from "./services.ts";

export interface BuildOptions {
  /** An already-open database; otherwise one is opened from the config and closed with the app. */
  database?: Database;
  /** Close `database` with the app (main.ts opens it while this module loads); tests close their own. */
  ownsDatabase?: boolean;
  clock?: Clock;
  logger?: Logger;
}

export interface BuiltApp {
  app: FastifyInstance;
  services: Services;
  io: SwitchboardServer;
  /** Set when this start created the first admin with a generated password; print it once. */
  generatedAdminPassword?: string;
  /** Resolves when sockets may connect: other processes sharing Redis know of this one. */
  readyForSockets(): Promise<void>;
}

/** Fields that never reach a log line (invariant 6). */
const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "password",
  "*.password",
  "token",
  "*.token",
  "visitorToken",
  "*.visitorToken",
  // A failed query carries its parameters (db/connect.ts counts statements through postgres.js's
  // debug hook, which makes them enumerable): they may hold anything, so they never reach a log.
  "err.parameters",
  "err.args",
  "*.err.parameters",
  "*.err.args",
];

export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({ level: config.logLevel, redact: { paths: REDACT, censor: "[redacted]" } });
}

/** Between server processes: cases were left waiting in these queues. */
const ROUTING_WAITING = "routing.waiting";

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

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<BuiltApp> {
  const logger = options.logger ?? createLogger(config);
  const ownsDatabase = options.ownsDatabase ?? !options.database;
  const database = options.database ?? (await openDatabase(config));
  // Run last-in first-out on close: later parts depend on earlier ones.
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    await runMigrations(database);
    const { db } = database;
    const secret = config.secretKey ?? (await ensureSecret(db));
    // Awaited once the app is set up: on a first start, hashing the admin's password (Argon2, a few
    // hundred milliseconds on libuv's threads) runs while the routes are registered.
    const firstAdmin = ensureFirstAdmin(db, config.admin);
    // If a later step fails first, this is never awaited: without a handler, its own failure (the
    // database closing under it) would be an unhandled rejection.
    firstAdmin.catch(() => {});
    const clock = options.clock ?? (() => new Date());
    const metrics = createMetrics({
      statementCount: () => database.statementCount(),
      // `jobs` exists by the time anything scrapes.
      jobStats: () => jobs.stats(),
    });
    const jobEvents: JobEvents = {
      onCompleted: (name) => metrics.jobs.inc({ name, outcome: "completed" }),
      onFailed: (name, jobId, error, final) => {
        metrics.jobs.inc({ name, outcome: final ? "failed" : "retrying" });
        logger.warn({ job: name, jobId, final, err: error }, final ? "job failed" : "job failed; will retry");
      },
    };
    // BullMQ and ioredis are a quarter of the files the server would load: only a process that
    // uses Redis loads them.
    const layout = appQueueLayout(config.jobConcurrency);
    const jobs: JobQueue = config.redisUrl
      ? new (await import("./jobs/bullmq-queue.ts")).BullMqJobQueue(
          { redisUrl: config.redisUrl, prefix: config.jobPrefix, layout },
          jobEvents,
        )
      : new InProcessJobQueue(jobEvents, layout);
    cleanups.push(() => jobs.close());

    let io: SwitchboardServer | undefined;
    const agentNamespace = () => agentNamespaceOf(io!);
    const onError = (error: unknown) => logger.error({ err: error }, "after-commit work failed");
    const policy = { reopenWindowMs: config.reopenWindowMs, autoCloseAfterMs: config.autoCloseAfterMs };
    const routingConfig = createRoutingConfigCache();
    const agentRegistry = new AgentRegistry(db, clock);
    const waitingQueues = new Set<string>();
    // Bound once the websocket fan-out exists (several processes share Redis); alone, nobody to tell.
    let shareWaiting: (queueIds: string[]) => void = () => {};
    // Bound to the router below; a timer only ever fires after start-up.
    let expireOffer: (offerId: string) => Promise<unknown> = async () => {};
    const offerTimers = new OfferTimers((offerId) => expireOffer(offerId), onError);
    cleanups.push(async () => offerTimers.stop());
    const slaPolicies = createSlaPolicyCache();
    // Bound once the router exists; the case core only ever calls `request`.
    const routingTrigger: RoutingTrigger = { request: () => {} };
    const publisher = createPublisher({ db, agentNamespace, onError });
    const eventListeners: ((events: readonly DomainEvent[]) => void)[] = [];
    // Filled in as channels are set up (chat below, email and SMS by their configuration).
    const senders: ChannelSenders = {};
    const statusUpdates: StatusUpdateOptions = {
      senders,
      settings: {
        publicUrl: config.publicUrl,
        secret,
        quietHours: config.quietHours,
        defaultTimeZone: config.defaultTimeZone,
      },
      templates: createTemplateCache(),
      clock,
    };
    // Runs after the job queue has closed: pushes still in flight read the database.
    cleanups.push(() => publisher.idle());
    const caseDeps: CaseDeps = {
      db,
      events: {
        publish(events) {
          for (const event of events) {
            if (event.type === "interaction.created" && event.direction === "inbound") {
              metrics.inboundMessages.inc({ channel: event.channel });
            }
          }
          for (const event of events) {
            for (const id of agentsTouchedBy(event)) agentRegistry.markStale(id);
            if (event.type === "offer.closed") offerTimers.cancel(event.offerId);
          }
          publisher.publish(events);
          for (const listener of eventListeners) {
            try {
              listener(events);
            } catch (error) {
              onError(error);
            }
          }
        },
      },
      jobs,
      clock,
      machine: createCaseMachine(policy),
      policy,
      defaultCountry: config.defaultCountry as CountryCode,
      routing: routingTrigger,
      senders,
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
    };
    const routingDeps: RoutingDeps = {
      ...caseDeps,
      settings: {
        offerTimeoutMs: config.offerTimeoutMs,
        voiceOfferTimeoutMs: config.voiceOfferTimeoutMs,
        maxMissedOffers: config.maxMissedOffers,
        missedOfferCooldownMs: config.missedOfferCooldownMs,
      },
      config: routingConfig,
      registry: agentRegistry,
      offerTimers,
      waiting: waitingQueues,
    };
    const router = createSkillRouter(routingDeps);
    expireOffer = (offerId) => router.expireOffer(offerId);
    const routingRunner = createRoutingRunner({
      routeQueue: (queueId) => router.routeQueue(queueId),
      queuesToRoute: () => router.queuesToRoute(),
      routeArrival: (queued) => router.routeArrival(queued),
      onAgentFreed: (agentId) => agentRegistry.markStale(agentId),
      waiting: waitingQueues,
      shareWaiting: (queueIds) => shareWaiting(queueIds),
      onError: (error) => logger.warn({ err: error }, "routing pass failed; the sweep will retry"),
    });
    routingTrigger.request = (queueId) => routingRunner.request(queueId);
    routingTrigger.caseQueued = (queued) => routingRunner.caseQueued?.(queued);
    routingTrigger.agentFreed = (agentId) => routingRunner.agentFreed?.(agentId);
    cleanups.push(() => routingRunner.idle());
    const pushToVisitor = visitorPusher(() => io);
    const chat = createChatChannel({ deps: caseDeps, secret, pushToVisitor });
    const services: Services = {
      config,
      database,
      db,
      clock,
      cases: caseDeps,
      routing: routingDeps,
      router,
      routingRunner,
      slaPolicies,
      auth: createAuthService({ db, clock, sessionTtlMs: config.sessionTtlMs, limits: config.login }),
      chat,
      senders: Object.assign(senders, { chat: chat.sender }),
      callbacks: null,
      jobs,
      metrics,
      logger,
      storage: createDiskStorage(join(resolve(config.dataDir), "files")),
      statusUpdates,
      pushToVisitor,
      agentNamespace,
    };
    registerJobs(jobs, services);

    const app = Fastify({
      loggerInstance: logger as FastifyBaseLogger,
      bodyLimit: config.maxBodyBytes,
      trustProxy: config.trustProxy,
      // Per-request lines would drown the log; the metrics histogram counts requests instead.
      logController: new LogController({ disableRequestLogging: true }),
    });
    // First, so every plugin context below inherits our error shape.
    let spaFallback: ((request: FastifyRequest, reply: FastifyReply) => boolean) | undefined;
    installErrorHandler(app, { fallback: (request, reply) => spaFallback?.(request, reply) ?? false });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(fastifyCookie);
    // Twilio posts its webhooks as forms.
    await app.register(fastifyFormbody);
    await app.register(fastifyStatic, { root: CONSOLE_DIST, serve: false });
    await app.register(fastifySwagger, {
      openapi: {
        info: {
          title: "Switchboard API",
          version: "0.1.0",
          description: "Omnichannel contact center and case management",
        },
        components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
    });
    installAccessControl(app, services.auth, { publicPrefixes: ["/docs"] });
    installInputGuards(app);
    await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
    app.addHook("onResponse", async (request, reply) => {
      metrics.httpDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? "unmatched",
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    const zodApp: ZodApp = app.withTypeProvider<ZodTypeProvider>();
    healthRoutes(zodApp, services);
    authRoutes(zodApp, services);
    agentRoutes(zodApp, services);
    caseRoutes(zodApp, services);
    contactRoutes(zodApp, services);
    routingAdminRoutes(zodApp, services);
    supervisionRoutes(zodApp, services);
    statusPageRoutes(zodApp, services);
    metricsRoutes(zodApp, services);
    caseEditRoutes(zodApp, services);
    slaRoutes(zodApp, services);
    fileRoutes(zodApp, services);
    cannedResponseRoutes(zodApp, services);
    dispositionRoutes(zodApp, services);
    statusTemplateRoutes(zodApp, services);
    outboundRoutes(zodApp, services);
    jobsAdminRoutes(zodApp, services);
    spaFallback = webRoutes(zodApp).spaFallback;
    const startSteps: (() => Promise<unknown>)[] = [];
    await setupChannels({
      app: zodApp,
      services,
      config,
      jobs,
      storage: services.storage,
      secret,
      onClose: (step) => cleanups.push(step),
      onStart: (step) => startSteps.push(step),
      onEvents: (listener) => eventListeners.push(listener),
    });

    io = new Server<NoEvents, NoEvents, InterServerEvents>(app.server, {
      serveClient: false,
      // The chat widget runs on customers' own sites.
      cors: { origin: true, credentials: true },
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    });
    let fanout: Fanout | undefined;
    if (config.redisUrl) {
      // Loaded only with Redis: one process without it starts without these modules.
      const [{ Redis }, { createFanout }] = await Promise.all([
        import("ioredis"),
        import("./realtime/fanout.ts"),
      ]);
      const pub = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      fanout = createFanout(pub, sub, `${config.jobPrefix}-socket.io`);
      io.adapter(fanout.adapter);
      const peers = fanout;
      const server = io;
      shareWaiting = (queueIds) => {
        if (peers.hasPeers()) server.serverSideEmit(ROUTING_WAITING, queueIds);
      };
      server.on(ROUTING_WAITING, (queueIds: unknown) => {
        if (Array.isArray(queueIds) && queueIds.every((id) => typeof id === "string"))
          routingRunner.waitingElsewhere(queueIds);
      });
      const stopFanout = fanout.stop;
      // First in, so it runs last: jobs and pushes still in flight use these connections.
      cleanups.unshift(async () => {
        stopFanout();
        await publisher.idle();
        await Promise.allSettled([pub.quit(), sub.quit()]);
      });
    }
    setupAgentNamespace(agentNamespaceOf(io), services);
    setupChatNamespace(chatNamespaceOf(io), services);

    const admin = await firstAdmin;
    const connections = trackAgentConnections(agentNamespaceOf(io), services);
    cleanups.push(async () => connections.stop());
    await jobs.every("maintenance-sweep", config.sweepIntervalMs);
    await jobs.every("push-live-stats", LIVE_STATS_INTERVAL_MS);
    await jobs.every("sla-monitor", SLA_MONITOR_INTERVAL_MS);
    for (const job of METRICS_SCHEDULE) await jobs.every(job.name, job.intervalMs);
    for (const job of OUTBOUND_SCHEDULE) await jobs.every(job.name, job.intervalMs);
    await jobs.start();
    for (const step of startSteps) await step();

    const socketServer = io;
    // Close the transports first, so fastify's own close is not held open by them. Clients see a
    // dropped connection (not a server-side disconnect) and reconnect, to another process if any.
    app.addHook("preClose", async () => {
      socketServer.engine.close();
    });
    app.addHook("onClose", async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(onError);
      if (ownsDatabase) await database.close();
    });
    await app.ready();
    const fanoutReady = fanout;
    return {
      app,
      services,
      io,
      readyForSockets: async () => fanoutReady?.settled(),
      ...(admin.generatedPassword ? { generatedAdminPassword: admin.generatedPassword } : {}),
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    if (ownsDatabase) await database.close().catch(() => {});
    throw error;
  }
}
