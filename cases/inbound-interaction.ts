/** The interaction an inbound message becomes, and the event that tells consoles of it. */
import type { Channel } from "../db/schema/cases.ts";
import type { CasePlan } from "./case-plan.ts";
import { newInteraction } from "./case-store.ts";
import type { InboundMessage } from "./inbound-message.ts";

/**
 * The inbound interaction the message becomes; `thirdParty` when its sender is not the case's
 * contact (a colleague CC'd on the thread), so it is never shown as the customer's own words.
 */
export function inboundInteraction(message: InboundMessage, at: Date, thirdParty: boolean) {
  return newInteraction({
    channel: message.channel,
    kind: message.kind ?? "message",
    direction: "inbound",
    body: message.body,
    externalId: message.externalId,
    status: "received",
    metadata: {
      ...(message.metadata ?? {}),
      ...(message.subject ? { subject: message.subject } : {}),
      ...(thirdParty ? { thirdParty: true } : {}),
    },
    createdAt: at,
    statusChangedAt: at,
  });
}

/** After the write, consoles hear of the new interaction. */
export function announceInteraction(plan: CasePlan, channel: Channel): void {
  plan.afterWrite((written, uow) => {
    const interaction = written.interactions[0]!;
    uow.emit({
      type: "interaction.created",
      caseId: written.case.id,
      interactionId: interaction.id,
      channel,
      kind: interaction.kind,
      direction: "inbound",
      interaction,
      assigneeId: written.case.assigneeId,
    });
  });
}
