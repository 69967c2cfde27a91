/**
 * The supervisor's agent grid: state and time in state, load against capacity per channel as routing
 * counts it, and the cases each agent holds now; supervisors only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

describe("agent board", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("lists each agent's state, load per channel and current cases", async () => {
    const ana = await app.createAgent({ name: "Ana Board" });
    const raj = await app.createAgent({ name: "Raj Board" });
    const held = await newCase(app.services, { body: "My order is late" });
    await assignCase(app.services, held.id, ana.id);
    await app.admin.post(`/api/agents/${ana.id}/presence`, { status: "available" });
    await app.admin.post(`/api/agents/${raj.id}/presence`, { status: "away", reason: "Lunch" });

    const board = await app.admin.get("/api/agents/board");
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    const rows = board.body.items as {
      id: string;
      state: string;
      presenceReason: string | null;
      presenceChangedAt: string;
      load: Record<string, number>;
      capacity: Record<string, number>;
      cases: { id: string; number: number; channel: string }[];
    }[];
    const anaRow = rows.find((row) => row.id === ana.id)!;
    expect(anaRow.state).toBe("available");
    expect(anaRow.load).toEqual({ chat: 0, email: 0, sms: 1, voice: 0 });
    expect(anaRow.capacity.sms).toBe(5);
    expect(anaRow.cases).toEqual([
      expect.objectContaining({ id: held.id, number: held.number, channel: "sms" }),
    ]);
    const rajRow = rows.find((row) => row.id === raj.id)!;
    expect(rajRow).toMatchObject({ state: "away", presenceReason: "Lunch", cases: [] });
    expect(Date.now() - Date.parse(rajRow.presenceChangedAt)).toBeLessThan(60_000);

    // Full on every channel while available: busy.
    await app.admin.request("PATCH", `/api/agents/${ana.id}`, {
      capacity: { voice: 0, chat: 0, sms: 1, email: 0 },
    });
    const full = await app.admin.get("/api/agents/board");
    expect(full.body.items.find((row: { id: string }) => row.id === ana.id).state).toBe("busy");
  });

  it("is for supervisors only", async () => {
    const agent = await app.createAgent();
    expect((await agent.api.get("/api/agents/board")).status).toBe(403);
  });
});
