/**
 * Switches the provider channels on from configuration. Each channel gets what it needs from the
 * composition root, registers its routes, jobs and sender, and adds its shutdown steps.
 */
import type { DomainEvent } from "../../cases/events.ts";
import type { BlobStorage } from "../../channels/storage.ts";
import type { Config } from "../config.ts";
import type { JobQueue } from "../jobs/job-queue.ts";
import type { ZodApp } from "../routes/zod-app.ts";
import type { Services } from "../services.ts";
import { setupEmail } from "./email.ts";
import { setupTwilio } from "./twilio.ts";

export interface ChannelContext {
  app: ZodApp;
  services: Services;
  config: Config;
  jobs: JobQueue;
  storage: BlobStorage;
  /** The server secret: signs tokens and seals stored credentials. */
  secret: string;
  /** Runs on shutdown, before the database closes. */
  onClose(step: () => Promise<unknown>): void;
  /** Runs once the server listens and jobs run (start fetching mail, for instance). */
  onStart(step: () => Promise<unknown>): void;
  /** Committed domain events, in this process (e.g. voice connects a call when its case is assigned). */
  onEvents(listener: (events: readonly DomainEvent[]) => void): void;
}

export async function setupChannels(context: ChannelContext): Promise<void> {
  await setupEmail(context);
  await setupTwilio(context);
}
