/** The job queues as admins see them: backlog and failures per kind of job, and retrying a failure. */
import { z } from "zod";
import { AppError } from "../../cases/errors.ts";
import { isoDate, responses } from "../http/schemas.ts";
import { JOB_KINDS } from "../jobs/job-catalogue.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export const failedJobSchema = z.object({
  id: z.string(),
  name: z.string().describe("The job's name in the catalogue, e.g. deliver-interaction"),
  error: z.string().describe("The error's message (first line, cut short); never the payload"),
  failedAt: isoDate,
  attempts: z.number().int().describe("Tries made before it gave up"),
});

export const jobQueueStatsSchema = z.object({
  queue: z.string().describe("Queue name; one queue per kind"),
  kind: z.enum(JOB_KINDS),
  concurrency: z.number().int().describe("Jobs of this queue run at once per process"),
  waiting: z.number().int().describe("Ready to run, waiting for a free slot"),
  delayed: z.number().int().describe("Scheduled for later, or waiting to be retried"),
  active: z.number().int(),
  oldestWaitingSeconds: z.number().min(0).nullable().describe("Age of the oldest ready job; null if none"),
  failed: z.number().int().describe("Failed jobs kept (the most recent 1,000)"),
  recentFailed: z.array(failedJobSchema).describe("The most recent failures, newest first"),
});

export function jobsAdminRoutes(app: ZodApp, services: Pick<Services, "jobs">): void {
  const tags = ["admin"];

  app.get(
    "/api/admin/jobs",
    {
      config: { access: "admin" },
      schema: {
        tags,
        summary: "Each job queue's backlog, oldest waiting job and recent failures",
        description:
          "Jobs are queued by kind (realtime, delivery, periodic, bulk), each queue with its own concurrency. " +
          `Driver: BullMQ when REDIS_URL is set (figures across all processes), in-process otherwise.`,
        response: responses({
          200: z.object({ driver: z.enum(["in-process", "bullmq"]), queues: z.array(jobQueueStatsSchema) }),
        }),
      },
    },
    async () => ({ driver: services.jobs.driver, queues: await services.jobs.stats() }),
  );

  app.post(
    "/api/admin/jobs/:queue/failed/:id/retry",
    {
      config: { access: "admin" },
      schema: {
        tags,
        summary: "Run a failed job again, with its full number of tries",
        params: z.object({ queue: z.string().max(40), id: z.string().min(1).max(200) }),
        response: responses({ 202: z.object({ queue: z.string(), id: z.string() }) }, [404]),
      },
    },
    async (request, reply) => {
      const { queue, id } = request.params;
      if (!(await services.jobs.retryFailed(queue, id))) {
        throw new AppError("NOT_FOUND", `Queue '${queue}' has no failed job '${id}'.`);
      }
      return reply.code(202).send({ queue, id });
    },
  );
}
