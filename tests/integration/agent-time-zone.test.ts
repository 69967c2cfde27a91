/**
 * An agent's own time zone: set and cleared through PUT /api/me/time-zone, shown by /api/me and the
 * session answer (what the console reads on sign-in), and a bad zone refused by name, writing nothing.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agents } from "../../db/schema/agents.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

describe("agent time zone", () => {
  let app: TestApp;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent({ name: "Zoe Zone" });
  });
  afterAll(async () => {
    await app?.close();
  });

  const storedZone = async () =>
    (await app.services.db.select({ zone: agents.timeZone }).from(agents).where(eq(agents.id, agent.id)))[0]
      ?.zone;

  it("starts on the browser's zone, then follows the zone the agent picks", async () => {
    const before = await agent.api.get("/api/me");
    expect(before.status).toBe(200);
    expect(before.body.timeZone).toBeNull();

    const set = await agent.api.request("PUT", "/api/me/time-zone", { timeZone: "Asia/Tokyo" });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: agent.id, timeZone: "Asia/Tokyo" });
    expect(await storedZone()).toBe("Asia/Tokyo");
    expect((await agent.api.get("/api/me")).body.timeZone).toBe("Asia/Tokyo");
    // The console learns the zone when it starts: from the session answer and from a new sign-in.
    expect((await agent.api.get("/api/auth/session")).body.agent.timeZone).toBe("Asia/Tokyo");
    const again = await createApi(app.url).post("/api/auth/login", {
      email: agent.email,
      password: "agent-password",
    });
    expect(again.body.agent).toMatchObject({ id: agent.id, timeZone: "Asia/Tokyo" });
    // Supervisors see it on the agent list too.
    const listed = await app.admin.get("/api/agents");
    expect(listed.body.items.find((a: { id: string }) => a.id === agent.id).timeZone).toBe("Asia/Tokyo");

    const cleared = await agent.api.request("PUT", "/api/me/time-zone", { timeZone: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.timeZone).toBeNull();
    expect(await storedZone()).toBeNull();
  });

  it("refuses a zone that is not one, naming it, and keeps the zone it had", async () => {
    await agent.api.request("PUT", "/api/me/time-zone", { timeZone: "Europe/Paris" });
    for (const bad of ["Mars/Olympus_Mons", "EST", "", "+02:00"]) {
      const refused = await agent.api.request("PUT", "/api/me/time-zone", { timeZone: bad });
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error).toBe("validation_failed");
      expect(refused.body.message).toContain(`'${bad}' is not a time zone`);
    }
    for (const body of [{}, { timeZone: 42 }, null]) {
      const refused = await agent.api.request("PUT", "/api/me/time-zone", body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    expect(await storedZone()).toBe("Europe/Paris");
    // UTC is a zone a person may choose.
    expect((await agent.api.request("PUT", "/api/me/time-zone", { timeZone: "UTC" })).body.timeZone).toBe(
      "UTC",
    );
  });

  it("needs a session", async () => {
    const anonymous = await createApi(app.url).request("PUT", "/api/me/time-zone", { timeZone: "UTC" });
    expect(anonymous.status).toBe(401);
  });
});
