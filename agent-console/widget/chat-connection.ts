/**
 * The widget's side of the `/chat` protocol: `hello` on every (re)connect with the stored visitor
 * token, messages sent with a client id and re-sent until acknowledged (the server drops duplicates),
 * and typing signals.
 */
import { io, type Socket } from "socket.io-client";
import type {
  AckError,
  ChatClientToServerEvents,
  ChatPush,
  ChatServerToClientEvents,
  HelloAnswer,
  Received,
} from "../../server/realtime/protocol.ts";
import type { LeftMessageInput } from "./leave-message.ts";

/** The `/chat` protocol as the server declares it (server/realtime/protocol.ts). */
type ChatSocket = Socket<Received<ChatServerToClientEvents>, ChatClientToServerEvents>;

export type ChatMessage = ChatPush<"message">;
export type ConnectionStatus = "idle" | "connecting" | "online" | "offline";
export type QueuePlace = ChatPush<"queue.position">;

/** What each hello tells the widget besides the history. */
export type Greeting = Pick<HelloAnswer, "live" | "availability" | "widget">;

export interface ChatConnectionEvents {
  history(messages: ChatMessage[]): void;
  /** After each hello: whether the chat is under way, whether a new one would be answered, the settings. */
  greeted(greeting: Greeting): void;
  message(message: ChatMessage): void;
  agentTyping(isTyping: boolean): void;
  /** The visitor's place in the queue while nobody has taken the chat yet. */
  queuePosition(place: QueuePlace): void;
  status(status: ConnectionStatus): void;
  /** A message was stored (`id`) or refused for good (`error`). */
  sendResult(clientId: string, result: { id: string } | { error: string }): void;
}

const TOKEN_KEY = "switchboard.visitorToken";
const ACK_TIMEOUT_MS = 10_000;

function readToken(): string | undefined {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function saveToken(token: string): void {
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage blocked (privacy mode): the conversation lasts as long as the page.
  }
}

export function hasConversation(): boolean {
  return readToken() !== undefined;
}

/** 8–64 characters of [A-Za-z0-9_-], as the server asks. */
export function newClientId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const isError = (ack: object): ack is AckError => typeof (ack as Partial<AckError>).error === "string";
/** The wait a `rate_limited` answer asks for, a second at least. */
const retryDelayMs = (ack: AckError) => Math.max(1, ack.retryAfterSeconds ?? 5) * 1000;

/** What the connection's parts share: the socket, whether it has said hello, a pending introduction. */
interface ChatSession {
  socket: ChatSocket | null;
  greeted: boolean;
  profile: { name?: string; email?: string } | null;
}

/** One hello at a time: a second one must carry the token the first one was given. */
function createGreeter(session: ChatSession, events: ChatConnectionEvents, greeted: () => void) {
  let hellos: Promise<void> = Promise.resolve();

  async function sayHello(): Promise<void> {
    const current = session.socket;
    if (!current?.connected) return;
    const introduce = session.profile;
    const visitorToken = readToken();
    try {
      const ack = await current.timeout(ACK_TIMEOUT_MS).emitWithAck("hello", {
        ...(visitorToken ? { visitorToken } : {}),
        ...introduce,
      });
      if (isError(ack)) {
        // Too many visitors from this address just now: say hello again once the wait is over.
        if (ack.error === "rate_limited") setTimeout(() => void hello(), retryDelayMs(ack));
        return;
      }
      if (introduce === session.profile) session.profile = null;
      saveToken(ack.visitorToken);
      session.greeted = true;
      events.history(ack.history);
      events.greeted({ live: ack.live, availability: ack.availability, widget: ack.widget });
      greeted();
    } catch {
      // No answer: the next reconnect says hello again.
    }
  }

  function hello(): Promise<void> {
    hellos = hellos.then(sayHello);
    return hellos;
  }
  return hello;
}

/** Messages not yet acknowledged, in the order they were written, each sent once at a time. */
function createOutbox(session: ChatSession, events: ChatConnectionEvents, hello: () => Promise<void>) {
  const outbox = new Map<string, string>();
  const inFlight = new Set<string>();

  async function deliver(clientId: string, body: string): Promise<void> {
    const current = session.socket;
    if (!current?.connected || !session.greeted || inFlight.has(clientId)) return;
    inFlight.add(clientId);
    try {
      const ack = await current.timeout(ACK_TIMEOUT_MS).emitWithAck("message", { body, clientId });
      if (isError(ack)) {
        // The server lost our hello (a restart, another process): introduce ourselves and retry.
        if (ack.error === "hello_first") {
          session.greeted = false;
          void hello();
          return;
        }
        if (ack.error === "rate_limited") {
          // Not stored yet, not lost: it stays in the outbox and goes again after the wait.
          events.sendResult(clientId, { error: `${ack.message} It will be sent then.` });
          setTimeout(() => void deliver(clientId, body), retryDelayMs(ack));
          return;
        }
        outbox.delete(clientId);
        events.sendResult(clientId, { error: ack.message });
        return;
      }
      outbox.delete(clientId);
      events.sendResult(clientId, { id: ack.id });
    } catch {
      // Timed out or disconnected: it stays in the outbox and goes again after the next hello.
    } finally {
      inFlight.delete(clientId);
    }
  }

  return {
    add(clientId: string, body: string): void {
      outbox.set(clientId, body);
      void deliver(clientId, body);
    },
    flush(): void {
      for (const [clientId, body] of outbox) void deliver(clientId, body);
    },
  };
}

/** The server's pushes and the socket's own connection events, passed on to the widget. */
function listen(
  socket: ChatSocket,
  session: ChatSession,
  events: ChatConnectionEvents,
  hello: () => void,
): void {
  socket.on("connect", () => {
    events.status("online");
    session.greeted = false;
    hello();
  });
  socket.on("disconnect", (reason) => {
    session.greeted = false;
    events.status("offline");
    events.agentTyping(false);
    // socket.io leaves reconnecting to us when the server hung up (as it does when it restarts).
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1_000 + Math.random() * 2_000);
  });
  socket.on("connect_error", () => events.status("offline"));
  socket.on("message", (message) => {
    events.message(message);
    socket.emit("delivered", { id: message.id });
  });
  socket.on("typing", (signal) => {
    if (signal.from === "agent") events.agentTyping(signal.isTyping);
  });
  socket.on("queue.position", (place) => events.queuePosition(place));
}

export function createChatConnection(origin: string, events: ChatConnectionEvents) {
  const session: ChatSession = { socket: null, greeted: false, profile: null };
  const hello = createGreeter(session, events, () => outbox.flush());
  const outbox = createOutbox(session, events, hello);

  /** Whether the socket has said hello, waiting up to `ms` for it. */
  async function greetedWithin(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (!session.greeted && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    return session.greeted;
  }

  function connect(): void {
    if (session.socket) return;
    events.status("connecting");
    const socket: ChatSocket = io(`${origin}/chat`, {
      transports: ["websocket", "polling"],
      tryAllTransports: true,
    });
    session.socket = socket;
    listen(socket, session, events, () => void hello());
  }

  return {
    connect,
    /** The pre-chat form: sent with the next hello (now, if connected). */
    introduce(details: { name?: string; email?: string }): void {
      session.profile = details;
      connect();
      void hello();
    },
    send(body: string): string {
      const clientId = newClientId();
      connect();
      outbox.add(clientId, body);
      return clientId;
    },
    typing(isTyping: boolean): void {
      if (session.greeted) session.socket?.volatile.emit("typing", { isTyping });
    },
    /** A message left when nobody can chat: the case number once stored, or the reason it was not. */
    async leaveMessage(input: LeftMessageInput): Promise<{ caseNumber: number } | { error: string }> {
      connect();
      const socket = session.socket;
      if (!socket || !(await greetedWithin(ACK_TIMEOUT_MS)))
        return { error: "We could not reach the server; check your connection and send again." };
      try {
        const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message.leave", input);
        return "error" in ack ? { error: ack.message } : { caseNumber: ack.caseNumber };
      } catch {
        return { error: "No answer from the server; send again (it will not be sent twice)." };
      }
    },
    /** The visitor's rating of the resolved chat: null once stored, or the reason it was not. */
    async rate(rating: number, comment: string): Promise<string | null> {
      const socket = session.socket;
      if (!socket || !session.greeted) return "not connected, try again in a moment";
      try {
        const ack = await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck("rate", { rating, ...(comment ? { comment } : {}) });
        return "error" in ack ? ack.message : null;
      } catch {
        return "no answer, try again";
      }
    },
  };
}

export type ChatConnection = ReturnType<typeof createChatConnection>;
