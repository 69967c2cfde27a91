/**
 * Deny by default: every route declares who may call it (`config.access`), and a route without a
 * declaration fails at start-up. Credentials are a bearer token or the session cookie.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { EVERY_QUEUE, type QueueScope } from "../../cases/case-permissions.ts";
import { AppError } from "../../cases/errors.ts";
import type { AgentRole } from "../../db/schema/agents.ts";
import type { AgentRow } from "../auth/accounts.ts";
import type { AuthService } from "../auth/auth-service.ts";

export type Access = "public" | AgentRole;

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * The route works the case in `:id` (replies, edits, actions, calls): an agent must be allowed to
     * work that case (cases/case-permissions.ts), checked once the id is validated.
     */
    worksCase?: boolean;
    /**
     * The route reads the case in `:id` (or adds a note to it): a person limited to some queues must
     * be allowed to see it, or the answer is 404 as for a case that does not exist.
     */
    seesCase?: boolean;
    /** What a public route requires instead of a session: Twilio's signature, or a signed status link. */
    proof?: "twilio-signature" | "status-link" | "mailed-link";
  }
  interface FastifyInstance {
    /** Every route's declared access, in registration order (the README's route × role matrix). */
    routeAccess: RouteAccess[];
  }
  interface FastifyRequest {
    agent?: AgentRow;
    sessionId?: string;
    /** When the request's session ends. */
    sessionExpiresAt?: Date;
    /** The queues the signed-in person may see (cases/case-permissions.ts); every queue for most. */
    queueScope?: QueueScope;
  }
}

export const SESSION_COOKIE = "sb_session";

const RANK: Record<AgentRole, number> = { agent: 1, supervisor: 2, admin: 3 };

export function hasRole(agent: { role: AgentRole }, minimum: AgentRole): boolean {
  return RANK[agent.role] >= RANK[minimum];
}

/** The bearer token of an `Authorization` header, if it carries one. */
function bearerTokenOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers.authorization;
  if (typeof header === "string" && header.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  return undefined;
}

export function credentialOf(request: {
  headers: Record<string, string | string[] | undefined>;
  cookies?: Record<string, string | undefined>;
}): string | undefined {
  return bearerTokenOf(request.headers) ?? request.cookies?.[SESSION_COOKIE];
}

/**
 * Whether a browser's `Origin` is one of our own pages: PUBLIC_URL's origin, or this host as the
 * request reached it (host and port). No `Origin` at all is not a browser page on another site.
 */
export function isOwnOrigin(
  origin: string | undefined,
  host: string | undefined,
  publicUrl: string,
): boolean {
  if (origin === undefined || origin === new URL(publicUrl).origin) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The signed-in agent of a request that passed the access check. */
export function currentAgent(request: FastifyRequest): AgentRow {
  if (!request.agent) throw new AppError("UNAUTHENTICATED", "Sign in first.");
  return request.agent;
}

/** The queues the request's person may see: every queue unless an admin limited them. */
export function currentScope(request: FastifyRequest): QueueScope {
  return request.queueScope ?? EVERY_QUEUE;
}

/** The request's person as the case rule takes them. */
export function currentActor(request: FastifyRequest) {
  const agent = currentAgent(request);
  return { id: agent.id, role: agent.role, scope: currentScope(request) };
}

/** Bodies a plain HTML form can send: the API never takes them (only provider webhooks do). */
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function refuseForms(request: FastifyRequest): void {
  if (!request.url.startsWith("/api/")) return;
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (FORM_TYPES.includes(type))
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `The API takes JSON bodies (content-type: application/json), not ${type}.`,
    );
}

/**
 * A change made with the session cookie must come from our own pages (ASVS 4.2.2): a browser says
 * where a request comes from in `Sec-Fetch-Site` and `Origin`, and a page on another origin — another
 * port of the same host included — is refused. Requests without either header do not come from a
 * browser page, so they cannot ride a victim's cookie. Bearer tokens are not sent by browsers on
 * their own and need no check.
 */
function assertOwnOrigin(request: FastifyRequest, publicUrl: string): void {
  const site = request.headers["sec-fetch-site"];
  const fromElsewhere =
    (typeof site === "string" && site !== "same-origin" && site !== "none") ||
    !isOwnOrigin(request.headers.origin, request.headers.host, publicUrl);
  if (fromElsewhere)
    throw new AppError(
      "FORBIDDEN",
      "A change made with the session cookie must come from Switchboard's own pages (origin refused). Integrations sign in with a bearer token.",
    );
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
  worksCase: boolean;
  proof?: "twilio-signature" | "status-link" | "mailed-link";
}

/**
 * Throws FORBIDDEN when the agent may not work the case, NOT_FOUND when it is outside the queues they
 * may see; a case that does not exist is the route's 404.
 */
export type CaseWorkCheck = (agent: AgentRow, scope: QueueScope, caseId: string) => Promise<void>;

export function installAccessControl(
  app: FastifyInstance,
  auth: AuthService,
  options: {
    publicPrefixes: string[];
    publicUrl: string;
    mayWorkCase: CaseWorkCheck;
    maySeeCase: CaseWorkCheck;
    queueScopeOf: (agent: AgentRow) => Promise<QueueScope>;
  },
): void {
  // Before the body is read: a form is refused whatever it carries.
  app.addHook("onRequest", async (request) => refuseForms(request));
  const table: RouteAccess[] = [];
  app.decorate("routeAccess", table);
  app.addHook("onRoute", (route) => {
    const config = route.config as
      | { access?: Access; worksCase?: boolean; proof?: RouteAccess["proof"] }
      | undefined;
    // Routes of third-party plugins we mount as public (the API docs) cannot declare it themselves.
    if (!config?.access && options.publicPrefixes.some((prefix) => route.url.startsWith(prefix)))
      route.config = { ...route.config, access: "public" };
    else if (!config?.access)
      throw new Error(`Route ${route.method} ${route.url} does not declare config.access.`);
    const access = (route.config as { access: Access }).access;
    for (const method of [route.method].flat())
      table.push({
        method,
        url: route.url,
        access,
        worksCase: config?.worksCase === true,
        ...(config?.proof ? { proof: config.proof } : {}),
      });
  });

  // Who is asking is settled before the body is read or validated: an anonymous or under-privileged
  // caller learns nothing of a route's body schema from its validation errors.
  app.addHook("onRequest", async (request) => {
    const access = request.routeOptions.config.access;
    // The not-found handler answers 404 to everyone.
    if (access === "public" || request.is404) return;
    const token = credentialOf(request);
    const session = token ? await auth.authenticate(token) : null;
    if (!session)
      throw new AppError("UNAUTHENTICATED", "Sign in first: send a bearer token or the session cookie.");
    const byCookie = bearerTokenOf(request.headers) === undefined;
    if (byCookie && !SAFE_METHODS.has(request.method)) assertOwnOrigin(request, options.publicUrl);
    request.agent = session.agent;
    request.sessionId = session.sessionId;
    request.sessionExpiresAt = session.expiresAt;
    if (!hasRole(session.agent, access ?? "admin")) {
      throw new AppError(
        "FORBIDDEN",
        `This needs the ${access} role; you are signed in as ${session.agent.role}.`,
      );
    }
    request.queueScope = await options.queueScopeOf(session.agent);
  });

  // After validation, so `:id` is a well-formed case id.
  app.addHook("preHandler", async (request) => {
    const { worksCase, seesCase } = request.routeOptions.config;
    if (!(worksCase || seesCase) || !request.agent) return;
    const { id } = request.params as { id?: string };
    if (!id) return;
    if (worksCase) await options.mayWorkCase(request.agent, currentScope(request), id);
    else await options.maySeeCase(request.agent, currentScope(request), id);
  });
}
