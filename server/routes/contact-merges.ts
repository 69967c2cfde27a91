/** Duplicate contacts: suggestions, merging one into another after a preview, and undoing a merge. */
import { z } from "zod";
import { DUPLICATE_REASONS, findDuplicates, likelyDuplicatePairs } from "../../cases/contact-duplicates.ts";
import { listContactMerges, mergeContacts, undoMerge } from "../../cases/contact-merges.ts";
import { previewMerge } from "../../cases/contacts.ts";
import { withUnitOfWork } from "../../cases/unit-of-work.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import { contactSchema, identitySchema } from "../http/views.ts";
import type { ContactServices } from "./contacts.ts";
import type { ZodApp } from "./zod-app.ts";

export const mergePreviewSchema = z.object({
  survivor: contactSchema,
  merged: contactSchema,
  identitiesMoving: z.array(identitySchema),
  casesMoving: z.array(
    z.object({ id: z.uuid(), number: z.number().int(), subject: z.string(), state: z.string() }),
  ),
});

export const mergeResultSchema = mergePreviewSchema.extend({
  mergeId: z.uuid().describe("Undo it with POST /api/contacts/merges/{mergeId}/undo"),
});

const contactRef = z.object({ id: z.uuid(), name: z.string().nullable() });

export const contactMergeSchema = z.object({
  id: z.uuid(),
  survivor: contactRef,
  merged: contactRef,
  mergedBy: contactRef.nullable(),
  mergedAt: isoDate,
  undoneAt: isoDate.nullable(),
  identities: z.number().int().describe("Identities the merge moved or folded"),
  cases: z.number().int().describe("Cases the merge moved"),
});

export const duplicateReasonSchema = z.object({
  type: z
    .enum(DUPLICATE_REASONS)
    .describe(
      "same_email / same_phone: the other contact holds one of this contact's addresses; shared_identity: the same chat visitor; similar_email: the same mailbox under a +tag; similar_name: pg_trgm similarity above 0.5",
    ),
  value: z.string().describe("The other contact's address or name that matched"),
  verified: z
    .boolean()
    .optional()
    .describe("Whether the other contact's address is verified (false: a claim)"),
  similarity: z.number().optional(),
});

export const duplicateCandidateSchema = z.object({
  contact: contactSchema,
  reasons: z.array(duplicateReasonSchema),
  score: z.number().describe("0–1, the reasons combined; candidates come best first"),
});

export const duplicatePairSchema = z.object({
  first: contactSchema,
  second: contactSchema,
  reasons: z.array(duplicateReasonSchema),
  score: z.number(),
});

const undoneSchema = z.object({
  mergeId: z.uuid(),
  survivorId: z.uuid(),
  mergedId: z.uuid(),
  identitiesMovedBack: z.number().int(),
  casesMovedBack: z.number().int(),
});

/** Suggested duplicates: of one contact (anyone), and likely pairs across the team (supervisors). */
export function contactDuplicateRoutes(app: ZodApp, services: ContactServices): void {
  app.get(
    "/api/contacts/duplicates",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["contacts"],
        summary: "Likely duplicate pairs across all contacts: a shared address or the same name",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: responses({ 200: z.object({ items: z.array(duplicatePairSchema) }) }),
      },
    },
    async (request) => ({ items: await likelyDuplicatePairs(services.db, request.query.limit) }),
  );

  app.get(
    "/api/contacts/:id/duplicates",
    {
      config: { access: "agent" },
      schema: {
        tags: ["contacts"],
        summary: "Contacts that may be the same person, with why, best first (at most 10)",
        description:
          "Other unmerged contacts holding one of this contact's addresses (verified or only claimed), the same mailbox under a +tag, or a similar name.",
        params: idParam,
        response: responses({ 200: z.object({ items: z.array(duplicateCandidateSchema) }) }, [404, 409]),
      },
    },
    async (request) => ({ items: await findDuplicates(services.db, request.params.id) }),
  );
}

const mergeBody = z.object({
  mergedId: z.uuid().describe("The duplicate; it is folded into the contact in the path"),
});

/** Folding a duplicate into a contact: what it would move, the merge, its record and its undo. */
export function contactMergeRoutes(app: ZodApp, services: ContactServices): void {
  app.post(
    "/api/contacts/:id/merge-preview",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["contacts"],
        summary: "What merging a duplicate into this contact would move",
        params: idParam,
        body: mergeBody,
        response: responses({ 200: mergePreviewSchema }, [404, 409]),
      },
    },
    async (request) => previewMerge(services.db, request.params.id, request.body.mergedId),
  );

  app.post(
    "/api/contacts/:id/merge",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["contacts"],
        summary: "Merge a duplicate into this contact: its identities and cases move here (supervisors)",
        params: idParam,
        body: mergeBody,
        response: responses({ 200: mergeResultSchema }, [404, 409]),
      },
    },
    async (request) =>
      withUnitOfWork(services.cases, (tx, uow) =>
        mergeContacts(tx, uow, {
          survivorId: request.params.id,
          mergedId: request.body.mergedId,
          actor: { type: "agent", id: currentAgent(request).id },
          at: services.clock(),
        }),
      ),
  );

  app.get(
    "/api/contacts/:id/merges",
    {
      config: { access: "agent" },
      schema: {
        tags: ["contacts"],
        summary: "Merges this contact took part in, newest first",
        params: idParam,
        response: responses({ 200: z.object({ items: z.array(contactMergeSchema) }) }, [404]),
      },
    },
    async (request) => ({ items: await listContactMerges(services.db, request.params.id) }),
  );

  app.post(
    "/api/contacts/merges/:id/undo",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["contacts"],
        summary: "Undo a merge: what it moved goes back to the merged contact (supervisors)",
        description:
          "Identities and cases the merge moved (those still on the survivor) return to the merged contact, which stands on its own again. 409 when the merge was already undone or the survivor has since been merged into another contact.",
        params: idParam,
        response: responses({ 200: undoneSchema }, [404, 409]),
      },
    },
    async (request) =>
      withUnitOfWork(services.cases, (tx, uow) =>
        undoMerge(tx, uow, {
          mergeId: request.params.id,
          actor: { type: "agent", id: currentAgent(request).id },
          at: services.clock(),
        }),
      ),
  );
}
