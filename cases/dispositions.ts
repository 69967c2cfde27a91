/**
 * Disposition codes and the one on each case. Admins keep the list (retiring a code rather than
 * deleting it); agents pick one on the case; a queue can insist on one before its cases are
 * resolved or closed, so reports of why customers got in touch have no gaps.
 */
import { and, asc, eq, gte, lt, ne, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { cases } from "../db/schema/cases.ts";
import { dispositionCodes } from "../db/schema/dispositions.ts";
import { queues } from "../db/schema/routing.ts";
import type { CaseRow } from "./case-workflow.ts";
import type { CaseDeps } from "./deps.ts";
import { AppError, notFound } from "./errors.ts";

export type DispositionRow = typeof dispositionCodes.$inferSelect;

export interface DispositionInput {
  label: string;
  description: string;
  active: boolean;
  position: number;
}

const taken = (label: string) =>
  new AppError("CONFLICT", `A disposition labelled '${label}' already exists.`, { label: "taken" });

export function listDispositions(executor: Executor, filter: { includeRetired?: boolean } = {}) {
  return executor
    .select()
    .from(dispositionCodes)
    .where(filter.includeRetired ? undefined : eq(dispositionCodes.active, true))
    .orderBy(asc(dispositionCodes.position), asc(dispositionCodes.label));
}

async function labelFree(executor: Executor, label: string, exceptId?: string): Promise<boolean> {
  const [clash] = await executor
    .select({ id: dispositionCodes.id })
    .from(dispositionCodes)
    .where(
      and(
        sql`lower(${dispositionCodes.label}) = lower(${label})`,
        exceptId ? ne(dispositionCodes.id, exceptId) : undefined,
      ),
    );
  return !clash;
}

export async function createDisposition(
  executor: Executor,
  input: Partial<DispositionInput> & { label: string },
): Promise<DispositionRow> {
  // The unique index on lower(label) decides: a clash inserts nothing.
  const [row] = await executor.insert(dispositionCodes).values(input).onConflictDoNothing().returning();
  if (!row) throw taken(input.label);
  return row;
}

export async function updateDisposition(
  executor: Executor,
  id: string,
  input: Partial<DispositionInput>,
  at: Date,
): Promise<DispositionRow> {
  if (input.label && !(await labelFree(executor, input.label, id))) throw taken(input.label);
  const [row] = await executor
    .update(dispositionCodes)
    .set({ ...input, updatedAt: at })
    .where(eq(dispositionCodes.id, id))
    .returning();
  if (!row) throw notFound("Disposition", id);
  return row;
}

/** A code an agent may put on a case now: it exists and is not retired. */
export async function assertUsableDisposition(executor: Executor, id: string): Promise<DispositionRow> {
  const [row] = await executor.select().from(dispositionCodes).where(eq(dispositionCodes.id, id));
  if (!row)
    throw new AppError("VALIDATION", `Disposition '${id}' does not exist.`, { dispositionId: "unknown" });
  if (!row.active)
    throw new AppError("VALIDATION", `The disposition '${row.label}' is retired; pick a current one.`, {
      dispositionId: "retired",
    });
  return row;
}

/**
 * Refuses to finish a case of a queue that requires a disposition while it has none. `executor` is
 * the caller's open transaction, if any (the queue is read there, never beside it).
 */
export async function assertDispositionGiven(
  deps: CaseDeps,
  row: CaseRow,
  executor: Executor = deps.db,
): Promise<void> {
  if (row.dispositionId || !row.queueId) return;
  const queue = deps.routingHooks
    ? await deps.routingHooks.queueSettings(executor, row.queueId)
    : (
        await executor
          .select({ name: queues.name, dispositionRequired: queues.dispositionRequired })
          .from(queues)
          .where(eq(queues.id, row.queueId))
      )[0];
  if (!queue?.dispositionRequired) return;
  throw new AppError(
    "ILLEGAL_ACTION",
    `Case #${row.number} needs a disposition first: the ${queue.name} queue asks for one before a case is finished.`,
    { dispositionRequired: true },
  );
}

/** Cases finished in a period, per disposition code (null: none given), most frequent first. */
export async function dispositionCounts(
  executor: Executor,
  filter: {
    from: Date;
    to: Date;
    queueId?: string /** A limited supervisor's queues only. */;
    queueIds?: readonly string[];
  },
): Promise<{ dispositionId: string | null; label: string | null; cases: number }[]> {
  return executor
    .select({
      dispositionId: cases.dispositionId,
      label: dispositionCodes.label,
      cases: sql<number>`count(*)::int`,
    })
    .from(cases)
    .leftJoin(dispositionCodes, eq(dispositionCodes.id, cases.dispositionId))
    .where(
      and(
        gte(cases.resolvedAt, filter.from),
        lt(cases.resolvedAt, filter.to),
        filter.queueId ? eq(cases.queueId, filter.queueId) : undefined,
        filter.queueIds
          ? sql`${cases.queueId} = any(${`{${filter.queueIds.join(",")}}`}::uuid[])`
          : undefined,
      ),
    )
    .groupBy(cases.dispositionId, dispositionCodes.label)
    .orderBy(sql`count(*) desc`);
}
