/**
 * `/chat`: web chat visitors. `hello` identifies the visitor by its signed token (or issues one) and
 * returns the conversation so far; `message` is acknowledged only after it is stored.
 */
import type { Namespace } from "socket.io";
import { z } from "zod";
import { MAX_CHAT_MESSAGE_LENGTH } from "../../channels/chat/chat-channel.ts";
import type { Services } from "../services.ts";
import { type Ack, ackError } from "./agent-namespace.ts";
import { rooms } from "./publisher.ts";

const hello = z.object({
  visitorToken: z.string().max(200).optional(),
  name: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
});
const message = z.object({
  body: z.string().min(1, "cannot be empty").max(MAX_CHAT_MESSAGE_LENGTH),
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, "8–64 letters, digits, '-' or '_'")
    .optional(),
});
const delivered = z.object({ id: z.uuid() });
const typing = z.object({ isTyping: z.boolean() });

export function setupChatNamespace(
  ns: Namespace,
  services: Pick<Services, "agentNamespace" | "chat" | "logger" | "metrics">,
): void {
  ns.on("connection", (socket) => {
    services.metrics.socketConnections.inc({ namespace: "chat" });
    socket.on("disconnect", () => services.metrics.socketConnections.dec({ namespace: "chat" }));
    const visitorId = () => socket.data.visitorId as string | undefined;

    socket.on("hello", async (payload: unknown, ack?: Ack) => {
      try {
        const input = hello.parse(payload ?? {});
        const result = await services.chat.hello(input);
        if (visitorId() && visitorId() !== result.visitorId) await socket.leave(rooms.visitor(visitorId()!));
        socket.data.visitorId = result.visitorId;
        await socket.join(rooms.visitor(result.visitorId));
        ack?.({
          visitorToken: result.visitorToken,
          ...(result.caseId ? { caseId: result.caseId } : {}),
          history: result.history,
        });
      } catch (error) {
        ack?.(ackError(error, services.logger));
      }
    });

    socket.on("message", async (payload: unknown, ack?: Ack) => {
      try {
        const id = visitorId();
        if (!id) return ack?.({ error: "hello_first", message: "Send 'hello' before sending messages." });
        const input = message.parse(payload);
        const stored = await services.chat.receive(id, input);
        ack?.({ id: stored.id, caseId: stored.caseId });
      } catch (error) {
        ack?.(ackError(error, services.logger));
      }
    });

    socket.on("delivered", async (payload: unknown) => {
      const parsed = delivered.safeParse(payload);
      const id = visitorId();
      if (!parsed.success || !id) return;
      // A receipt has no ack to fail into: an unexpected failure is logged, with what it was for.
      await services.chat
        .markDelivered(id, parsed.data.id)
        .catch((error: unknown) =>
          services.logger.error(
            { err: error, interactionId: parsed.data.id },
            "chat delivery receipt not recorded",
          ),
        );
    });

    socket.on("typing", async (payload: unknown) => {
      const parsed = typing.safeParse(payload);
      const id = visitorId();
      if (!parsed.success || !id) return;
      const current = await services.chat.currentCase(id);
      if (current?.assigneeId) {
        services
          .agentNamespace()
          .to(rooms.agent(current.assigneeId))
          .to(rooms.case(current.caseId))
          .emit("typing", {
            caseId: current.caseId,
            from: "visitor",
            isTyping: parsed.data.isTyping,
          });
      }
    });
  });
}
