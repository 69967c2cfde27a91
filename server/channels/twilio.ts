/**
 * Voice through Twilio, switched on by TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (SMS needs only the
 * sender, built with the clients): what calls need from the rest of the app, the callbacks offered
 * to callers holding on the line, and the caller following their case between agents.
 */
import { caseStateHas } from "../../cases/case-states.ts";
import { AppError } from "../../cases/errors.ts";
import type { DomainEvent } from "../../cases/events.ts";
import type { TwilioApi } from "../../channels/twilio/twilio-client.ts";
import { connectAssignedCall, sendWaitingCallerToVoicemail } from "../../channels/voice/call-connect.ts";
import { followCaseWithCall } from "../../channels/voice/call-transfer.ts";
import { offerCallbacks, waitingCallers } from "../../channels/voice/callback-offer.ts";
import type { VoiceDeps } from "../../channels/voice/voice-deps.ts";
import { queuePositions } from "../../routing/queue-stats.ts";
import { isOpenAt } from "../../sla/business-calendar.ts";
import type { CallbackPort } from "../../sla/remedies.ts";
import type { JobQueue } from "../jobs/job-queue.ts";
import type { AppClients } from "../plugins/clients.ts";
import type { DomainServices } from "../plugins/domain.ts";

/** The durable timer that sends a caller nobody answered to voicemail. */
export const VOICE_WAIT_JOB = "voice-wait-timeout";
export type VoiceJobs = { [VOICE_WAIT_JOB]: { callInteractionId: string } };

declare module "../../cases/ports.ts" {
  interface JobCatalogue extends VoiceJobs {}
}

/** How far down each queue callers are told their place. */
const POSITION_LIMIT = 200;

function createVoiceDeps(clients: AppClients, domain: DomainServices, twilio: TwilioApi): VoiceDeps {
  const { config, db, jobs } = clients;
  const waitJobId = (callInteractionId: string) => `voice-wait-${callInteractionId}`;
  return {
    cases: domain.cases,
    twilio,
    publicUrl: config.publicUrl,
    holdMusicUrl: config.holdMusicUrl,
    waitMs: config.voiceWaitMs,
    ringSeconds: Math.round(config.voiceOfferTimeoutMs / 1000),
    browserCalling: Boolean(config.twilio?.voice),
    log: clients.logger,
    ports: {
      async placeInLine(caseId, at) {
        const positions = await queuePositions(db, at, { channels: ["voice"], limit: POSITION_LIMIT });
        const place = positions.find((position) => position.caseId === caseId);
        return place ? { position: place.position, estimatedWaitSeconds: place.estimatedWaitSeconds } : null;
      },
      async queueOpen(queueId, at) {
        if (!queueId) return true;
        const { queues } = await domain.routing.config.get(db);
        const calendar = queues.get(queueId)?.businessHours;
        return calendar ? isOpenAt(calendar, at) : true;
      },
      async moveToQueue(caseId, queueId) {
        await domain.router.transfer({ caseId, toQueueId: queueId, actor: { type: "system" } });
      },
      scheduleWaitTimeout: (callInteractionId, delayMs) =>
        jobs.enqueue(VOICE_WAIT_JOB, { callInteractionId }, { jobId: waitJobId(callInteractionId), delayMs }),
      cancelWaitTimeout: (callInteractionId) => jobs.cancel(VOICE_WAIT_JOB, waitJobId(callInteractionId)),
    },
  };
}

/**
 * Registered with or without Twilio: a timer left in Redis by a process that had voice must not
 * keep this one from starting, and every job of the catalogue has a handler.
 */
export function registerVoiceJobs(jobs: JobQueue, voice: VoiceDeps | null): void {
  jobs.register(VOICE_WAIT_JOB, async ({ callInteractionId }) => {
    if (!voice) throw new AppError("INVALID", "Voice is not configured on this server (TWILIO_* unset).");
    await sendWaitingCallerToVoicemail(voice, callInteractionId);
  });
}

/**
 * A case with a caller on the line changed hands: the caller follows it. An agent accepted a
 * waiting caller's case: put the caller through. Only this process hears about its own commits; a
 * caller whose redirect is lost is connected by their next hold round.
 */
function followCallsWithCases(clients: AppClients, domain: DomainServices, voice: VoiceDeps): void {
  const connecting = new Set<Promise<void>>();
  const onChanged = async (event: Extract<DomainEvent, { type: "case.updated" }>) => {
    const assignee = caseStateHas(event.state, "agentWorking") ? event.assigneeId : null;
    if (event.previousAssigneeId && event.previousAssigneeId !== event.assigneeId)
      await followCaseWithCall(voice, {
        caseId: event.caseId,
        previousAssigneeId: event.previousAssigneeId,
        newAssigneeId: assignee,
      });
    if (assignee) await connectAssignedCall(voice, event.caseId, assignee);
  };
  domain.onEvents((events) => {
    for (const event of events) {
      if (event.type !== "case.updated") continue;
      if (event.case && event.case.channel !== "voice") continue;
      const moved = event.previousAssigneeId && event.previousAssigneeId !== event.assigneeId;
      if (!moved && (!caseStateHas(event.state, "agentWorking") || !event.assigneeId)) continue;
      const work: Promise<void> = onChanged(event)
        .catch((error) =>
          clients.logger.warn({ err: error, caseId: event.caseId }, "connecting a call failed"),
        )
        .finally(() => connecting.delete(work));
      connecting.add(work);
    }
  });
  clients.lifecycle.onClose(() => Promise.allSettled([...connecting]));
}

export interface VoiceChannel {
  voice: VoiceDeps;
  /** Callbacks for callers holding on the line. */
  callbacks: CallbackPort;
}

/** Voice, when Twilio is configured; null otherwise. */
export function createVoiceChannel(clients: AppClients, domain: DomainServices): VoiceChannel | null {
  if (!clients.twilio) return null;
  const voice = createVoiceDeps(clients, domain, clients.twilio);
  followCallsWithCases(clients, domain, voice);
  const { db } = clients;
  return {
    voice,
    callbacks: {
      waiting: (where) => waitingCallers(db, where),
      offer: async (where) => offerCallbacks(voice, await waitingCallers(db, where)),
    },
  };
}
