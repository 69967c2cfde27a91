/** The agent directory: every agent may see active colleagues' names and presence, and nothing more. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

describe("agent directory", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("lists active agents by name and presence, without emails or roles", async () => {
    const ana = await app.createAgent({ name: "Ana Directory" });
    const bo = await app.createAgent({ name: "Bo Directory" });
    const gone = await app.createAgent({ name: "Cy Gone" });
    await bo.api.post("/api/me/presence", { status: "available" });
    const deactivated = await app.admin.request("PATCH", `/api/agents/${gone.id}`, { active: false });
    expect(deactivated.status).toBe(200);

    const directory = await ana.api.get("/api/agents/directory");
    expect(directory.status).toBe(200);
    const names = directory.body.items.map((agent: { name: string }) => agent.name);
    expect(names).toEqual(expect.arrayContaining(["Ana Directory", "Bo Directory"]));
    expect(names).not.toContain("Cy Gone");
    expect(directory.body.items.find((agent: { id: string }) => agent.id === bo.id)).toEqual({
      id: bo.id,
      name: "Bo Directory",
      presence: "available",
    });
    expect((await createApi(app.url).get("/api/agents/directory")).status).toBe(401);
  });
});
