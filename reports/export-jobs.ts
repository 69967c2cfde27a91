/**
 * CSV exports as jobs: a request stores an `export_jobs` row and queues `run-export`; the job reads
 * the rows in keyset pages (export-kinds.ts) into csv-stringify and on into the file, updating
 * `rows_written` after every page, so memory stays one page whatever the size and the console
 * shows progress. A retry writes the whole file again (the file appears under its key only once
 * complete).
 */
import { join } from "node:path";
import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { and, desc, eq } from "drizzle-orm";
import { AppError, notFound } from "../cases/errors.ts";
import type { Clock, JobScheduler } from "../cases/ports.ts";
import type { Db, Executor } from "../db/connect.ts";
import { type ExportKind, exportJobs } from "../db/schema/integrations.ts";
import { queues } from "../db/schema/routing.ts";
import { guardCell } from "./csv-cells.ts";
import { AGENT_PERFORMANCE_COLUMNS, type ExportParams, STREAMED_KINDS } from "./export-kinds.ts";
import { buildReport, checkPeriod } from "./report.ts";
import { zoneFormatter } from "./zone-time.ts";

export const RUN_EXPORT_JOB = "run-export";

declare module "../cases/ports.ts" {
  interface JobCatalogue {
    /** Writes one CSV export (an `export_jobs` row) to the file storage. */
    [RUN_EXPORT_JOB]: { exportId: string };
  }
}

/** Where finished files go: the app's file storage. */
export interface ExportFiles {
  /** Stores everything `source` yields under `key`; the key shows nothing until it is complete. */
  putStream(key: string, source: Readable): Promise<void>;
}

export interface ExportDeps {
  db: Db;
  /** Reads go here (the reporting pool on PostgreSQL). */
  reporting: Executor;
  jobs: JobScheduler;
  files: ExportFiles;
  clock: Clock;
}

export type ExportRow = typeof exportJobs.$inferSelect;
export const EXPORT_PAGE_ROWS = 5000;

export interface ExportRequest {
  kind: ExportKind;
  from: Date;
  to: Date;
  timeZone: string;
  queueId?: string;
}

export async function startExport(
  deps: ExportDeps,
  request: ExportRequest,
  by: { agentId: string; queueIds?: readonly string[] },
): Promise<ExportRow> {
  checkPeriod(request);
  if (request.queueId) {
    const [queue] = await deps.db
      .select({ id: queues.id })
      .from(queues)
      .where(eq(queues.id, request.queueId));
    if (!queue || (by.queueIds && !by.queueIds.includes(request.queueId)))
      throw notFound("Queue", request.queueId);
  }
  const params: ExportParams = {
    from: request.from.toISOString(),
    to: request.to.toISOString(),
    timeZone: request.timeZone,
    ...(request.queueId ? { queueId: request.queueId } : {}),
    ...(by.queueIds ? { queueIds: [...by.queueIds] } : {}),
  };
  const [row] = await deps.db
    .insert(exportJobs)
    .values({ kind: request.kind, params: { ...params }, createdBy: by.agentId, createdAt: deps.clock() })
    .returning();
  await deps.jobs.enqueue(RUN_EXPORT_JOB, { exportId: row!.id }, { jobId: `export-${row!.id}`, attempts: 2 });
  return row!;
}

/** An export as its creator (or an admin) sees it; someone else's is not there. */
export async function getExport(executor: Executor, id: string, viewer: { id: string; admin: boolean }) {
  const [row] = await executor.select().from(exportJobs).where(eq(exportJobs.id, id));
  if (!row || (!viewer.admin && row.createdBy !== viewer.id)) throw notFound("Export", id);
  return row;
}

export function listExports(executor: Executor, viewer: { id: string; admin: boolean }, limit = 50) {
  return executor
    .select()
    .from(exportJobs)
    .where(viewer.admin ? undefined : eq(exportJobs.createdBy, viewer.id))
    .orderBy(desc(exportJobs.createdAt))
    .limit(limit);
}

/** The download's file name: kind and the period's first day. */
export function exportFileName(row: ExportRow): string {
  const from = String((row.params as Partial<ExportParams>).from ?? "").slice(0, 10);
  return `${row.kind}-${from || row.id}.csv`;
}

/** The rows of an export as cell arrays, page by page; `written` after each page. */
async function* exportRows(
  deps: ExportDeps,
  row: ExportRow,
  written: (count: number) => Promise<void>,
): AsyncGenerator<unknown[]> {
  const params = row.params as unknown as ExportParams;
  const zoned = zoneFormatter(params.timeZone);
  const time = (ms: number | null) => (ms === null || ms === undefined ? "" : zoned(Number(ms)));
  if (row.kind === "agent_performance") {
    const report = await buildReport(deps.reporting, deps.clock(), {
      from: new Date(params.from),
      to: new Date(params.to),
      timeZone: params.timeZone,
      queueId: params.queueId,
      queueIds: params.queueIds,
    });
    for (const agent of report.agents)
      yield [
        agent.agentId,
        agent.name,
        agent.handled,
        agent.aht,
        agent.occupancy,
        agent.availableSeconds,
        agent.csat.average,
        agent.csat.count,
      ];
    await written(report.agents.length);
    return;
  }
  const kind = STREAMED_KINDS[row.kind];
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const page = await kind.page(deps.reporting, params, after, EXPORT_PAGE_ROWS, time);
    for (const cells of page.rows) yield cells;
    count += page.rows.length;
    await written(count);
    if (page.rows.length < EXPORT_PAGE_ROWS || page.last === null) return;
    after = page.last;
  }
}

export async function runExport(deps: ExportDeps, exportId: string): Promise<void> {
  const [row] = await deps.db.select().from(exportJobs).where(eq(exportJobs.id, exportId));
  if (!row || row.status === "done" || row.status === "failed") return;
  const params = row.params as unknown as ExportParams;
  const total =
    row.kind === "agent_performance" ? null : await STREAMED_KINDS[row.kind].count(deps.reporting, params);
  await deps.db
    .update(exportJobs)
    .set({ status: "running", rowsTotal: total, rowsWritten: 0, error: null })
    .where(eq(exportJobs.id, exportId));
  const written = async (count: number) => {
    await deps.db.update(exportJobs).set({ rowsWritten: count }).where(eq(exportJobs.id, exportId));
  };
  const columns =
    row.kind === "agent_performance" ? AGENT_PERFORMANCE_COLUMNS : STREAMED_KINDS[row.kind].columns;
  const csv = stringify({ header: true, columns, cast: { string: guardCell } });
  const key = join("exports", row.createdAt.toISOString().slice(0, 10), `${row.id}-${row.kind}.csv`);
  const rows = Readable.from(exportRows(deps, row, written));
  // `pipe` does not pass errors on: a failed read must fail the file, not end it early.
  rows.on("error", (error) => csv.destroy(error));
  // And a file that could not be written stops the reads (the generator's pages) too.
  csv.once("close", () => rows.destroy());
  await deps.files.putStream(key, rows.pipe(csv));
  await deps.db
    .update(exportJobs)
    .set({ status: "done", fileKey: key, finishedAt: deps.clock() })
    .where(and(eq(exportJobs.id, exportId), eq(exportJobs.status, "running")));
}

/** The last try failed: the export says why instead of staying "running". */
export async function failExport(deps: ExportDeps, exportId: string, error: unknown): Promise<void> {
  const message = error instanceof AppError || error instanceof Error ? error.message : String(error);
  await deps.db
    .update(exportJobs)
    .set({ status: "failed", error: message.split("\n")[0]!.slice(0, 300), finishedAt: deps.clock() })
    .where(eq(exportJobs.id, exportId));
}
