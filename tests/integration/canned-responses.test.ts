/**
 * Canned responses: supervisors keep them, agents find them by short code or text for the case's
 * channel and get them filled in for the case; bad input is refused and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import type { Api } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

describe("canned responses", () => {
  let app: TestApp;
  let supervisor: Api;
  let agent: Api;

  beforeAll(async () => {
    app = await startTestApp();
    supervisor = (await app.createAgent({ role: "supervisor" })).api;
    agent = (await app.createAgent({ name: "Priya Natarajan" })).api;
  });
  afterAll(async () => {
    await app?.close();
  });

  it("is kept by supervisors, found by agents for a channel, and filled in for a case", async () => {
    const refund = await supervisor.post("/api/canned-responses", {
      shortCode: "Refund",
      title: "Refund on its way",
      body: "Hi {{contact.name}}, the refund for case #{{case.number}} is on its way. {{agent.name}}",
      channels: ["email", "chat"],
    });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ shortCode: "refund", channels: ["email", "chat"] });
    const hours = await supervisor.post("/api/canned-responses", {
      shortCode: "hours",
      title: "Opening hours",
      body: "We are open 9 to 5, Monday to Friday.",
    });
    expect(hours.status).toBe(201);

    const forSms = await agent.get("/api/canned-responses?channel=sms");
    expect(forSms.body.items.map((c: { shortCode: string }) => c.shortCode)).toEqual(["hours"]);
    const found = await agent.get("/api/canned-responses?q=REFUND");
    expect(found.body.items.map((c: { shortCode: string }) => c.shortCode)).toEqual(["refund"]);

    const { case: row } = await ingest(app.services.cases, {
      channel: "email",
      externalId: "<canned-1@mail.example>",
      from: { kind: "email", address: "dana@example.net", name: "Dana Scully" },
      subject: "Refund?",
      body: "Where is my refund?",
    });
    const filled = await agent.post(`/api/canned-responses/${refund.body.id}/render`, { caseId: row.id });
    expect(filled.status).toBe(200);
    expect(filled.body.body).toBe(`Hi Dana Scully, the refund for case #${row.number} is on its way. Priya`);

    const changed = await supervisor.request("PATCH", `/api/canned-responses/${hours.body.id}`, {
      body: "We are open 8 to 6.",
    });
    expect(changed.status).toBe(200);
    expect(changed.body.body).toBe("We are open 8 to 6.");
    expect((await supervisor.request("DELETE", `/api/canned-responses/${hours.body.id}`)).status).toBe(204);
    expect((await agent.get("/api/canned-responses")).body.items).toHaveLength(1);
  });

  it("refuses bad input with a reason and writes nothing", async () => {
    const before = (await agent.get("/api/canned-responses")).body.items;
    const taken = await supervisor.post("/api/canned-responses", {
      shortCode: "refund",
      title: "Again",
      body: "Again",
    });
    expect(taken.status).toBe(409);
    expect(taken.body.message).toContain("'refund' already exists");
    const typo = await supervisor.post("/api/canned-responses", {
      shortCode: "typo",
      title: "Typo",
      body: "Hi {{contact.nam}}",
    });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toContain("{{contact.nam}}");
    const badCode = await supervisor.post("/api/canned-responses", {
      shortCode: "no spaces",
      title: "x",
      body: "x",
    });
    expect(badCode.status).toBe(400);
    expect(badCode.body.message).toMatch(/shortCode/);
    expect(
      (await agent.post("/api/canned-responses", { shortCode: "a", title: "a", body: "a" })).status,
    ).toBe(403);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(
      (await supervisor.request("PATCH", `/api/canned-responses/${unknown}`, { title: "x" })).status,
    ).toBe(404);
    expect((await supervisor.request("PATCH", `/api/canned-responses/${before[0].id}`, {})).status).toBe(400);
    expect(
      (await agent.post(`/api/canned-responses/${before[0].id}/render`, { caseId: unknown })).status,
    ).toBe(404);
    expect((await agent.get("/api/canned-responses")).body.items).toEqual(before);
  });
});
