/** Campaigns: a list worked by a queue's agents in a dialing mode, with a script, dispositions and windows. */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { AppError, notFound } from "../cases/errors.ts";
import { assertKnownPlaceholders } from "../cases/placeholders.ts";
import type { Executor, Tx } from "../db/connect.ts";
import {
  type CampaignMode,
  type CampaignStatus,
  callLists,
  campaigns,
  dialAttempts,
  listRecords,
  type StoredHoursRange,
  type StoredRetryRules,
  type StoredSchedule,
} from "../db/schema/outbound.ts";
import { queues, type StoredSkillRequirement } from "../db/schema/routing.ts";
import { minutesOf } from "./calling-window.ts";
import type { OutboundDeps } from "./ports.ts";
import { DEFAULT_RETRY_RULES, type Outcome, RECYCLABLE_OUTCOMES, shouldRecycle } from "./retry-rules.ts";

export type CampaignRow = typeof campaigns.$inferSelect;

/** Every retry rule, each the campaign's own or the default one. */
type WithRuleDefaults<T> = Omit<T, "retryRules"> & { retryRules: Required<StoredRetryRules> };

/** A campaign as it dials: a retry rule it does not set is the default one. */
const withRuleDefaults = <T extends { retryRules: StoredRetryRules }>(row: T): WithRuleDefaults<T> => ({
  ...row,
  retryRules: { ...DEFAULT_RETRY_RULES, ...row.retryRules },
});

export interface CampaignFields {
  name: string;
  listId: string;
  queueId: string | null;
  skills: StoredSkillRequirement[];
  mode: CampaignMode;
  script: string;
  dispositions: string[];
  callingHours: StoredHoursRange | null;
  schedule: StoredSchedule | null;
  abandonLimitPercent: number;
  maxRatio: number;
  ringSeconds: number;
  retryRules: StoredRetryRules;
  maxAttemptsPerRecord: number;
  callerId: string;
  voicemailDropUrl: string | null;
  abandonMessage: string;
}

async function checkReferences(executor: Executor, fields: Partial<CampaignFields>): Promise<void> {
  if (fields.listId) {
    const [list] = await executor
      .select({ id: callLists.id })
      .from(callLists)
      .where(eq(callLists.id, fields.listId));
    if (!list) throw new AppError("VALIDATION", `Call list '${fields.listId}' does not exist.`);
  }
  if (fields.queueId) {
    const [queue] = await executor
      .select({ id: queues.id })
      .from(queues)
      .where(eq(queues.id, fields.queueId));
    if (!queue) throw new AppError("VALIDATION", `Queue '${fields.queueId}' does not exist.`);
  }
  if (fields.callingHours && minutesOf(fields.callingHours.start) >= minutesOf(fields.callingHours.end))
    throw new AppError("VALIDATION", "callingHours.start must be before callingHours.end.");
  for (const window of fields.schedule?.windows ?? []) {
    if (minutesOf(window.start) >= minutesOf(window.end))
      throw new AppError(
        "VALIDATION",
        `A schedule window's start (${window.start}) must be before its end (${window.end}).`,
      );
  }
}

/** What a campaign script may say, filled for each record the agent is given (outbound/agent-work.ts). */
export const SCRIPT_PLACEHOLDERS = [
  "contact.name",
  "contact.first_name",
  "contact.phone",
  "agent.name",
  "campaign.name",
] as const;

const checkScript = (script: string | undefined) =>
  script && assertKnownPlaceholders([script], SCRIPT_PLACEHOLDERS, { script: "unknown placeholder" });

export async function createCampaign(
  deps: OutboundDeps,
  fields: CampaignFields,
): Promise<WithRuleDefaults<CampaignRow>> {
  checkScript(fields.script);
  await checkReferences(deps.db, fields);
  const [existing] = await deps.db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(eq(campaigns.name, fields.name));
  if (existing) throw new AppError("CONFLICT", `A campaign named '${fields.name}' exists already.`);
  const now = deps.clock();
  const [row] = await deps.db
    .insert(campaigns)
    .values({ ...withRuleDefaults(fields), createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError("CONFLICT", `A campaign named '${fields.name}' exists already.`);
  // Stored with every rule already; this only tells the type so.
  return withRuleDefaults(row);
}

export async function getCampaign(
  executor: Executor,
  campaignId: string,
): Promise<WithRuleDefaults<CampaignRow>> {
  const [row] = await executor.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!row) throw notFound("Campaign", campaignId);
  return withRuleDefaults(row);
}

export const listCampaigns = async (executor: Executor) =>
  (await executor.select().from(campaigns).orderBy(asc(campaigns.name))).map(withRuleDefaults);

export async function updateCampaign(
  deps: OutboundDeps,
  campaignId: string,
  fields: Partial<CampaignFields>,
): Promise<WithRuleDefaults<CampaignRow>> {
  checkScript(fields.script);
  const current = await getCampaign(deps.db, campaignId);
  if (current.status === "running" && (fields.listId || fields.mode))
    throw new AppError("CONFLICT", "Pause the campaign before changing its list or its mode.");
  await checkReferences(deps.db, { ...fields, callingHours: fields.callingHours ?? null });
  if (fields.name && fields.name !== current.name) {
    const [taken] = await deps.db
      .select({ id: campaigns.id })
      .from(campaigns)
      .where(eq(campaigns.name, fields.name));
    if (taken) throw new AppError("CONFLICT", `A campaign named '${fields.name}' exists already.`);
  }
  const [row] = await deps.db
    .update(campaigns)
    .set({
      ...fields,
      ...(fields.retryRules ? { retryRules: { ...current.retryRules, ...fields.retryRules } } : {}),
      updatedAt: deps.clock(),
    })
    .where(eq(campaigns.id, campaignId))
    .returning();
  return withRuleDefaults(row!);
}

export async function deleteCampaign(deps: OutboundDeps, campaignId: string): Promise<void> {
  const current = await getCampaign(deps.db, campaignId);
  if (current.status === "running") throw new AppError("CONFLICT", "Pause the campaign before deleting it.");
  await deps.db.delete(campaigns).where(eq(campaigns.id, campaignId));
}

const TRANSITIONS: Record<"start" | "pause", { from: CampaignStatus[]; to: CampaignStatus }> = {
  start: { from: ["draft", "paused", "completed"], to: "running" },
  pause: { from: ["running"], to: "paused" },
};

export async function setCampaignStatus(
  deps: OutboundDeps,
  campaignId: string,
  action: "start" | "pause",
): Promise<WithRuleDefaults<CampaignRow>> {
  const current = await getCampaign(deps.db, campaignId);
  const transition = TRANSITIONS[action];
  if (current.status === transition.to) return current;
  if (!transition.from.includes(current.status))
    throw new AppError("CONFLICT", `A ${current.status} campaign cannot ${action}.`);
  if (action === "start" && current.mode !== "preview" && !deps.calls) {
    throw new AppError(
      "CONFLICT",
      `A ${current.mode} campaign dials by itself and needs Twilio: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or use preview mode.`,
    );
  }
  const [row] = await deps.db
    .update(campaigns)
    .set({ status: transition.to, updatedAt: deps.clock() })
    .where(eq(campaigns.id, campaignId))
    .returning();
  return withRuleDefaults(row!);
}

/** Puts finished records that reached nobody back on the list, attempts counted afresh. */
export async function recycleList(
  deps: OutboundDeps,
  campaignId: string,
  outcomes: readonly Outcome[] = RECYCLABLE_OUTCOMES,
): Promise<number> {
  const campaign = await getCampaign(deps.db, campaignId);
  return deps.db.transaction(async (raw) => {
    const tx = raw as Tx;
    const finished = await tx
      .select({
        id: listRecords.id,
        status: listRecords.status,
        lastDisposition: listRecords.lastDisposition,
      })
      .from(listRecords)
      .where(and(eq(listRecords.listId, campaign.listId), eq(listRecords.status, "done")))
      .for("update");
    const ids = finished
      .filter((row) =>
        shouldRecycle({ status: row.status, lastOutcome: row.lastDisposition as Outcome | null }, outcomes),
      )
      .map((row) => row.id);
    const now = deps.clock();
    for (let start = 0; start < ids.length; start += 1000) {
      const slice = ids.slice(start, start + 1000);
      await tx
        .update(listRecords)
        .set({
          status: "pending",
          attempts: 0,
          nextAttemptAt: null,
          recycled: sql`${listRecords.recycled} + 1`,
          statusReason: "recycled",
          updatedAt: now,
        })
        .where(inArray(listRecords.id, slice));
      // Outcomes before the recycle no longer count towards the retry limits.
      await tx
        .update(dialAttempts)
        .set({ disposition: sql`'recycled:' || ${dialAttempts.disposition}` })
        .where(
          and(
            eq(dialAttempts.campaignId, campaignId),
            inArray(dialAttempts.recordId, slice),
            inArray(dialAttempts.disposition, [...outcomes]),
          ),
        );
    }
    return ids.length;
  });
}
