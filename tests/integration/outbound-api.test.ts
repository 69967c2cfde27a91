/**
 * The outbound API: preview mode from the agent's side (next record, disposition, lead), list
 * recycling, and every bad input answered with a 4xx `{ error, message }` that writes nothing.
 */
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { campaigns, doNotCall, leads, listImports } from "../../db/schema/outbound.ts";
import type { ApiResponse } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

const LIST = ["phone,name", "+12125550201,First", "+12125550202,Second", "+12125550203,Third"].join("\n");

const expectError = (response: ApiResponse, status: number, error?: string) => {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(typeof response.body.error).toBe("string");
  expect(typeof response.body.message).toBe("string");
  if (error) expect(response.body.error).toBe(error);
};

describe("outbound API", () => {
  let app: TestApp;
  /** 2026-07-15 16:00 UTC: noon in New York. */
  const now = new Date("2026-07-15T16:00:00Z");
  let listId: string;
  let previewCampaignId: string;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  const agentName = "Pat Preview";

  const rows = async (table: typeof campaigns | typeof doNotCall | typeof leads | typeof listImports) =>
    Number((await app.services.db.select({ n: count() }).from(table))[0]!.n);

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" }, clock: () => now });
    agent = await app.createAgent({ name: agentName });
    const list = await app.admin.post("/api/outbound/lists", { name: "Preview list" });
    listId = list.body.id;
    const started = await app.admin.post(`/api/outbound/lists/${listId}/imports`, {
      csv: LIST,
      mapping: { phone: "phone", name: "name" },
    });
    await vi.waitFor(
      async () =>
        expect((await app.admin.get(`/api/outbound/imports/${started.body.id}`)).body.status).toBe("done"),
      { timeout: 15_000, interval: 25 },
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  it("says that calls need Twilio before anyone starts a campaign without it", async () => {
    const readiness = await agent.api.get("/api/outbound/readiness");
    expect(readiness.status).toBe(200);
    expect(readiness.body).toEqual({ calls: false, message: expect.stringContaining("TWILIO_ACCOUNT_SID") });
  });

  it("gives a preview agent the next record with its script, keeps it for them, and turns interest into a lead", async () => {
    const campaign = await app.admin.post("/api/outbound/campaigns", {
      name: "Preview campaign",
      listId,
      mode: "preview",
      callerId: "+14155550100",
      script: "Hi {{contact.first_name}}, {{agent.name}} from {{campaign.name}}. Ask about the renewal.",
      dispositions: ["sale", "interested", "not_interested", "no_answer", "callback"],
    });
    expect(campaign.status).toBe(201);
    const id = campaign.body.id;
    previewCampaignId = id;
    expectError(await agent.api.get(`/api/outbound/campaigns/${id}/next`), 409, "conflict");
    expect((await app.admin.post(`/api/outbound/campaigns/${id}/start`)).status).toBe(200);
    // Away agents get no outbound work.
    expectError(await agent.api.get(`/api/outbound/campaigns/${id}/next`), 409, "conflict");
    await agent.api.post("/api/me/presence", { status: "available" });

    const first = await agent.api.get(`/api/outbound/campaigns/${id}/next`);
    expect(first.status).toBe(200);
    expect(first.body.next).toMatchObject({
      record: { phone: "+12125550201", name: "First", status: "in_progress", agentId: agent.id },
      script: `Hi First, ${agentName.split(" ")[0]} from Preview campaign. Ask about the renewal.`,
      localTime: "12:00 America/New_York",
    });
    expect(first.body.next.history[0].explanation).toBe(
      "dialled: 12:00 local in America/New_York; preview: given to the agent to call",
    );
    // Asking again gives the same record until it has a disposition.
    expect((await agent.api.get(`/api/outbound/campaigns/${id}/next`)).body.next.record.id).toBe(
      first.body.next.record.id,
    );
    const recordId = first.body.next.record.id;
    expectError(
      await agent.api.post(`/api/outbound/records/${recordId}/disposition`, { disposition: "wrong_number" }),
      400,
      "validation_failed",
    );
    expectError(
      await agent.api.post(`/api/outbound/records/${recordId}/disposition`, { disposition: "callback" }),
      400,
      "validation_failed",
    );
    expectError(
      await agent.api.post(`/api/outbound/records/${recordId}/disposition`, {
        disposition: "callback",
        callback: { localTime: "2026-07-14T10:00" },
      }),
      400,
      "validation_failed",
    );
    // A callback for an agent who does not exist, or on another campaign's record, is refused.
    expectError(
      await agent.api.post("/api/outbound/callbacks", {
        recordId,
        campaignId: id,
        localTime: "2026-07-16T10:00",
        agent: "00000000-0000-4000-8000-000000000000",
      }),
      400,
      "validation_failed",
    );
    expect(await rows(leads)).toBe(0);
    const interested = await agent.api.post(`/api/outbound/records/${recordId}/disposition`, {
      disposition: "interested",
      estimatedValue: 1200,
      note: "wants a quote",
    });
    expect(interested.status).toBe(200);
    expect(interested.body.record.status).toBe("done");
    expect(typeof interested.body.leadId).toBe("string");
    expectError(
      await agent.api.post(`/api/outbound/records/${recordId}/disposition`, { disposition: "sale" }),
      409,
      "conflict",
    );

    // One unanswered call is enough for this campaign.
    const patched = await app.admin.request("PATCH", `/api/outbound/campaigns/${id}`, {
      retryRules: { no_answer: { retryAfterMinutes: 120, maxAttempts: 1 } },
    });
    expect(patched.status).toBe(200);
    // The rule changed; the others keep the defaults a new campaign starts from.
    const defaults = (await app.admin.get("/api/outbound/campaign-defaults")).body;
    expect(defaults.retryRules.busy).toEqual({ retryAfterMinutes: 15, maxAttempts: 5 });
    expect(patched.body.retryRules).toEqual({
      ...defaults.retryRules,
      no_answer: { retryAfterMinutes: 120, maxAttempts: 1 },
    });
    expect((await agent.api.get("/api/outbound/campaign-defaults")).status).toBe(403);
    const second = await agent.api.get(`/api/outbound/campaigns/${id}/next`);
    expect(second.body.next.record.phone).toBe("+12125550202");
    const unanswered = await agent.api.post(
      `/api/outbound/records/${second.body.next.record.id}/disposition`,
      {
        disposition: "no_answer",
      },
    );
    expect(unanswered.body.record).toMatchObject({ status: "done", lastDisposition: "no_answer" });
    const dashboard = (await app.admin.get(`/api/outbound/campaigns/${id}/dashboard`)).body;
    expect(dashboard).toMatchObject({ dialed: 2, connected: 1, interested: 1, leadsValueCents: 120_000 });
    expect(dashboard.perAgent).toEqual([
      expect.objectContaining({ agentId: agent.id, calls: 2, connected: 1, interested: 1 }),
    ]);

    // Recycling brings back the record that reached nobody, not the one that became a lead.
    expect((await app.admin.post(`/api/outbound/campaigns/${id}/recycle`, {})).body.recycled).toBe(1);
    expect(
      (await agent.api.get(`/api/outbound/records/${second.body.next.record.id}`)).body.record,
    ).toMatchObject({
      status: "pending",
      attempts: 0,
      recycled: 1,
    });
    expect((await agent.api.get(`/api/outbound/records/${recordId}`)).body.record.status).toBe("done");
  });

  it("refuses bad list input and writes nothing", async () => {
    const imports = await rows(listImports);
    expectError(await app.admin.post("/api/outbound/lists/preview", { csv: "" }), 400, "validation_failed");
    expectError(await app.admin.post("/api/outbound/lists/preview", { csv: '"unclosed\n' }), 400);
    expectError(
      await app.admin.post(`/api/outbound/lists/${listId}/imports`, {
        csv: LIST,
        mapping: { phone: "telephone" },
      }),
      400,
      "validation_failed",
    );
    expectError(
      await app.admin.post(`/api/outbound/lists/${listId}/imports`, {
        csv: LIST,
        mapping: { phone: "phone" },
        defaultCountry: "XX",
      }),
      400,
      "validation_failed",
    );
    expectError(
      await app.admin.post("/api/outbound/lists/00000000-0000-4000-8000-000000000000/imports", {
        csv: LIST,
        mapping: { phone: "phone" },
      }),
      404,
      "not_found",
    );
    expectError(await app.admin.get("/api/outbound/imports/not-a-uuid"), 400, "validation_failed");
    expect(await rows(listImports)).toBe(imports);
  });

  it("refuses bad campaigns and writes nothing", async () => {
    const typo = await app.admin.post("/api/outbound/campaigns", {
      name: "Typo campaign",
      listId,
      mode: "preview",
      callerId: "+14155550100",
      script: "Hello {{contact.frist_name}}",
    });
    expectError(typo, 400, "validation_failed");
    expect(typo.body.message).toContain("{{contact.frist_name}}");
    expect(typo.body.message).toContain("{{contact.first_name}}");
    const before = await rows(campaigns);
    const valid = { name: "Bad input", listId, mode: "progressive", callerId: "+14155550100" };
    for (const body of [
      { ...valid, ringSeconds: 10 },
      { ...valid, abandonLimitPercent: 5 },
      { ...valid, mode: "robocall" },
      { ...valid, callerId: "415 555 0100" },
      { ...valid, listId: "00000000-0000-4000-8000-000000000000" },
      { ...valid, callingHours: { start: "20:00", end: "09:00" } },
      {
        ...valid,
        schedule: { timeZone: "Mars/Olympus", windows: [{ days: [1], start: "09:00", end: "17:00" }] },
      },
      { ...valid, dispositions: ["maybe"] },
      { name: "No list" },
    ]) {
      expectError(await app.admin.post("/api/outbound/campaigns", body), 400, "validation_failed");
    }
    expectError(await app.admin.post("/api/outbound/campaigns", { ...valid, name: "Preview campaign" }), 409);
    expectError(await agent.api.post("/api/outbound/campaigns", valid), 403, "forbidden");
    expect(await rows(campaigns)).toBe(before);

    // A dialing campaign cannot start without Twilio, and stays a draft.
    const draft = await app.admin.post("/api/outbound/campaigns", valid);
    expect(draft.status).toBe(201);
    expectError(await app.admin.post(`/api/outbound/campaigns/${draft.body.id}/start`), 409, "conflict");
    expect((await app.admin.get(`/api/outbound/campaigns/${draft.body.id}`)).body.status).toBe("draft");
    expectError(await agent.api.get(`/api/outbound/campaigns/${draft.body.id}/next`), 409, "conflict");
  });

  it("refuses bad do-not-call input and reports bad lines of an imported list", async () => {
    const before = await rows(doNotCall);
    expectError(await app.admin.post("/api/outbound/dnc", { phone: "12" }), 400, "validation_failed");
    expectError(
      await app.admin.post("/api/outbound/dnc", {
        phone: "+12125550299",
        campaignId: "00000000-0000-4000-8000-000000000000",
      }),
      400,
      "validation_failed",
    );
    expectError(await agent.api.post("/api/outbound/dnc", { phone: "+12125550299" }), 403, "forbidden");
    expect(await rows(doNotCall)).toBe(before);

    const imported = await app.admin.post("/api/outbound/dnc/import", {
      csv: "number\n(212) 555-0210\n+1 212 555 0211\nnonsense\n212-555-0210\n",
    });
    expect(imported.status).toBe(200);
    expect(imported.body).toEqual({
      added: 2,
      alreadyListed: 0,
      invalid: [{ line: 4, value: "nonsense", reason: "'nonsense' is not a phone number" }],
    });
    expect(await rows(doNotCall)).toBe(before + 2);

    // A campaign's own list: the same number may be listed there and globally, once each.
    const own = await app.admin.post("/api/outbound/dnc", {
      phone: "212-555-0210",
      campaignId: previewCampaignId,
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ phone: "+12125550210", campaignId: previewCampaignId, source: "api" });
    const listed = await app.admin.get(`/api/outbound/dnc?campaignId=${previewCampaignId}`);
    expect(listed.body.items.map((entry: { phone: string }) => entry.phone)).toEqual(["+12125550210"]);
  });

  it("gives a blended agent no outbound work while an inbound case waits in a queue they serve", async () => {
    // Free for outbound work: a record comes, and the agent wraps it up.
    const before = await agent.api.get(`/api/outbound/campaigns/${previewCampaignId}/next`);
    expect(before.body.next.record.phone).toBe("+12125550202");
    await agent.api.post(`/api/outbound/records/${before.body.next.record.id}/disposition`, {
      disposition: "not_interested",
    });
    // A customer writes in; the general queue (which every agent serves) holds the case.
    const waiting = await newCase(app.services);
    expect(waiting.queueId).not.toBeNull();
    const refused = await agent.api.get(`/api/outbound/campaigns/${previewCampaignId}/next`);
    expectError(refused, 409, "conflict");
    expect(refused.body.message).toBe(
      "An inbound case waits in a queue you serve: take it before outbound work.",
    );
  });
});
