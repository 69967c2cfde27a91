/** The server's voice endpoints the softphone uses. */
import { api } from "../api/client.ts";
import type { CaseDetail } from "../api/types.ts";
import type { WrapUp } from "./machine.ts";
import { wrapUpFor } from "./timing.ts";

export interface VoiceToken {
  token: string;
  identity: string;
  expiresAt: string;
}

/** POST /api/cases/:id/call: what to dial in the browser, or that Twilio rings the agent's phone. */
export type ClickToCall =
  | { mode: "browser"; to: string; callerId: string; params: { To: string; caseId: string } }
  | { mode: "phone"; to: string; callerId: string; agentPhone: string; callSid: string };

const casePath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}`;

/** 409 (an `ApiError`) when the server has no browser calling; its message says what to configure. */
export const fetchVoiceToken = () => api.get<VoiceToken>("/api/voice/token");

export const startCaseCall = (caseId: string) => api.post<ClickToCall>(`${casePath(caseId)}/call`);

export const setCaseRecording = (caseId: string, action: "pause" | "resume") =>
  api.post<{ callSid: string; recording: "paused" | "in-progress" }>(`${casePath(caseId)}/call/recording`, {
    action,
  });

export const setCaseHold = (caseId: string, action: "hold" | "resume") =>
  api.post<{ callSid: string; held: boolean }>(`${casePath(caseId)}/call/hold`, { action });

/** The wrap-up time of the case's queue; the default when it has none or cannot be read. */
export async function wrapUpOfCase(caseId: string | null): Promise<WrapUp> {
  if (!caseId) return wrapUpFor(null);
  try {
    const detail = await api.get<CaseDetail>(casePath(caseId));
    if (!detail.queueId) return wrapUpFor(null);
    const queue = await api.get<{ wrapUpSeconds?: number }>(
      `/api/queues/${encodeURIComponent(detail.queueId)}`,
    );
    return wrapUpFor(queue.wrapUpSeconds);
  } catch {
    return wrapUpFor(null);
  }
}
