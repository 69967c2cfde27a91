/** The Reports page's figures for a period, queue and time zone (supervisors and admins). */
import { z } from "zod";
import { buildReport, MAX_REPORT_DAYS } from "../../reports/report.ts";
import { currentScope } from "../http/access.ts";
import { isoDate, responses, timeZoneName } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import { csatFigureSchema } from "./metrics.ts";
import type { ZodApp } from "./zod-app.ts";

const rate = z.number().min(0).max(1).nullable();
const seconds = z.number().min(0).nullable();
const count = z.number().int().min(0);

const figures = {
  offered: count.describe("Cases that joined the queue"),
  answered: count.describe("Waiting cases an agent took"),
  abandoned: count.describe("Waiting cases that left unanswered, and callers who hung up waiting"),
  serviceLevel: rate.describe("Answered within the queue's goal seconds ÷ (answered + abandoned)"),
  asa: seconds.describe("Mean seconds from joining the queue to an agent taking the case"),
  aht: seconds.describe("Mean seconds worked per case released by an agent, wrap-up included"),
  abandonment: rate.describe("Abandoned ÷ (answered + abandoned)"),
  occupancy: rate.describe("Agents' busy time while available ÷ their available time"),
  fcr: rate.describe("Resolved cases never reopened, transferred or held by a second agent ÷ cases resolved"),
  slaMet: rate.describe("SLA targets met on time ÷ targets met or breached"),
};
const channels = { chat: count, email: count, sms: count, voice: count };
const localTime = z.string().describe("Local time with its offset, e.g. 2026-11-01T01:00:00-05:00");

export const reportSchema = z.object({
  period: z.object({ from: localTime, to: localTime, timeZone: z.string(), queueId: z.uuid().nullable() }),
  totals: z.object({ ...figures, csat: csatFigureSchema }),
  volume: z.object({
    byHour: z
      .array(z.object({ start: localTime, ...channels, total: count }))
      .describe("Cases created per local hour"),
    byChannel: z.object(channels),
    total: count,
  }),
  queues: z.array(
    z.object({
      queueId: z.uuid(),
      name: z.string(),
      goal: z.object({ percent: z.number().int(), seconds: z.number().int() }),
      ...figures,
      csat: csatFigureSchema,
    }),
  ),
  days: z.array(z.object({ start: localTime, ...figures })).describe("Each local day of the period"),
  sla: z.array(
    z.object({
      metric: z.string(),
      met: count,
      metLate: count,
      breached: count,
      attainment: rate.describe("Met on time ÷ (met + met late + breached and not met since)"),
    }),
  ),
  agents: z.array(
    z.object({
      agentId: z.uuid(),
      name: z.string(),
      handled: count,
      aht: seconds,
      occupancy: rate,
      availableSeconds: z.number().min(0),
      csat: csatFigureSchema,
    }),
  ),
  dispositions: z.array(
    z.object({
      dispositionId: z.uuid().nullable(),
      label: z.string(),
      count,
      share: z.number().min(0).max(1),
    }),
  ),
});

export const periodQuery = {
  from: isoDate.describe("Start of the period (ISO 8601 with offset)"),
  to: isoDate.describe(`End of the period, exclusive; at most ${MAX_REPORT_DAYS} days after \`from\``),
  queueId: z.uuid({ message: "must be a queue id (UUID)" }).optional().describe("One queue; all when absent"),
};

export function reportRoutes(app: ZodApp, services: Pick<Services, "clock" | "config" | "database">): void {
  app.get(
    "/api/reports",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["metrics"],
        summary: "Report of a period: volume, service level, ASA, AHT, abandonment, FCR, SLA, CSAT, agents",
        description:
          "Hours and days are local to `timeZone` (default DEFAULT_TIME_ZONE). Stored 15-minute intervals " +
          "are used where final; the rest is counted from the audit trail. A limited supervisor sees their queues.",
        querystring: z.object({
          ...periodQuery,
          timeZone: timeZoneName("Europe/Berlin").optional().describe("IANA time zone of the hours and days"),
        }),
        response: responses({ 200: reportSchema }, [404]),
      },
    },
    async (request) => {
      const scope = currentScope(request);
      return buildReport(services.database.reporting, services.clock(), {
        ...request.query,
        timeZone: request.query.timeZone ?? services.config.defaultTimeZone,
        ...(scope.limited ? { queueIds: scope.queueIds } : {}),
      });
    },
  );
}
