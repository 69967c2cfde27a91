/**
 * Custom fields through the API: definitions kept by admins, values checked field by field (a bad
 * value is a 400 naming the field, and writes nothing), set and cleared with an audit row, required
 * before a case is resolved, filtered in the inbox and saved views, used by an assignment rule to
 * route a case to its queue, archived without rewriting rows, and on contacts.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows.ts";
import type { Body } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

describe("custom fields", () => {
  let app: TestApp;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  let billingQueue: string;
  const fields: Record<string, Body> = {};

  const queue = async (name: string) => {
    const created = await app.admin.post("/api/queues", { name: `${name} ${randomUUID().slice(0, 6)}` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };
  const define = async (body: Record<string, unknown>) => {
    const created = await app.admin.post("/api/admin/custom-fields", body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    fields[created.body.key] = created.body;
    return created.body;
  };
  const setFields = (caseId: string, values: Record<string, unknown>) =>
    app.admin.request("PATCH", `/api/cases/${caseId}/custom-fields`, { values });
  const stored = async (caseId: string) =>
    (
      await queryRows<{ custom_fields: Record<string, unknown> }>(
        app.services.db,
        sql`select custom_fields from cases where id = ${caseId}`,
      )
    )[0]!.custom_fields;
  const audits = async (caseId: string) =>
    queryRows<{ details: Body }>(
      app.services.db,
      sql`select details from case_events where case_id = ${caseId} and type = 'custom_fields_changed' order by id`,
    );

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent({ name: "Fiona Fields" });
    billingQueue = await queue("Billing");
    await define({ entity: "case", key: "plan", label: "Plan", type: "choice", options: ["gold", "silver"] });
    await define({ entity: "case", key: "seats", label: "Seats", type: "number" });
    await define({ entity: "case", key: "renewal", label: "Renewal date", type: "date" });
    await define({
      entity: "case",
      key: "products",
      label: "Products",
      type: "multi_choice",
      options: ["a", "b", "c"],
    });
    await define({ entity: "case", key: "consent", label: "Consent", type: "checkbox" });
    await define({
      entity: "case",
      key: "root_cause",
      label: "Root cause",
      type: "text",
      requiredQueueIds: [billingQueue],
    });
    await define({
      entity: "contact",
      key: "segment",
      label: "Segment",
      type: "choice",
      options: ["smb", "enterprise"],
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("lists definitions to everyone signed in, keeps them for admins, and refuses bad definitions by name", async () => {
    const listed = await agent.api.get("/api/custom-fields?entity=case");
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((f: Body) => f.key)).toEqual([
      "plan",
      "seats",
      "renewal",
      "products",
      "consent",
      "root_cause",
    ]);
    const byAgent = await agent.api.post("/api/admin/custom-fields", {
      entity: "case",
      key: "x",
      label: "X",
      type: "text",
    });
    expect(byAgent.status).toBe(403);
    const badKey = await app.admin.post("/api/admin/custom-fields", {
      entity: "case",
      key: "Bad Key",
      label: "Bad",
      type: "text",
    });
    expect(badKey.status).toBe(400);
    expect(badKey.body.message).toMatch(/key 'Bad Key'/);
    const noOptions = await app.admin.post("/api/admin/custom-fields", {
      entity: "case",
      key: "tier",
      label: "Tier",
      type: "choice",
    });
    expect(noOptions.status).toBe(400);
    expect(noOptions.body.message).toMatch(/at least one option/);
    const taken = await app.admin.post("/api/admin/custom-fields", {
      entity: "case",
      key: "plan",
      label: "Plan again",
      type: "text",
    });
    expect(taken.status).toBe(409);
    expect((await app.admin.get("/api/custom-fields")).body.items).toHaveLength(7);
  });

  it("refuses a bad value with a 400 naming the field and the reason, writing nothing", async () => {
    const row = await newCase(app.services);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ plan: "platinum" }, /'plan' \(Plan\) must be one of 'gold', 'silver'/],
      [{ seats: "12" }, /'seats' \(Seats\) must be a number/],
      [{ renewal: "2026-02-30" }, /'renewal' \(Renewal date\) must be a date written YYYY-MM-DD/],
      [{ products: ["a", "z"] }, /'products' \(Products\) has 'z'/],
      [{ consent: "yes" }, /'consent' \(Consent\) must be true or false/],
      [{ root_cause: "x".repeat(2001) }, /'root_cause' \(Root cause\) can be at most 2000 characters/],
      [{ seats: 3, nope: 1 }, /No custom field 'nope' on cases/],
    ];
    for (const [values, message] of cases) {
      const refused = await setFields(row.id, values);
      expect(refused.status, JSON.stringify(values)).toBe(400);
      expect(refused.body.message).toMatch(message);
      expect(refused.body.details.field).toBeTruthy();
    }
    expect(await stored(row.id)).toEqual({});
    expect(await audits(row.id)).toEqual([]);
  });

  it("sets and clears values, audited old → new, and shows them on the case", async () => {
    const row = await newCase(app.services);
    const set = await setFields(row.id, {
      plan: "silver",
      seats: 12,
      renewal: "2027-01-31",
      products: ["c", "a"],
      consent: true,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.customFields).toEqual({
      plan: "silver",
      seats: 12,
      renewal: "2027-01-31",
      products: ["a", "c"],
      consent: true,
    });
    const cleared = await setFields(row.id, { seats: null, plan: "gold" });
    expect(cleared.status).toBe(200);
    const detail = await app.admin.get(`/api/cases/${row.id}`);
    expect(detail.body.customFields).toEqual({
      plan: "gold",
      renewal: "2027-01-31",
      products: ["a", "c"],
      consent: true,
    });
    const trail = await audits(row.id);
    expect(trail).toHaveLength(2);
    expect(trail[1]!.details.fields).toEqual(
      expect.arrayContaining([
        { key: "seats", label: "Seats", from: 12, to: null },
        { key: "plan", label: "Plan", from: "silver", to: "gold" },
      ]),
    );
    // The same values again change nothing and leave no audit row.
    expect((await setFields(row.id, { plan: "gold" })).status).toBe(200);
    expect(await audits(row.id)).toHaveLength(2);
  });

  it("asks for a field required on the case's queue before resolving, and refuses to clear it", async () => {
    const row = await newCase(app.services);
    const moved = await app.admin.post(`/api/cases/${row.id}/transfer`, { toQueueId: billingQueue });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await assignCase(app.services, row.id, agent.id);
    const refused = await app.admin.post(`/api/cases/${row.id}/actions`, { action: "resolve" });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/needs 'Root cause' filled in before it is resolved/);
    expect(refused.body.details.missingFields).toEqual(["root_cause"]);
    expect((await app.admin.get(`/api/cases/${row.id}`)).body.state).toBe("assigned");

    expect((await setFields(row.id, { root_cause: "Card expired" })).status).toBe(200);
    const clear = await setFields(row.id, { root_cause: null });
    expect(clear.status).toBe(400);
    expect(clear.body.message).toMatch(/'root_cause' \(Root cause\) is required and cannot be cleared/);
    const resolved = await agent.api.post(`/api/cases/${row.id}/actions`, { action: "resolve" });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.state).toBe("resolved");
  });

  it("filters the inbox by fields (the GIN index's @>), and keeps the filter in a saved view", async () => {
    const gold = await newCase(app.services, { body: "gold customer" });
    const silver = await newCase(app.services, { body: "silver customer" });
    expect((await setFields(gold.id, { plan: "gold", products: ["a", "b"], seats: 5 })).status).toBe(200);
    expect((await setFields(silver.id, { plan: "silver", products: ["b"] })).status).toBe(200);
    const ids = async (query: string) => {
      const listed = await agent.api.get(`/api/cases?${query}`);
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      return (listed.body.items as Body[]).map((item) => item.id);
    };
    const goldOnes = await ids("cf.plan=gold");
    expect(goldOnes).toContain(gold.id);
    expect(goldOnes).not.toContain(silver.id);
    const both = await ids("cf.products=b&status=open");
    expect(both).toEqual(expect.arrayContaining([gold.id, silver.id]));
    expect(await ids("cf.products=a,b&cf.seats=5")).toEqual([gold.id]);

    const unknown = await agent.api.get("/api/cases?cf.nope=1");
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/No custom field 'nope' on cases/);
    const notNumber = await agent.api.get("/api/cases?cf.seats=many");
    expect(notNumber.status).toBe(400);
    expect(notNumber.body.message).toMatch(/'seats' \(Seats\) must be a number/);

    const view = await agent.api.post("/api/views", {
      name: "Gold plans",
      query: "?status=open&cf.plan=gold",
    });
    expect(view.status, JSON.stringify(view.body)).toBe(201);
    expect(view.body.query).toBe("status=open&cf.plan=gold");
    const viewed = await ids(view.body.query);
    expect(viewed).toContain(gold.id);
    expect(viewed).not.toContain(silver.id);
    const badView = await agent.api.post("/api/views", { name: "Odd", query: "cf.Plan=gold" });
    expect(badView.status).toBe(400);
  });

  it("routes a case by an assignment rule on a custom field, placing a waiting case again when it changes", async () => {
    const goldQueue = await queue("Gold");
    const rule = await app.admin.post("/api/assignment-rules", {
      name: "Gold plans",
      conditions: { customFields: { plan: "gold" } },
      queueId: goldQueue,
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const enterpriseQueue = await queue("Enterprise");
    const byContact = await app.admin.post("/api/assignment-rules", {
      name: "Enterprise contacts",
      conditions: { contactFields: { segment: "enterprise" } },
      queueId: enterpriseQueue,
    });
    expect(byContact.status).toBe(201);

    // Nobody is available: the case waits in its queue, and its new plan moves it to the gold queue.
    const row = await newCase(app.services, { body: "question about my plan" });
    expect(row.queueId).not.toBe(goldQueue);
    expect(row.state).toBe("queued");
    const moved = await setFields(row.id, { plan: "gold" });
    expect(moved.status).toBe(200);
    expect(moved.body.queueId).toBe(goldQueue);
    const [audit] = (await audits(row.id)).slice(-1);
    expect(audit!.details).toMatchObject({
      fromQueueId: row.queueId,
      toQueueId: goldQueue,
      ruleId: rule.body.id,
    });

    // A contact's field places their next case.
    const from = `+1628777${String(Date.now()).slice(-4)}`;
    const first = await newCase(app.services, { from: { kind: "phone", address: from } });
    expect(first.queueId).not.toBe(enterpriseQueue);
    const contact = await app.admin.request("PATCH", `/api/contacts/${first.contactId}/custom-fields`, {
      values: { segment: "enterprise" },
    });
    expect(contact.status, JSON.stringify(contact.body)).toBe(200);
    expect(contact.body.customFields).toEqual({ segment: "enterprise" });
    const badContact = await app.admin.request("PATCH", `/api/contacts/${first.contactId}/custom-fields`, {
      values: { segment: "huge" },
    });
    expect(badContact.status).toBe(400);
    expect(badContact.body.message).toMatch(/'segment' \(Segment\) must be one of 'smb', 'enterprise'/);
    const onCase = await app.admin.request("PATCH", `/api/cases/${first.id}/custom-fields`, {
      values: { segment: "smb" },
    });
    expect(onCase.status).toBe(400);
    expect(onCase.body.message).toMatch(/No custom field 'segment' on cases/);
    await app.admin.post(`/api/cases/${first.id}/actions`, { action: "close" });
    const second = await newCase(app.services, { from: { kind: "phone", address: from } });
    expect(second.contactId).toBe(first.contactId);
    expect(second.queueId).toBe(enterpriseQueue);
  });

  it("lets an SLA policy on a field re-target a case when the field changes", async () => {
    const policy = await app.admin.post("/api/sla/policies", {
      name: "Gold plans",
      conditions: { customFields: { plan: "gold" } },
      targets: { normal: { first_response: { minutes: 7, business: false } } },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    expect(policy.body.neverApplies).toBeNull();
    const row = await newCase(app.services);
    const firstResponse = async () => {
      const targets = (await app.admin.get(`/api/cases/${row.id}/sla`)).body.items as Body[];
      return targets.find((target) => target.metric === "first_response");
    };
    expect((await firstResponse())?.targetMinutes).not.toBe(7);
    expect((await setFields(row.id, { plan: "gold" })).status).toBe(200);
    expect((await firstResponse())?.targetMinutes).toBe(7);
  });

  it("archives a field: hidden everywhere, its values left in the rows", async () => {
    const row = await newCase(app.services);
    expect((await setFields(row.id, { seats: 40, plan: "silver" })).status).toBe(200);
    const updatedAt = (
      await queryRows<{ updated_at: string }>(
        app.services.db,
        sql`select updated_at::text from cases where id = ${row.id}`,
      )
    )[0]!.updated_at;
    expect((await app.admin.request("DELETE", `/api/admin/custom-fields/${fields.seats.id}`)).status).toBe(
      204,
    );

    expect(await stored(row.id)).toEqual({ seats: 40, plan: "silver" });
    const after = await queryRows<{ updated_at: string }>(
      app.services.db,
      sql`select updated_at::text from cases where id = ${row.id}`,
    );
    expect(after[0]!.updated_at).toBe(updatedAt);
    expect((await app.admin.get(`/api/cases/${row.id}`)).body.customFields).toEqual({ plan: "silver" });
    const keys = (await agent.api.get("/api/custom-fields?entity=case")).body.items.map((f: Body) => f.key);
    expect(keys).not.toContain("seats");
    const all = (await agent.api.get("/api/custom-fields?entity=case&archived=true")).body.items;
    expect(all.find((f: Body) => f.key === "seats").archivedAt).toBeTruthy();
    const write = await setFields(row.id, { seats: 41 });
    expect(write.status).toBe(400);
    expect(write.body.message).toMatch(/No custom field 'seats' on cases/);
  });

  it("changes a definition, saying when a removed option is still held", async () => {
    const changed = await app.admin.request("PUT", `/api/admin/custom-fields/${fields.plan.id}`, {
      label: "Service plan",
      options: ["gold", "bronze"],
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ key: "plan", type: "choice", label: "Service plan" });
    expect(changed.body.warnings[0]).toMatch(/Option 'silver' was removed; \d+ cases? still hold it/);
    const missing = await app.admin.request("PUT", `/api/admin/custom-fields/${randomUUID()}`, {
      label: "X",
    });
    expect(missing.status).toBe(404);
  });
});
