/**
 * Twilio's webhooks: inbound SMS and their delivery reports, and every step of a call. Each checks
 * Twilio's signature before anything else (preValidation, so even a malformed body from a stranger
 * gets 403, never a hint about our fields) and answers only after its work has committed, so a
 * Twilio retry after a crash finds either nothing or everything, and is deduplicated.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { receiveSms } from "../../channels/sms/sms-inbound.ts";
import { applySmsStatus } from "../../channels/sms/sms-status.ts";
import { TWILIO_WEBHOOKS, type TwilioParams } from "../../channels/twilio/webhook-paths.ts";
import { answerDialResult } from "../../channels/voice/call-connect.ts";
import {
  finishVoicemail,
  recordCallStatus,
  recordRecording,
  recordTranscription,
} from "../../channels/voice/call-events.ts";
import { callMetadata, findCall } from "../../channels/voice/call-records.ts";
import { answerCallbackOffer } from "../../channels/voice/callback-offer.ts";
import { answerAgentPhone, answerBrowserCall } from "../../channels/voice/click-to-call.ts";
import { answerIncomingCall, answerMenu, answerWait } from "../../channels/voice/inbound-call.ts";
import { goodbyeVerbs, renderTwiml } from "../../channels/voice/twiml.ts";
import type { VoiceDeps } from "../../channels/voice/voice-deps.ts";
import { isWhatsAppAddress, receiveWhatsApp } from "../../channels/whatsapp/whatsapp-inbound.ts";
import { responses } from "../http/schemas.ts";
import { assertTwilioSignature } from "../http/twilio-signature.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export interface TwilioWebhookOptions {
  authToken: string;
  publicUrl: string;
  voice: VoiceDeps;
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const sid = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a Twilio SID starting with ${prefix}`);
const messageSid = z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "must be a Twilio message SID");
const callSid = sid("CA");
const optional = z.string().optional();

const twimlAnswer = responses({ 200: z.string().describe("TwiML") });
const noContent = responses({ 204: z.null() });

const send = (reply: FastifyReply, twiml: string) => reply.type("text/xml").send(twiml);
const params = (request: FastifyRequest) => request.body as TwilioParams;

const tags = ["twilio webhooks"];

/** Route options every webhook shares: public, but only with Twilio's signature. */
function signedBy(options: TwilioWebhookOptions) {
  return {
    config: { access: "public" as const, proof: "twilio-signature" as const },
    preValidation: async (request: FastifyRequest) =>
      assertTwilioSignature(options.authToken, options.publicUrl, request),
  };
}
type Signed = ReturnType<typeof signedBy>;

/** Inbound SMS and the delivery reports of those we sent. */
function smsWebhookRoutes(app: ZodApp, services: Pick<Services, "cases">, signed: Signed): void {
  app.post(
    TWILIO_WEBHOOKS.sms,
    {
      ...signed,
      schema: {
        tags,
        summary: "Twilio: an SMS or MMS to one of our numbers, or a WhatsApp message (From: whatsapp:+…)",
        body: z.looseObject({
          MessageSid: messageSid,
          From: z.string().min(1),
          To: z.string().min(1),
          Body: optional,
        }),
        response: twimlAnswer,
      },
    },
    async (request, reply) => {
      // WhatsApp arrives on the same webhook, its numbers prefixed `whatsapp:`.
      if (isWhatsAppAddress(request.body.From)) await receiveWhatsApp(services.cases, params(request));
      else await receiveSms(services.cases, params(request));
      return send(reply, EMPTY_TWIML);
    },
  );

  app.post(
    TWILIO_WEBHOOKS.smsStatus,
    {
      ...signed,
      schema: {
        tags,
        summary: "Twilio: delivery status of an SMS or WhatsApp message we sent",
        querystring: z.object({ interaction: z.uuid().optional() }),
        body: z.looseObject({
          MessageSid: messageSid,
          MessageStatus: z.string().min(1),
          ErrorCode: optional,
        }),
        response: noContent,
      },
    },
    async (request, reply) => {
      const body = request.body;
      await applySmsStatus(services.cases, {
        ...(request.query.interaction ? { interactionId: request.query.interaction } : {}),
        messageSid: body.MessageSid,
        messageStatus: body.MessageStatus,
        channel: isWhatsAppAddress(typeof body.To === "string" ? body.To : undefined) ? "whatsapp" : "sms",
        errorCode: body.ErrorCode ?? null,
        errorMessage: typeof body.ErrorMessage === "string" ? body.ErrorMessage : null,
      });
      return reply.code(204).send(null);
    },
  );
}

/**
 * Consoles follow a call as it happens: after each step, its interaction (and a voicemail's) is
 * pushed again as it now stands.
 */
async function announce(services: Pick<Services, "cases" | "db">, body: TwilioParams): Promise<void> {
  const changed: { caseId: string; interactionId: string }[] = [];
  for (const sid of [body.CallSid, body.ParentCallSid]) {
    const call = await findCall(services.db, sid);
    if (!call) continue;
    changed.push({ caseId: call.caseId, interactionId: call.id });
    const voicemail = callMetadata(call).voicemail;
    if (voicemail) changed.push({ caseId: call.caseId, interactionId: voicemail.interactionId });
  }
  if (changed.length)
    services.cases.events.publish(changed.map((c) => ({ type: "interaction.updated", ...c })));
}

/** Each step of a call that Twilio asks TwiML for. */
function callStepRoutes(
  app: ZodApp,
  services: Pick<Services, "cases" | "db">,
  voice: VoiceDeps,
  signed: Signed,
): void {
  const twimlStep = (
    path: string,
    summary: string,
    answer: (request: FastifyRequest) => Promise<string>,
    body: z.ZodType = z.looseObject({ CallSid: callSid }),
  ) =>
    app.post(
      path,
      { ...signed, schema: { tags, summary, body, response: twimlAnswer } },
      async (request, reply) => {
        const twiml = await answer(request);
        await announce(services, params(request));
        return send(reply, twiml);
      },
    );

  twimlStep(
    TWILIO_WEBHOOKS.voice,
    "Twilio: a call to one of our numbers (greeting, menu, hold)",
    (request) => answerIncomingCall(voice, params(request)),
    z.looseObject({ CallSid: callSid, From: z.string().default(""), To: z.string().min(1) }),
  );
  twimlStep(TWILIO_WEBHOOKS.menu, "Twilio: the caller pressed a key in the voice menu (or none)", (request) =>
    answerMenu(voice, params(request)),
  );
  twimlStep(TWILIO_WEBHOOKS.wait, "Twilio: the next round of hold for a waiting caller", (request) =>
    answerWait(voice, params(request)),
  );
  twimlStep(
    TWILIO_WEBHOOKS.callback,
    "Twilio: a waiting caller answered the callback offer (or not)",
    (request) => answerCallbackOffer(voice, params(request)),
  );
  twimlStep(TWILIO_WEBHOOKS.dialStatus, "Twilio: the dial to an agent or customer ended", (request) =>
    answerDialResult(voice, params(request)),
  );
  twimlStep(TWILIO_WEBHOOKS.voicemail, "Twilio: the caller finished their voicemail", async (request) => {
    await finishVoicemail(voice, params(request));
    return renderTwiml(goodbyeVerbs("Thank you. We will get back to you as soon as we can. Goodbye."));
  });
  twimlStep(
    TWILIO_WEBHOOKS.outbound,
    "Twilio: an agent's browser places a call (the TwiML app's voice URL)",
    (request) => answerBrowserCall(voice, params(request)),
  );
  app.post(
    TWILIO_WEBHOOKS.connect,
    {
      ...signed,
      schema: {
        tags,
        summary: "Twilio: the agent answered their phone for a click-to-call; dial the customer",
        querystring: z.object({ case: z.uuid() }),
        body: z.looseObject({ CallSid: callSid }),
        response: twimlAnswer,
      },
    },
    async (request, reply) => send(reply, await answerAgentPhone(voice, params(request), request.query.case)),
  );
}

/** Call progress, recordings and transcriptions Twilio reports; each answered with 204. */
function callReportRoutes(
  app: ZodApp,
  services: Pick<Services, "cases" | "db">,
  voice: VoiceDeps,
  signed: Signed,
): void {
  const report = (
    path: string,
    summary: string,
    record: (params: TwilioParams) => Promise<void>,
    body: z.ZodType = z.looseObject({ CallSid: callSid }),
  ) =>
    app.post(
      path,
      { ...signed, schema: { tags, summary, body, response: noContent } },
      async (request, reply) => {
        await record(params(request));
        await announce(services, params(request));
        return reply.code(204).send(null);
      },
    );
  report(
    TWILIO_WEBHOOKS.status,
    "Twilio: progress of a call or of a leg we dialled (duration, outcome)",
    (body) => recordCallStatus(voice, body),
    z.looseObject({ CallSid: callSid, CallStatus: z.string().min(1) }),
  );
  report(
    TWILIO_WEBHOOKS.recording,
    "Twilio: a call recording or voicemail is ready",
    (body) => recordRecording(voice, body),
    z.looseObject({ CallSid: callSid, RecordingSid: sid("RE") }),
  );
  report(
    TWILIO_WEBHOOKS.transcription,
    "Twilio: the transcription of a voicemail",
    (body) => recordTranscription(voice, body),
    z.looseObject({ CallSid: callSid, RecordingSid: sid("RE") }),
  );
}

export function twilioWebhookRoutes(
  app: ZodApp,
  services: Pick<Services, "cases" | "db">,
  options: TwilioWebhookOptions,
): void {
  const signed = signedBy(options);
  smsWebhookRoutes(app, services, signed);
  callStepRoutes(app, services, options.voice, signed);
  callReportRoutes(app, services, options.voice, signed);
}
