/**
 * CSAT where the team works: the rating on the case (detail, list, live push) and the inbox's
 * CSAT filter, against the real app.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "../../cases/replies.ts";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";
import { connectAgent } from "../helpers/sockets.ts";

describe("CSAT on cases", () => {
  let app: TestApp;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  const now = new Date("2026-06-01T12:00:00Z");
  let phone = 7000;

  beforeAll(async () => {
    app = await startTestApp({ clock: () => now });
    agent = await app.createAgent({ name: "Rhea Rated" });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A resolved case of the agent's, rated by its customer when `rating` is given. */
  const resolvedCase = async (rating?: number, comment?: string) => {
    phone += 1;
    const row = await newCase(app.services, { from: { kind: "phone", address: `+1415777${phone}` } });
    await assignCase(app.services, row.id, agent.id);
    await performAction(app.services.cases, {
      caseId: row.id,
      action: "resolve",
      actor: { type: "agent", id: agent.id },
    });
    if (rating !== undefined) {
      const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
      const rated = await createApi(app.url).post(`/api/status/${token}/rating`, { rating, comment });
      expect(rated.status).toBe(200);
    }
    return row;
  };

  it("shows the rating and comment on the case and in the list, null before", async () => {
    const unrated = await resolvedCase();
    expect((await agent.api.get(`/api/cases/${unrated.id}`)).body.csat).toBeNull();
    const rated = await resolvedCase(4, "  quick and kind ");
    const detail = await agent.api.get(`/api/cases/${rated.id}`);
    expect(detail.body.csat).toEqual({ rating: 4, comment: "quick and kind", at: now.toISOString() });
    const list = await agent.api.get("/api/cases?status=resolved&limit=100");
    const listed = list.body.items.find((item: { id: string }) => item.id === rated.id);
    expect(listed.csat).toEqual({ rating: 4, comment: "quick and kind", at: now.toISOString() });
  });

  it("pushes the rating to the consoles that show the case", async () => {
    const row = await resolvedCase();
    const socket = await connectAgent(app.url, agent.token);
    try {
      const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
      await createApi(app.url).post(`/api/status/${token}/rating`, { rating: 2, comment: "slow" });
      const pushed = await socket.waitFor("case.updated", (summary) => summary.id === row.id && summary.csat);
      expect(pushed.csat).toMatchObject({ rating: 2, comment: "slow" });
    } finally {
      socket.close();
    }
  });

  it("filters the list by rating, rated, unrated and low", async () => {
    const one = await resolvedCase(1);
    const three = await resolvedCase(3);
    const five = await resolvedCase(5);
    const none = await resolvedCase();
    const ids = async (csat: string) =>
      (await agent.api.get(`/api/cases?status=resolved&limit=100&csat=${csat}`)).body.items.map(
        (item: { id: string }) => item.id,
      );
    expect(await ids("5")).toContain(five.id);
    expect(await ids("5")).not.toContain(three.id);
    const low = await ids("low");
    expect(low).toContain(one.id);
    expect(low).not.toContain(three.id);
    expect(low).not.toContain(none.id);
    const rated = await ids("rated");
    expect(rated).toEqual(expect.arrayContaining([one.id, three.id, five.id]));
    expect(rated).not.toContain(none.id);
    const unrated = await ids("unrated");
    expect(unrated).toContain(none.id);
    expect(unrated).not.toContain(five.id);
    expect(await ids("3,unrated")).toEqual(expect.arrayContaining([three.id, none.id]));
    const bad = await agent.api.get("/api/cases?csat=6");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBeDefined();
  });
});
