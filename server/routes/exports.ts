/**
 * CSV exports of cases, interactions, agent performance, SLA events and CSAT: started as jobs
 * (202), followed by their progress, downloaded when done. Each person sees their own; admins all.
 */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { AppError } from "../../cases/errors.ts";
import { EXPORT_KINDS, EXPORT_STATES } from "../../db/schema/integrations.ts";
import {
  type ExportRow,
  exportFileName,
  getExport,
  listExports,
  startExport,
} from "../../reports/export-jobs.ts";
import { currentAgent, currentScope } from "../http/access.ts";
import { idParam, isoDate, responses, timeZoneName } from "../http/schemas.ts";
import { exportDeps } from "../jobs/report-jobs.ts";
import type { Services } from "../services.ts";
import { periodQuery } from "./reports.ts";
import type { ZodApp } from "./zod-app.ts";

const exportSchema = z.object({
  id: z.uuid(),
  kind: z.enum(EXPORT_KINDS),
  status: z.enum(EXPORT_STATES),
  params: z
    .object({ from: z.string(), to: z.string(), timeZone: z.string(), queueId: z.string().optional() })
    .describe("The period, time zone and queue asked for"),
  rowsWritten: z.number().int().min(0),
  rowsTotal: z
    .number()
    .int()
    .min(0)
    .nullable()
    .describe("Rows to write, once counted; null for agent performance"),
  error: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: isoDate,
  finishedAt: isoDate.nullable(),
  downloadUrl: z.string().nullable().describe("Where the CSV is, once done"),
});

/** What the API shows of an export: never the file's storage key, nor a limited scope's queue list. */
function exportView(row: ExportRow) {
  const { fileKey, params, ...rest } = row;
  const { queueIds: _scope, ...asked } = params as Record<string, unknown>;
  return {
    ...rest,
    params: asked as z.infer<typeof exportSchema>["params"],
    downloadUrl: rest.status === "done" && fileKey ? `/api/exports/${row.id}/download` : null,
  };
}

type ExportServices = Pick<Services, "clock" | "config" | "database" | "db" | "jobs" | "storage">;

export function exportRoutes(app: ZodApp, services: ExportServices): void {
  const tags = ["metrics"];
  const viewerOf = (request: Parameters<typeof currentAgent>[0]) => {
    const agent = currentAgent(request);
    return { id: agent.id, admin: agent.role === "admin" };
  };
  app.post(
    "/api/exports",
    {
      config: { access: "supervisor" },
      schema: {
        tags,
        summary: "Start a CSV export of a period (a job); follow it with GET /api/exports/:id",
        description:
          "Times in the CSV are ISO 8601 in `timeZone` with their offset. Cells starting with = + - @ get a " +
          "leading apostrophe. The cases export has `custom_fields` as compact JSON.",
        body: z.object({
          kind: z.enum(EXPORT_KINDS),
          ...periodQuery,
          timeZone: timeZoneName("Europe/Berlin").optional().describe("Default DEFAULT_TIME_ZONE"),
        }),
        response: responses({ 202: exportSchema }, [404]),
      },
    },
    async (request, reply) => {
      const scope = currentScope(request);
      const row = await startExport(
        exportDeps(services),
        { ...request.body, timeZone: request.body.timeZone ?? services.config.defaultTimeZone },
        { agentId: currentAgent(request).id, ...(scope.limited ? { queueIds: scope.queueIds } : {}) },
      );
      return reply.code(202).send(exportView(row));
    },
  );
  app.get(
    "/api/exports",
    {
      config: { access: "supervisor" },
      schema: {
        tags,
        summary: "My exports, newest first (admins: everyone's); the last 50",
        response: responses({ 200: z.object({ items: z.array(exportSchema) }) }),
      },
    },
    async (request) => ({ items: (await listExports(services.db, viewerOf(request))).map(exportView) }),
  );
  app.get(
    "/api/exports/:id",
    {
      config: { access: "supervisor" },
      schema: {
        tags,
        summary: "One export's progress: rows written of the total, and the download link when done",
        params: idParam,
        response: responses({ 200: exportSchema }, [404]),
      },
    },
    async (request) => exportView(await getExport(services.db, request.params.id, viewerOf(request))),
  );
  app.get(
    "/api/exports/:id/download",
    {
      config: { access: "supervisor" },
      schema: {
        tags,
        summary: "Download a finished export (text/csv, as an attachment)",
        description: "409 while the export is still being written, or when it failed.",
        params: idParam,
        response: responses({}, [404, 409]),
      },
    },
    async (request, reply) => {
      const row = await getExport(services.db, request.params.id, viewerOf(request));
      if (row.status !== "done" || !row.fileKey)
        throw new AppError("CONFLICT", `The export is ${row.status}; download it once it is done.`, {
          status: row.status,
        });
      if (!(await services.storage.exists(row.fileKey)))
        throw new AppError("NOT_FOUND", "The export's file is missing from DATA_DIR/files; start it again.");
      // A plain reply: the body is the file's stream, which the schema's error bodies do not describe.
      (reply as FastifyReply)
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${exportFileName(row)}"`)
        .header("x-content-type-options", "nosniff")
        .header("cache-control", "private, no-store");
      return (reply as FastifyReply).send(services.storage.stream(row.fileKey));
    },
  );
}
