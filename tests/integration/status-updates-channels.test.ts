/**
 * Customer updates over the real channel edges: by email through a real IMAP server (Dovecot) and
 * SMTP server, and by SMS through the local server that plays Twilio's REST API. One update per
 * event, threaded on the customer's mail and marked as automatic; none to a number that sent STOP,
 * none in answer to an out-of-office.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interactions } from "../../db/schema/cases.ts";
import { caseNotifications } from "../../db/schema/channels.ts";
import type { TestApp } from "../helpers/build-app.ts";
import { type EmailTestApp, SUPPORT, startEmailApp } from "../helpers/email-app.ts";
import { plainEmail } from "../helpers/email-fixtures.ts";
import { type FakeTwilio, newSid, postTwilioWebhook, twilioFixture } from "../helpers/fake-twilio.ts";
import { jobQueueDrained } from "../helpers/settled.ts";
import { startTwilioApp, type TwilioTestApp } from "../helpers/twilio-app.ts";

/** The updates decided for a case, in order: the audit of what the customer was (or was not) sent. */
const updatesOf = async (app: TestApp, caseId: string) =>
  app.services.db
    .select({
      event: caseNotifications.event,
      status: caseNotifications.status,
      reason: caseNotifications.reason,
    })
    .from(caseNotifications)
    .where(eq(caseNotifications.caseId, caseId))
    .orderBy(asc(caseNotifications.caseEventId));

/** Delivery states of the messages sent to the customer of a case. */
const outboundOf = async (app: TestApp, caseId: string) =>
  (
    await app.services.db
      .select({ status: interactions.status })
      .from(interactions)
      .where(and(eq(interactions.caseId, caseId), eq(interactions.direction, "outbound")))
  ).map((row) => row.status);

/**
 * Before counting what the customer got: every update of the case is decided, each message it
 * queued has left the outbox (none queued or in flight) and no delivery job is waiting or due.
 * A late duplicate would have to come from one of those.
 */
async function updatesSettled(app: TestApp, caseId: string, events: string[]): Promise<void> {
  await expect
    .poll(async () => (await updatesOf(app, caseId)).map((update) => update.event), { timeout: 15_000 })
    .toEqual(events);
  expect((await updatesOf(app, caseId)).every((update) => update.status !== "pending")).toBe(true);
  await expect
    .poll(
      async () =>
        (await outboundOf(app, caseId)).filter((status) => status === "queued" || status === "sending"),
      {
        timeout: 15_000,
      },
    )
    .toEqual([]);
  await jobQueueDrained(app, "delivery");
}

describe("status updates by email", () => {
  let email: EmailTestApp;

  beforeAll(async () => {
    email = await startEmailApp({ env: { STATUS_UPDATES: "true" } });
  });
  afterAll(async () => {
    await email?.close();
  });

  it("answers a new case once, as an automatic reply threaded on the customer's mail", async () => {
    const messageId = `<${randomUUID()}@mail.example>`;
    await email.dovecot.append(
      plainEmail({
        from: "Rosa Diaz <rosa@example.net>",
        subject: "My invoice is wrong",
        body: "Invoice 2231 charges me twice.",
        messageId,
      }),
    );
    const inbound = await email.waitForInteraction(messageId);
    const row = await email.caseOf(inbound.caseId);
    const update = await email.smtp.waitFor((mail) => mail.recipients.includes("rosa@example.net"), 15_000);
    expect(update.from).toBe(SUPPORT);
    expect(update.header("auto-submitted")).toBe("auto-replied");
    expect(update.header("in-reply-to")).toBe(messageId);
    expect(update.parsed.subject).toContain(`[#${row.number}]`);
    expect(update.parsed.text).toContain(`/status/`);

    // Resolving sends the next update, once.
    const resolved = await email.app.admin.post(`/api/cases/${row.id}/actions`, { action: "resolve" });
    expect(resolved.status).toBe(200);
    await expect
      .poll(() => email.smtp.messages.filter((m) => m.recipients.includes("rosa@example.net")).length, {
        timeout: 15_000,
      })
      .toBe(2);
    await updatesSettled(email.app, row.id, ["created", "resolved"]);
    expect((await updatesOf(email.app, row.id)).map((update) => update.status)).toEqual(["sent", "sent"]);
    expect(email.smtp.messages.filter((m) => m.recipients.includes("rosa@example.net"))).toHaveLength(2);
  });

  it("never answers an out-of-office", async () => {
    const messageId = `<${randomUUID()}@mail.example>`;
    await email.dovecot.append(
      plainEmail({
        from: "Away Person <away@example.net>",
        subject: "Out of office: your message",
        body: "I am away until Monday.",
        messageId,
        headers: { "Auto-Submitted": "auto-replied" },
      }),
    );
    const received = await email.waitForInteraction(messageId);
    // Decided with the case's creation, in its transaction: skipped, so nothing was ever queued.
    expect(await updatesOf(email.app, received.caseId)).toEqual([
      {
        event: "created",
        status: "skipped",
        reason: expect.stringMatching(/must not be answered automatically/),
      },
    ]);
    await updatesSettled(email.app, received.caseId, ["created"]);
    expect(await outboundOf(email.app, received.caseId)).toEqual([]);
    expect(email.smtp.messages.filter((m) => m.recipients.includes("away@example.net"))).toEqual([]);
  });
});

describe("status updates by SMS", () => {
  let fake: FakeTwilio;
  let app: TestApp;
  const NUMBER = "+14155550100";

  let twilio: TwilioTestApp;

  beforeAll(async () => {
    // 19:00 UTC is midday in California, where these numbers are: outside quiet hours.
    twilio = await startTwilioApp({
      env: { STATUS_UPDATES: "true" },
      clock: () => new Date("2026-06-01T19:00:00Z"),
    });
    ({ fake, app } = twilio);
  });
  afterAll(async () => {
    await twilio?.close();
  });

  const smsTo = (customer: string) =>
    fake.requests.filter((r) => r.resource === "message" && r.params.To === customer);
  const inbound = (from: string, body: string) =>
    postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("sms-inbound", { MessageSid: newSid("SM"), From: from, To: NUMBER, Body: body }),
    );

  it("texts the customer once per event from the number they wrote to, and nothing after STOP", async () => {
    const customer = "+14155557001";
    expect((await inbound(customer, "Is my order shipped?")).status).toBe(200);
    const created = await fake.waitForRequest(
      (r) => r.resource === "message" && r.params.To === customer,
      15_000,
    );
    expect(created.params.From).toBe(NUMBER);
    expect(created.params.Body).toMatch(/case #\d+/);
    expect(created.params.Body).toContain(`${app.config.publicUrl}/status/`);
    expect(created.params.StatusCallback).toMatch(
      new RegExp(`^${app.config.publicUrl}/webhooks/twilio/sms/status\\b`),
    );

    const listed = await app.admin.get(`/api/cases?q=${encodeURIComponent("order shipped")}`);
    const caseId = listed.body.items[0].id as string;
    await updatesSettled(app, caseId, ["created"]);
    expect(smsTo(customer)).toHaveLength(1);

    // The customer opts out; resolving the case then sends nothing more.
    expect((await inbound(customer, "STOP")).status).toBe(200);
    expect((await app.admin.post(`/api/cases/${caseId}/actions`, { action: "resolve" })).status).toBe(200);
    await updatesSettled(app, caseId, ["created", "resolved"]);
    expect((await updatesOf(app, caseId)).at(-1)).toMatchObject({
      status: "skipped",
      reason: expect.stringMatching(/opted out/),
    });
    expect(smsTo(customer).map((r) => r.params.Body)).toHaveLength(1);
  });
});
