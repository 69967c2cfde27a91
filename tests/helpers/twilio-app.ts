/** The real app pointed at a fresh local Twilio (tests/helpers/fake-twilio.ts), its callbacks routed back. */
import { and, eq } from "drizzle-orm";
import type { InteractionRow } from "../../cases/ingest.ts";
import { interactions } from "../../db/schema/cases.ts";
import { startTestApp, type TestApp, type TestAppOptions } from "./build-app.ts";
import { type FakeTwilio, postTwilioWebhook, startFakeTwilio } from "./fake-twilio.ts";

export interface TwilioTestApp {
  fake: FakeTwilio;
  app: TestApp;
  /** Posts a signed voice webhook (`""`, `/wait`, `/status`, ...) as Twilio does. */
  voiceHook(path: string, params: Record<string, string>): ReturnType<typeof postTwilioWebhook>;
  /** The voice interaction Twilio knows by this SID (a call, or a voicemail's recording). */
  voiceInteraction(sid: string): Promise<InteractionRow | undefined>;
  close(): Promise<void>;
}

/** `number`: one of our numbers, registered with the phone numbers API (no queue). */
export async function startTwilioApp(
  options: Pick<TestAppOptions, "env" | "clock" | "onRoute"> & { number?: string } = {},
): Promise<TwilioTestApp> {
  const fake = await startFakeTwilio();
  const app = await startTestApp({
    env: { ...fake.env, ...options.env },
    clock: options.clock,
    onRoute: options.onRoute,
  });
  fake.routeCallbacks(app.config.publicUrl, app.url);
  if (options.number) {
    const created = await app.admin.post("/api/phone-numbers", { number: options.number, name: "Acme" });
    if (created.status !== 201)
      throw new Error(`registering ${options.number}: ${JSON.stringify(created.body)}`);
  }
  return {
    fake,
    app,
    voiceHook: (path, params) => postTwilioWebhook(app, `/webhooks/twilio/voice${path}`, params),
    async voiceInteraction(sid) {
      const [row] = await app.services.db
        .select()
        .from(interactions)
        .where(and(eq(interactions.channel, "voice"), eq(interactions.externalId, sid)));
      return row;
    },
    async close() {
      await app.close();
      await fake.close();
    },
  };
}
