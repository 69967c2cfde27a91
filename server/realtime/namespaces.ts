/**
 * The server's socket.io types, from the protocol (protocol.ts), and the one way a client event's
 * payload is read: through its schema, a bad one answered with an ack error or, without an ack,
 * dropped and logged.
 */
import type { Logger } from "pino";
import type { Namespace, Server, Socket } from "socket.io";
import { z } from "zod";
import { errorName, isAppError } from "../../cases/errors.ts";
import type {
  AckError,
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  AgentSocketData,
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  ChatSocketData,
  InterServerEvents,
} from "./protocol.ts";
import { rooms } from "./publisher.ts";

export type NoEvents = Record<never, never>;
/** The root server: its own namespace carries no events; only processes talk to each other on it. */
export type SwitchboardServer = Server<NoEvents, NoEvents, InterServerEvents>;
export type AgentNamespace = Namespace<
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  InterServerEvents,
  AgentSocketData
>;
export type AgentSocket = Socket<
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  InterServerEvents,
  AgentSocketData
>;
export type ChatNamespace = Namespace<
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  InterServerEvents,
  ChatSocketData
>;

// socket.io types every namespace like the root one; these give each its own protocol.
export const agentNamespaceOf = (io: SwitchboardServer) => io.of("/agent") as unknown as AgentNamespace;
export const chatNamespaceOf = (io: SwitchboardServer) => io.of("/chat") as unknown as ChatNamespace;

/** Turns a thrown error into the `{ error, message }` an ack carries; unexpected ones are logged. */
export function ackError(error: unknown, logger?: Logger): AckError {
  if (isAppError(error)) {
    const retryAfterSeconds = error.details?.retryAfterSeconds;
    return {
      error: errorName(error.code),
      message: error.message,
      ...(typeof retryAfterSeconds === "number" ? { retryAfterSeconds } : {}),
    };
  }
  if (error instanceof z.ZodError) {
    return {
      error: "validation_failed",
      message: error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; "),
    };
  }
  logger?.error({ err: error }, "socket event failed");
  return { error: "internal", message: "Something went wrong on the server; it has been logged." };
}

/**
 * Reads an event's payload with its schema. A client may send anything, whatever its types say, so
 * the listener takes `unknown`. Returns null for a bad payload, after telling the client through
 * `refuse` (its ack) or, for an event without one, logging it.
 */
export function readPayload<Schema extends z.ZodType>(
  schema: Schema,
  payload: unknown,
  context: { event: string; logger: Logger; refuse?: (error: AckError) => void },
): z.output<Schema> | null {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const error = ackError(parsed.error);
  if (context.refuse) context.refuse(error);
  else context.logger.info({ event: context.event, reason: error.message }, "socket payload dropped");
  return null;
}

/** Sends an event to every open widget of one web chat visitor, on any server process. */
export type VisitorPusher = ReturnType<typeof visitorPusher>;

/** Sends an event to every open widget of one web chat visitor, on any server process. */
export function visitorPusher(io: () => SwitchboardServer | undefined) {
  return <E extends keyof ChatServerToClientEvents>(
    visitorId: string,
    event: E,
    ...payload: Parameters<ChatServerToClientEvents[E]>
  ): void => {
    const server = io();
    if (server)
      chatNamespaceOf(server)
        .to(rooms.visitor(visitorId))
        .emit(event, ...payload);
  };
}
