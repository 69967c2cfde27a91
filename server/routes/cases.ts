import { z } from "zod";
import { getCaseDetail, listCases, OPEN_STATES } from "../../cases/case-queries.ts";
import { CSAT_FILTERS, csatOf } from "../../cases/csat.ts";
import { addNote, addReply, CASE_ACTIONS, performAction } from "../../cases/replies.ts";
import { CASE_STATES, type CaseState, CHANNELS, PRIORITIES } from "../../db/schema/cases.ts";
import { currentAgent, currentScope } from "../http/access.ts";
import { idParam, responses } from "../http/schemas.ts";
import {
  authoredInteractionSchema,
  caseDetailSchema,
  casePageSchema,
  caseSummarySchema,
} from "../http/views.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const stateList = z
  .string()
  .transform((value, ctx) => {
    const states = new Set<CaseState>();
    for (const part of value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (part === "open") for (const state of OPEN_STATES) states.add(state);
      else if ((CASE_STATES as readonly string[]).includes(part)) states.add(part as CaseState);
      else {
        ctx.addIssue({
          code: "custom",
          message: `unknown status '${part}'; use open or ${CASE_STATES.join(", ")}`,
        });
        return z.NEVER;
      }
    }
    return [...states];
  })
  .describe("Comma-separated states, or `open` for every state before resolved");

/** A comma-separated list of values from a closed set, e.g. `chat,sms`. */
const listOf = <T extends string>(allowed: readonly T[], what: string) =>
  z
    .string()
    .transform((value, ctx) => {
      const parts = value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = parts.filter((part) => !(allowed as readonly string[]).includes(part));
      if (unknown.length) {
        ctx.addIssue({
          code: "custom",
          message: `unknown ${what} '${unknown[0]}'; use ${allowed.join(", ")}`,
        });
        return z.NEVER;
      }
      return [...new Set(parts)] as T[];
    })
    .describe(`Comma-separated: ${allowed.join(", ")}`);

const SLA_FILTERS = ["active", "at_risk", "breached", "none"] as const;

const MAX_MESSAGE_LENGTH = 20_000;
const messageBody = z.object({
  body: z
    .string()
    .trim()
    .min(1, "cannot be empty")
    .max(MAX_MESSAGE_LENGTH, `can be at most ${MAX_MESSAGE_LENGTH} characters`),
});

/** The inbox list's filters, search and paging. */
const caseListQuery = z.object({
  status: stateList.optional(),
  assignee: z
    .union([z.uuid(), z.enum(["me", "none"])])
    .optional()
    .describe("An agent id, `me` or `none` (unassigned)"),
  channel: listOf(CHANNELS, "channel").optional(),
  priority: listOf(PRIORITIES, "priority").optional(),
  sla: listOf(SLA_FILTERS, "SLA state")
    .optional()
    .describe("SLA state of the running targets: active, at_risk, breached, or none"),
  csat: listOf(CSAT_FILTERS, "CSAT value")
    .optional()
    .describe("Customer rating: 1–5, rated, unrated, or low (1–2); a case matching any is listed"),
  queue: z.uuid().optional().describe("Only cases in this queue"),
  contact: z.uuid().optional().describe("Only this contact's cases"),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe(
      "Searches subject, contact name and addresses, message text, #number; addresses and message text once it has 3 letters or digits in a row",
    ),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(500).optional().describe("`nextCursor` of the previous page"),
});

/** Reading cases: the inbox lists and one case with its timeline. */
function caseReadRoutes(app: ZodApp, services: Pick<Services, "cases" | "clock" | "db">): void {
  app.get(
    "/api/cases",
    {
      config: { access: "agent" },
      schema: {
        tags: ["cases"],
        summary: "List cases, most recently active first",
        querystring: caseListQuery,
        response: responses({
          200: casePageSchema,
        }),
      },
    },
    async (request) => {
      const { status, assignee, channel, priority, sla, csat, queue, contact, q, limit, cursor } =
        request.query;
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
        assigneeId: assignee === "me" ? currentAgent(request).id : assignee === "none" ? null : assignee,
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
    async (request) =>
      getCaseDetail(services.db, request.params.id, {
        machine: services.cases.machine,
        now: services.clock(),
      }),
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
