/**
 * `/agent`: the console's live channel. Signed-in users only (bearer token in `auth.token`, or the
 * session cookie from the console's own origin). Offers arrive here and are answered with acks.
 */
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { Namespace, Socket } from "socket.io";
import { z } from "zod";
import { errorName, isAppError } from "../../cases/errors.ts";
import { cases } from "../../db/schema/cases.ts";
import type { AgentRow } from "../auth/accounts.ts";
import { hasRole, SESSION_COOKIE } from "../http/access.ts";
import type { Services } from "../services.ts";
import { offerPayload, rooms } from "./publisher.ts";

const offerAnswer = z.object({ offerId: z.uuid() });
const caseRef = z.object({ caseId: z.uuid() });
const typing = z.object({ caseId: z.uuid(), isTyping: z.boolean() });

export type Ack = (response: Record<string, unknown>) => void;

/** Turns a thrown error into the `{ error, message }` an ack carries; unexpected ones are logged. */
export function ackError(error: unknown, logger?: Logger): { error: string; message: string } {
  if (isAppError(error)) return { error: errorName(error.code), message: error.message };
  if (error instanceof z.ZodError) {
    return {
      error: "validation_failed",
      message: error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; "),
    };
  }
  logger?.error({ err: error }, "socket event failed");
  return { error: "internal", message: "Something went wrong on the server; it has been logged." };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

function sameOrigin(socket: Socket, publicUrl: string): boolean {
  const origin = socket.handshake.headers.origin;
  if (!origin) return true;
  const host = socket.handshake.headers.host;
  return origin === new URL(publicUrl).origin || (host !== undefined && new URL(origin).host === host);
}

/** A refused connection the client should retry: `connect_error` with `data.code` "TEMPORARY". */
function temporaryFailure(): Error & { data: { code: "TEMPORARY" } } {
  const error = new Error("temporary: the server could not check the session; try again shortly");
  return Object.assign(error, { data: { code: "TEMPORARY" as const } });
}

export function setupAgentNamespace(
  ns: Namespace,
  services: Pick<Services, "auth" | "config" | "db" | "logger" | "metrics" | "pushToVisitor" | "router">,
): void {
  ns.use(async (socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown };
    let token = typeof auth.token === "string" ? auth.token : undefined;
    // The cookie is honoured only from our own origin, so another site cannot ride an agent's session.
    if (!token && sameOrigin(socket, services.config.publicUrl))
      token = cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
    let session: Awaited<ReturnType<Services["auth"]["authenticate"]>> = null;
    try {
      session = token ? await services.auth.authenticate(token) : null;
    } catch (error) {
      // Not knowing is not "unauthorized": a console told that signs its agent out, and a database
      // blip during a reconnect storm would sign out every agent. Say it may pass, and log why.
      services.logger.error({ err: error, namespace: "/agent" }, "socket sign-in check failed");
      return next(temporaryFailure());
    }
    if (!session) return next(new Error("unauthorized: sign in and pass the token as auth.token"));
    socket.data.agent = session.agent;
    socket.data.sessionId = session.sessionId;
    next();
  });

  ns.on("connection", async (socket) => {
    const agent = socket.data.agent as AgentRow;
    services.metrics.socketConnections.inc({ namespace: "agent" });
    socket.on("disconnect", () => services.metrics.socketConnections.dec({ namespace: "agent" }));
    await socket.join([rooms.agents, rooms.agent(agent.id), rooms.session(socket.data.sessionId as string)]);
    if (hasRole(agent, "supervisor")) await socket.join(rooms.supervisors);

    const answer =
      (handler: (offerId: string) => Promise<Record<string, unknown>>) =>
      async (payload: unknown, ack?: Ack) => {
        try {
          const { offerId } = offerAnswer.parse(payload);
          ack?.({ ok: true, ...(await handler(offerId)) });
        } catch (error) {
          ack?.({ ok: false, ...ackError(error, services.logger) });
        }
      };
    socket.on(
      "offer.accept",
      answer(async (offerId) => {
        const row = await services.router.acceptOffer({ offerId, agentId: agent.id });
        return { caseId: row.id };
      }),
    );
    socket.on(
      "offer.reject",
      answer(async (offerId) => {
        await services.router.rejectOffer({ offerId, agentId: agent.id });
        return {};
      }),
    );
    socket.on("case.watch", async (payload: unknown, ack?: Ack) => {
      const parsed = caseRef.safeParse(payload);
      if (!parsed.success) return ack?.({ ok: false, ...ackError(parsed.error, services.logger) });
      await socket.join(rooms.case(parsed.data.caseId));
      ack?.({ ok: true });
    });
    socket.on("case.unwatch", async (payload: unknown, ack?: Ack) => {
      const parsed = caseRef.safeParse(payload);
      if (!parsed.success) return ack?.({ ok: false, ...ackError(parsed.error, services.logger) });
      await socket.leave(rooms.case(parsed.data.caseId));
      ack?.({ ok: true });
    });
    socket.on("typing", async (payload: unknown) => {
      const parsed = typing.safeParse(payload);
      if (!parsed.success) return;
      const [row] = await services.db
        .select({ channel: cases.channel, customerAddress: cases.customerAddress })
        .from(cases)
        .where(eq(cases.id, parsed.data.caseId));
      if (row?.channel === "chat")
        services.pushToVisitor(row.customerAddress, "typing", {
          from: "agent",
          isTyping: parsed.data.isTyping,
        });
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
