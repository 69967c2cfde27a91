/**
 * Disposition codes: admins keep them (unique labels, retired rather than deleted), agents put one
 * on a case, a queue that requires one refuses to let its cases be finished without, and
 * supervisors count cases per code. Bad input is refused and writes nothing.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseEvents, cases, dispositionCodes } from "../../db/schema/index.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

describe("dispositions", () => {
  let app: TestApp;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  const now = new Date("2026-06-01T12:00:00Z");

  beforeAll(async () => {
    app = await startTestApp({ clock: () => now, env: { STATUS_UPDATES: "false" } });
    agent = await app.createAgent({ name: "Dana Disposition" });
  });
  afterAll(async () => {
    await app?.close();
  });

  const codes = () => app.services.db.select().from(dispositionCodes);

  it("is kept by admins: unique labels, retired rather than deleted, bad input refused", async () => {
    const refund = await app.admin.post("/api/dispositions", {
      label: "Billing – refund issued",
      description: "Money went back to the customer",
      position: 1,
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect(refund.body).toMatchObject({ label: "Billing – refund issued", active: true, position: 1 });
    expect((await app.admin.post("/api/dispositions", { label: "Question answered" })).status).toBe(201);
    const before = (await codes()).length;

    const duplicate = await app.admin.post("/api/dispositions", { label: "billing – REFUND issued" });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: "conflict", details: { label: "taken" } });
    expect((await app.admin.post("/api/dispositions", { label: "  " })).status).toBe(400);
    expect((await agent.api.post("/api/dispositions", { label: "Mine" })).status).toBe(403);
    expect(
      (
        await app.admin.request("PATCH", `/api/dispositions/${refund.body.id}`, {
          label: "question answered",
        })
      ).status,
    ).toBe(409);
    expect((await codes()).length).toBe(before);

    const listed = await agent.api.get("/api/dispositions");
    expect(listed.body.items.map((item: { label: string }) => item.label)).toEqual([
      "Question answered",
      "Billing – refund issued",
    ]);
  });

  it("goes on a case; a queue that requires one will not let the case be finished without it", async () => {
    const queues = (await app.admin.get("/api/queues")).body.items as { id: string; isDefault: boolean }[];
    const queue = queues.find((item) => item.isDefault)!;
    const required = await app.admin.request("PATCH", `/api/queues/${queue.id}`, {
      dispositionRequired: true,
    });
    expect(required.status, JSON.stringify(required.body)).toBe(200);
    expect(required.body.dispositionRequired).toBe(true);

    const row = await newCase(app.services, { from: { kind: "phone", address: "+14155550177" } });
    await assignCase(app.services, row.id, agent.id);
    const eventsBefore = await app.services.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id));
    const refused = await agent.api.post(`/api/cases/${row.id}/actions`, { action: "resolve" });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/needs a disposition first/);
    expect(refused.body.details).toEqual({ dispositionRequired: true });
    expect((await agent.api.post(`/api/cases/${row.id}/actions`, { action: "close" })).status).toBe(409);
    const [unchanged] = await app.services.db.select().from(cases).where(eq(cases.id, row.id));
    expect(unchanged!.state).toBe("assigned");
    expect(await app.services.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id))).toHaveLength(
      eventsBefore.length,
    );

    // Unknown and retired codes are refused.
    const all = (await agent.api.get("/api/dispositions")).body.items as { id: string; label: string }[];
    const refund = all.find((item) => item.label.startsWith("Billing"))!;
    const answered = all.find((item) => item.label === "Question answered")!;
    const retired = await app.admin.post("/api/dispositions", { label: "Old reason" });
    await app.admin.request("PATCH", `/api/dispositions/${retired.body.id}`, { active: false });
    expect((await agent.api.get("/api/dispositions")).body.items).toHaveLength(2);
    expect((await app.admin.get("/api/dispositions?all=true")).body.items).toHaveLength(3);
    const stale = await agent.api.request("PATCH", `/api/cases/${row.id}`, {
      dispositionId: retired.body.id,
    });
    expect(stale.status).toBe(400);
    expect(stale.body.message).toMatch(/retired/);
    const unknown = await agent.api.request("PATCH", `/api/cases/${row.id}`, {
      dispositionId: "00000000-0000-4000-8000-000000000000",
    });
    expect(unknown.status).toBe(400);
    expect(
      (await app.services.db.select().from(cases).where(eq(cases.id, row.id)))[0]!.dispositionId,
    ).toBeNull();

    const given = await agent.api.request("PATCH", `/api/cases/${row.id}`, { dispositionId: refund.id });
    expect(given.status, JSON.stringify(given.body)).toBe(200);
    expect(given.body.dispositionId).toBe(refund.id);
    const resolved = await agent.api.post(`/api/cases/${row.id}/actions`, { action: "resolve" });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    const audit = await app.services.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id));
    expect(audit.find((event) => event.type === "edited")?.details).toMatchObject({
      after: { dispositionId: refund.id },
    });

    // A second case, resolved with the other code, and one from before the rule, without.
    const second = await newCase(app.services, { from: { kind: "phone", address: "+14155550178" } });
    await assignCase(app.services, second.id, agent.id);
    await agent.api.request("PATCH", `/api/cases/${second.id}`, { dispositionId: answered.id });
    expect((await agent.api.post(`/api/cases/${second.id}/actions`, { action: "resolve" })).status).toBe(200);
    await app.admin.request("PATCH", `/api/queues/${queue.id}`, { dispositionRequired: false });
    const third = await newCase(app.services, { from: { kind: "phone", address: "+14155550179" } });
    await assignCase(app.services, third.id, agent.id);
    expect((await agent.api.post(`/api/cases/${third.id}/actions`, { action: "resolve" })).status).toBe(200);

    const report = await app.admin.get(
      `/api/reports/dispositions?from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z`,
    );
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body.items).toEqual(
      expect.arrayContaining([
        { dispositionId: refund.id, label: refund.label, cases: 1 },
        { dispositionId: answered.id, label: "Question answered", cases: 1 },
        { dispositionId: null, label: null, cases: 1 },
      ]),
    );
    expect(
      (await app.admin.get("/api/reports/dispositions?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z"))
        .status,
    ).toBe(400);
    expect(
      (await agent.api.get("/api/reports/dispositions?from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z"))
        .status,
    ).toBe(403);
  });
});
