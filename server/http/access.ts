/**
 * Deny by default: every route declares who may call it (`config.access`), and a route without a
 * declaration fails at start-up. Credentials are a bearer token or the session cookie.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { runActingThrough } from "../../cases/acting-through.ts";
import { EVERY_QUEUE, type QueueScope } from "../../cases/case-permissions.ts";
import { AppError } from "../../cases/errors.ts";
import type { AgentRole } from "../../db/schema/agents.ts";
import type { AgentRow } from "../auth/accounts.ts";
import { type ApiKeyIdentity, apiKeyLabel, looksLikeApiKey, type ResolvedApiKey } from "../auth/api-keys.ts";
import type { AuthService } from "../auth/auth-service.ts";
import { type ApiKeyRouteScope, apiKeyScopeOf, personOnlyReason } from "./api-key-scope.ts";

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
    /** The scope an API key needs here, when the one derived from the URL (api-key-scope.ts) is wrong. */
    apiScope?: ApiKeyRouteScope;
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
    /** The API key the request came with, when it did not come with a session. */
    apiKey?: ApiKeyIdentity;
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
  /** What an API key needs to call it (public routes need nothing). */
  apiScope?: ApiKeyRouteScope;
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
    /** The live API key a bearer token names, or null. */
    resolveApiKey: (token: string) => Promise<ResolvedApiKey | null>;
  },
): void {
  // Before the body is read: a form is refused whatever it carries.
  app.addHook("onRequest", async (request) => refuseForms(request));
  const table: RouteAccess[] = [];
  app.decorate("routeAccess", table);
  app.addHook("onRoute", (route) => {
    const config = route.config as
      | { access?: Access; worksCase?: boolean; proof?: RouteAccess["proof"]; apiScope?: ApiKeyRouteScope }
      | undefined;
    // Routes of third-party plugins we mount as public (the API docs) cannot declare it themselves.
    if (!config?.access && options.publicPrefixes.some((prefix) => route.url.startsWith(prefix)))
      route.config = { ...route.config, access: "public" };
    else if (!config?.access)
      throw new Error(`Route ${route.method} ${route.url} does not declare config.access.`);
    const access = (route.config as { access: Access }).access;
    for (const method of [route.method].flat()) {
      const apiScope =
        access === "public" ? undefined : (config?.apiScope ?? apiKeyScopeOf(method, route.url));
      // Kept on the route, so the request's check reads it rather than deriving it again.
      if (apiScope) route.config = { ...route.config, apiScope };
      table.push({
        method,
        url: route.url,
        access,
        worksCase: config?.worksCase === true,
        ...(config?.proof ? { proof: config.proof } : {}),
        ...(apiScope ? { apiScope } : {}),
      });
    }
  });

  // Who is asking is settled before the body is read or validated: an anonymous or under-privileged
  // caller learns nothing of a route's body schema from its validation errors.
  app.addHook("onRequest", async (request) => {
    const access = request.routeOptions.config.access;
    // The not-found handler answers 404 to everyone.
    if (access === "public" || request.is404) return;
    const token = credentialOf(request);
    const bearer = bearerTokenOf(request.headers);
    if (bearer !== undefined && looksLikeApiKey(bearer)) {
      await admitApiKey(request, await options.resolveApiKey(bearer), options.queueScopeOf);
      return;
    }
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

  // Last, right before the handler: the audit and security-log rows it writes name the key.
  app.addHook("preHandler", (request, _reply, done) => {
    const key = request.apiKey;
    if (!key || !request.agent) return done();
    runActingThrough({ agentId: request.agent.id, apiKeyId: key.id, label: apiKeyLabel(key) }, done);
  });
}

/** The queues a key limited to some queues reaches: those of them its admin may see. */
export function keyQueueScope(admin: QueueScope, key: ApiKeyIdentity): QueueScope {
  if (!key.queueIds) return admin;
  const queueIds = admin.limited ? key.queueIds.filter((id) => admin.queueIds.includes(id)) : key.queueIds;
  return { limited: true, queueIds: [...queueIds].sort(), bindsAdmins: true };
}

/**
 * An API key instead of a session: it must be live, hold the route's scope, and the route must not
 * be one only a person may call. It acts for its admin, narrowed to its queues.
 */
async function admitApiKey(
  request: FastifyRequest,
  resolved: ResolvedApiKey | null,
  queueScopeOf: (agent: AgentRow) => Promise<QueueScope>,
): Promise<void> {
  if (!resolved)
    throw new AppError(
      "UNAUTHENTICATED",
      "This API key is not valid: it is unknown, revoked or expired, or the admin who created it is no longer an active admin. Ask an admin for a new key.",
    );
  const needed = request.routeOptions.config.apiScope ?? "admin";
  if (needed === "person") throw new AppError("FORBIDDEN", personOnlyReason(request.routeOptions.url ?? ""));
  const { key, agent } = resolved;
  if (!key.scopes.includes(needed))
    throw new AppError(
      "FORBIDDEN",
      `${apiKeyLabel(key)} lacks the '${needed}' scope this route needs (it has ${key.scopes.join(", ")}). Create a key with that scope.`,
      { scope: needed },
    );
  request.agent = agent;
  request.apiKey = key;
  request.queueScope = keyQueueScope(await queueScopeOf(agent), key);
}
