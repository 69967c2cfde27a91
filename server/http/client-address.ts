/**
 * Whose address a request comes from, believing `X-Forwarded-For` only as far as TRUST_PROXY says:
 * the same rule fastify applies to `request.ip`, for the sockets too, whose handshakes fastify never
 * sees.
 */
import type { IncomingMessage } from "node:http";
import proxyAddr from "@fastify/proxy-addr";
import type { Config } from "../config.ts";

export type ProxyTrust = (address: string, hop: number) => boolean;

/** TRUST_PROXY as a function of (address, hop): none, the nearest `hops` proxies, or listed addresses. */
export function proxyTrust(trust: Config["trustProxy"]): ProxyTrust {
  if (trust === false) return () => false;
  if (typeof trust === "number") return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust.split(",").map((entry) => entry.trim()));
}

/** The client's address as the trusted proxies report it. */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
  return proxyAddr(request, trust);
}
