/**
 * Call lists from CSV files: a preview (headers, first rows, a suggested mapping), then an import
 * that runs as a job in batches of rows. Each batch is one transaction that stores its records, its
 * issues (every invalid or duplicate row, by line, with the reason) and the progress; the job yields
 * to the event loop between batches, so a 100,000-row file never holds the server up, and a job run
 * again after a crash continues after the last committed batch.
 */
import { Readable } from "node:stream";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { CountryCode } from "libphonenumber-js";
import { AppError, notFound } from "../cases/errors.ts";
import type { Executor } from "../db/connect.ts";
import {
  type ColumnMapping,
  callLists,
  listImportIssues,
  listImports,
  listRecords,
} from "../db/schema/outbound.ts";
import { createZoneLookup, type PendingRow, storeBatch } from "./list-import-batch.ts";
import { suggestMapping } from "./list-rows.ts";
import { OUTBOUND_IMPORT_JOB, type OutboundDeps } from "./ports.ts";

export const IMPORT_BATCH_ROWS = 250;
const PREVIEW_ROWS = 10;

const CSV_OPTIONS = {
  bom: true,
  skip_empty_lines: true,
  relax_column_count: true,
  relax_quotes: true,
  trim: true,
} as const;

export async function createCallList(
  executor: Executor,
  input: { name: string; description?: string; createdById: string | null },
) {
  const [list] = await executor
    .insert(callLists)
    .values({ name: input.name, description: input.description ?? "", createdById: input.createdById })
    .returning();
  return list!;
}

export async function getCallList(executor: Executor, listId: string) {
  const [list] = await executor.select().from(callLists).where(eq(callLists.id, listId));
  if (!list) throw notFound("Call list", listId);
  return list;
}

export function listCallLists(executor: Executor) {
  return executor.select().from(callLists).orderBy(asc(callLists.createdAt));
}

/** A list's records, in file order, optionally only those with one status. */
export async function listRecordsOf(
  executor: Executor,
  listId: string,
  page: { limit: number; offset: number; status?: (typeof listRecords.$inferSelect)["status"] },
) {
  await getCallList(executor, listId);
  return executor
    .select()
    .from(listRecords)
    .where(and(eq(listRecords.listId, listId), page.status ? eq(listRecords.status, page.status) : undefined))
    .orderBy(asc(listRecords.line), asc(listRecords.createdAt))
    .limit(page.limit)
    .offset(page.offset);
}

export interface CsvPreview {
  headers: string[];
  rows: string[][];
  suggestedMapping: Partial<ColumnMapping>;
}

export function previewCsv(csv: string): CsvPreview {
  let parsed: string[][];
  try {
    parsed = parseSync(csv, { ...CSV_OPTIONS, to_line: PREVIEW_ROWS + 1 }) as string[][];
  } catch (error) {
    throw new AppError("VALIDATION", `The file is not readable as CSV: ${(error as Error).message}`);
  }
  const [headers, ...rows] = parsed;
  if (!headers?.length || headers.every((cell) => !cell))
    throw new AppError("VALIDATION", "The file has no header row: its first line must name the columns.");
  return { headers, rows, suggestedMapping: suggestMapping(headers, rows) };
}

export async function startListImport(
  deps: OutboundDeps,
  input: {
    listId: string;
    csv: string;
    mapping: ColumnMapping;
    defaultCountry?: CountryCode;
    createdById: string | null;
  },
) {
  await getCallList(deps.db, input.listId);
  const { headers } = previewCsv(input.csv);
  const missing = Object.entries(input.mapping)
    .filter(([, column]) => typeof column === "string" && !headers.includes(column))
    .map(([field, column]) => `${field} -> '${column}'`);
  if (missing.length) {
    throw new AppError(
      "VALIDATION",
      `The mapping names columns the file does not have (${missing.join(", ")}); its columns are ${headers.map((h) => `'${h}'`).join(", ")}.`,
      { headers },
    );
  }
  const [created] = await deps.db
    .insert(listImports)
    .values({
      listId: input.listId,
      mapping: input.mapping,
      defaultCountry: input.defaultCountry ?? deps.defaultCountry,
      source: input.csv,
      createdById: input.createdById,
      createdAt: deps.clock(),
    })
    .returning();
  await deps.jobs.enqueue(
    OUTBOUND_IMPORT_JOB,
    { importId: created!.id },
    { jobId: `outbound-import-${created!.id}`, attempts: 3 },
  );
  const { source: _source, ...view } = created!;
  return view;
}

export async function importProgress(
  executor: Executor,
  importId: string,
  issues: { limit: number; offset: number },
) {
  const [row] = await executor.select().from(listImports).where(eq(listImports.id, importId));
  if (!row) throw notFound("Import", importId);
  const { source: _source, ...view } = row;
  const issueRows = await executor
    .select({
      line: listImportIssues.line,
      kind: listImportIssues.kind,
      reason: listImportIssues.reason,
      value: listImportIssues.value,
    })
    .from(listImportIssues)
    .where(eq(listImportIssues.importId, importId))
    .orderBy(listImportIssues.line)
    .limit(issues.limit)
    .offset(issues.offset);
  return { ...view, issues: issueRows };
}

const SLICE_CHARS = 64 * 1024;

function* slices(text: string): Generator<string> {
  for (let start = 0; start < text.length; start += SLICE_CHARS) yield text.slice(start, start + SLICE_CHARS);
}

/** Runs (or continues) one import. Safe to run twice: committed batches are skipped. */
export async function runListImport(deps: OutboundDeps, importId: string): Promise<void> {
  const [job] = await deps.db.select().from(listImports).where(eq(listImports.id, importId));
  if (!job || job.status === "done" || job.status === "failed" || job.source === null) return;
  const csv = job.source;
  const country = job.defaultCountry as CountryCode;
  const zonesOf = createZoneLookup();

  const parseIssues: { line: number; reason: string }[] = [];
  // The file is fed to the parser in slices, so parsing never holds the event loop for long.
  const records = () =>
    Readable.from(slices(csv)).pipe(
      parse({
        ...CSV_OPTIONS,
        columns: (header: string[]) => header.map((cell) => cell.trim()),
        info: true,
        skip_records_with_error: true,
        on_skip: (error) => {
          if (error)
            parseIssues.push({ line: Number(error.lines), reason: `unreadable CSV: ${error.message}` });
          return undefined;
        },
      }),
    );

  if (job.status === "queued") {
    // First pass: count rows, so progress reads as rows done out of a known total.
    let total = 0;
    for await (const _record of records()) {
      total += 1;
      // A stream with data ready resolves through microtasks only: let timers and I/O in now and then.
      if (total % IMPORT_BATCH_ROWS === 0) await yieldToEventLoop();
    }
    total += parseIssues.length;
    parseIssues.length = 0;
    await deps.db
      .update(listImports)
      .set({ status: "running", totalRows: total })
      .where(eq(listImports.id, importId));
  }

  // Numbers already in the list, with the line they came from, so duplicates name their first line.
  const firstLine = new Map<string, number | null>();
  for (const row of await deps.db
    .select({ phone: listRecords.phone, line: listRecords.line })
    .from(listRecords)
    .where(eq(listRecords.listId, job.listId))) {
    firstLine.set(row.phone, row.line);
  }
  let batch: PendingRow[] = [];

  const flush = async () => {
    const rows = batch;
    batch = [];
    const skipped = parseIssues.splice(0);
    await storeBatch(deps, job, rows, skipped, firstLine, zonesOf, country);
    await yieldToEventLoop();
  };

  for await (const entry of records() as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    // Committed by an earlier run of this job.
    if (entry.info.lines <= job.doneThroughLine) {
      parseIssues.length = 0;
      continue;
    }
    batch.push({ line: entry.info.lines, cells: entry.record });
    if (batch.length + parseIssues.length >= IMPORT_BATCH_ROWS) await flush();
  }
  if (batch.length || parseIssues.length) await flush();
  await deps.db
    .update(listImports)
    .set({ status: "done", source: null, finishedAt: deps.clock() })
    .where(eq(listImports.id, importId));
}

export async function failListImport(deps: OutboundDeps, importId: string, error: unknown): Promise<void> {
  await deps.db
    .update(listImports)
    .set({
      status: "failed",
      failure: error instanceof Error ? error.message : String(error),
      finishedAt: deps.clock(),
    })
    .where(and(eq(listImports.id, importId), isNotNull(listImports.source)));
}
