/**
 * Who may work a case, end to end through the API: an agent replies to, edits, acts on, transfers
 * and calls about the cases assigned or offered to them and the unassigned ones in queues they
 * serve; a colleague's case is refused with a reason and nothing is written; notes stay open to
 * every agent; supervisors and admins work every case.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

type Person = Awaited<ReturnType<TestApp["createAgent"]>>;

describe("who may work a case", () => {
  let app: TestApp;
  let ana: Person;
  let ben: Person;
  let skilled: Person;
  let supervisor: Person;
  let billingQueue: string;

  beforeAll(async () => {
    app = await startTestApp();
    ana = await app.createAgent({ name: "Ana" });
    ben = await app.createAgent({ name: "Ben" });
    skilled = await app.createAgent({ name: "Sky" });
    supervisor = await app.createAgent({ role: "supervisor", name: "Sue" });
    const skill = await app.admin.post("/api/skills", { name: `billing-${randomUUID().slice(0, 6)}` });
    const queue = await app.admin.post("/api/queues", {
      name: `Billing ${randomUUID().slice(0, 6)}`,
      requiredSkills: [{ skillId: skill.body.id, level: 3 }],
    });
    expect(queue.status, JSON.stringify(queue.body)).toBe(201);
    billingQueue = queue.body.id;
    const items = [{ skillId: skill.body.id, level: 5 }];
    expect((await app.admin.request("PUT", `/api/agents/${skilled.id}/skills`, { items })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
  });

  const interactionCount = async (caseId: string) =>
    (
      await queryRows<{ n: number }>(
        app.services.db,
        sql`select count(*)::int as n from interactions where case_id = ${caseId}`,
      )
    )[0]!.n;

  it("refuses an agent every change to a colleague's case, saying whose it is, and writes nothing", async () => {
    const row = await newCase(app.services, { body: "Ben's customer" });
    await assignCase(app.services, row.id, ben.id);
    const before = await interactionCount(row.id);
    const attempts = [
      ana.api.post(`/api/cases/${row.id}/replies`, { body: "Not mine to answer" }),
      ana.api.request("PATCH", `/api/cases/${row.id}`, { priority: "urgent" }),
      ana.api.post(`/api/cases/${row.id}/actions`, { action: "resolve" }),
      ana.api.post(`/api/cases/${row.id}/transfer`, { toAgentId: ana.id, note: "mine now" }),
      ana.api.post(`/api/cases/${row.id}/call`, {}),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(403);
      expect(answer.body).toMatchObject({ error: "forbidden", message: expect.stringContaining("Ben's") });
    }
    expect(await interactionCount(row.id)).toBe(before);
    const detail = await app.admin.get(`/api/cases/${row.id}`);
    expect(detail.body).toMatchObject({ assigneeId: ben.id, priority: "normal", state: "assigned" });

    // A note asks the colleague in: open to every agent.
    expect(
      (await ana.api.post(`/api/cases/${row.id}/notes`, { body: "@Ben this one is yours" })).status,
    ).toBe(201);
    // Ben works his own case; a supervisor works anyone's.
    expect((await ben.api.post(`/api/cases/${row.id}/replies`, { body: "On it" })).status).toBe(201);
    expect((await supervisor.api.request("PATCH", `/api/cases/${row.id}`, { priority: "high" })).status).toBe(
      200,
    );
  });

  it("lets an agent work an unassigned case only in a queue they serve", async () => {
    const row = await newCase(app.services, { body: "Billing question" });
    const moved = await app.admin.post(`/api/cases/${row.id}/transfer`, {
      toQueueId: billingQueue,
      note: "Billing",
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const refused = await ana.api.post(`/api/cases/${row.id}/replies`, { body: "I lack the skill" });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/queue you do not serve/);
    const edit = { priority: "high" };
    expect((await ana.api.request("PATCH", `/api/cases/${row.id}`, edit)).status).toBe(403);
    const served = await skilled.api.request("PATCH", `/api/cases/${row.id}`, edit);
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    expect(served.body.priority).toBe("high");
  });

  it("answers 404 for a case that does not exist, whoever asks", async () => {
    const missing = await ana.api.post(`/api/cases/${randomUUID()}/replies`, { body: "Anyone?" });
    expect(missing.status).toBe(404);
  });
});
