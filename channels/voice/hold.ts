/**
 * What a caller who is waiting hears next: the agent who has their case (when that agent can take
 * it), voicemail (queue closed, waited too long, nobody left to take it), or another round of hold
 * music with their place in line. Called by every webhook a waiting caller passes through, so a
 * call is connected at the next round of hold music even when the assignment happened in another
 * process or the REST redirect failed.
 */
import { eq } from "drizzle-orm";
import { caseStateHas } from "../../cases/case-states.ts";
import type { CaseRow } from "../../cases/case-workflow.ts";
import { isAppError } from "../../cases/errors.ts";
import type { InteractionRow } from "../../cases/ingest.ts";
import { agents } from "../../db/schema/agents.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import { findPhoneNumber, getPhoneNumber, type PhoneNumberRow } from "../twilio/phone-numbers.ts";
import { heldVerbs } from "./call-hold.ts";
import { type CallMetadata, type CallPhase, callMetadata, patchCall } from "./call-records.ts";
import {
  callbackOfferVerbs,
  connectVerbs,
  type DialTarget,
  holdVerbs,
  type Verb,
  type VoicemailReason,
  voicemailVerbs,
} from "./twiml.ts";
import { agentIdentity, type VoiceDeps, voiceUrls } from "./voice-deps.ts";

/** Phases in which the caller is holding and may be connected or sent to voicemail. */
export const HOLDING: readonly CallPhase[] = ["menu", "waiting"];

export function voicemailFor(deps: VoiceDeps, reason: VoicemailReason): Verb[] {
  return voicemailVerbs(reason, voiceUrls(deps.publicUrl));
}

/** The number the call came in on, for its fallback phone. */
export async function numberOfCall(
  deps: VoiceDeps,
  meta: CallMetadata,
  caseRow: CaseRow,
): Promise<PhoneNumberRow | undefined> {
  if (meta.numberId) {
    // A number deleted since the call came in falls back to the case's; a failing database does not.
    const row = await getPhoneNumber(deps.cases.db, meta.numberId).catch((error: unknown) => {
      if (isAppError(error, "NOT_FOUND")) return undefined;
      throw error;
    });
    if (row) return row;
  }
  return findPhoneNumber(deps.cases.db, caseRow.channelAddress);
}

async function agentOf(deps: VoiceDeps, agentId: string) {
  const [agent] = await deps.cases.db
    .select({ name: agents.name, presence: agents.presence, deactivatedAt: agents.deactivatedAt })
    .from(agents)
    .where(eq(agents.id, agentId));
  return agent;
}

export interface ConnectPlan {
  verbs: Verb[];
  patch: Partial<CallMetadata>;
}

/**
 * How to reach the agent: their browser when agents take calls there, otherwise the number's
 * fallback phone; with neither, the caller can only leave a voicemail.
 */
export async function connectPlan(
  deps: VoiceDeps,
  call: InteractionRow,
  caseRow: CaseRow,
  agentId: string,
): Promise<ConnectPlan> {
  const meta = callMetadata(call);
  let target: DialTarget | null = null;
  if (deps.browserCalling) {
    target = { kind: "client", address: agentIdentity(agentId), parameters: { caseId: caseRow.id } };
  } else {
    const fallback = (await numberOfCall(deps, meta, caseRow))?.fallbackNumber;
    if (fallback) target = { kind: "number", address: fallback };
  }
  if (!target)
    return {
      verbs: voicemailFor(deps, "unreachable"),
      patch: { phase: "voicemail", voicemailReason: "unreachable" },
    };
  const firstName = (await agentOf(deps, agentId))?.name.trim().split(/\s+/)[0];
  const urls = voiceUrls(deps.publicUrl);
  return {
    verbs: connectVerbs(target, {
      announcement: firstName ? `Connecting you to ${firstName}.` : "Connecting you to an agent.",
      ringSeconds: deps.ringSeconds,
      urls: { dialStatus: urls.dialStatus, recording: urls.recording, status: urls.status },
    }),
    patch: {
      phase: "connecting",
      agentId,
      target: target.kind === "client" ? "browser" : "phone",
    },
  };
}

async function load(deps: VoiceDeps, callId: string) {
  const [row] = await deps.cases.db
    .select({ call: interactions, caseRow: cases })
    .from(interactions)
    .innerJoin(cases, eq(cases.id, interactions.caseId))
    .where(eq(interactions.id, callId));
  return row;
}

/** Tries twice more when another path changed the call between our read and our write. */
const ATTEMPTS = 3;

export async function holdStep(deps: VoiceDeps, callId: string): Promise<Verb[]> {
  const urls = voiceUrls(deps.publicUrl);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const loaded = await load(deps, callId);
    if (!loaded) break;
    const { call, caseRow } = loaded;
    const meta = callMetadata(call);
    // Twilio asking again (a retry, a late redirect): the same voicemail prompt.
    if (meta.phase === "voicemail") return voicemailFor(deps, meta.voicemailReason ?? "busy");
    if (meta.phase === "ended" || meta.phase === "callback") return [{ verb: "hangup" }];
    if (meta.phase === "held") return heldVerbs(deps);
    // Offered a callback while the REST redirect did not reach the call: ask now.
    if (meta.phase === "waiting" && meta.callbackOffer === "offered") return callbackOfferVerbs(urls);
    // A redirect to the agent is under way; keep the caller company until it lands.
    if (!HOLDING.includes(meta.phase)) return holdVerbs(null, { music: deps.holdMusicUrl, wait: urls.wait });

    const assignee = caseRow.assigneeId;
    if (assignee && caseStateHas(caseRow.state, "occupiesAgent")) {
      const agent = await agentOf(deps, assignee);
      const missed = meta.missedBy?.includes(assignee) ?? false;
      if (agent?.presence === "available" && !agent.deactivatedAt && !missed) {
        const plan = await connectPlan(deps, call, caseRow, assignee);
        if (await patchCall(deps.cases.db, call.id, plan.patch, HOLDING)) {
          if (plan.patch.phase === "voicemail") await deps.ports.cancelWaitTimeout(call.id);
          return plan.verbs;
        }
        continue;
      }
      // Their agent cannot take the call now: whoever can, should.
      if (caseRow.queueId) {
        try {
          await deps.ports.moveToQueue(caseRow.id, caseRow.queueId);
          continue;
        } catch (error) {
          deps.log.warn({ err: error, caseId: caseRow.id }, "could not return a caller's case to its queue");
        }
      }
    }

    const now = deps.cases.clock();
    const waitedMs = now.getTime() - Date.parse(meta.waitStartedAt ?? call.createdAt.toISOString());
    const reason: VoicemailReason | null = caseStateHas(caseRow.state, "done")
      ? "unreachable"
      : !(await deps.ports.queueOpen(caseRow.queueId, now))
        ? "closed"
        : waitedMs >= deps.waitMs
          ? "busy"
          : null;
    if (reason) {
      if (await patchCall(deps.cases.db, call.id, { phase: "voicemail", voicemailReason: reason }, HOLDING)) {
        await deps.ports.cancelWaitTimeout(call.id);
        return voicemailFor(deps, reason);
      }
      continue;
    }
    if (meta.phase === "menu")
      await patchCall(deps.cases.db, call.id, { phase: "waiting", waitStartedAt: now.toISOString() }, [
        "menu",
      ]);
    const place = await deps.ports.placeInLine(caseRow.id, now);
    return holdVerbs(place, { music: deps.holdMusicUrl, wait: urls.wait });
  }
  return holdVerbs(null, { music: deps.holdMusicUrl, wait: urls.wait });
}
