/**
 * The composition root: the app is a chain of fastify plugins, each naming the ones it depends on,
 * registered in order — external clients (database, job queue, Redis and websockets, Twilio, the
 * senders) → domain services (case core, routing, SLA, sign-in) → channels (chat, email, voice) →
 * the HTTP edge and routes → socket namespaces → jobs. Each builds its part once; nothing is
 * reassigned after start-up. See docs/architecture.md.
 */
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RouteOptions,
} from "fastify";
import { type DestinationStream, type Logger, pino } from "pino";
import type { Clock } from "../cases/ports.ts";
import type { Database } from "../db/connect.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./database.ts";
import { proxyTrust } from "./http/client-address.ts";
import { channels } from "./plugins/channels.ts";
import { clients } from "./plugins/clients.ts";
import { domain } from "./plugins/domain.ts";
import { http } from "./plugins/http.ts";
import { jobs } from "./plugins/jobs.ts";
import { createLifecycle } from "./plugins/lifecycle.ts";
import { routes } from "./plugins/routes.ts";
import { sockets } from "./plugins/sockets.ts";
import type { SwitchboardServer } from "./realtime/namespaces.ts";
import type { Services } from "./services.ts";

export interface BuildOptions {
  /** An already-open database; otherwise one is opened from the config and closed with the app. */
  database?: Database;
  /** Close `database` with the app (main.ts opens it while this module loads); tests close their own. */
  ownsDatabase?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Sees every route as it is added (tests enumerate the route table with it). */
  onRoute?: (route: RouteOptions) => void;
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

/** The app's logger; `destination` (tests read what was logged) defaults to standard output. */
export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream): Logger {
  return pino({ level: config.logLevel, redact: { paths: REDACT, censor: "[redacted]" } }, destination);
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<BuiltApp> {
  const logger = options.logger ?? createLogger(config);
  const ownsDatabase = options.ownsDatabase ?? !options.database;
  const database = options.database ?? (await openDatabase(config));
  const lifecycle = createLifecycle();
  const shutDown = async () => {
    await lifecycle.close((error) => logger.error({ err: error }, "a shutdown step failed"));
    if (ownsDatabase) await database.close();
  };
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.maxBodyBytes,
    // fastify takes a hop count as "trust nothing"; the function says what TRUST_PROXY means.
    trustProxy: config.trustProxy === false ? false : proxyTrust(config.trustProxy),
    // Per-request lines would drown the log; the metrics histogram counts requests instead.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook("onClose", shutDown);
  if (options.onRoute) app.addHook("onRoute", options.onRoute);
  try {
    const clock = options.clock ?? (() => new Date());
    await app.register(clients, { config, logger, clock, database, lifecycle });
    await app.register(domain);
    await app.register(channels);
    await app.register(http);
    await app.register(routes);
    await app.register(sockets);
    await app.register(jobs);
    await app.ready();
    // The channels' start steps (mailboxes begin fetching), once everything they use runs.
    await lifecycle.start();
  } catch (error) {
    await shutDown().catch(() => {});
    throw error;
  }
  const admin = await app.domain.firstAdmin;
  const { fanout, io } = app.clients;
  return {
    app,
    services: app.services,
    io,
    readyForSockets: async () => fanout?.settled(),
    ...(admin.generatedPassword ? { generatedAdminPassword: admin.generatedPassword } : {}),
  };
}
