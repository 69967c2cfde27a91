/**
 * The case list: filters, search over subject, contact and message text, and a cursor that pages
 * through everything exactly once, most recently active first.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { cases } from "../../db/schema/cases.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, inboundSms } from "../helpers/factories.ts";

describe("case list", () => {
  let app: TestApp;
  const ids: string[] = [];
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent({ name: "Lister" });
    const base = Date.parse("2026-04-01T09:00:00Z");
    for (let i = 0; i < 7; i++) {
      const result = await ingest(
        app.services.cases,
        inboundSms({
          from: {
            kind: "phone",
            address: `+1628555${2000 + i}`,
            name: i === 3 ? "Grace Hopper" : `Customer ${i}`,
          },
          body: i === 5 ? "The invoice shows a duplicate charge" : `Question number ${i}`,
          receivedAt: new Date(base + i * 60_000),
        }),
      );
      ids.push(result.case.id);
    }
    await assignCase(app.services, ids[2]!, agent.id);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("pages through every case once, newest activity first", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await agent.api.get(`/api/cases?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(ids.length);
    expect(new Set(seen)).toEqual(new Set(ids));
    const updated = await Promise.all(
      seen.map(async (id) => (await agent.api.get(`/api/cases/${id}`)).body.updatedAt),
    );
    expect([...updated].sort().reverse()).toEqual(updated);
  });

  it("searches message text, contact name, address and case number", async () => {
    const byText = await agent.api.get("/api/cases?q=duplicate%20charge");
    expect(byText.body.items.map((c: { id: string }) => c.id)).toEqual([ids[5]]);
    const byName = await agent.api.get("/api/cases?q=grace");
    expect(byName.body.items.map((c: { id: string }) => c.id)).toEqual([ids[3]]);
    const byPhone = await agent.api.get("/api/cases?q=6285552004");
    expect(byPhone.body.items.map((c: { id: string }) => c.id)).toEqual([ids[4]]);
    const number = (await agent.api.get(`/api/cases/${ids[1]}`)).body.number;
    const byNumber = await agent.api.get(`/api/cases?q=%23${number}`);
    expect(byNumber.body.items.map((c: { id: string }) => c.id)).toContain(ids[1]);
    // LIKE wildcards are searched for literally.
    expect((await agent.api.get("/api/cases?q=%25")).body.items).toEqual([]);
  });

  it("filters by state and assignee", async () => {
    const mine = await agent.api.get("/api/cases?assignee=me");
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
    const unassigned = await agent.api.get("/api/cases?assignee=none&status=queued");
    expect(unassigned.body.items).toHaveLength(6);
    const assigned = await agent.api.get("/api/cases?status=assigned,resolved");
    expect(assigned.body.items.map((c: { state: string }) => c.state)).toEqual(["assigned"]);
    // Each listed case names its assignee; `any` lists everyone's, as leaving the filter out does.
    expect(mine.body.items[0].assignee).toEqual({ id: agent.id, name: "Lister" });
    const anyone = await agent.api.get("/api/cases?assignee=any");
    expect(anyone.body.items).toHaveLength(ids.length);
    const others = anyone.body.items.filter((c: { id: string }) => c.id !== ids[2]);
    expect(others.every((c: { assignee: unknown }) => c.assignee === null)).toBe(true);
    expect((await agent.api.get(`/api/cases?assignee=${agent.id}`)).body.items).toHaveLength(1);
  });

  it("filters by channel, priority, SLA state, queue and contact, and shows the SLA state", async () => {
    const ofIds = (body: { items: { id: string }[] }) => body.items.map((c) => c.id).sort();
    expect((await agent.api.get("/api/cases?channel=sms,chat")).body.items).toHaveLength(7);
    expect((await agent.api.get("/api/cases?channel=email")).body.items).toEqual([]);

    expect((await agent.api.request("PATCH", `/api/cases/${ids[1]}`, { priority: "urgent" })).status).toBe(
      200,
    );
    expect(ofIds((await agent.api.get("/api/cases?priority=urgent,high")).body)).toEqual([ids[1]]);

    const dueAt = new Date(Date.now() + 60_000);
    await app.services.db
      .update(cases)
      .set({ slaStatus: "breached", slaDueAt: new Date(Date.now() - 60_000) })
      .where(eq(cases.id, ids[0]!));
    await app.services.db
      .update(cases)
      .set({ slaStatus: "at_risk", slaDueAt: dueAt })
      .where(eq(cases.id, ids[6]!));
    // The SLA monitor flags the other cases on its own; the filter must agree with what the list shows.
    const all = (await agent.api.get("/api/cases?limit=100")).body.items as {
      id: string;
      slaStatus: string | null;
    }[];
    const statusOf = new Map(all.map((c) => [c.id, c.slaStatus]));
    expect(statusOf.get(ids[0]!)).toBe("breached");
    const flagged = await agent.api.get("/api/cases?sla=at_risk,breached");
    expect(ofIds(flagged.body)).toEqual(
      all
        .filter((c) => c.slaStatus === "at_risk" || c.slaStatus === "breached")
        .map((c) => c.id)
        .sort(),
    );
    expect(ofIds(flagged.body)).toContain(ids[0]);
    const atRisk = await agent.api.get("/api/cases?sla=at_risk");
    expect(atRisk.body.items.map((c: { id: string }) => c.id)).toEqual([ids[6]]);
    expect(atRisk.body.items[0]).toMatchObject({ slaStatus: "at_risk", slaDueAt: dueAt.toISOString() });
    const withoutTarget = await agent.api.get("/api/cases?sla=none");
    expect(ofIds(withoutTarget.body)).toEqual(
      all
        .filter((c) => c.slaStatus === null)
        .map((c) => c.id)
        .sort(),
    );

    const grace = (await agent.api.get(`/api/cases/${ids[3]}`)).body;
    expect(ofIds((await agent.api.get(`/api/cases?contact=${grace.contact.id}`)).body)).toEqual([ids[3]]);
    const inQueue = await agent.api.get(`/api/cases?queue=${grace.queueId}`);
    expect(inQueue.body.items.length).toBeGreaterThan(0);
    expect(inQueue.body.items.every((c: { queueId: string }) => c.queueId === grace.queueId)).toBe(true);

    const bad = await agent.api.get("/api/cases?channel=fax");
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/unknown channel 'fax'/);
    expect((await agent.api.get("/api/cases?sla=late")).status).toBe(400);
  });

  it("counts inbound messages in the metrics", async () => {
    const metrics = await fetch(`${app.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/switchboard_inbound_messages_total\{channel="sms"\} 7/);
  });
});
