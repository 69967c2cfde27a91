/**
 * What happens to a list record after an attempt: the outcome (set by the dialer from Twilio's call
 * status, or by the agent as a disposition) decides whether and when it is tried again. Also list
 * recycling: records finished without reaching anyone go back to the list.
 */
import type { ListRecordStatus } from "../db/schema/outbound.ts";

export const OUTCOMES = [
  // Set by the dialer from the call's result.
  "no_answer",
  "busy",
  "answering_machine",
  "failed",
  "abandoned",
  // Set by the agent.
  "sale",
  "interested",
  "not_interested",
  "wrong_number",
  "dnc_request",
  "callback",
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const AGENT_DISPOSITIONS = [
  "sale",
  "interested",
  "not_interested",
  "wrong_number",
  "dnc_request",
  "callback",
  "no_answer",
  "busy",
  "answering_machine",
] as const;
export type AgentDisposition = (typeof AGENT_DISPOSITIONS)[number];

/** Record states: waiting to be called, being called, a callback is set, finished. */
export type RecordStatus = ListRecordStatus;

export interface RetryRule {
  /** Minutes until the next try. */
  retryAfterMinutes: number;
  /** At most this many attempts ending with this outcome; the record is finished after the last. */
  maxAttempts: number;
}

/** Outcomes that finish a record at once. */
const FINAL: readonly Outcome[] = ["sale", "interested", "not_interested", "wrong_number", "dnc_request"];
const isFinal = (outcome: Outcome): outcome is Exclude<Outcome, RetriedOutcome | "callback"> =>
  FINAL.includes(outcome);

export type RetriedOutcome = "no_answer" | "busy" | "answering_machine" | "failed" | "abandoned";
export type RetryRules = Partial<Record<RetriedOutcome, RetryRule>>;

export const DEFAULT_RETRY_RULES: Required<RetryRules> = {
  no_answer: { retryAfterMinutes: 120, maxAttempts: 3 },
  busy: { retryAfterMinutes: 15, maxAttempts: 5 },
  // "Next day": 24 hours later; the calling window moves it into the contact's hours.
  answering_machine: { retryAfterMinutes: 24 * 60, maxAttempts: 3 },
  failed: { retryAfterMinutes: 60, maxAttempts: 2 },
  // The customer picked up and heard the recorded apology: try again later, as for no answer.
  abandoned: { retryAfterMinutes: 120, maxAttempts: 3 },
};

/** Attempts per record in a campaign, whatever their outcomes. */
export const DEFAULT_MAX_ATTEMPTS_PER_RECORD = 8;

export interface NextStepInput {
  outcome: Outcome;
  at: Date;
  /** How many earlier attempts of this record ended with the same outcome (not counting this one). */
  previousSameOutcome: number;
  /** All attempts of the record, this one included. */
  totalAttempts: number;
  maxAttemptsPerRecord?: number;
  callbackAt?: Date | null;
  rules?: RetryRules;
}

export interface NextStep {
  status: RecordStatus;
  nextAttemptAt: Date | null;
  explanation: string;
}

export function nextStep(input: NextStepInput): NextStep {
  const { outcome, at } = input;
  if (isFinal(outcome)) return { status: "done", nextAttemptAt: null, explanation: `done: ${outcome}` };
  if (outcome === "callback") {
    if (!input.callbackAt) throw new Error("a callback needs its time");
    return {
      status: "callback",
      nextAttemptAt: input.callbackAt,
      explanation: `callback at ${input.callbackAt.toISOString()}`,
    };
  }
  const retried: RetriedOutcome = outcome;
  const rule = input.rules?.[retried] ?? DEFAULT_RETRY_RULES[retried];
  const maxPerRecord = input.maxAttemptsPerRecord ?? DEFAULT_MAX_ATTEMPTS_PER_RECORD;
  const sameOutcome = input.previousSameOutcome + 1;
  if (sameOutcome >= rule.maxAttempts) {
    return {
      status: "done",
      nextAttemptAt: null,
      explanation: `done: ${outcome} ${sameOutcome} times (at most ${rule.maxAttempts})`,
    };
  }
  if (input.totalAttempts >= maxPerRecord) {
    return {
      status: "done",
      nextAttemptAt: null,
      explanation: `done: ${input.totalAttempts} attempts (at most ${maxPerRecord} per record)`,
    };
  }
  const nextAttemptAt = new Date(at.getTime() + rule.retryAfterMinutes * 60_000);
  return {
    status: "pending",
    nextAttemptAt,
    explanation: `retry after ${rule.retryAfterMinutes} min (${outcome} ${sameOutcome} of ${rule.maxAttempts})`,
  };
}

/** Outcomes a recycle may bring back by default: nobody was reached. */
export const RECYCLABLE_OUTCOMES: readonly Outcome[] = [
  "no_answer",
  "busy",
  "answering_machine",
  "failed",
  "abandoned",
];

export interface RecyclableRecord {
  status: RecordStatus;
  lastOutcome: Outcome | null;
}

/**
 * Whether a finished record goes back to the list on a recycle: only records finished without
 * reaching anyone (or with the outcomes asked for); a sale, a refusal or a do-not-call never does.
 */
export function shouldRecycle(
  record: RecyclableRecord,
  outcomes: readonly Outcome[] = RECYCLABLE_OUTCOMES,
): boolean {
  if (record.status !== "done" || !record.lastOutcome) return false;
  if (FINAL.includes(record.lastOutcome)) return false;
  return outcomes.includes(record.lastOutcome);
}
