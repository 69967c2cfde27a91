/** Editing a contact from the console: name, attributes and time zone; opt-outs are shown on identities. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

describe("contact edit", () => {
  let app: TestApp;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("changes name, attributes and time zone, and refuses bad input", async () => {
    const created = await newCase(app.services, {
      from: { kind: "phone", address: "+16285553001", name: "Ada" },
    });
    const contactId = created.contactId;
    const edited = await agent.api.request("PATCH", `/api/contacts/${contactId}`, {
      name: "Ada Lovelace",
      attributes: { plan: "gold", seats: 12 },
      timeZone: "Europe/London",
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: "Ada Lovelace", attributes: { plan: "gold", seats: 12 } });
    expect((await agent.api.get(`/api/contacts/${contactId}`)).body.name).toBe("Ada Lovelace");
    const search = await agent.api.get("/api/contacts?q=lovelace");
    expect(search.body.items.map((c: { id: string }) => c.id)).toEqual([contactId]);

    const badZone = await agent.api.request("PATCH", `/api/contacts/${contactId}`, { timeZone: "Mars/Base" });
    expect(badZone.status).toBe(400);
    expect((await agent.api.request("PATCH", `/api/contacts/${contactId}`, {})).status).toBe(400);
    expect((await agent.api.get(`/api/contacts/${contactId}`)).body.name).toBe("Ada Lovelace");
  });

  it("shows an opt-out on the identity and refuses to edit a merged contact", async () => {
    const first = await newCase(app.services, {
      from: { kind: "phone", address: "+16285553002", name: "Bo" },
    });
    const second = await newCase(app.services, {
      from: { kind: "phone", address: "+16285553003", name: "Bo (dup)" },
    });
    const optedOutAt = new Date("2026-05-01T10:00:00Z");
    await app.services.db
      .update(contactIdentities)
      .set({ optedOutAt, optOutMethod: "STOP" })
      .where(eq(contactIdentities.address, "+16285553002"));
    const contact = await agent.api.get(`/api/contacts/${first.contactId}`);
    expect(contact.body.identities).toEqual([
      expect.objectContaining({
        address: "+16285553002",
        optedOutAt: optedOutAt.toISOString(),
        optOutMethod: "STOP",
      }),
    ]);
    const detail = await agent.api.get(`/api/cases/${first.id}`);
    expect(detail.body.contact.identities[0]).toMatchObject({ optOutMethod: "STOP" });

    // Merging moves another customer's cases: an agent is refused, a supervisor merges.
    const byAgent = await agent.api.post(`/api/contacts/${first.contactId}/merge`, {
      mergedId: second.contactId,
    });
    expect(byAgent.status).toBe(403);
    const supervisor = await app.createAgent({ role: "supervisor" });
    const merged = await supervisor.api.post(`/api/contacts/${first.contactId}/merge`, {
      mergedId: second.contactId,
    });
    expect(merged.status).toBe(200);
    const refused = await agent.api.request("PATCH", `/api/contacts/${second.contactId}`, { name: "X" });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/was merged into/);
  });
});
