/**
 * Bulk actions from the inbox, end to end through the API: each case is refused or done as its
 * single-case route would do it, one refusal leaves the others done, a refused case is unchanged,
 * cases outside a limited person's queues are "not found", and a request bad as a whole writes
 * nothing.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

type Person = Awaited<ReturnType<TestApp["createAgent"]>>;

describe("bulk actions on cases", () => {
  let app: TestApp;
  let ana: Person;
  let ben: Person;
  let supervisor: Person;

  beforeAll(async () => {
    app = await startTestApp();
    ana = await app.createAgent({ name: "Ana Bulk" });
    ben = await app.createAgent({ name: "Ben Bulk" });
    supervisor = await app.createAgent({ role: "supervisor", name: "Sue Bulk" });
  });
  afterAll(async () => {
    await app?.close();
  });

  const auditCount = async (caseIds: string[]) =>
    (
      await queryRows<{ n: number }>(
        app.services.db,
        sql`select count(*)::int as n from case_events where case_id = any(${`{${caseIds.join(",")}}`}::uuid[])`,
      )
    )[0]!.n;
  const caseOf = async (id: string) => (await app.admin.get(`/api/cases/${id}`)).body;
  const casesHeldBy = async (person: Person, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const row = await newCase(app.services, { body: `${person.id} case ${i}` });
      await assignCase(app.services, row.id, person.id);
      ids.push(row.id);
    }
    return ids;
  };

  it("sets the priority of the agent's own cases and refuses a colleague's and an unknown one, saying why", async () => {
    const [mine1, mine2] = await casesHeldBy(ana, 2);
    const [bens] = await casesHeldBy(ben, 1);
    const unknown = randomUUID();
    const bensNumber = (await caseOf(bens!)).number;
    const answer = await ana.api.post("/api/cases/bulk", {
      caseIds: [mine1, bens, unknown, mine2, mine1],
      action: { type: "priority", priority: "urgent" },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ done: 2, refused: 2 });
    expect(answer.body.results).toEqual([
      { caseId: mine1, caseNumber: expect.any(Number), ok: true },
      {
        caseId: bens,
        caseNumber: bensNumber,
        ok: false,
        error: "forbidden",
        message: expect.stringContaining("Ben Bulk's"),
      },
      { caseId: unknown, ok: false, error: "not_found", message: `Case '${unknown}' does not exist.` },
      { caseId: mine2, caseNumber: expect.any(Number), ok: true },
    ]);
    expect((await caseOf(mine1!)).priority).toBe("urgent");
    expect((await caseOf(mine2!)).priority).toBe("urgent");
    expect((await caseOf(bens!)).priority).toBe("normal");
  });

  it("adds and removes tags on each case, keeping the tags it had", async () => {
    const [first, second] = await casesHeldBy(ana, 2);
    await ana.api.request("PATCH", `/api/cases/${first}`, { tags: ["vip", "refund"] });
    const answer = await ana.api.post("/api/cases/bulk", {
      caseIds: [first, second],
      action: { type: "tags", add: ["Billing", "follow-up"], remove: ["refund"] },
    });
    expect(answer.body).toMatchObject({ done: 2, refused: 0 });
    expect((await caseOf(first!)).tags).toEqual(["billing", "follow-up", "vip"]);
    expect((await caseOf(second!)).tags).toEqual(["billing", "follow-up"]);
    const nothing = await ana.api.post("/api/cases/bulk", {
      caseIds: [first],
      action: { type: "tags", add: [], remove: [] },
    });
    expect(nothing.status).toBe(400);
  });

  it("assigns as supervisors only, and refuses a case that is resolved without undoing the others", async () => {
    const [open1, open2, toResolve] = await casesHeldBy(ben, 3);
    expect((await ben.api.post(`/api/cases/${toResolve}/actions`, { action: "resolve" })).status).toBe(200);
    // Someone with room: Ana's sms capacity is taken by the cases of the tests before.
    const cy = await app.createAgent({ name: "Cy Bulk" });
    await app.services.router.setPresence({ agentId: cy.id, presence: "away" });

    const byAgent = await ben.api.post("/api/cases/bulk", {
      caseIds: [open1],
      action: { type: "assign", agentId: cy.id },
    });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.message).toMatch(/supervisors/);

    const before = await auditCount([open1!, open2!, toResolve!]);
    const answer = await supervisor.api.post("/api/cases/bulk", {
      caseIds: [open1, toResolve, open2],
      action: { type: "assign", agentId: cy.id },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ done: 2, refused: 1 });
    expect(answer.body.results[1]).toMatchObject({
      caseId: toResolve,
      ok: false,
      error: "illegal_action",
      message: expect.stringMatching(/is resolved; reopen it before assigning it/),
    });
    expect((await caseOf(open1!)).assigneeId).toBe(cy.id);
    expect((await caseOf(open2!)).assigneeId).toBe(cy.id);
    expect((await caseOf(toResolve!)).state).toBe("resolved");
    // One audit row per case moved, none for the refused one.
    expect(await auditCount([open1!, open2!, toResolve!])).toBe(before + 2);
  });

  it("refuses the whole request when the target does not exist or the body is wrong, and writes nothing", async () => {
    const dee = await app.createAgent({ name: "Dee Bulk" });
    const [held] = await casesHeldBy(dee, 1);
    const before = await auditCount([held!]);
    const answers = [
      await supervisor.api.post("/api/cases/bulk", {
        caseIds: [held],
        action: { type: "assign", agentId: randomUUID() },
      }),
      await dee.api.post("/api/cases/bulk", {
        caseIds: [held],
        action: { type: "transfer", queueId: randomUUID() },
      }),
      await dee.api.post("/api/cases/bulk", {
        caseIds: [held],
        action: { type: "resolve", dispositionId: randomUUID() },
      }),
      await dee.api.post("/api/cases/bulk", { caseIds: [], action: { type: "priority", priority: "low" } }),
      await dee.api.post("/api/cases/bulk", {
        caseIds: Array.from({ length: 101 }, () => randomUUID()),
        action: { type: "priority", priority: "low" },
      }),
      await dee.api.post("/api/cases/bulk", { caseIds: [held], action: { type: "delete" } }),
      await dee.api.post("/api/cases/bulk", {
        caseIds: ["nope"],
        action: { type: "priority", priority: "low" },
      }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 400, 400, 400, 400, 400]);
    for (const answer of answers)
      expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect(answers[0]!.body.message).toMatch(/^Agent '.*' does not exist\.$/);
    expect(answers[1]!.body.message).toMatch(/^Queue '.*' does not exist\.$/);
    expect(await auditCount([held!])).toBe(before);
  });

  it("resolves with a disposition, and refuses a case of a queue that needs one when none is given", async () => {
    const queues = (await app.admin.get("/api/queues")).body.items as { id: string; isDefault: boolean }[];
    const general = queues.find((item) => item.isDefault)!;
    await app.admin.request("PATCH", `/api/queues/${general.id}`, { dispositionRequired: true });
    const eve = await app.createAgent({ name: "Eve Bulk" });
    try {
      const [first, second] = await casesHeldBy(eve, 2);
      const without = await eve.api.post("/api/cases/bulk", {
        caseIds: [first, second],
        action: { type: "resolve" },
      });
      expect(without.body).toMatchObject({ done: 0, refused: 2 });
      expect(without.body.results[0].message).toMatch(/needs a disposition first/);

      const code = await app.admin.post("/api/dispositions", {
        label: `Answered ${randomUUID().slice(0, 6)}`,
      });
      // A case already resolved is refused and keeps the disposition it had (none).
      await app.admin.request("PATCH", `/api/cases/${second}`, { dispositionId: code.body.id });
      expect((await eve.api.post(`/api/cases/${second}/actions`, { action: "resolve" })).status).toBe(200);
      await app.admin.request("PATCH", `/api/cases/${second}`, { dispositionId: null });
      const answer = await eve.api.post("/api/cases/bulk", {
        caseIds: [first, second],
        action: { type: "resolve", dispositionId: code.body.id },
      });
      expect(answer.body).toMatchObject({ done: 1, refused: 1 });
      expect(answer.body.results[1]).toMatchObject({ ok: false, error: "illegal_action" });
      expect(await caseOf(first!)).toMatchObject({ state: "resolved", dispositionId: code.body.id });
      expect(await caseOf(second!)).toMatchObject({ state: "resolved", dispositionId: null });
    } finally {
      await app.admin.request("PATCH", `/api/queues/${general.id}`, { dispositionRequired: false });
    }
  });

  it("moves cases to a queue, and reports a case outside a limited supervisor's queues as not found", async () => {
    const skill = await app.admin.post("/api/skills", { name: `bulk-${randomUUID().slice(0, 6)}` });
    const billing = await app.admin.post("/api/queues", {
      name: `Bulk billing ${randomUUID().slice(0, 6)}`,
      requiredSkills: [{ skillId: skill.body.id, level: 3 }],
    });
    const [inGeneral, toMove] = await casesHeldBy(ben, 2);
    const moved = await ben.api.post("/api/cases/bulk", {
      caseIds: [toMove],
      action: { type: "transfer", queueId: billing.body.id },
    });
    expect(moved.body, JSON.stringify(moved.body)).toMatchObject({ done: 1, refused: 0 });
    expect(await caseOf(toMove!)).toMatchObject({ queueId: billing.body.id, assigneeId: null });

    const limited = await app.createAgent({ role: "supervisor", name: "Lee Limited" });
    const scoped = await app.admin.request("PUT", `/api/agents/${limited.id}/queue-scope`, {
      limited: true,
      queueIds: [billing.body.id],
    });
    expect(scoped.status).toBe(200);
    const answer = await limited.api.post("/api/cases/bulk", {
      caseIds: [toMove, inGeneral],
      action: { type: "priority", priority: "high" },
    });
    expect(answer.body).toMatchObject({ done: 1, refused: 1 });
    expect(answer.body.results[1]).toEqual({
      caseId: inGeneral,
      ok: false,
      error: "not_found",
      message: `Case '${inGeneral}' does not exist.`,
    });
    expect((await caseOf(inGeneral!)).priority).toBe("normal");
    expect((await caseOf(toMove!)).priority).toBe("high");
  });
});
