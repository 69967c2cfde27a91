/**
 * Custom fields: definitions (everyone signed in reads them, admins keep them) and values on cases and
 * contacts, each write checked field by field (400 naming the field and why).
 */
import { z } from "zod";
import {
  archiveCustomField,
  createCustomField,
  listCustomFields,
  updateCustomField,
} from "../../cases/custom-field-admin.ts";
import {
  fieldDefinitions,
  setCaseCustomFields,
  setContactCustomFields,
} from "../../cases/custom-field-values.ts";
import { visibleValues } from "../../cases/custom-fields.ts";
import { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES } from "../../db/schema/integrations.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, responses } from "../http/schemas.ts";
import { caseSummarySchema, contactSchema, identitySchema } from "../http/views.ts";
import { caseSummary } from "../realtime/publisher.ts";
import type { Services } from "../services.ts";
import { customFieldChangeFields, customFieldSchema, fieldValuesBody } from "./custom-field-schemas.ts";
import type { ZodApp } from "./zod-app.ts";

type FieldServices = Pick<Services, "cases" | "clock" | "db">;

function definitionRoutes(app: ZodApp, services: FieldServices): void {
  const { db } = services;
  const changed = () => services.cases.customFields?.invalidate();
  app.get(
    "/api/custom-fields",
    {
      config: { access: "agent" },
      schema: {
        tags: ["custom fields"],
        summary: "Custom field definitions, in the admin's order",
        querystring: z.object({
          entity: z.enum(CUSTOM_FIELD_ENTITIES).optional(),
          archived: z
            .enum(["true", "false"])
            .optional()
            .describe("`true` lists archived fields too (their values are kept in the rows)"),
        }),
        response: responses({ 200: z.object({ items: z.array(customFieldSchema) }) }),
      },
    },
    async (request) => ({
      items: await listCustomFields(db, {
        ...(request.query.entity ? { entity: request.query.entity } : {}),
        archived: request.query.archived === "true",
      }),
    }),
  );
  app.post(
    "/api/admin/custom-fields",
    {
      config: { access: "admin" },
      schema: {
        tags: ["custom fields"],
        summary: "Add a custom field to cases or contacts",
        description:
          "The key (a-z, 0-9, _) and the type are fixed once created. Adding a field rewrites no row: existing cases and contacts simply have no value.",
        body: z.object({
          entity: z.enum(CUSTOM_FIELD_ENTITIES),
          key: z.string().trim().min(1).max(50),
          type: z.enum(CUSTOM_FIELD_TYPES),
          label: customFieldChangeFields.label,
          options: customFieldChangeFields.options.optional(),
          required: customFieldChangeFields.required.optional(),
          requiredQueueIds: customFieldChangeFields.requiredQueueIds.optional(),
          position: customFieldChangeFields.position.optional(),
        }),
        response: responses({ 201: customFieldSchema }, [409]),
      },
    },
    async (request, reply) => {
      const row = await createCustomField(db, request.body, services.clock());
      changed();
      return reply.code(201).send(row);
    },
  );
}

function definitionChangeRoutes(app: ZodApp, services: FieldServices): void {
  const { db } = services;
  const changed = () => services.cases.customFields?.invalidate();
  app.put(
    "/api/admin/custom-fields/:id",
    {
      config: { access: "admin" },
      schema: {
        tags: ["custom fields"],
        summary: "Change a field's label, options, required setting, queues or position",
        description:
          "Removing an option cases still hold is allowed: their value stays until changed, and `warnings` says how many hold it.",
        params: idParam,
        body: z
          .object(customFieldChangeFields)
          .partial()
          .refine((body) => Object.keys(body).length > 0, "give at least one change"),
        response: responses({ 200: customFieldSchema.extend({ warnings: z.array(z.string()) }) }, [404, 409]),
      },
    },
    async (request) => {
      const { field, warnings } = await updateCustomField(
        db,
        request.params.id,
        request.body,
        services.clock(),
      );
      changed();
      return { ...field, warnings };
    },
  );
  app.delete(
    "/api/admin/custom-fields/:id",
    {
      config: { access: "admin" },
      schema: {
        tags: ["custom fields"],
        summary: "Archive a field: hidden everywhere, its values kept in the rows",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await archiveCustomField(db, request.params.id, services.clock());
      changed();
      return reply.code(204).send(null);
    },
  );
}

const contactWithFields = contactSchema.extend({ identities: z.array(identitySchema) });

function valueRoutes(app: ZodApp, services: FieldServices): void {
  const { db } = services;
  app.patch(
    "/api/cases/:id/custom-fields",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["custom fields"],
        summary: "Set or clear a case's custom field values",
        description:
          "Only the fields given change; null clears one (400 when it is required). Audited naming each field old → new. A case waiting in its queue whose new values match an assignment rule on custom fields moves to that rule's queue.",
        params: idParam,
        body: fieldValuesBody,
        response: responses({ 200: caseSummarySchema }, [404, 409]),
      },
    },
    async (request) => {
      const row = await setCaseCustomFields(services.cases, {
        caseId: request.params.id,
        values: request.body.values,
        actor: { type: "agent", id: currentAgent(request).id },
      });
      const definitions = await fieldDefinitions(services.cases, db, "case");
      return {
        ...(await caseSummary(db, row.id))!,
        customFields: visibleValues(definitions, "case", row.customFields),
      };
    },
  );
  app.patch(
    "/api/contacts/:id/custom-fields",
    {
      config: { access: "agent" },
      schema: {
        tags: ["custom fields"],
        summary: "Set or clear a contact's custom field values",
        description: "Only the fields given change; null clears one (400 when it is required).",
        params: idParam,
        body: fieldValuesBody,
        response: responses({ 200: contactWithFields }, [404, 409]),
      },
    },
    async (request) => {
      const contact = await setContactCustomFields(
        services.cases,
        request.params.id,
        request.body.values,
        services.clock(),
      );
      const definitions = await fieldDefinitions(services.cases, db, "contact");
      return { ...contact, customFields: visibleValues(definitions, "contact", contact.customFields) };
    },
  );
}

export function customFieldRoutes(app: ZodApp, services: FieldServices): void {
  definitionRoutes(app, services);
  definitionChangeRoutes(app, services);
  valueRoutes(app, services);
}
