/**
 * Shapes of the outbound API's answers, as the server declares them: each derives from its route's
 * response schema (server/routes/outbound-schemas.ts), so a field renamed there fails to compile here.
 * `import type` only: the browser bundle never pulls in server code.
 */

import type { z } from "zod";
import type { CampaignMode } from "../../../db/schema/outbound.ts";
import type { AgentDisposition } from "../../../outbound/retry-rules.ts";
import type { dispositionBody } from "../../../server/routes/outbound-agent-work.ts";
import type {
  agentResultSchema,
  callListSchema,
  campaignSchema,
  csvPreviewSchema,
  currentCallSchema,
  dashboardSchema,
  dispositionResultSchema,
  doNotCallImportSchema,
  doNotCallSchema,
  historyEntrySchema,
  importIssueSchema,
  importProgressSchema,
  listImportSchema,
  listRecordSchema,
  outboundCallbackSchema,
  placedCallSchema,
  recordViewSchema,
} from "../../../server/routes/outbound-schemas.ts";
import type { Wire } from "../api/types.ts";

export type { CampaignMode, ColumnMapping } from "../../../db/schema/outbound.ts";
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

/**
 * The server stores a campaign's dispositions as the strings its create and update bodies checked
 * against AGENT_DISPOSITIONS, so they are read back as that list's members.
 */
type WithDispositions<T> = Omit<T, "dispositions"> & { dispositions: Disposition[] };

export type CallList = Wire<typeof callListSchema>;
export type CsvPreview = Wire<typeof csvPreviewSchema>;
export type ImportIssue = Wire<typeof importIssueSchema>;
/** An import as started (POST /lists/:id/imports): no issues yet. */
export type ListImport = Wire<typeof listImportSchema>;
export type ImportProgress = Wire<typeof importProgressSchema>;

export type Campaign = WithDispositions<Wire<typeof campaignSchema>>;

/**
 * What a supervisor sets on a campaign: a campaign's own fields. Its skills are not edited here
 * (the form leaves them as they are).
 */
export type CampaignFields = Omit<Campaign, "id" | "status" | "createdAt" | "updatedAt" | "skills">;

export type ScheduleWindow = NonNullable<CampaignFields["schedule"]>["windows"][number];

export const RETRIED_OUTCOMES = ["no_answer", "busy", "answering_machine", "failed", "abandoned"] as const;
export type RetriedOutcome = (typeof RETRIED_OUTCOMES)[number];
export type RetryRules = CampaignFields["retryRules"];
export type RetryRule = RetryRules[RetriedOutcome];

export type ListRecord = Wire<typeof listRecordSchema>;
export type HistoryEntry = Wire<typeof historyEntrySchema>;
export type RecordView = WithDispositions<Wire<typeof recordViewSchema>>;
/** The campaign call the agent is on, or finished and has not wrapped up (`live` false: only the disposition is left). */
export type CurrentCall = WithDispositions<Wire<typeof currentCallSchema>>;
export type PlacedCall = Wire<typeof placedCallSchema>;

/** The wrap-up the console sends: the disposition route's body as it goes out. */
export type DispositionInput = z.input<typeof dispositionBody>;
export type DispositionResult = Wire<typeof dispositionResultSchema>;

export type Callback = Wire<typeof outboundCallbackSchema>;
export type DoNotCallEntry = Wire<typeof doNotCallSchema>;
export type DoNotCallImport = Wire<typeof doNotCallImportSchema>;

export type AgentResult = Wire<typeof agentResultSchema>;
export type Dashboard = Wire<typeof dashboardSchema>;

/** Every outbound list answers `{ items }` (the server's `itemsOf`). */
export interface Items<T> {
  items: T[];
}
