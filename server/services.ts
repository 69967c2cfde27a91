/** Everything routes, socket handlers and jobs may use; built once by the composition root. */
import type { Logger } from "pino";
import type { CaseDeps } from "../cases/deps.ts";
import type { ChannelSenders } from "../cases/outbox.ts";
import type { Clock } from "../cases/ports.ts";
import type { ChatChannel } from "../channels/chat/chat-channel.ts";
import type { StatusUpdateOptions } from "../channels/status-updates/status-updates.ts";
import type { BlobStorage } from "../channels/storage.ts";
import type { Database, Db } from "../db/connect.ts";
import type { RoutingDeps } from "../routing/ports.ts";
import type { Router } from "../routing/router.ts";
import type { RoutingRunner } from "../routing/routing-runner.ts";
import type { CallbackPort } from "../sla/remedies.ts";
import type { SlaPolicyCache } from "../sla/sla-policies.ts";
import type { AuthService } from "./auth/auth-service.ts";
import type { Config } from "./config.ts";
import type { JobQueue } from "./jobs/job-queue.ts";
import type { Metrics } from "./metrics.ts";
import type { AgentNamespace, visitorPusher } from "./realtime/namespaces.ts";

export interface Services {
  config: Config;
  database: Database;
  db: Db;
  clock: Clock;
  cases: CaseDeps;
  routing: RoutingDeps;
  router: Router;
  /** Runs routing passes in this process, coalesced per queue. */
  routingRunner: RoutingRunner;
  /** SLA policies, cached briefly; cleared by changes made through this process. */
  slaPolicies: SlaPolicyCache;
  auth: AuthService;
  chat: ChatChannel;
  senders: ChannelSenders;
  /** Callbacks for callers holding on the line; null until the voice channel is configured. */
  callbacks: CallbackPort | null;
  jobs: JobQueue;
  metrics: Metrics;
  logger: Logger;
  /** Attachment bytes and raw message sources. */
  storage: BlobStorage;
  /** What customer updates need: the senders, links to the status page, quiet hours, templates. */
  statusUpdates: StatusUpdateOptions;
  /** Sends an event to every open widget of one web chat visitor. */
  pushToVisitor: ReturnType<typeof visitorPusher>;
  agentNamespace(): AgentNamespace;
}
