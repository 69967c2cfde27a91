/**
 * First plugin: the external clients everything else is built on — the database (migrated), the
 * server secret, the job queue, Redis and the websocket server, file storage, Twilio's REST API and
 * the outbound channel senders. Nothing here knows a case or a route.
 */
import type { IncomingMessage } from "node:http";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { Server } from "socket.io";
import type { ChannelSenders } from "../../cases/channel-sender.ts";
import type { Clock } from "../../cases/ports.ts";
import { createChatSender } from "../../channels/chat/chat-channel.ts";
import { createEmailSender } from "../../channels/email/email-sender.ts";
import type { MailTokenDeps } from "../../channels/email/mailbox-oauth.ts";
import { createSystemMailer, type SystemMailer, systemMailJob } from "../../channels/email/system-mail.ts";
import { createSmsSender } from "../../channels/sms/sms-sender.ts";
import { type BlobStorage, createDiskStorage } from "../../channels/storage.ts";
import { createTwilioApi, type TwilioApi } from "../../channels/twilio/twilio-client.ts";
import type { Database, Db } from "../../db/connect.ts";
import { runMigrations } from "../../db/migrate.ts";
import type { Config } from "../config.ts";
import { clientAddress, proxyTrust } from "../http/client-address.ts";
import { createPublicLimits, type PublicLimits } from "../http/rate-limits.ts";
import { InProcessJobQueue } from "../jobs/in-process-queue.ts";
import { appQueueLayout } from "../jobs/job-catalogue.ts";
import type { JobEvents, JobQueue } from "../jobs/job-queue.ts";
import { createMetrics, type Metrics } from "../metrics.ts";
import type { Fanout } from "../realtime/fanout.ts";
import {
  type NoEvents,
  type SwitchboardServer,
  type VisitorPusher,
  visitorPusher,
} from "../realtime/namespaces.ts";
import type { InterServerEvents } from "../realtime/protocol.ts";
import { ensureSecret } from "../secrets.ts";
import type { Lifecycle } from "./lifecycle.ts";

export interface ClientsOptions {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: Database;
  lifecycle: Lifecycle;
}

/** Whether outbound email has a mailbox to send from; the email channel keeps it current. */
export interface EmailSending {
  available: boolean;
}

export interface AppClients {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: Database;
  db: Db;
  /** Signs tokens and seals stored credentials. */
  secret: string;
  metrics: Metrics;
  jobs: JobQueue;
  /** The websocket server; its namespaces get their handlers from the sockets plugin. */
  io: SwitchboardServer;
  /** Set when several processes share Redis. */
  fanout: Fanout | null;
  /** A Redis connection for commands (rate-limit counters), when REDIS_URL is set. */
  redis: Redis | null;
  /** Counters of the public surfaces outside fastify's routes (chat socket, status-page posts). */
  limits: PublicLimits;
  /** The client's address of a raw request (a socket's handshake), believing TRUST_PROXY's hops only. */
  clientAddressOf: (request: IncomingMessage) => string;
  /** Attachment bytes and raw message sources. */
  storage: BlobStorage;
  /** Access tokens of mailboxes that sign in with OAuth (Microsoft 365, Google). */
  mailTokens: MailTokenDeps;
  /** Twilio's REST API, when TWILIO_* is set. */
  twilio: TwilioApi | null;
  emailSending: EmailSending;
  /** Invitations, reset links and email proofs, through the mailbox chosen for system mail. */
  systemMail: SystemMailer;
  /** One sender per channel that can send: chat always, SMS with Twilio, email while a mailbox can. */
  senders: ChannelSenders;
  /** Sends an event to every open widget of one web chat visitor, on any server process. */
  pushToVisitor: VisitorPusher;
  lifecycle: Lifecycle;
}

declare module "fastify" {
  interface FastifyInstance {
    clients: AppClients;
  }
}

function jobQueueEvents(metrics: Metrics, logger: Logger): JobEvents {
  return {
    onCompleted: (name) => metrics.jobs.inc({ name, outcome: "completed" }),
    onFailed: (name, jobId, error, final) => {
      metrics.jobs.inc({ name, outcome: final ? "failed" : "retrying" });
      logger.warn({ err: error, job: name, jobId, final }, final ? "job failed" : "job failed; will retry");
    },
  };
}

async function openJobQueue(config: Config, events: JobEvents): Promise<JobQueue> {
  const layout = appQueueLayout(config.jobConcurrency);
  // BullMQ and ioredis are a quarter of the files the server would load: only a process that uses
  // Redis loads them.
  if (!config.redisUrl) return new InProcessJobQueue(events, layout);
  const { BullMqJobQueue } = await import("../jobs/bullmq-queue.ts");
  return new BullMqJobQueue({ redisUrl: config.redisUrl, prefix: config.jobPrefix, layout }, events);
}

/**
 * Redis for the websocket fan-out between processes and the shared rate-limit counters; none
 * without REDIS_URL.
 */
async function openRedis(
  config: Config,
  io: SwitchboardServer,
  lifecycle: Lifecycle,
): Promise<{ fanout: Fanout | null; redis: Redis | null }> {
  if (!config.redisUrl) return { fanout: null, redis: null };
  // Loaded only with Redis: one process without it starts without these modules.
  const [{ Redis }, { createFanout }] = await Promise.all([
    import("ioredis"),
    import("../realtime/fanout.ts"),
  ]);
  const pub = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  const fanout = createFanout(pub, sub, `${config.jobPrefix}-socket.io`);
  io.adapter(fanout.adapter);
  // Closed last: jobs and pushes still in flight use these connections.
  lifecycle.onCloseLast(async () => {
    fanout.stop();
    await Promise.allSettled([pub.quit(), sub.quit()]);
  });
  return { fanout, redis: pub };
}

async function clientsPlugin(app: FastifyInstance, options: ClientsOptions): Promise<void> {
  const { config, logger, clock, database, lifecycle } = options;
  await runMigrations(database);
  const { db } = database;
  const secret = config.secretKey ?? (await ensureSecret(db));
  let jobs: JobQueue | undefined;
  const metrics = createMetrics({
    statementCount: () => database.statementCount(),
    // `jobs` exists by the time anything scrapes.
    jobStats: () => jobs!.stats(),
  });
  jobs = await openJobQueue(config, jobQueueEvents(metrics, logger));
  const queue = jobs;
  lifecycle.onClose(() => queue.close());

  const io: SwitchboardServer = new Server<NoEvents, NoEvents, InterServerEvents>(app.server, {
    serveClient: false,
    // The chat widget runs on customers' own sites.
    cors: { origin: true, credentials: true },
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
  });
  const { fanout, redis } = await openRedis(config, io, lifecycle);
  const trust = proxyTrust(config.trustProxy);

  const twilio = config.twilio ? createTwilioApi(config.twilio) : null;
  const mailTokens: MailTokenDeps = {
    db,
    secret,
    apps: config.mailOauth,
    now: () => clock().getTime(),
    onGrantRefused: async (mailboxId) => {
      logger.warn({ mailboxId }, "mailbox OAuth sign-in refused by the provider; admins told");
      const job = systemMailJob("mailbox-signin", `${mailboxId}_${clock().getTime()}`);
      await queue.enqueue(job.name, job.data, job.options);
    },
  };
  const emailSender = createEmailSender({ db, secret, env: config.email, tokens: mailTokens });
  lifecycle.onClose(async () => emailSender.close());
  const emailSending: EmailSending = { available: false };
  const sms = twilio ? createSmsSender({ db, twilio, publicUrl: config.publicUrl }) : undefined;
  const pushToVisitor = visitorPusher(() => io);
  const senders: ChannelSenders = Object.freeze({
    chat: createChatSender(pushToVisitor),
    ...(sms ? { sms } : {}),
    // Present only while some mailbox can send: customer updates then skip email, and a reply
    // fails with a reason instead of waiting on a sender that cannot send.
    get email() {
      return emailSending.available ? emailSender : undefined;
    },
  });

  app.decorate("clients", {
    config,
    logger,
    clock,
    database,
    db,
    secret,
    metrics,
    jobs,
    io,
    fanout,
    redis,
    limits: createPublicLimits(config.rateLimits, { redis, prefix: config.jobPrefix }),
    clientAddressOf: (request) => clientAddress(request, trust),
    storage: createDiskStorage(join(resolve(config.dataDir), "files")),
    twilio,
    emailSending,
    systemMail: createSystemMailer({ db, secret, env: config.email, tokens: mailTokens }),
    mailTokens,
    senders,
    pushToVisitor,
    lifecycle,
  } satisfies AppClients);
}

export const clients = fp(clientsPlugin, { name: "switchboard-clients", fastify: "5.x" });
