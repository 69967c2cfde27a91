/** Shapes of the outbound API's answers (server/routes/outbound.ts), as far as the console reads them. */

import type {
  CampaignMode,
  CampaignStatus,
  StoredHoursRange as HoursRange,
  StoredSchedule as Schedule,
} from "../../../db/schema/outbound.ts";
import type { AgentDisposition } from "../../../outbound/retry-rules.ts";

export type { CampaignMode, ColumnMapping } from "../../../db/schema/outbound.ts";
/** The dispositions an agent can give, the server's own list (a module without runtime dependencies). */
/** The dispositions an agent can give, as the server lists them (`AGENT_DISPOSITIONS`); the type keeps them in step. */
export const DISPOSITIONS = [
  "sale",
  "interested",
  "not_interested",
  "wrong_number",
  "dnc_request",
  "callback",
  "no_answer",
  "busy",
  "answering_machine",
] as const satisfies readonly AgentDisposition[];

export const CAMPAIGN_MODES: readonly CampaignMode[] = ["preview", "progressive", "predictive"];
export type Disposition = AgentDisposition;

export interface CallList {
  id: string;
  name: string;
  description: string;
  createdAt: string;
}

export interface CsvPreview {
  headers: string[];
  rows: string[][];
  suggestedMapping: Record<string, string>;
}

export interface ImportIssue {
  line: number;
  kind: "invalid" | "duplicate";
  reason: string;
  value: string;
}

export interface ImportProgress {
  id: string;
  listId: string;
  status: "queued" | "running" | "done" | "failed";
  totalRows: number;
  rowsDone: number;
  imported: number;
  duplicates: number;
  invalid: number;
  contactsMatched: number;
  failure: string | null;
  issues: ImportIssue[];
}

export type ScheduleWindow = Schedule["windows"][number];

/** What a supervisor sets on a campaign. */
export interface CampaignFields {
  name: string;
  listId: string;
  queueId: string | null;
  mode: CampaignMode;
  script: string;
  dispositions: Disposition[];
  callingHours: HoursRange | null;
  schedule: Schedule | null;
  abandonLimitPercent: number;
  /** Predictive mode: at most this many lines per free agent. */
  maxRatio: number;
  ringSeconds: number;
  callerId: string;
  retryRules: RetryRules;
  maxAttemptsPerRecord: number;
  /** Played to an answering machine, then the call ends; null leaves no message. */
  voicemailDropUrl: string | null;
  /** Said to a customer who answers when no agent is free. */
  abandonMessage: string;
}

export const RETRIED_OUTCOMES = ["no_answer", "busy", "answering_machine", "failed", "abandoned"] as const;
export type RetriedOutcome = (typeof RETRIED_OUTCOMES)[number];

export interface RetryRule {
  retryAfterMinutes: number;
  maxAttempts: number;
}

export type RetryRules = Record<RetriedOutcome, RetryRule>;

export interface Campaign extends CampaignFields {
  id: string;
  status: CampaignStatus;
  createdAt: string;
}

export interface ListRecord {
  id: string;
  listId: string;
  phone: string;
  extension: string | null;
  name: string | null;
  timeZones: string[];
  attributes: Record<string, string>;
  status: string;
  attempts: number;
  lastDisposition: string | null;
  statusReason: string | null;
}

export interface HistoryEntry {
  id: string;
  kind: "dial" | "skip";
  status: string;
  explanation: string;
  disposition: string | null;
  note: string | null;
  createdAt: string;
}

export interface RecordView {
  record: ListRecord;
  localTime: string;
  script: string;
  dispositions: Disposition[];
  history: HistoryEntry[];
}

/** The campaign call the agent is on, or finished and has not wrapped up. */
export interface CurrentCall extends RecordView {
  attemptId: string;
  campaign: { id: string; name: string; mode: string };
  /** False once the call has ended and only the disposition is left. */
  live: boolean;
  answeredAt: string | null;
}

export interface PlacedCall {
  attemptId: string;
  callSid: string;
}

export interface DispositionInput {
  disposition: Disposition;
  note?: string;
  callback?: { localTime: string; agent: "me" | "anyone" };
  estimatedValue?: number;
}

export interface DispositionResult {
  record: ListRecord;
  explanation: string;
  leadId: string | null;
}

export interface Callback {
  id: string;
  campaignId: string;
  recordId: string;
  agentId: string | null;
  dueAt: string;
  localTime: string;
  timeZone: string;
  note: string;
}

export interface DoNotCallEntry {
  id: string;
  phone: string;
  campaignId: string | null;
  source: string;
  reason: string;
  createdAt: string;
}

export interface DoNotCallImport {
  added: number;
  alreadyListed: number;
  invalid: { line: number; value: string; reason: string }[];
}

export interface AgentResult {
  agentId: string;
  name: string;
  calls: number;
  connected: number;
  sales: number;
  interested: number;
  callbacks: number;
  conversion: number;
}

export interface Dashboard {
  campaignId: string;
  status: CampaignStatus;
  mode: CampaignMode;
  dialed: number;
  skipped: number;
  connected: number;
  contactRate: number;
  sales: number;
  interested: number;
  conversion: number;
  leadsValueCents: number;
  abandoned: number;
  abandonmentRate: number;
  abandonLimitPercent: number;
  attemptsPerRecord: number;
  records: { total: number; pending: number; inProgress: number; callback: number; done: number };
  perAgent: AgentResult[];
  projectedCompletionAt: string | null;
}

export interface Items<T> {
  items: T[];
}
