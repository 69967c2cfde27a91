/**
 * Outbound telesales wiring: the outbound core's dependencies built from the app's services (with
 * Twilio's REST client for placing calls when Twilio is configured), the list import job and the
 * periodic dialer, which runs a pass over every running campaign (each under its own lock).
 */
import type { CountryCode } from "libphonenumber-js";
import { createTwilioApi } from "../../channels/twilio/twilio-client.ts";
import { runCampaignPass, runningCampaignIds } from "../../outbound/dialer.ts";
import { failListImport, runListImport } from "../../outbound/list-import.ts";
import {
  OUTBOUND_DIALER_JOB,
  OUTBOUND_IMPORT_JOB,
  type OutboundCalls,
  type OutboundDeps,
} from "../../outbound/ports.ts";
import { setPresence } from "../../routing/presence.ts";
import type { Services } from "../services.ts";
import type { JobQueue } from "./job-queue.ts";

/** The services this module uses. */
export type OutboundServices = Pick<Services, "clock" | "config" | "db" | "jobs" | "logger" | "routing"> &
  Partial<Pick<Services, "cases">>;

export const OUTBOUND_DIALER_INTERVAL_MS = 2000;

/** Periodic jobs to schedule at start-up: name and interval. */
export const OUTBOUND_SCHEDULE: { name: typeof OUTBOUND_DIALER_JOB; intervalMs: number }[] = [
  { name: OUTBOUND_DIALER_JOB, intervalMs: OUTBOUND_DIALER_INTERVAL_MS },
];

function twilioCalls(settings: NonNullable<Services["config"]["twilio"]>): OutboundCalls {
  const api = createTwilioApi(settings);
  return { placeCall: (input) => api.createCall(input) };
}

const built = new WeakMap<object, OutboundDeps>();

/** One set of outbound dependencies per app. */
export function outboundDeps(services: OutboundServices): OutboundDeps {
  let deps = built.get(services);
  if (!deps) {
    const { config } = services;
    deps = {
      db: services.db,
      clock: services.clock,
      jobs: services.jobs,
      calls: config.twilio ? twilioCalls(config.twilio) : null,
      presence: {
        async setAway(agentId, reason) {
          await setPresence(services.routing, { agentId, presence: "away", reason });
        },
      },
      publicUrl: config.publicUrl,
      defaultCountry: config.defaultCountry as CountryCode,
      defaultTimeZone: config.defaultTimeZone,
      log: services.logger,
      ...(services.cases ? { events: services.cases.events } : {}),
    };
    built.set(services, deps);
  }
  return deps;
}

export function registerOutboundJobs(queue: JobQueue, services: OutboundServices): void {
  queue.register(OUTBOUND_IMPORT_JOB, async ({ importId }, context) => {
    const deps = outboundDeps(services);
    try {
      await runListImport(deps, importId);
    } catch (error) {
      if (context.attempt >= context.maxAttempts) await failListImport(deps, importId, error);
      throw error;
    }
  });
  queue.register(OUTBOUND_DIALER_JOB, async () => {
    const deps = outboundDeps(services);
    for (const campaignId of await runningCampaignIds(deps.db)) {
      try {
        await runCampaignPass(deps, campaignId);
      } catch (error) {
        services.logger.warn({ err: error, campaignId }, "dialer pass failed; the next one retries");
      }
    }
  });
}
