/**
 * The open case follows its interactions as they change, without a reload: a call's recording
 * appears on the timeline when Twilio reports it (`interaction.updated` on the `/agent` socket).
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRecording, patchCall } from "../../channels/voice/call-records.ts";
import { interactions } from "../../db/schema/cases.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

describe("the open case's timeline in a browser", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent({ name: "Lena Live" });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(browser.context, app.url, agent.token);
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows a call's recording as soon as the server reports it", { timeout: 60_000 }, async () => {
    const callSid = `CA${randomUUID().replaceAll("-", "")}`;
    const call = await newCase(app.services, {
      channel: "voice",
      kind: "call",
      externalId: callSid,
      from: { kind: "phone", address: "+16285550199" },
      body: "Call from +16285550199",
      metadata: { callSid, direction: "inbound", phase: "connected" },
    });
    await assignCase(app.services, call.id, agent.id);

    await page.goto(`${app.url}/cases/${call.id}`);
    const entry = page.locator("[data-testid=timeline-entry][data-kind=call]");
    await entry.getByText("Call from +16285550199").waitFor(WAIT);
    expect(await entry.getByRole("link", { name: /Recording/ }).count()).toBe(0);

    // What the voice webhooks do when a call ends with a recording, then push (twilio-webhooks.ts).
    const [interaction] = await app.services.db
      .select({ id: interactions.id })
      .from(interactions)
      .where(and(eq(interactions.externalId, callSid), eq(interactions.kind, "call")));
    await patchCall(app.services.db, interaction!.id, { phase: "ended", talkSeconds: 61 });
    await addRecording(app.services.db, interaction!.id, {
      sid: `RE${randomUUID().replaceAll("-", "")}`,
      url: "https://api.twilio.com/recordings/demo.mp3",
      durationSeconds: 61,
      source: "DialVerb",
    });
    app.services.cases.events.publish([
      { type: "interaction.updated", caseId: call.id, interactionId: interaction!.id },
    ]);

    await entry.getByRole("link", { name: /Recording.*1m 01s/ }).waitFor(WAIT);
    await browser.screenshot(page, "case-call-recording-live.png");
  });
});
