/**
 * One action on many cases from the inbox: each case goes through the permission rule and the
 * service function its single-case route uses, in its own transaction, so a case refused (or one
 * that fails) leaves the others done. The answer says, per case, what was done or why not.
 */
import { eq, sql } from "drizzle-orm";
import type { CaseActor } from "../cases/case-permissions.ts";
import { type Actor, lockCase } from "../cases/case-workflow.ts";
import { assertUsableDisposition } from "../cases/dispositions.ts";
import { AppError, errorName, isAppError } from "../cases/errors.ts";
import { allowedActions, performAction } from "../cases/replies.ts";
import { withUnitOfWork } from "../cases/unit-of-work.ts";
import { cases, type Priority } from "../db/schema/cases.ts";
import { assertMayWorkCase } from "../routing/case-permission.ts";
import { agentsVisibleTo } from "../routing/scope-visibility.ts";
import { editCase, editCaseIn } from "../sla/case-edits.ts";
import { findAgent } from "./auth/accounts.ts";
import type { Services } from "./services.ts";

export const MAX_TAGS = 30;

export type BulkAction =
  | { type: "assign"; agentId: string }
  | { type: "transfer"; queueId: string }
  | { type: "priority"; priority: Priority }
  | { type: "tags"; add?: string[]; remove?: string[] }
  | { type: "resolve"; dispositionId?: string };

export type BulkResult =
  | { caseId: string; caseNumber: number; ok: true }
  | { caseId: string; caseNumber?: number; ok: false; error: string; message: string };

export type BulkServices = Pick<Services, "cases" | "clock" | "db" | "logger" | "router" | "routing">;

/**
 * What is wrong with the request as a whole (a target that does not exist, a role that may not
 * assign) is refused before any case is touched, as the single-case routes would refuse it.
 */
async function assertActionUsable(services: BulkServices, actor: CaseActor, action: BulkAction) {
  if (action.type === "assign") {
    if (actor.role === "agent")
      throw new AppError(
        "FORBIDDEN",
        "Assigning cases to someone is for supervisors; transfer them to a queue instead.",
      );
    const agent = await findAgent(services.db, action.agentId);
    const sees = await agentsVisibleTo({ db: services.db, config: services.routing.config }, actor);
    if (!agent || agent.deactivatedAt || !sees(agent.id))
      throw new AppError("NOT_FOUND", `Agent '${action.agentId}' does not exist.`);
  }
  if (action.type === "transfer") {
    const { queues } = await services.routing.config.get(services.db);
    if (!queues.has(action.queueId))
      throw new AppError("NOT_FOUND", `Queue '${action.queueId}' does not exist.`);
  }
  if (action.type === "resolve" && action.dispositionId)
    await assertUsableDisposition(services.db, action.dispositionId);
}

/** Adds and removes tags under the case's lock, then edits it as PATCH /api/cases/:id does. */
function retag(
  services: BulkServices,
  caseId: string,
  change: { add?: string[]; remove?: string[] },
  actor: Actor,
) {
  const normal = (tags: string[] = []) => tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean);
  const remove = new Set(normal(change.remove));
  return withUnitOfWork(services.cases, async (tx, uow) => {
    const row = await lockCase(tx, caseId);
    const tags = [...new Set([...row.tags, ...normal(change.add)])].filter((tag) => !remove.has(tag));
    if (tags.length > MAX_TAGS)
      throw new AppError(
        "VALIDATION",
        `Case #${row.number} would have ${tags.length} tags; a case carries at most ${MAX_TAGS}. Remove some first.`,
      );
    return editCaseIn(tx, uow, services.cases, { caseId, edit: { tags }, actor });
  });
}

/**
 * Resolves as POST /api/cases/:id/actions does; a disposition given is set first (as the console
 * does for one case), and only on a case its state lets be resolved, so a refusal changes nothing.
 */
async function resolve(
  services: BulkServices,
  caseId: string,
  dispositionId: string | undefined,
  actor: Actor,
) {
  if (dispositionId) {
    const [row] = await services.db.select().from(cases).where(eq(cases.id, caseId));
    if (row && allowedActions(services.cases.machine, row, services.clock().getTime()).includes("resolve"))
      await editCase(services.cases, { caseId, edit: { dispositionId }, actor });
  }
  return performAction(services.cases, { caseId, action: "resolve", actor });
}

function applyToCase(services: BulkServices, caseId: string, action: BulkAction, actor: Actor) {
  switch (action.type) {
    case "assign":
      return services.router.transfer({ caseId, toAgentId: action.agentId, actor });
    case "transfer":
      return services.router.transfer({ caseId, toQueueId: action.queueId, actor });
    case "priority":
      return editCase(services.cases, { caseId, edit: { priority: action.priority }, actor });
    case "tags":
      return retag(services, caseId, action, actor);
    case "resolve":
      return resolve(services, caseId, action.dispositionId, actor);
  }
}

/** Case numbers of the cases the person may see, for naming the refused ones (never a hidden one). */
async function numbersOf(services: BulkServices, caseIds: string[]): Promise<Map<string, number>> {
  if (!caseIds.length) return new Map();
  // One array parameter, whatever the count (the ids are UUIDs: the route's schema checked them).
  const rows = await services.db
    .select({ id: cases.id, number: cases.number })
    .from(cases)
    .where(sql`${cases.id} = any(${`{${caseIds.join(",")}}`}::uuid[])`);
  return new Map(rows.map((row) => [row.id, row.number]));
}

export async function runBulkAction(
  services: BulkServices,
  actor: CaseActor,
  input: { caseIds: string[]; action: BulkAction },
): Promise<{ results: BulkResult[]; done: number; refused: number }> {
  await assertActionUsable(services, actor, input.action);
  const who: Actor = { type: "agent", id: actor.id };
  const results: BulkResult[] = [];
  for (const caseId of [...new Set(input.caseIds)]) {
    try {
      await assertMayWorkCase(services.routing, actor, caseId);
      const row = await applyToCase(services, caseId, input.action, who);
      results.push({ caseId, caseNumber: row.number, ok: true });
    } catch (error) {
      results.push(refusal(services, caseId, error));
    }
  }
  const refusedIds = results.filter((result) => !result.ok && result.error !== "not_found");
  const numbers = await numbersOf(
    services,
    refusedIds.map((result) => result.caseId),
  );
  for (const result of results)
    if (!result.ok && numbers.has(result.caseId)) result.caseNumber = numbers.get(result.caseId);
  const done = results.filter((result) => result.ok).length;
  return { results, done, refused: results.length - done };
}

function refusal(services: BulkServices, caseId: string, error: unknown): BulkResult {
  if (isAppError(error)) return { caseId, ok: false, error: errorName(error.code), message: error.message };
  services.logger.error({ err: error, caseId }, "bulk action failed on a case");
  return {
    caseId,
    ok: false,
    error: "internal",
    message:
      "Something went wrong on the server with this case; it has been logged. Try it again on its own.",
  };
}
