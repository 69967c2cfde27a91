/**
 * socket.io clients for tests: every event a socket receives is recorded from the moment it
 * connects, so `waitFor` finds an event that arrived before the test started waiting.
 */
import { io, type Socket } from "socket.io-client";
import type { Body } from "./api.ts";

export interface RecordingSocket {
  socket: Socket;
  events: { name: string; payload: Body }[];
  waitFor(name: string, predicate?: (payload: Body) => boolean, timeoutMs?: number): Promise<Body>;
  emitWithAck(name: string, payload?: unknown): Promise<Body>;
  close(): void;
}

function record(socket: Socket): RecordingSocket {
  const events: { name: string; payload: Body }[] = [];
  const waiters = new Set<() => void>();
  socket.onAny((name: string, payload: Body) => {
    events.push({ name, payload });
    for (const wake of [...waiters]) wake();
  });
  return {
    socket,
    events,
    waitFor(name, predicate = () => true, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < events.length; seen++) {
            const event = events[seen]!;
            if (event.name === name && predicate(event.payload)) {
              cleanup();
              resolve(event.payload);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `timed out waiting for '${name}'; received: ${events.map((e) => e.name).join(", ") || "nothing"}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    emitWithAck: (name, payload) => socket.timeout(15_000).emitWithAck(name, payload),
    close: () => socket.close(),
  };
}

async function connected(socket: Socket): Promise<void> {
  if (socket.connected) return;
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (error) => reject(error));
  });
}

export async function connectAgent(url: string, token: string): Promise<RecordingSocket> {
  const socket = io(`${url}/agent`, {
    auth: { token },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  const recording = record(socket);
  await connected(socket);
  return recording;
}

export async function connectVisitor(url: string): Promise<RecordingSocket> {
  const socket = io(`${url}/chat`, { transports: ["websocket"], reconnection: false, forceNew: true });
  const recording = record(socket);
  await connected(socket);
  return recording;
}
