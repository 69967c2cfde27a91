/**
 * A local HTTP server playing a webhook receiver: it keeps every request (headers and raw body) and
 * answers with the statuses it is told, in order (200 once the list is used up).
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { Body } from "./api.ts";

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; version: number; id: string; timestamp: string; sequence: number; data: Body };
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** The next answers' statuses at `path`, in order; afterwards `always` (200 by default). */
  answer(path: string, statuses: number[], always?: number): void;
  waitFor(predicate: (hook: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook>;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers = new Map<string, { queued: number[]; always: number }>();
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: ReceivedWebhook["json"];
      try {
        json = JSON.parse(body);
      } catch {
        json = { type: "(not JSON)", version: 0, id: "", timestamp: "", sequence: 0, data: null };
      }
      received.push({ path: request.url ?? "/", headers: request.headers, body, json });
      const answer = answers.get(request.url ?? "/");
      const status = answer?.queued.shift() ?? answer?.always ?? 200;
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(status < 300 ? "ok" : `receiver says ${status}`);
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    answer(path, statuses, always = 200) {
      answers.set(path, { queued: [...statuses], always });
    },
    waitFor(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(predicate);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching webhook within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
