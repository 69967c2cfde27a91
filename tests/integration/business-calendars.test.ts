/**
 * Named business calendars: defined once, chosen by a queue and an SLA policy, which follow every
 * change of it (their hours columns and the due times of new cases); delete refused while in use;
 * bad input refused with nothing written.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { businessCalendars } from "../../db/schema/routing.ts";
import { caseSlaTargets } from "../../db/schema/sla.ts";
import type { Body } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

const WEEKDAYS = [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" }));
/** Whit Monday 2026 is a holiday in Berlin. */
const BERLIN = { timeZone: "Europe/Berlin", weekly: WEEKDAYS, holidays: ["2026-05-25"] };

describe("named business calendars", () => {
  let app: TestApp;
  // Saturday 23 May 2026, noon in Berlin: the next open hour is Tuesday 26 May 09:00 (Monday is a holiday).
  const now = new Date("2026-05-23T10:00:00Z");
  let phone = 1000;
  let defaultQueue: Body;
  let standard: Body;
  let berlin: Body;

  beforeAll(async () => {
    app = await startTestApp({ clock: () => now, env: { STATUS_UPDATES: "false" } });
    defaultQueue = (await app.admin.get("/api/queues")).body.items.find((q: Body) => q.isDefault);
    [standard] = (await app.admin.get("/api/sla/policies")).body.items;
  });
  afterAll(async () => {
    await app?.close();
  });

  const firstResponseDue = async () => {
    phone += 1;
    const { case: row } = await ingest(app.services.cases, {
      channel: "sms",
      externalId: `SM${randomUUID()}`,
      from: { kind: "phone", address: `+1415888${phone}` },
      body: "Hello",
    });
    const [target] = await app.services.db
      .select()
      .from(caseSlaTargets)
      .where(and(eq(caseSlaTargets.caseId, row.id), eq(caseSlaTargets.metric, "first_response")));
    return target?.dueAt?.toISOString();
  };
  const calendarCount = async () => (await app.services.db.select().from(businessCalendars)).length;

  it("creates a calendar that a queue and a policy choose, listing them as its users", async () => {
    const created = await app.admin.post("/api/calendars", { name: "Berlin office", calendar: BERLIN });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: "Berlin office", calendar: BERLIN });
    expect(created.body.usedBy).toEqual({ queues: [], policies: [] });
    berlin = created.body;

    const queue = await app.admin.request("PATCH", `/api/queues/${defaultQueue.id}`, {
      calendarId: berlin.id,
    });
    expect(queue.status, JSON.stringify(queue.body)).toBe(200);
    expect(queue.body).toMatchObject({ calendarId: berlin.id, businessHours: BERLIN });
    const policy = await app.admin.request("PATCH", `/api/sla/policies/${standard.id}`, {
      calendarId: berlin.id,
      targets: { normal: { first_response: { minutes: 60, business: true } } },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    expect(policy.body).toMatchObject({ calendarId: berlin.id, calendar: BERLIN });

    const supervisor = await app.createAgent({ role: "supervisor" });
    const listed = await supervisor.api.get("/api/calendars");
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: berlin.id,
        usedBy: {
          queues: [{ id: defaultQueue.id, name: defaultQueue.name }],
          policies: [{ id: standard.id, name: standard.name }],
        },
      }),
    ]);
    // Supervisors read; only admins write.
    expect((await supervisor.api.post("/api/calendars", { name: "Theirs", calendar: BERLIN })).status).toBe(
      403,
    );
  });

  it("counts business-time targets in the calendar, and follows a change of it at once", async () => {
    // One business hour from Saturday: Tuesday 09:00-10:00 Berlin (UTC+2), the holiday Monday skipped.
    expect(await firstResponseDue()).toBe("2026-05-26T08:00:00.000Z");

    const changed = await app.admin.request("PUT", `/api/calendars/${berlin.id}`, {
      name: "Berlin office",
      calendar: { ...BERLIN, weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: "08:00", end: "16:00" })) },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const hours = changed.body.calendar;
    expect((await app.admin.get(`/api/queues/${defaultQueue.id}`)).body).toMatchObject({
      calendarId: berlin.id,
      businessHours: hours,
    });
    const policies = (await app.admin.get("/api/sla/policies")).body.items;
    expect(policies.find((p: Body) => p.id === standard.id)).toMatchObject({
      calendarId: berlin.id,
      calendar: hours,
    });
    expect(await firstResponseDue()).toBe("2026-05-26T07:00:00.000Z");

    // Without the holiday, Monday counts.
    const noHoliday = await app.admin.request("PUT", `/api/calendars/${berlin.id}`, {
      name: "Berlin office",
      calendar: { ...hours, holidays: [] },
    });
    expect(noHoliday.status).toBe(200);
    expect(await firstResponseDue()).toBe("2026-05-25T07:00:00.000Z");
  });

  it("refuses to delete a calendar in use, naming its users, and deletes it once unused", async () => {
    const refused = await app.admin.request("DELETE", `/api/calendars/${berlin.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`queue '${defaultQueue.name}'`);
    expect(refused.body.message).toContain(`SLA policy '${standard.name}'`);
    expect(await calendarCount()).toBe(1);

    // Own hours on the queue detach it from the calendar; calendarId null alone keeps the copy as own hours.
    const own = { timeZone: "America/New_York", weekly: WEEKDAYS, holidays: [] };
    const queue = await app.admin.request("PATCH", `/api/queues/${defaultQueue.id}`, { businessHours: own });
    expect(queue.body).toMatchObject({ calendarId: null, businessHours: own });
    const policy = await app.admin.request("PATCH", `/api/sla/policies/${standard.id}`, { calendarId: null });
    expect(policy.body.calendarId).toBeNull();
    expect(policy.body.calendar.timeZone).toBe("Europe/Berlin");

    const later = await app.admin.request("PUT", `/api/calendars/${berlin.id}`, {
      name: "Berlin office",
      calendar: BERLIN,
    });
    expect(later.body.usedBy).toEqual({ queues: [], policies: [] });
    // Detached: the queue's own hours no longer follow the calendar.
    expect((await app.admin.get(`/api/queues/${defaultQueue.id}`)).body.businessHours).toEqual(own);

    expect((await app.admin.request("DELETE", `/api/calendars/${berlin.id}`)).status).toBe(204);
    expect(await calendarCount()).toBe(0);
  });

  it("refuses bad input with a message saying what to fix, writing nothing", async () => {
    const kept = await app.admin.post("/api/calendars", { name: "Kept", calendar: BERLIN });
    expect(kept.status).toBe(201);
    const bad: [unknown, number, RegExp][] = [
      [{ name: "Mars", calendar: { ...BERLIN, timeZone: "Mars/Olympus" } }, 400, /IANA time zone/],
      [
        { name: "Night", calendar: { ...BERLIN, weekly: [{ day: 1, start: "22:00", end: "06:00" }] } },
        400,
        /ends \(06:00\) before it starts \(22:00\)/,
      ],
      [{ name: "Feb", calendar: { ...BERLIN, holidays: ["2026-02-30"] } }, 400, /2026-02-30/],
      [{ name: " ", calendar: BERLIN }, 400, /name/],
      [{ name: "Kept", calendar: BERLIN }, 409, /already exists/],
    ];
    for (const [body, status, message] of bad) {
      const answer = await app.admin.post("/api/calendars", body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(answer.body.message).toMatch(message);
    }
    expect(await calendarCount()).toBe(1);

    const missing = randomUUID();
    expect(
      (await app.admin.request("PUT", `/api/calendars/${missing}`, { name: "X", calendar: BERLIN })).status,
    ).toBe(404);
    expect((await app.admin.request("DELETE", `/api/calendars/${missing}`)).status).toBe(404);

    const before = (await app.admin.get(`/api/queues/${defaultQueue.id}`)).body;
    const unknown = await app.admin.request("PATCH", `/api/queues/${defaultQueue.id}`, {
      calendarId: missing,
      description: "changed",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/Business calendar '.+' does not exist/);
    const both = await app.admin.request("PATCH", `/api/queues/${defaultQueue.id}`, {
      calendarId: kept.body.id,
      businessHours: BERLIN,
    });
    expect(both.status).toBe(400);
    expect(both.body.message).toMatch(/either a named calendar/);
    const policy = await app.admin.post("/api/sla/policies", {
      name: "Unknown hours",
      targets: {},
      calendarId: missing,
    });
    expect(policy.status).toBe(400);
    expect((await app.admin.get(`/api/queues/${defaultQueue.id}`)).body).toEqual(before);
    const names = (await app.admin.get("/api/sla/policies")).body.items.map((p: Body) => p.name);
    expect(names).not.toContain("Unknown hours");

    // A queue created on a calendar carries a copy of it.
    const created = await app.admin.post("/api/queues", { name: "Berlin desk", calendarId: kept.body.id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ calendarId: kept.body.id, businessHours: BERLIN });
  });
});
