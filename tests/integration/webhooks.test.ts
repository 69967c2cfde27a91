/**
 * Outbound webhooks end to end against a local receiver: an event delivered, signed and verified
 * with the `standardwebhooks` package; a 500 retried; a replay with the same webhook-id; a day of
 * failures disabling the endpoint and mailing its owner; private addresses refused without
 * WEBHOOK_ALLOW_PRIVATE, at subscribe time and at delivery time; bad input answered 400 with
 * nothing written.
 */
import { eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptCredential } from "../../channels/credentials.ts";
import { queryRows } from "../../db/rows.ts";
import { mailboxes } from "../../db/schema/channels.ts";
import { webhookDeliveries, webhookEndpoints } from "../../db/schema/integrations.ts";
import type { Body } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";
import { type SmtpCapture, startSmtpCapture } from "../helpers/smtp-capture.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

async function until<T>(read: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const counts = async (app: TestApp) =>
  (
    await queryRows<{ endpoints: number; deliveries: number }>(
      app.services.db,
      sql`select (select count(*)::int from webhook_endpoints) as endpoints, (select count(*)::int from webhook_deliveries) as deliveries`,
    )
  )[0]!;

describe("webhooks to a receiver on this machine (WEBHOOK_ALLOW_PRIVATE)", () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let smtp: SmtpCapture;
  let offsetMs = 0;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    smtp = await startSmtpCapture();
    app = await startTestApp({
      env: { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_SCHEDULE: "1,1,1,1,1" },
      clock: () => new Date(Date.now() + offsetMs),
    });
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
    await smtp?.stop();
  });

  const subscribe = async (path: string, events: string[]) => {
    const created = await app.admin.post("/api/admin/webhooks", {
      name: `Receiver ${path}`,
      url: `${receiver.url}${path}`,
      events,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; secret: string };
  };
  const logOf = async (endpointId: string) => {
    const page = await app.admin.get(`/api/admin/webhooks/${endpointId}/deliveries`);
    expect(page.status).toBe(200);
    return page.body.items as Body[];
  };

  it("calls an endpoint from an automation rule's call_webhook action, signed and logged like any event", async () => {
    const endpoint = await subscribe("/automation", ["csat.received"]);
    const set = await app.admin.post("/api/admin/automation/rule-sets", { name: "CRM", mode: "all_match" });
    expect(set.status).toBe(201);
    const created = await app.admin.post("/api/admin/automation/rules", {
      ruleSetId: set.body.id,
      name: "Tell the CRM",
      trigger: "event",
      events: ["interaction.created"],
      conditions: [{ field: "message", op: "contains", value: "call the crm" }],
      actions: [{ type: "call_webhook", endpointId: endpoint.id }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const opened = await newCase(app.services, { body: "Please call the CRM about my order" });
    const hook = await receiver.waitFor(
      (received) => received.path === "/automation" && received.json.type === "automation.webhook",
    );
    expect(new Webhook(endpoint.secret).verify(hook.body, hook.headers as Record<string, string>)).toEqual(
      hook.json,
    );
    expect(hook.json.data).toMatchObject({
      caseId: opened.id,
      caseNumber: opened.number,
      automation: { ruleName: "Tell the CRM" },
    });
    expect((await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${set.body.id}`)).status).toBe(
      204,
    );
  });

  it("delivers a new case's events, signed so that standardwebhooks verifies them, in sequence", async () => {
    const endpoint = await subscribe("/cases", ["case.created", "interaction.created", "contact.created"]);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const listed = await app.admin.get("/api/admin/webhooks");
    expect(JSON.stringify(listed.body)).not.toContain(endpoint.secret);
    const [row] = await app.services.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    expect(row!.secretEncrypted).not.toContain(endpoint.secret.slice(6, 20));

    const opened = await newCase(app.services, { body: "My parcel never came" });
    const created = await receiver.waitFor(
      (hook) => hook.path === "/cases" && hook.json.type === "case.created",
    );
    const message = await receiver.waitFor(
      (hook) => hook.path === "/cases" && hook.json.type === "interaction.created",
    );
    const contact = await receiver.waitFor(
      (hook) => hook.path === "/cases" && hook.json.type === "contact.created",
    );
    for (const hook of [created, message, contact]) {
      const verified = new Webhook(endpoint.secret).verify(hook.body, hook.headers as Record<string, string>);
      expect(verified).toEqual(hook.json);
      expect(hook.headers["webhook-id"]).toBe(hook.json.id);
      expect(hook.json.version).toBe(1);
    }
    expect(() =>
      new Webhook(`whsec_${Buffer.from("another secret of 24 bytes").toString("base64")}`).verify(
        created.body,
        created.headers as Record<string, string>,
      ),
    ).toThrow();
    expect(created.json.data.case).toMatchObject({ id: opened.id, number: opened.number, channel: "sms" });
    expect(created.json.data.case.machineSnapshot).toBeUndefined();
    expect(message.json.data.interaction).toMatchObject({ caseId: opened.id, body: "My parcel never came" });
    expect(contact.json.data.contact.id).toBe(opened.contactId);
    // The case's events carry increasing sequence numbers, in the order they happened.
    expect(created.json.sequence).toBeLessThan(message.json.sequence);

    const log = await until(async () => {
      const items = await logOf(endpoint.id);
      return items.length === 3 && items.every((item) => item.status === "delivered") && items;
    });
    expect(log[0].log).toEqual([expect.objectContaining({ statusCode: 200, responseExcerpt: "ok" })]);
    expect(log.map((item) => item.sequence)).toEqual(
      [...log.map((item) => item.sequence)].sort((a, b) => b - a),
    );
  });

  it("retries after a 500 and then replays the delivery from the log with the same webhook-id", async () => {
    const endpoint = await subscribe("/flaky", ["case.created"]);
    receiver.answer("/flaky", [500]);
    const opened = await newCase(app.services);
    const delivered = await until(async () => {
      const [item] = await logOf(endpoint.id);
      return item?.status === "delivered" && item;
    });
    expect(delivered).toMatchObject({ attempts: 2, lastStatusCode: 200, caseId: opened.id });
    expect(delivered.log.map((attempt: Body) => attempt.statusCode)).toEqual([200, 500]);
    expect(delivered.log[1].responseExcerpt).toBe("receiver says 500");
    const tries = receiver.received.filter((hook) => hook.path === "/flaky");
    expect(tries).toHaveLength(2);
    expect(tries[0]!.headers["webhook-id"]).toBe(tries[1]!.headers["webhook-id"]);

    const replay = await app.admin.post(`/api/admin/webhook-deliveries/${delivered.id}/replay`, {});
    expect(replay.status).toBe(202);
    await until(async () => receiver.received.filter((hook) => hook.path === "/flaky").length === 3);
    const again = receiver.received.filter((hook) => hook.path === "/flaky")[2]!;
    expect(again.headers["webhook-id"]).toBe(delivered.id);
    expect(again.body).toBe(tries[1]!.body);
    new Webhook(endpoint.secret).verify(again.body, again.headers as Record<string, string>);
    const [after] = await until(async () => {
      const items = await logOf(endpoint.id);
      return items[0]?.log.length === 3 && items;
    });
    expect(after.status).toBe("delivered");

    const missing = await app.admin.post(
      "/api/admin/webhook-deliveries/00000000-0000-4000-8000-000000000000/replay",
      {},
    );
    expect(missing.status).toBe(404);
  });

  it("sends a ping on request and a new secret after rotation", async () => {
    const endpoint = await subscribe("/ping", ["case.resolved"]);
    const rotated = await app.admin.post(`/api/admin/webhooks/${endpoint.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const ping = await app.admin.post(`/api/admin/webhooks/${endpoint.id}/test`, {});
    expect(ping.status).toBe(202);
    const hook = await receiver.waitFor((received) => received.path === "/ping");
    expect(hook.json.type).toBe("ping");
    new Webhook(rotated.body.secret).verify(hook.body, hook.headers as Record<string, string>);
    expect(() =>
      new Webhook(endpoint.secret).verify(hook.body, hook.headers as Record<string, string>),
    ).toThrow();
  });

  it("answers bad input with 400 and writes nothing", async () => {
    const before = await counts(app);
    for (const body of [
      { url: "ftp://example.com/hook", events: ["case.created"] },
      { url: "not a url", events: ["case.created"] },
      { url: `${receiver.url}/x`, events: [] },
      { url: `${receiver.url}/x`, events: ["case.exploded"] },
      { url: "https://user:pw@example.com/hook", events: ["case.created"] },
      { events: ["case.created"] },
    ]) {
      const answer = await app.admin.post("/api/admin/webhooks", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    const unknown = await app.admin.request(
      "PUT",
      "/api/admin/webhooks/00000000-0000-4000-8000-000000000000",
      {
        url: `${receiver.url}/x`,
        events: ["case.created"],
      },
    );
    expect(unknown.status).toBe(404);
    const agent = await app.createAgent();
    expect((await agent.api.get("/api/admin/webhooks")).status).toBe(403);
    expect(await counts(app)).toEqual(before);
  });

  it("disables an endpoint that failed for 24 hours and mails its creator", async () => {
    // A mailbox for system mail (its IMAP side points nowhere: only SMTP is used here).
    await app.services.db.insert(mailboxes).values({
      name: "System",
      address: "system@example.com",
      imapUrlEncrypted: encryptCredential(app.services.secret, "imap://nobody:none@127.0.0.1:9/"),
      smtpUrlEncrypted: encryptCredential(app.services.secret, smtp.url),
    });
    const endpoint = await subscribe("/down", ["case.created"]);
    receiver.answer("/down", [], 503);
    await newCase(app.services);
    const first = await until(async () => {
      const [row] = await app.services.db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, endpoint.id));
      return row?.failingSince && row;
    });
    expect(first.enabled).toBe(true);
    offsetMs = 25 * 3600_000;
    const disabled = await until(async () => {
      const [row] = await app.services.db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, endpoint.id));
      return row && !row.enabled && row;
    });
    expect(disabled.disabledReason).toMatch(/24 hours/);
    const [delivery] = await app.services.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(delivery!.status).toBe("failed");
    const mail = await smtp.waitFor(
      (message) => message.parsed.subject?.startsWith("Webhook disabled") ?? false,
    );
    expect(mail.recipients).toEqual(["admin@example.com"]);
    expect(mail.parsed.text).toContain(`${receiver.url}/down`);
    // Enabling it again starts afresh (back to today: the admin's session would have expired).
    offsetMs = 0;
    const enabled = await app.admin.request("PUT", `/api/admin/webhooks/${endpoint.id}`, {
      name: "back",
      url: `${receiver.url}/down`,
      events: ["case.created"],
      enabled: true,
    });
    expect(enabled.body).toMatchObject({ enabled: true, failingSince: null, disabledReason: null });
  });
});

describe("webhooks without WEBHOOK_ALLOW_PRIVATE", () => {
  let app: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
  });

  it("refuses loopback, private and plain-http URLs at subscribe time, writing nothing", async () => {
    for (const url of [
      `https://127.0.0.1:${receiver.port}/hook`,
      `https://localhost:${receiver.port}/hook`,
      "https://10.1.2.3/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "http://example.com/hook",
    ]) {
      const answer = await app.admin.post("/api/admin/webhooks", { url, events: ["case.created"] });
      expect(answer.status, url).toBe(400);
      expect(answer.body.message, url).toMatch(/WEBHOOK_ALLOW_PRIVATE/);
    }
    expect((await counts(app)).endpoints).toBe(0);
  });

  it("refuses to deliver when the host resolves to loopback by the time of delivery", async () => {
    // As if the name resolved to a public address when it was saved and to 127.0.0.1 now.
    const [endpoint] = await app.services.db
      .insert(webhookEndpoints)
      .values({
        url: `https://localhost:${receiver.port}/rebound`,
        events: ["case.created"],
        secretEncrypted: encryptCredential(app.services.secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
      })
      .returning();
    await app.services.webhooks.subscriptions.refresh();
    await newCase(app.services);
    const [item] = await until(async () => {
      const page = await app.admin.get(`/api/admin/webhooks/${endpoint!.id}/deliveries`);
      return page.body.items[0]?.attempts === 1 && page.body.items;
    });
    expect(item.status).toBe("pending");
    expect(item.log[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/127\.0\.0\.1|::1/) });
    expect(receiver.received).toHaveLength(0);
  });
});
