/**
 * `/chat`: web chat visitors. `hello` identifies the visitor by its signed token (or issues one) and
 * returns the conversation so far; `message` is acknowledged only after it is stored. Both are
 * limited per address (and messages per visitor): past the limit the ack says `rate_limited`, with
 * the seconds to wait, and nothing is stored.
 */
import { assertWithinLimit } from "../http/rate-limits.ts";
import type { Services } from "../services.ts";
import { ackError, type ChatNamespace, readPayload } from "./namespaces.ts";
import { type AckError, chatPayloads } from "./protocol.ts";
import { rooms } from "./publisher.ts";

type ChatServices = Pick<
  Services,
  "agentNamespace" | "chat" | "logger" | "metrics" | "limits" | "clientAddressOf"
>;

/**
 * Stores a visitor's message within the per-visitor and per-address limits; a message already
 * stored (re-sent after a reconnect) is acknowledged again, whatever the rate.
 */
async function storeWithinLimits(
  services: ChatServices,
  from: { visitorId: string; address: string },
  input: { body: string; clientId?: string },
): Promise<{ id: string; caseId: string }> {
  try {
    await assertWithinLimit(services.limits.chatMessagesByVisitor, from.visitorId, "messages");
    await assertWithinLimit(services.limits.chatMessagesByAddress, from.address, "messages");
  } catch (error) {
    const again = input.clientId ? await services.chat.stored(from.visitorId, input.clientId) : null;
    if (!again) throw error;
    return again;
  }
  const stored = await services.chat.receive(from.visitorId, input);
  return { id: stored.id, caseId: stored.caseId };
}

type RateAck = (response: { rating: number; comment: string | null } | AckError) => void;

/** The visitor's rating of their resolved chat, limited per address like the status page's ratings. */
async function rateChat(
  services: ChatServices,
  from: { visitorId: string | undefined; address: string },
  payload: unknown,
  ack?: RateAck,
): Promise<void> {
  const { logger } = services;
  if (!from.visitorId) return ack?.({ error: "hello_first", message: "Send 'hello' before rating." });
  const input = readPayload(chatPayloads.rate, payload, {
    event: "rate",
    logger,
    ...(ack ? { refuse: ack } : {}),
  });
  if (!input) return;
  try {
    await assertWithinLimit(services.limits.statusPosts, from.address, "replies and ratings");
    ack?.(await services.chat.rate(from.visitorId, input));
  } catch (error) {
    ack?.(ackError(error, logger));
  }
}

export function setupChatNamespace(ns: ChatNamespace, services: ChatServices): void {
  const { logger, limits } = services;
  ns.on("connection", (socket) => {
    const address = services.clientAddressOf(socket.request);
    services.metrics.socketConnections.inc({ namespace: "chat" });
    socket.on("disconnect", () => services.metrics.socketConnections.dec({ namespace: "chat" }));
    const visitorId = () => socket.data.visitorId;
    const refusal = (event: string, ack?: (error: AckError) => void) =>
      ({ event, logger, ...(ack ? { refuse: ack } : {}) }) as const;

    socket.on("hello", async (payload: unknown, ack?) => {
      const input = readPayload(chatPayloads.hello, payload ?? {}, refusal("hello", ack));
      if (!input) return;
      try {
        await assertWithinLimit(limits.chatHellos, address, "chat sessions");
        const result = await services.chat.hello(input);
        if (visitorId() && visitorId() !== result.visitorId) await socket.leave(rooms.visitor(visitorId()!));
        if (visitorId() !== result.visitorId) socket.data.introduced = false;
        socket.data.visitorId = result.visitorId;
        await socket.join(rooms.visitor(result.visitorId));
        ack?.({
          visitorToken: result.visitorToken,
          ...(result.caseId ? { caseId: result.caseId } : {}),
          history: result.history,
          live: result.live,
          availability: result.availability,
          widget: result.widget,
        });
      } catch (error) {
        ack?.(ackError(error, logger));
      }
    });

    socket.on("message", async (payload: unknown, ack?) => {
      const id = visitorId();
      if (!id) return ack?.({ error: "hello_first", message: "Send 'hello' before sending messages." });
      const input = readPayload(chatPayloads.message, payload, refusal("message", ack));
      if (!input) return;
      try {
        if (!socket.data.introduced) {
          await services.chat.assertIntroduced(id);
          socket.data.introduced = true;
        }
        ack?.(await storeWithinLimits(services, { visitorId: id, address }, input));
      } catch (error) {
        ack?.(ackError(error, logger));
      }
    });

    socket.on("message.leave", async (payload: unknown, ack?) => {
      const id = visitorId();
      if (!id) return ack?.({ error: "hello_first", message: "Send 'hello' before leaving a message." });
      const input = readPayload(chatPayloads["message.leave"], payload, refusal("message.leave", ack));
      if (!input) return;
      try {
        await assertWithinLimit(limits.chatMessagesByAddress, address, "messages");
        const left = await services.chat.leaveMessage(id, input);
        ack?.({ caseNumber: left.caseNumber });
      } catch (error) {
        ack?.(ackError(error, logger));
      }
    });

    socket.on("delivered", async (payload: unknown) => {
      const input = readPayload(chatPayloads.delivered, payload, refusal("delivered"));
      const id = visitorId();
      if (!input || !id) return;
      // A receipt has no ack to fail into: an unexpected failure is logged, with what it was for.
      await services.chat
        .markDelivered(id, input.id)
        .catch((error: unknown) =>
          logger.error({ err: error, interactionId: input.id }, "chat delivery receipt not recorded"),
        );
    });

    socket.on("rate", (payload: unknown, ack?) =>
      rateChat(services, { visitorId: visitorId(), address }, payload, ack),
    );

    socket.on("typing", async (payload: unknown) => {
      const input = readPayload(chatPayloads.typing, payload, refusal("typing"));
      const id = visitorId();
      if (!input || !id) return;
      const current = await services.chat.currentCase(id);
      if (current?.assigneeId) {
        services
          .agentNamespace()
          .to(rooms.agent(current.assigneeId))
          .to(rooms.case(current.caseId))
          .emit("typing", { caseId: current.caseId, from: "visitor", isTyping: input.isTyping });
      }
    });
  });
}
