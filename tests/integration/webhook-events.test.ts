/**
 * Each webhook event from the path that really causes it, checked at a local receiver with the
 * `standardwebhooks` package: a case assigned and resolved, its SLA at risk and breached by the
 * monitor, the customer's CSAT rating, two contacts merged, and contacts created by a chat visitor
 * and by a calling-list import (not only by an inbound message).
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { performAction } from "../../cases/replies.ts";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { sweepSla } from "../../sla/sla-monitor.ts";
import { type Body, createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";
import { connectVisitor } from "../helpers/sockets.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const MINUTE = 60_000;

describe("webhook events from their own paths", () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let secret: string;
  let now = new Date("2026-06-01T10:00:00Z");
  let phone = 4000;
  const nextPhone = () => {
    phone += 1;
    return `+1415555${phone}`;
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await startTestApp({
      clock: () => now,
      env: { WEBHOOK_ALLOW_PRIVATE: "true", SESSION_TTL_HOURS: "720" },
    });
    const [standard] = (await app.admin.get("/api/sla/policies")).body.items;
    const patched = await app.admin.request("PATCH", `/api/sla/policies/${standard.id}`, {
      targets: { normal: { first_response: { minutes: 60, business: false } } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const endpoint = await app.admin.post("/api/admin/webhooks", {
      name: "Everything",
      url: `${receiver.url}/all`,
      events: [
        "case.assigned",
        "case.resolved",
        "sla.at_risk",
        "sla.breached",
        "csat.received",
        "contact.created",
        "contact.merged",
      ],
    });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    secret = endpoint.body.secret;
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
  });

  /** The delivered event of this type matching `where`, verified against the endpoint's secret. */
  async function delivered(type: string, where: (data: Body) => boolean) {
    const hook = await receiver.waitFor(
      (received) => received.json.type === type && where(received.json.data),
    );
    // Signed at the app's (test) clock, days from the real one: the signature is checked for the
    // timestamp sent, which is the app's time of the event.
    const headers = hook.headers as Record<string, string>;
    const timestamp = new Date(Number(headers["webhook-timestamp"]) * 1000);
    expect(headers["webhook-signature"]).toBe(
      new Webhook(secret).sign(headers["webhook-id"]!, timestamp, hook.body),
    );
    expect(Math.abs(timestamp.getTime() - now.getTime())).toBeLessThan(3600_000);
    return hook.json as { type: string; sequence: number; data: Body };
  }

  it("sends case.assigned and case.resolved for a case an agent works", async () => {
    const agent = await app.createAgent({ name: "Ada Assigned" });
    const row = await newCase(app.services, { from: { kind: "phone", address: nextPhone() } });
    await assignCase(app.services, row.id, agent.id);
    const assigned = await delivered("case.assigned", (data) => data.case?.id === row.id);
    expect(assigned.data.case).toMatchObject({ assigneeId: agent.id, number: row.number });
    await performAction(app.services.cases, {
      caseId: row.id,
      action: "resolve",
      actor: { type: "agent", id: agent.id },
    });
    const resolved = await delivered("case.resolved", (data) => data.case?.id === row.id);
    expect(resolved.data.case.state).toBe("resolved");
    expect(resolved.sequence).toBeGreaterThan(assigned.sequence);

    // The customer rates the answer on the status page.
    const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
    expect((await createApi(app.url).post(`/api/status/${token}/rating`, { rating: 5 })).status).toBe(200);
    const csat = await delivered("csat.received", (data) => data.caseId === row.id);
    expect(csat.data).toMatchObject({ rating: 5 });
  });

  it("sends sla.at_risk and then sla.breached as the monitor flags a first response", async () => {
    const row = await newCase(app.services, { from: { kind: "phone", address: nextPhone() } });
    now = new Date(now.getTime() + 50 * MINUTE);
    await sweepSla(app.services.cases);
    const atRisk = await delivered("sla.at_risk", (data) => data.caseId === row.id);
    expect(atRisk.data).toMatchObject({ metric: "first_response" });
    now = new Date(now.getTime() + 15 * MINUTE);
    await sweepSla(app.services.cases);
    const breached = await delivered("sla.breached", (data) => data.caseId === row.id);
    expect(breached.data).toMatchObject({ metric: "first_response", status: "breached" });
  });

  it("sends contact.merged with the survivor and the merged contact", async () => {
    const first = await newCase(app.services, { from: { kind: "phone", address: nextPhone() } });
    const second = await newCase(app.services, { from: { kind: "phone", address: nextPhone() } });
    const merged = await app.admin.post(`/api/contacts/${first.contactId}/merge`, {
      mergedId: second.contactId,
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const hook = await delivered("contact.merged", (data) => data.contact?.id === first.contactId);
    expect(hook.data.mergedContactId).toBe(second.contactId);
  });

  it("sends contact.created for contacts a calling-list import creates, once each", async () => {
    const list = await app.admin.post("/api/outbound/lists", { name: "Webhook list" });
    const numbers = [nextPhone(), nextPhone()];
    const imported = await app.admin.post(`/api/outbound/lists/${list.body.id}/imports`, {
      csv: `phone,name\n${numbers[0]},Lena List\n${numbers[1]},Lars List\n`,
      mapping: { phone: "phone", name: "name" },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(202);
    await vi.waitFor(
      async () =>
        expect((await app.admin.get(`/api/outbound/imports/${imported.body.id}`)).body.status).toBe("done"),
      { timeout: 15_000, interval: 50 },
    );
    const lena = await delivered("contact.created", (data) => data.contact?.name === "Lena List");
    const lars = await delivered("contact.created", (data) => data.contact?.name === "Lars List");
    expect(lena.data.contact.id).not.toBe(lars.data.contact.id);
    // A number already known to Switchboard is matched, not created again.
    const again = await app.admin.post(`/api/outbound/lists/${list.body.id}/imports`, {
      csv: `phone,name\n${numbers[0]},Lena List\n`,
      mapping: { phone: "phone", name: "name" },
    });
    await vi.waitFor(
      async () =>
        expect((await app.admin.get(`/api/outbound/imports/${again.body.id}`)).body.status).toBe("done"),
      { timeout: 15_000, interval: 50 },
    );
    const created = receiver.received.filter(
      (hook) => hook.json.type === "contact.created" && hook.json.data.contact?.name === "Lena List",
    );
    expect(created).toHaveLength(1);
  });

  it("sends contact.created when a chat visitor says who they are, before any message", async () => {
    const visitor = await connectVisitor(app.url);
    try {
      const hello = await visitor.emitWithAck("hello", { name: "Wendy Widget" });
      expect(hello.visitorToken).toMatch(/^v1\./);
      await delivered("contact.created", (data) => data.contact?.name === "Wendy Widget");
      // Coming back with the same token finds the contact: no second event.
      const again = await connectVisitor(app.url);
      await again.emitWithAck("hello", { visitorToken: hello.visitorToken, name: "Wendy Widget" });
      again.close();
      // A later contact's event has arrived: a second one for Wendy would have been written before it.
      const later = await newCase(app.services, { from: { kind: "phone", address: nextPhone() } });
      await delivered("contact.created", (data) => data.contact?.id === later.contactId);
      expect(
        receiver.received.filter((hook) => hook.json.data?.contact?.name === "Wendy Widget"),
      ).toHaveLength(1);
    } finally {
      visitor.close();
    }
  });
});
