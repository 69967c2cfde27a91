import { z } from "zod";
import { LIST_RECORD_STATUSES } from "../../db/schema/outbound.ts";
import { addDoNotCall, importDoNotCall, listDoNotCall } from "../../outbound/do-not-call.ts";
import {
  createCallList,
  importProgress,
  listCallLists,
  listRecordsOf,
  previewCsv,
  startListImport,
} from "../../outbound/list-import.ts";
import { idParam, responses } from "../http/schemas.ts";
import type { OutboundRouteContext } from "./outbound.ts";
import {
  callListSchema,
  country,
  csv,
  csvPreviewSchema,
  doNotCallImportSchema,
  doNotCallSchema,
  FILE_BODY_LIMIT,
  importProgressSchema,
  itemsOf,
  listImportSchema,
  listRecordSchema,
  mappingSchema,
  paging,
  supervisor,
  tags,
} from "./outbound-schemas.ts";
import type { ZodApp } from "./zod-app.ts";

/** Call lists: create and list them, and read their records. */
function callListRoutes(app: ZodApp, context: OutboundRouteContext): void {
  const { me, services } = context;
  const { db } = services;

  app.post(
    "/api/outbound/lists",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "Create a call list",
        body: z.object({
          name: z.string().trim().min(1).max(200),
          description: z.string().max(2000).optional(),
        }),
        response: responses({ 201: callListSchema }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createCallList(db, { ...request.body, createdById: me(request) })),
  );
  app.get(
    "/api/outbound/lists",
    {
      config: supervisor,
      schema: { tags, summary: "Call lists", response: responses({ 200: itemsOf(callListSchema) }) },
    },
    async () => ({ items: await listCallLists(db) }),
  );
  app.get(
    "/api/outbound/lists/:id/records",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "A list's records",
        params: idParam,
        querystring: z.object({ ...paging, status: z.enum(LIST_RECORD_STATUSES).optional() }),
        response: responses({ 200: itemsOf(listRecordSchema) }, [404]),
      },
    },
    async (request) => {
      const rows = await listRecordsOf(db, request.params.id, request.query);
      return { items: rows };
    },
  );
}

/** Filling a list from a CSV file: preview its columns, import it in the background, follow the import. */
function listImportRoutes(app: ZodApp, context: OutboundRouteContext): void {
  const { deps, me } = context;
  app.post(
    "/api/outbound/lists/preview",
    {
      config: supervisor,
      bodyLimit: FILE_BODY_LIMIT,
      schema: {
        tags,
        summary: "Preview a CSV file: its headers, first rows and a suggested column mapping",
        body: z.object({ csv }),
        response: responses({ 200: csvPreviewSchema }),
      },
    },
    async (request) => {
      const preview = previewCsv(request.body.csv);
      return {
        ...preview,
        suggestedMapping: Object.fromEntries(
          Object.entries(preview.suggestedMapping).filter(
            (entry): entry is [string, string] => typeof entry[1] === "string",
          ),
        ),
      };
    },
  );
  app.post(
    "/api/outbound/lists/:id/imports",
    {
      config: supervisor,
      bodyLimit: FILE_BODY_LIMIT,
      schema: {
        tags,
        summary: "Import a CSV file into the list with a column mapping (runs as a job)",
        description:
          "Numbers are normalised to E.164 with the default country (DEFAULT_COUNTRY unless given). Every invalid or duplicate row is reported by line; follow progress with GET /api/outbound/imports/:id.",
        params: idParam,
        body: z.object({ csv, mapping: mappingSchema, defaultCountry: country.optional() }),
        response: responses({ 202: listImportSchema }, [404]),
      },
    },
    async (request, reply) =>
      reply.code(202).send(
        await startListImport(deps, {
          listId: request.params.id,
          csv: request.body.csv,
          mapping: request.body.mapping,
          ...(request.body.defaultCountry ? { defaultCountry: request.body.defaultCountry } : {}),
          createdById: me(request),
        }),
      ),
  );
}

/** How an import is going. */
function importProgressRoutes(app: ZodApp, context: OutboundRouteContext): void {
  const { services } = context;
  const { db } = services;
  app.get(
    "/api/outbound/imports/:id",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "An import's progress (rows done of the total) and its issues by line",
        params: idParam,
        querystring: z.object(paging),
        response: responses({ 200: importProgressSchema }, [404]),
      },
    },
    async (request) => importProgress(db, request.params.id, request.query),
  );
}

/** The do-not-call list: add one number, import a file of them, list them. */
function doNotCallRoutes(app: ZodApp, context: OutboundRouteContext): void {
  const { deps, services, me } = context;
  const { db } = services;
  app.post(
    "/api/outbound/dnc",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "Add a number to the do-not-call list (global, or one campaign's)",
        body: z.object({
          phone: z.string().min(1).max(50),
          campaignId: z.uuid().nullish(),
          reason: z.string().max(500).optional(),
        }),
        response: responses({ 201: doNotCallSchema }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await addDoNotCall(db, {
          ...request.body,
          createdById: me(request),
          defaultCountry: deps.defaultCountry,
          at: services.clock(),
        }),
      ),
  );
  app.post(
    "/api/outbound/dnc/import",
    {
      config: supervisor,
      bodyLimit: FILE_BODY_LIMIT,
      schema: {
        tags,
        summary: "Import numbers to the do-not-call list from a CSV file (first column)",
        body: z.object({ csv, campaignId: z.uuid().nullish(), defaultCountry: country.optional() }),
        response: responses({ 200: doNotCallImportSchema }),
      },
    },
    async (request) =>
      importDoNotCall(db, {
        csv: request.body.csv,
        campaignId: request.body.campaignId ?? null,
        createdById: me(request),
        defaultCountry: request.body.defaultCountry ?? deps.defaultCountry,
        at: services.clock(),
      }),
  );
  app.get(
    "/api/outbound/dnc",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "The do-not-call list",
        querystring: z.object({ ...paging, campaignId: z.uuid().optional() }),
        response: responses({ 200: itemsOf(doNotCallSchema) }),
      },
    },
    async (request) => ({ items: await listDoNotCall(db, request.query) }),
  );
}

export function outboundListRoutes(app: ZodApp, context: OutboundRouteContext): void {
  callListRoutes(app, context);
  listImportRoutes(app, context);
  importProgressRoutes(app, context);
  doNotCallRoutes(app, context);
}
