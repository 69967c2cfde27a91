import { z } from "zod";
import { getContact, searchContacts, updateContact } from "../../cases/contacts.ts";
import { fieldDefinitions } from "../../cases/custom-field-values.ts";
import { visibleValues } from "../../cases/custom-fields.ts";
import { verifyIdentity } from "../../cases/identity-verification.ts";
import { withUnitOfWork } from "../../cases/unit-of-work.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, responses, timeZoneName } from "../http/schemas.ts";
import { contactSchema, identitySchema } from "../http/views.ts";
import type { Services } from "../services.ts";
import { contactDuplicateRoutes, contactMergeRoutes } from "./contact-merges.ts";
import type { ZodApp } from "./zod-app.ts";

export type ContactServices = Pick<Services, "cases" | "clock" | "db">;

/** Contacts themselves: search, read, edit. */
function contactRecordRoutes(app: ZodApp, services: ContactServices): void {
  app.get(
    "/api/contacts",
    {
      config: { access: "agent" },
      schema: {
        tags: ["contacts"],
        summary: "Search contacts by name or address",
        querystring: z.object({
          q: z.string().trim().max(200).default(""),
          limit: z.coerce.number().int().min(1).max(100).default(25),
        }),
        response: responses({ 200: z.object({ items: z.array(contactSchema) }) }),
      },
    },
    async (request) => ({ items: await searchContacts(services.db, request.query.q, request.query.limit) }),
  );

  app.get(
    "/api/contacts/:id",
    {
      config: { access: "agent" },
      schema: {
        tags: ["contacts"],
        summary: "A contact with its identities",
        params: idParam,
        response: responses({ 200: contactSchema.extend({ identities: z.array(identitySchema) }) }, [404]),
      },
    },
    async (request) => {
      const contact = await getContact(services.db, request.params.id);
      const definitions = await fieldDefinitions(services.cases, services.db, "contact");
      return { ...contact, customFields: visibleValues(definitions, "contact", contact.customFields) };
    },
  );

  app.patch(
    "/api/contacts/:id",
    {
      config: { access: "agent" },
      schema: {
        tags: ["contacts"],
        summary: "Change a contact's name, attributes or time zone",
        params: idParam,
        body: z
          .object({
            name: z.string().trim().min(1).max(200).nullable().optional(),
            attributes: z
              .record(
                z.string().trim().min(1).max(100),
                z.union([z.string().max(1000), z.number(), z.boolean()]),
              )
              .optional()
              .describe("Replaces the attributes as a whole"),
            timeZone: timeZoneName("Europe/Paris").nullable().optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "give at least one of name, attributes, timeZone"),
        response: responses(
          { 200: contactSchema.extend({ identities: z.array(identitySchema) }) },
          [404, 409],
        ),
      },
    },
    async (request) => updateContact(services.db, request.params.id, request.body, services.clock()),
  );
}

/** Confirming an address the customer only claimed (typed into the web chat's pre-chat form). */
function identityRoutes(app: ZodApp, services: ContactServices): void {
  app.post(
    "/api/contacts/:id/identities/:identityId/verify",
    {
      config: { access: "agent" },
      schema: {
        tags: ["contacts"],
        summary: "Confirm that an unverified address is the contact's: mail from it then reaches them",
        params: idParam.extend({ identityId: z.uuid() }),
        response: responses(
          { 200: contactSchema.extend({ identities: z.array(identitySchema) }) },
          [404, 409],
        ),
      },
    },
    async (request) =>
      withUnitOfWork(services.cases, (tx, uow) =>
        verifyIdentity(tx, uow, {
          contactId: request.params.id,
          identityId: request.params.identityId,
          actor: { type: "agent", id: currentAgent(request).id },
          at: services.clock(),
        }),
      ),
  );
}

export function contactRoutes(app: ZodApp, services: ContactServices): void {
  contactRecordRoutes(app, services);
  identityRoutes(app, services);
  contactDuplicateRoutes(app, services);
  contactMergeRoutes(app, services);
}
