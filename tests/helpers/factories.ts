/** Builders for our own rows, going through the same services production uses. */
import { randomUUID } from "node:crypto";
import { type InboundMessage, ingest } from "../../cases/ingest.ts";
import type { Services } from "../../server/services.ts";

let phoneCounter = 0;

/** A fresh inbound SMS from a new number (or the one given). */
export function inboundSms(overrides: Partial<InboundMessage> = {}): InboundMessage {
  phoneCounter += 1;
  return {
    channel: "sms",
    externalId: `SM${randomUUID().replaceAll("-", "")}`,
    from: { kind: "phone", address: `+1628555${String(1000 + (phoneCounter % 9000))}` },
    to: "+14155550100",
    body: "Hello, I need help",
    ...overrides,
  };
}

export async function newCase(services: Services, overrides: Partial<InboundMessage> = {}) {
  return (await ingest(services.cases, inboundSms(overrides))).case;
}

/**
 * Assigns a case to an agent by supervisor assignment (the agent is set away first, so routing
 * does not hand them other waiting cases meanwhile).
 */
export async function assignCase(services: Services, caseId: string, agentId: string): Promise<void> {
  await services.router.setPresence({ agentId, presence: "away" });
  await services.router.transfer({ caseId, toAgentId: agentId, actor: { type: "system" } });
}
