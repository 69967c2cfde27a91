/** Live metrics per queue and for the team, and the 15-minute intervals kept for reports (supervisors). */
import { z } from "zod";
import { AppError } from "../../cases/errors.ts";
import { inViewersQueues } from "../../routing/scope-visibility.ts";
import { csatByInterval, noCsat, ratingsBetween } from "../../sla/csat-figures.ts";
import { liveMetrics } from "../../sla/metrics.ts";
import { INTERVAL_FIELDS, INTERVAL_MS, listIntervals } from "../../sla/metrics-intervals.ts";
import { currentActor, currentScope } from "../http/access.ts";
import { isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 31;

const rate = z.number().min(0).max(1).nullable();
const seconds = z.number().min(0).nullable();

const windowSchema = z
  .object({
    offered: z.number().int().describe("Cases that joined the queue"),
    answered: z.number().int().describe("Waiting cases an agent took"),
    abandoned: z
      .number()
      .int()
      .describe("Waiting cases that left unanswered, and callers who hung up waiting"),
    serviceLevel: rate.describe("Answered within the goal's seconds ÷ (answered + abandoned)"),
    asa: seconds.describe("Average speed of answer: mean seconds from joining the queue to an agent"),
    aht: seconds.describe("Average handle time: mean seconds worked per case released, wrap-up included"),
    abandonment: rate.describe("Abandoned ÷ (answered + abandoned)"),
    occupancy: rate.describe("Agents' busy time while available ÷ their available time"),
    fcr: rate.describe("Cases resolved at first contact (never reopened or transferred) ÷ cases resolved"),
    slaMet: rate.describe("SLA targets met on time ÷ targets met or breached"),
  })
  .describe("Figures of one window; null where there is nothing to divide by");

const backlogSchema = z.object({
  waiting: z.number().int().describe("Cases queued or offered now"),
  oldestAgeSeconds: z.number().int().nullable(),
  medianAgeSeconds: z.number().int().nullable(),
});

export const csatFigureSchema = z
  .object({
    average: z.number().min(1).max(5).nullable().describe("Mean rating, 1–5; null when nobody rated"),
    count: z.number().int().min(0).describe("Ratings given"),
  })
  .describe("Customer satisfaction: ratings customers gave in the window, counted for the case's queue");

const windowsSchema = {
  today: windowSchema.describe("Since midnight in DEFAULT_TIME_ZONE"),
  last15m: windowSchema,
  last60m: windowSchema,
  backlog: backlogSchema,
  csat: z.object({ today: csatFigureSchema, last15m: csatFigureSchema, last60m: csatFigureSchema }),
};

export const liveMetricsSchema = z.object({
  at: z.string().describe("When the figures were computed (ISO 8601)"),
  queues: z.array(
    z.object({
      queueId: z.uuid(),
      name: z.string(),
      goal: z.object({ percent: z.number().int(), seconds: z.number().int() }).describe("Service-level goal"),
      ...windowsSchema,
    }),
  ),
  team: z.object(windowsSchema).describe("Every queue together, each figure recomputed over all cases"),
});

const intervalSchema = z.object({
  queueId: z.uuid(),
  intervalStart: isoDate,
  intervalEnd: isoDate,
  provisional: z.boolean().describe("The interval has not ended and settled yet: its figures may change"),
  computedAt: isoDate,
  figures: z
    .object(Object.fromEntries(INTERVAL_FIELDS.map((field) => [field, z.number().nullable()])))
    .describe(
      "Counts and sums (offered … slaMetOnTime: add them up across intervals, then take rates of the sums), " +
        "the interval's figures, the goal in force, and the whole team's agent time (the same on every " +
        "queue's row: team occupancy = teamOccupiedSeconds ÷ teamAvailableSeconds)",
    ),
  csat: csatFigureSchema.describe(
    "Ratings given in the interval on the queue's cases, read from the cases when asked (a later re-rating moves)",
  ),
});

const intervalQuery = z
  .object({
    queueId: z
      .uuid({ message: "must be a queue id (UUID)" })
      .optional()
      .describe("One queue; all when absent"),
    from: isoDate
      .optional()
      .describe("Intervals starting at or after this time; default: 24 hours before `to`"),
    to: isoDate.optional().describe("Intervals starting before this time; default: now"),
  })
  .superRefine((query, context) => {
    // A field that failed its own check is still the raw string here: only compare real dates.
    if (query.from instanceof Date && query.to instanceof Date) {
      if (query.to.getTime() <= query.from.getTime())
        context.addIssue({ code: "custom", path: ["to"], message: "must be after `from`" });
      else if (query.to.getTime() - query.from.getTime() > MAX_RANGE_DAYS * DAY_MS)
        context.addIssue({
          code: "custom",
          path: ["to"],
          message: `must be at most ${MAX_RANGE_DAYS} days after \`from\``,
        });
    }
  });

export function metricsRoutes(app: ZodApp, services: Pick<Services, "clock" | "config" | "database">): void {
  app.get(
    "/api/metrics/live",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["metrics"],
        summary: "Live metrics per queue and for the team: today, last 15 and 60 minutes, backlog",
        description:
          "Service level, ASA, AHT, abandonment, occupancy, first-contact resolution and SLA met %. The same " +
          "payload is pushed to supervisors on the `/agent` socket as `metrics.live`.",
        response: responses({ 200: liveMetricsSchema }),
      },
    },
    async (request) => {
      const scope = currentScope(request);
      return liveMetrics(services.database.reporting, services.clock(), {
        timeZone: services.config.defaultTimeZone,
        ...(scope.limited ? { queueIds: scope.queueIds } : {}),
      });
    },
  );

  app.get(
    "/api/metrics/intervals",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["metrics"],
        summary: "Stored 15-minute interval figures per queue, for reports",
        description:
          `At most ${MAX_RANGE_DAYS} days. Rows hold counts and sums (add them up over intervals, then take ` +
          "rates of the sums) and each interval's figures. The current interval is provisional.",
        querystring: intervalQuery,
        response: responses({ 200: z.object({ intervals: z.array(intervalSchema) }) }, [404]),
      },
    },
    async (request) => {
      const { queueId } = request.query;
      const to = request.query.to ?? services.clock();
      const from = request.query.from ?? new Date(to.getTime() - DAY_MS);
      if (to.getTime() <= from.getTime())
        throw new AppError("VALIDATION", "`from` must be before `to` (which defaults to now).");
      if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
        throw new AppError("VALIDATION", `Ask for at most ${MAX_RANGE_DAYS} days of intervals at a time.`);
      const rows = await listIntervals(services.database.reporting, { queueId, from, to });
      const ratings = await ratingsBetween(
        services.database.reporting,
        { start: from.getTime(), end: to.getTime() + INTERVAL_MS },
        queueId,
      );
      const csat = csatByInterval(ratings, INTERVAL_MS);
      return {
        intervals: inViewersQueues(currentActor(request), rows).map((row) => ({
          ...row,
          figures: Object.fromEntries(INTERVAL_FIELDS.map((field) => [field, row.figures[field] ?? null])),
          csat: csat.get(`${row.queueId}|${row.intervalStart.getTime()}`) ?? noCsat,
        })),
      };
    },
  );
}
