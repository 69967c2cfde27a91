/**
 * `/agent`: the console's live channel. Signed-in users only (bearer token in `auth.token`, or the
 * session cookie from the console's own origin). Offers arrive here and are answered with acks.
 */
import { eq } from "drizzle-orm";
import { isAppError } from "../../cases/errors.ts";
import { cases } from "../../db/schema/cases.ts";
import { assertMaySeeCase } from "../../routing/case-permission.ts";
import { loadQueueScope } from "../../routing/queue-scope.ts";
import { findAgent } from "../auth/accounts.ts";
import { looksLikeApiKey } from "../auth/api-keys.ts";
import { isOwnOrigin, SESSION_COOKIE } from "../http/access.ts";
import type { Services } from "../services.ts";
import { announceLeavingViewer, announceViewers, relayAgentTyping } from "./case-presence.ts";
import { type AgentNamespace, type AgentSocket, ackError, readPayload } from "./namespaces.ts";
import type { AckError, AgentAck } from "./protocol.ts";
import { agentPayloads } from "./protocol.ts";
import { offerPayload, rooms } from "./publisher.ts";
import { supervisorRoomsFor } from "./scope-rooms.ts";

/** The services the agent namespace uses. */
type AgentNamespaceServices = Pick<
  Services,
  "auth" | "config" | "db" | "logger" | "metrics" | "pushToVisitor" | "router" | "routing"
>;

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

/** A refused connection the client should retry: `connect_error` with `data.code` "TEMPORARY". */
function temporaryFailure(): Error & { data: { code: "TEMPORARY" } } {
  const error = new Error("temporary: the server could not check the session; try again shortly");
  return Object.assign(error, { data: { code: "TEMPORARY" as const } });
}

/** Admits signed-in users only: a bearer token in `auth.token`, or the session cookie from our origin. */
function authenticateAgent(services: AgentNamespaceServices): Parameters<AgentNamespace["use"]>[0] {
  return async (socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown };
    let token = typeof auth.token === "string" ? auth.token : undefined;
    // The cookie is honoured only from our own origin, so another site cannot ride an agent's session.
    if (
      !token &&
      isOwnOrigin(socket.handshake.headers.origin, socket.handshake.headers.host, services.config.publicUrl)
    )
      token = cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
    // The live channel is for people at a console; an integration's key is never a session here.
    if (token && looksLikeApiKey(token))
      return next(
        new Error(
          "unauthorized: API keys cannot connect to the console's live channel; they call the HTTP API",
        ),
      );
    let session: Awaited<ReturnType<AgentNamespaceServices["auth"]["authenticate"]>> = null;
    try {
      session = token ? await services.auth.authenticate(token) : null;
    } catch (error) {
      // Not knowing is not "unauthorized": a console told that signs its agent out, and a database
      // blip during a reconnect storm would sign out every agent. Say it may pass, and log why.
      services.logger.error({ err: error, namespace: "/agent" }, "socket sign-in check failed");
      return next(temporaryFailure());
    }
    if (!session)
      return next(new Error("unauthorized: sign in (the session cookie, or a bearer token as auth.token)"));
    socket.data.agent = session.agent;
    socket.data.sessionId = session.sessionId;
    next();
  };
}

/** How a bad payload is refused: `{ ok: false, error, message }` through the ack, when there is one. */
function refusal<Success extends object>(
  event: string,
  services: AgentNamespaceServices,
  ack: ((response: AgentAck<Success>) => void) | undefined,
) {
  return {
    event,
    logger: services.logger,
    ...(ack ? { refuse: (error: AckError) => ack({ ok: false, ...error }) } : {}),
  };
}

/** `offer.accept` and `offer.reject`, answered through their acks. */
function answerOffers(socket: AgentSocket, services: AgentNamespaceServices): void {
  const agentId = socket.data.agent.id;
  const answer =
    <Success extends object>(
      event: "offer.accept" | "offer.reject",
      handler: (offerId: string) => Promise<Success>,
    ) =>
    async (payload: unknown, ack?: (response: AgentAck<Success>) => void) => {
      const input = readPayload(agentPayloads[event], payload, refusal(event, services, ack));
      if (!input) return;
      try {
        ack?.({ ok: true, ...(await handler(input.offerId)) });
      } catch (error) {
        ack?.({ ok: false, ...ackError(error, services.logger) });
      }
    };
  socket.on(
    "offer.accept",
    answer("offer.accept", async (offerId) => {
      const row = await services.router.acceptOffer({ offerId, agentId });
      return { caseId: row.id };
    }),
  );
  socket.on(
    "offer.reject",
    answer("offer.reject", async (offerId) => {
      await services.router.rejectOffer({ offerId, agentId });
      return {};
    }),
  );
}

/**
 * Whether the person may watch the case, with their scope as it is now (an admin may have changed it
 * since the socket connected): a console never joins the room of a case its person may not see.
 */
async function maySeeNow(
  services: AgentNamespaceServices,
  agentId: string,
  caseId: string,
): Promise<boolean> {
  const person = await findAgent(services.db, agentId);
  if (!person) return false;
  const scope = await loadQueueScope(services.db, person);
  if (!scope.limited) return true;
  try {
    await assertMaySeeCase(services.routing, { id: person.id, role: person.role, scope }, caseId);
    return true;
  } catch (error) {
    if (isAppError(error, "NOT_FOUND")) return false;
    throw error;
  }
}

export function setupAgentNamespace(ns: AgentNamespace, services: AgentNamespaceServices): void {
  ns.use(authenticateAgent(services));
  ns.on("connection", async (socket) => {
    const { agent, sessionId } = socket.data;
    services.metrics.socketConnections.inc({ namespace: "agent" });
    socket.on("disconnect", () => services.metrics.socketConnections.dec({ namespace: "agent" }));
    const scope = await loadQueueScope(services.db, agent);
    await socket.join([
      rooms.agents,
      rooms.agent(agent.id),
      rooms.session(sessionId),
      ...supervisorRoomsFor(agent.role, scope),
    ]);

    answerOffers(socket, services);
    const watch =
      (event: "case.watch" | "case.unwatch") =>
      async (payload: unknown, ack?: (response: AgentAck) => void) => {
        const input = readPayload(agentPayloads[event], payload, refusal(event, services, ack));
        if (!input) return;
        if (event === "case.watch") {
          if (!(await maySeeNow(services, agent.id, input.caseId)))
            return ack?.({
              ok: false,
              error: "not_found",
              message: `Case '${input.caseId}' does not exist.`,
            });
          await socket.join(rooms.case(input.caseId));
        } else await socket.leave(rooms.case(input.caseId));
        ack?.({ ok: true });
        await announceViewers(ns, input.caseId);
      };
    announceLeavingViewer(ns, socket, (error) =>
      services.logger.warn({ err: error }, "case viewers not announced"),
    );
    socket.on("case.watch", watch("case.watch"));
    socket.on("case.unwatch", watch("case.unwatch"));
    socket.on("typing", async (payload: unknown) => {
      const input = readPayload(agentPayloads.typing, payload, refusal("typing", services, undefined));
      if (!input) return;
      relayAgentTyping(socket, input.caseId, input.isTyping);
      const [row] = await services.db
        .select({ channel: cases.channel, customerAddress: cases.customerAddress })
        .from(cases)
        .where(eq(cases.id, input.caseId));
      if (row?.channel === "chat")
        services.pushToVisitor(row.customerAddress, "typing", { from: "agent", isTyping: input.isTyping });
    });

    // A console that (re)connects gets the offers still waiting for it.
    for (const offer of await services.router.pendingOffersFor(agent.id)) {
      const payload = await offerPayload(services.db, {
        offerId: offer.id,
        caseId: offer.caseId,
        expiresAt: offer.expiresAt,
      });
      if (payload) socket.emit("offer", payload);
    }
  });
}
