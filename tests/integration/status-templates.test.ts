/**
 * Admins edit the customer update templates: what they write is what the next customer gets, a
 * placeholder we do not fill is refused by name, and a disabled template sends nothing.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseNotifications } from "../../db/schema/channels.ts";
import type { TestApp } from "../helpers/build-app.ts";
import { type FakeTwilio, newSid, postTwilioWebhook, twilioFixture } from "../helpers/fake-twilio.ts";
import { startTwilioApp, type TwilioTestApp } from "../helpers/twilio-app.ts";

const NUMBER = "+14155550100";

describe("status update templates", () => {
  let fake: FakeTwilio;
  let app: TestApp;

  let twilio: TwilioTestApp;

  beforeAll(async () => {
    // Midday in California, where these numbers are: outside quiet hours.
    twilio = await startTwilioApp({ clock: () => new Date("2026-06-01T19:00:00Z") });
    ({ fake, app } = twilio);
  });
  afterAll(async () => {
    await twilio?.close();
  });

  const textIn = async (from: string) => {
    const sid = newSid("SM");
    const response = await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("sms-inbound", { MessageSid: sid, From: from, To: NUMBER, Body: "Hello" }),
    );
    expect(response.status).toBe(200);
  };

  it("lists every template with the placeholders, and sends what the admin wrote", async () => {
    const listed = await app.admin.get("/api/status-templates");
    expect(listed.status).toBe(200);
    expect(listed.body.placeholders).toContain("{{statusUrl}}");
    expect(
      listed.body.items.map((t: { event: string; channel: string }) => `${t.event}/${t.channel}`),
    ).toEqual(expect.arrayContaining(["created/email", "created/sms", "resolved/chat"]));

    const saved = await app.admin.request("PUT", "/api/status-templates/created/sms", {
      body: "Acme here: ticket {{case.number}} is open. {{statusUrl}}",
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ event: "created", channel: "sms", subject: "", enabled: true });

    await textIn("+14155557101");
    const sent = await fake.waitForRequest(
      (r) => r.resource === "message" && r.params.To === "+14155557101",
      15_000,
    );
    expect(sent.params.Body).toMatch(/^Acme here: ticket \d+ is open\. http/);
  });

  it("refuses unknown placeholders and email without a subject, and writes nothing", async () => {
    const before = (await app.admin.get("/api/status-templates")).body.items;
    const typo = await app.admin.request("PUT", "/api/status-templates/resolved/sms", {
      body: "Case {{case.numbr}} is done",
    });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toContain("{{case.numbr}}");
    expect(typo.body.message).toContain("{{case.number}}");
    const noSubject = await app.admin.request("PUT", "/api/status-templates/resolved/email", {
      body: "Done.",
      subject: " ",
    });
    expect(noSubject.status).toBe(400);
    expect(noSubject.body.details).toEqual({ subject: "required for email" });
    const voice = await app.admin.request("PUT", "/api/status-templates/resolved/voice", { body: "Done." });
    expect(voice.status).toBe(400);
    const agent = await app.createAgent();
    expect((await agent.api.request("PUT", "/api/status-templates/resolved/sms", { body: "x" })).status).toBe(
      403,
    );
    expect((await app.admin.get("/api/status-templates")).body.items).toEqual(before);
  });

  it("sends nothing for a disabled template, and says why", async () => {
    const disabled = await app.admin.request("PUT", "/api/status-templates/created/sms", {
      body: "We got it: {{statusUrl}}",
      enabled: false,
    });
    expect(disabled.status).toBe(200);
    await textIn("+14155557102");
    await expect
      .poll(
        async () =>
          (
            await app.services.db
              .select()
              .from(caseNotifications)
              .where(eq(caseNotifications.status, "skipped"))
          )
            .map((n) => n.reason)
            .join(" | "),
        { timeout: 10_000 },
      )
      .toContain("no enabled created template for sms");
    expect(fake.requests.filter((r) => r.resource === "message" && r.params.To === "+14155557102")).toEqual(
      [],
    );
  });
});
