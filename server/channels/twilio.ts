/**
 * SMS and voice through Twilio. Switched on by TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN; browser
 * calling additionally by the API key and TwiML app. The phone numbers admin API and the SMS
 * segment counter are always there, so numbers can be set up before the credentials are.
 */
import { caseStateHas } from "../../cases/case-states.ts";
import { AppError } from "../../cases/errors.ts";
import type { DomainEvent } from "../../cases/events.ts";
import { createSmsSender } from "../../channels/sms/sms-sender.ts";
import { createTwilioApi } from "../../channels/twilio/twilio-client.ts";
import { connectAssignedCall, sendWaitingCallerToVoicemail } from "../../channels/voice/call-connect.ts";
import { followCaseWithCall } from "../../channels/voice/call-transfer.ts";
import { offerCallbacks, waitingCallers } from "../../channels/voice/callback-offer.ts";
import type { VoiceDeps } from "../../channels/voice/voice-deps.ts";
import { queuePositions } from "../../routing/queue-stats.ts";
import { addBusinessTime, type Calendar } from "../../sla/business-calendar.ts";
import { phoneNumberRoutes } from "../routes/phone-numbers.ts";
import { twilioWebhookRoutes } from "../routes/twilio-webhooks.ts";
import { voiceRoutes } from "../routes/voice.ts";
import type { ChannelContext } from "./index.ts";

/** The durable timer that sends a caller nobody answered to voicemail. */
export const VOICE_WAIT_JOB = "voice-wait-timeout";
export type VoiceJobs = { [VOICE_WAIT_JOB]: { callInteractionId: string } };

declare module "../../cases/ports.ts" {
  interface JobCatalogue extends VoiceJobs {}
}

/** How far down each queue callers are told their place. */
const POSITION_LIMIT = 200;

/** Open at `at` when no business time has to pass before it: addBusinessTime(at, 0) is `at` itself. */
export function isOpenAt(calendar: Calendar, at: Date): boolean {
  if (!calendar.weekly.length) return false;
  try {
    return addBusinessTime(at, 0, calendar).getTime() === at.getTime();
  } catch {
    // A calendar we cannot read (validated on input, so only ever a stored oddity) turns nobody away.
    return true;
  }
}

function createVoiceDeps(context: ChannelContext, twilio: ReturnType<typeof createTwilioApi>): VoiceDeps {
  const { services, config, jobs } = context;
  const waitJobId = (callInteractionId: string) => `voice-wait-${callInteractionId}`;
  return {
    cases: services.cases,
    twilio,
    publicUrl: config.publicUrl,
    holdMusicUrl: config.holdMusicUrl,
    waitMs: config.voiceWaitMs,
    ringSeconds: Math.round(config.voiceOfferTimeoutMs / 1000),
    browserCalling: Boolean(config.twilio?.voice),
    log: services.logger,
    ports: {
      async placeInLine(caseId, at) {
        const positions = await queuePositions(services.db, at, {
          channels: ["voice"],
          limit: POSITION_LIMIT,
        });
        const place = positions.find((position) => position.caseId === caseId);
        return place ? { position: place.position, estimatedWaitSeconds: place.estimatedWaitSeconds } : null;
      },
      async queueOpen(queueId, at) {
        if (!queueId) return true;
        const { queues } = await services.routing.config.get(services.db);
        const calendar = queues.get(queueId)?.businessHours;
        return calendar ? isOpenAt(calendar, at) : true;
      },
      async moveToQueue(caseId, queueId) {
        await services.router.transfer({ caseId, toQueueId: queueId, actor: { type: "system" } });
      },
      scheduleWaitTimeout: (callInteractionId, delayMs) =>
        jobs.enqueue(VOICE_WAIT_JOB, { callInteractionId }, { jobId: waitJobId(callInteractionId), delayMs }),
      cancelWaitTimeout: (callInteractionId) => jobs.cancel(VOICE_WAIT_JOB, waitJobId(callInteractionId)),
    },
  };
}

export async function setupTwilio(context: ChannelContext): Promise<void> {
  const { app, services, config } = context;
  phoneNumberRoutes(app, services);
  const settings = config.twilio;
  const twilio = settings ? createTwilioApi(settings) : null;
  const voice = twilio ? createVoiceDeps(context, twilio) : null;
  voiceRoutes(app, services, {
    voice,
    browserCalling: settings?.voice ? { accountSid: settings.accountSid, ...settings.voice } : null,
  });
  // Registered with or without Twilio: a timer left in Redis by a process that had voice must not
  // keep this one from starting, and every job of the catalogue has a handler.
  context.jobs.register(VOICE_WAIT_JOB, async ({ callInteractionId }) => {
    if (!voice) throw new AppError("INVALID", "Voice is not configured on this server (TWILIO_* unset).");
    await sendWaitingCallerToVoicemail(voice, callInteractionId);
  });
  if (!settings || !twilio || !voice) return;

  services.senders.sms = createSmsSender({ db: services.db, twilio, publicUrl: config.publicUrl });
  services.callbacks = {
    waiting: (where) => waitingCallers(services.db, where),
    offer: async (where) => offerCallbacks(voice, await waitingCallers(services.db, where)),
  };
  twilioWebhookRoutes(app, services, { authToken: settings.authToken, publicUrl: config.publicUrl, voice });

  // A case with a caller on the line changed hands: the caller follows it. An agent accepted a
  // waiting caller's case: put the caller through. Only this process hears about its own commits;
  // a caller whose redirect is lost is connected by their next hold round.
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
  context.onEvents((events) => {
    for (const event of events) {
      if (event.type !== "case.updated") continue;
      if (event.case && event.case.channel !== "voice") continue;
      const moved = event.previousAssigneeId && event.previousAssigneeId !== event.assigneeId;
      if (!moved && (!caseStateHas(event.state, "agentWorking") || !event.assigneeId)) continue;
      const work: Promise<void> = onChanged(event)
        .catch((error) =>
          services.logger.warn({ err: error, caseId: event.caseId }, "connecting a call failed"),
        )
        .finally(() => connecting.delete(work));
      connecting.add(work);
    }
  });
  context.onClose(() => Promise.allSettled([...connecting]));
}
