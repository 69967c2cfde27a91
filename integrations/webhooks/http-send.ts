/**
 * One webhook POST to an address already checked (address-guard.ts): the connection goes to that
 * address while the URL's host name is kept for the Host header and TLS (SNI and the certificate
 * check), so the name cannot resolve somewhere else between the check and the connection.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { ResolvedTarget } from "./address-guard.ts";

/** What a receiver's answer is kept of, at most. */
export const EXCERPT_CHARS = 500;
const READ_LIMIT_BYTES = 4096;

export interface HttpOutcome {
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    const done = callback as (...args: unknown[]) => void;
    if (options.all) done(null, [{ address: target.address, family: target.family }]);
    else done(null, target.address, target.family);
  };
}

export function postWebhook(
  target: ResolvedTarget,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<HttpOutcome, "latencyMs">) => {
      if (settled) return;
      settled = true;
      resolve({ ...outcome, latencyMs: elapsed() });
    };
    const request = client.request(
      target.url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(target),
        timeout: timeoutMs,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size < READ_LIMIT_BYTES) chunks.push(chunk);
          size += chunk.length;
          // Enough to show an admin; the rest is not waited for.
          if (size >= READ_LIMIT_BYTES) response.destroy();
        });
        const answer = () =>
          finish({
            statusCode: response.statusCode ?? null,
            excerpt: Buffer.concat(chunks).toString("utf8").slice(0, EXCERPT_CHARS) || null,
            error: null,
          });
        response.on("end", answer);
        response.on("close", answer);
        response.on("error", answer);
      },
    );
    request.on("timeout", () => {
      request.destroy();
      finish({ statusCode: null, excerpt: null, error: `No answer within ${timeoutMs / 1000} s.` });
    });
    request.on("error", (error) => finish({ statusCode: null, excerpt: null, error: error.message }));
    request.end(body);
  });
}
