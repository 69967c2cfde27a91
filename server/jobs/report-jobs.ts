/** CSV exports: the job that writes each file, with the app's database, reporting pool and storage. */
import { type ExportDeps, failExport, RUN_EXPORT_JOB, runExport } from "../../reports/export-jobs.ts";
import type { Services } from "../services.ts";
import type { JobQueue } from "./job-queue.ts";

export type ReportServices = Pick<Services, "clock" | "database" | "db" | "jobs" | "storage">;

export function exportDeps(services: ReportServices): ExportDeps {
  return {
    db: services.db,
    reporting: services.database.reporting,
    jobs: services.jobs,
    files: services.storage,
    clock: services.clock,
  };
}

export function registerReportJobs(queue: JobQueue, services: ReportServices): void {
  queue.register(RUN_EXPORT_JOB, async ({ exportId }, context) => {
    const deps = exportDeps(services);
    try {
      await runExport(deps, exportId);
    } catch (error) {
      if (context.attempt >= context.maxAttempts) await failExport(deps, exportId, error);
      throw error;
    }
  });
}
