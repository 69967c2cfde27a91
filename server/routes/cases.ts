import { z } from "zod";
import { getCaseDetail, listCases } from "../../cases/case-queries.ts";
import { csatOf } from "../../cases/csat.ts";
import { fieldDefinitions } from "../../cases/custom-field-values.ts";
import { visibleValues } from "../../cases/custom-fields.ts";
import { addNote, addReply, CASE_ACTIONS, performAction } from "../../cases/replies.ts";
import { currentAgent, currentScope } from "../http/access.ts";
import { caseListQuerystring, fieldFilter } from "../http/case-list-query.ts";
import { idParam, responses } from "../http/schemas.ts";
import {
  authoredInteractionSchema,
  caseDetailSchema,
  casePageSchema,
  caseSummarySchema,
} from "../http/views.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const MAX_MESSAGE_LENGTH = 20_000;
const messageBody = z.object({
  body: z
    .string()
    .trim()
    .min(1, "cannot be empty")
    .max(MAX_MESSAGE_LENGTH, `can be at most ${MAX_MESSAGE_LENGTH} characters`),
});

/** The list's assignee filter: `me` is the caller, `none` unassigned, `any` (or nothing) everyone. */
function assigneeFilter(assignee: string | undefined, me: string): string | null | undefined {
  if (assignee === "me") return me;
  if (assignee === "none") return null;
  if (assignee === "any") return undefined;
  return assignee;
}

/** Reading cases: the inbox lists and one case with its timeline. */
function caseReadRoutes(app: ZodApp, services: Pick<Services, "cases" | "clock" | "db">): void {
  app.get(
    "/api/cases",
    {
      config: { access: "agent" },
      schema: {
        tags: ["cases"],
        summary: "List cases, most recently active first",
        querystring: caseListQuerystring,
        response: responses({
          200: casePageSchema,
        }),
      },
    },
    async (request) => {
      const { status, assignee, channel, priority, sla, csat, queue, contact, q, limit, cursor, ...rest } =
        request.query;
      const customFields = fieldFilter(await fieldDefinitions(services.cases, services.db, "case"), rest);
      const scope = currentScope(request);
      return listCases(services.db, {
        ...(scope.limited
          ? { visibleTo: { agentId: currentAgent(request).id, queueIds: scope.queueIds } }
          : {}),
        states: status,
        channels: channel,
        priorities: priority,
        slaStatuses: sla,
        csat,
        queueId: queue,
        contactId: contact,
        assigneeId: assigneeFilter(assignee, currentAgent(request).id),
        ...(customFields ? { customFields } : {}),
        q,
        limit,
        cursor,
      });
    },
  );

  app.get(
    "/api/cases/:id",
    {
      config: { access: "agent", seesCase: true },
      schema: {
        tags: ["cases"],
        summary: "One case with its contact and its interactions, oldest first",
        params: idParam,
        response: responses({ 200: caseDetailSchema }, [404]),
      },
    },
    async (request) => {
      const detail = await getCaseDetail(services.db, request.params.id, {
        machine: services.cases.machine,
        now: services.clock(),
      });
      const definitions = await fieldDefinitions(services.cases, services.db);
      return {
        ...detail,
        customFields: visibleValues(definitions, "case", detail.customFields),
        contact: {
          ...detail.contact,
          customFields: visibleValues(definitions, "contact", detail.contact.customFields),
        },
      };
    },
  );
}

/** Working a case: replies, internal notes and actions. */
function caseWorkRoutes(app: ZodApp, services: Pick<Services, "cases" | "clock" | "db">): void {
  app.post(
    "/api/cases/:id/replies",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["cases"],
        summary: "Reply to the customer on the case's channel",
        description:
          "Stored as `queued` and delivered in the background with retries; its status moves to sent, delivered or failed.",
        params: idParam,
        body: messageBody.extend({
          cc: z.array(z.email()).max(20).optional().describe("Email only: more recipients, copied"),
        }),
        response: responses({ 201: authoredInteractionSchema }, [404, 409]),
      },
    },
    async (request, reply) => {
      const agent = currentAgent(request);
      const { cc } = request.body;
      const interaction = await addReply(services.cases, {
        caseId: request.params.id,
        agentId: agent.id,
        agentName: agent.name,
        body: request.body.body,
        ...(cc?.length ? { metadata: { cc } } : {}),
      });
      return reply.code(201).send({ ...interaction, author: { id: agent.id, name: agent.name } });
    },
  );

  app.post(
    "/api/cases/:id/notes",
    {
      config: { access: "agent", seesCase: true },
      schema: {
        tags: ["cases"],
        summary: "Add an internal note (never sent to the customer)",
        params: idParam,
        body: messageBody,
        response: responses({ 201: authoredInteractionSchema }, [404]),
      },
    },
    async (request, reply) => {
      const agent = currentAgent(request);
      const interaction = await addNote(services.cases, {
        caseId: request.params.id,
        agentId: agent.id,
        body: request.body.body,
      });
      return reply.code(201).send({ ...interaction, author: { id: agent.id, name: agent.name } });
    },
  );

  app.post(
    "/api/cases/:id/actions",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["cases"],
        summary: "Resolve, reopen, close or set a case waiting on the customer",
        description: "409 names the actions the case's state allows.",
        params: idParam,
        body: z.object({ action: z.enum(CASE_ACTIONS) }),
        response: responses({ 200: caseSummarySchema.omit({ contact: true }) }, [404, 409]),
      },
    },
    async (request) => {
      const row = await performAction(services.cases, {
        caseId: request.params.id,
        action: request.body.action,
        actor: { type: "agent", id: currentAgent(request).id },
      });
      return { ...row, csat: csatOf(row) };
    },
  );
}

export function caseRoutes(app: ZodApp, services: Pick<Services, "cases" | "clock" | "db">): void {
  caseReadRoutes(app, services);
  caseWorkRoutes(app, services);
}
