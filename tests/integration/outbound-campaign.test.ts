/**
 * A progressive campaign against the local server playing Twilio's REST API, on the app's clock:
 * numbers are dialled only inside the contact's calling hours, the do-not-call list is honoured,
 * dispositions and call results drive the retries, and there are never more calls than free agents.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { agents as agentsTable } from "../../db/schema/agents.ts";
import { DIAL_STATUSES, dialAttempts, listRecords } from "../../db/schema/outbound.ts";
import { decideCallingWindow } from "../../outbound/calling-window.ts";
import { runCampaignPass } from "../../outbound/dialer.ts";
import { loadsFor } from "../../routing/agent-load.ts";
import { outboundDeps } from "../../server/jobs/outbound-jobs.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";
import {
  type FakeTwilio,
  type FakeTwilioRequest,
  postTwilioWebhook,
  startFakeTwilio,
} from "../helpers/fake-twilio.ts";

const CALLER_ID = "+14155550100";
const NY = "+12125550101";
const CHICAGO = "+13125550102";
const LA = "+14155550103";
const BLOCKED = "+12125550104";
const NY_2 = "+12125550105";
const LIST = [
  "phone,name,tz",
  `${NY},New York,America/New_York`,
  `${CHICAGO},Chicago,America/Chicago`,
  `${LA},Los Angeles,America/Los_Angeles`,
  `${BLOCKED},Blocked,America/New_York`,
  `${NY_2},New York Two,America/New_York`,
].join("\n");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("progressive campaign", () => {
  let fake: FakeTwilio;
  let app: TestApp;
  /** The app's clock: 2026-07-15 12:00 UTC is 08:00 in New York, 07:00 in Chicago, 05:00 in Los Angeles. */
  let now = new Date("2026-07-15T12:00:00Z");
  let campaignId: string;
  let agents: Awaited<ReturnType<TestApp["createAgent"]>>[];

  const calls = () => fake.of("call");
  const callTo = (phone: string) => calls().filter((call) => call.params.To === phone);
  const attemptsOf = (status: string[]) =>
    app.services.db
      .select()
      .from(dialAttempts)
      .where(and(eq(dialAttempts.campaignId, campaignId), inArray(dialAttempts.status, status as never[])))
      .orderBy(asc(dialAttempts.createdAt));
  /** The call an agent is on and has not wrapped up yet. */
  const openCall = async () => (await attemptsOf(["connected"])).filter((attempt) => !attempt.disposition);
  const recordOf = async (phone: string) =>
    (await app.services.db.select().from(listRecords).where(eq(listRecords.phone, phone)))[0]!;

  /** What a failed expectation about an answered call prints: the answer, every attempt, the agents. */
  async function explain(answerBody: string): Promise<string> {
    const attempts = await attemptsOf([...DIAL_STATUSES]);
    const people = await app.services.db
      .select({ id: agentsTable.id, presence: agentsTable.presence })
      .from(agentsTable);
    return JSON.stringify({
      answer: answerBody,
      now,
      attempts: attempts.map((a) => [a.phone, a.status, a.agentId, a.createdAt, a.answeredAt]),
      agents: people,
    });
  }

  /** One dialer pass (the periodic job may run one too), then wait until every call decided is placed. */
  async function pass() {
    // A pass already running elsewhere (the periodic job) may have started before the change the
    // test just made: run until this pass itself got the campaign's lock.
    for (let tries = 0; !(await runCampaignPass(outboundDeps(app.services), campaignId)); tries++) {
      if (tries > 400) throw new Error("the campaign stayed locked");
      await sleep(10);
    }
    for (let tries = 0; tries < 400; tries++) {
      if (!(await attemptsOf(["queued"])).length) return;
      await sleep(25);
    }
    throw new Error("calls decided were never placed");
  }

  const answer = (call: FakeTwilioRequest, answeredBy = "human") =>
    fake.callback(call.params.Url!, {
      AccountSid: fake.accountSid,
      CallSid: call.sid!,
      CallStatus: "in-progress",
      Direction: "outbound-api",
      From: CALLER_ID,
      To: call.params.To!,
      AnsweredBy: answeredBy,
    });
  const status = (call: FakeTwilioRequest, callStatus: string) =>
    fake.callback(call.params.StatusCallback!, {
      AccountSid: fake.accountSid,
      CallSid: call.sid!,
      CallStatus: callStatus,
      Direction: "outbound-api",
      From: CALLER_ID,
      To: call.params.To!,
    });
  const setPresence = (index: number, presence: "available" | "away") =>
    agents[index]!.api.post("/api/me/presence", { status: presence });

  /** Sign-ins last 12 hours of the app's clock: sign in again after moving it a day on. */
  async function signInAgain() {
    await app.admin.login(ADMIN.email, ADMIN.password);
    for (const agent of agents) await agent.api.login(agent.email, "agent-password");
  }

  /** Every call placed so far was placed inside the contact's calling hours, on the app's clock. */
  async function expectAllCallsInsideWindow() {
    const dials = await app.services.db
      .select({ createdAt: dialAttempts.createdAt, recordId: dialAttempts.recordId })
      .from(dialAttempts)
      .where(and(eq(dialAttempts.campaignId, campaignId), eq(dialAttempts.kind, "dial")));
    for (const dial of dials) {
      const [record] = await app.services.db
        .select()
        .from(listRecords)
        .where(eq(listRecords.id, dial.recordId));
      expect(decideCallingWindow({ at: dial.createdAt, zones: record!.timeZones }).allowed).toBe(true);
    }
  }

  beforeAll(async () => {
    fake = await startFakeTwilio();
    app = await startTestApp({
      env: { ...fake.env, STATUS_UPDATES: "false", PUBLIC_URL: "https://outbound.switchboard.test" },
      clock: () => now,
    });
    fake.routeCallbacks(app.config.publicUrl, app.url);
    agents = [await app.createAgent(), await app.createAgent()];

    const list = await app.admin.post("/api/outbound/lists", { name: "Summer offer" });
    const imported = await app.admin.post(`/api/outbound/lists/${list.body.id}/imports`, {
      csv: LIST,
      mapping: { phone: "phone", name: "name", timeZone: "tz" },
    });
    expect(imported.status).toBe(202);
    await vi.waitFor(
      async () =>
        expect((await app.admin.get(`/api/outbound/imports/${imported.body.id}`)).body.status).toBe("done"),
      { timeout: 15_000, interval: 25 },
    );
    expect(
      (await app.admin.post("/api/outbound/dnc", { phone: "(212) 555-0104", reason: "asked by letter" }))
        .status,
    ).toBe(201);
    const campaign = await app.admin.post("/api/outbound/campaigns", {
      name: "Summer offer",
      listId: list.body.id,
      mode: "progressive",
      callerId: CALLER_ID,
      script: "Hello, this is Acme with our summer offer.",
      ringSeconds: 20,
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    campaignId = campaign.body.id;
    expect((await app.admin.post(`/api/outbound/campaigns/${campaignId}/start`)).body.status).toBe("running");
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it("refuses call webhooks without Twilio's signature", async () => {
    for (const path of ["/webhooks/twilio/outbound/answer", "/webhooks/twilio/outbound/status"]) {
      const response = await postTwilioWebhook(
        app,
        `${path}?attempt=00000000-0000-4000-8000-000000000000`,
        { CallSid: `CA${"0".repeat(32)}`, CallStatus: "completed" },
        { signature: "forged" },
      );
      expect(response.status).toBe(403);
    }
  });

  it("dials nobody while no agent is free", async () => {
    await pass();
    expect(calls()).toHaveLength(0);
  });

  it("dials one line per free agent, only contacts inside their calling hours and not on the do-not-call list", async () => {
    await setPresence(0, "available");
    await setPresence(1, "available");
    await pass();
    expect(
      calls()
        .map((call) => call.params.To)
        .sort(),
    ).toEqual([NY, NY_2].sort());
    for (const call of calls()) {
      expect(call.params.From).toBe(CALLER_ID);
      expect(Number(call.params.Timeout)).toBeGreaterThanOrEqual(15);
      expect(call.params.StatusCallback).toMatch(
        /^https:\/\/outbound\.switchboard\.test\/webhooks\/twilio\/outbound\/status\?attempt=/,
      );
    }
    const skips = await attemptsOf(["skipped"]);
    expect(skips.map((skip) => skip.explanation).sort()).toEqual(
      [
        "skipped: 05:00 local in America/Los_Angeles (calling hours 08:00–21:00)",
        "skipped: 07:00 local in America/Chicago (calling hours 08:00–21:00)",
        `skipped: ${BLOCKED} is on the global do-not-call list since 2026-07-15`,
      ].sort(),
    );
    expect((await recordOf(BLOCKED)).status).toBe("done");
    expect((await recordOf(CHICAGO)).nextAttemptAt).toEqual(new Date("2026-07-15T13:00:00Z"));
    expect((await recordOf(LA)).nextAttemptAt).toEqual(new Date("2026-07-15T15:00:00Z"));

    // Two calls ringing for two free agents: another pass dials nothing more.
    await pass();
    expect(calls()).toHaveLength(2);
  });

  it("puts an answered call through to a free agent and retries an unanswered one after 2 hours", async () => {
    const [ny] = callTo(NY);
    const twiml = await answer(ny!);
    expect(twiml.status).toBe(200);
    const [connected] = await openCall();
    expect(agents.map((agent) => agent.id)).toContain(connected!.agentId);
    expect(twiml.body).toContain(`<Client>agent-${connected!.agentId}</Client>`);
    // Inbound routing sees the agent on the phone: nothing else is offered to them meanwhile.
    const voiceLoad = async () =>
      (await loadsFor(app.services.db, [connected!.agentId!])).get(connected!.agentId!)!.voice;
    expect(await voiceLoad()).toBe(1);

    const [ny2] = callTo(NY_2);
    expect((await status(ny2!, "no-answer")).status).toBe(204);
    expect(await recordOf(NY_2)).toMatchObject({
      status: "pending",
      lastDisposition: "no_answer",
      nextAttemptAt: new Date("2026-07-15T14:00:00Z"),
    });
    // One agent is on the call, one is free, but nothing is due yet.
    await pass();
    expect(calls()).toHaveLength(2);

    // The agent's console shows whom they are talking to, with the script, and the call in their load.
    const onCall = agents.find((agent) => agent.id === connected!.agentId)!;
    expect((await onCall.api.get("/api/me/load")).body).toEqual({ chat: 0, email: 0, sms: 0, voice: 1 });
    const mine = await onCall.api.get("/api/outbound/my-call");
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.call).toMatchObject({
      attemptId: connected!.id,
      live: true,
      campaign: { id: campaignId, name: "Summer offer", mode: "progressive" },
      record: { phone: NY },
      script: "Hello, this is Acme with our summer offer.",
    });
    expect((await agents.find((agent) => agent !== onCall)!.api.get("/api/outbound/my-call")).body).toEqual({
      call: null,
    });

    // The agent wraps up with a callback tomorrow at 10:00 the customer's time (New York).
    await status(ny!, "completed");
    expect(await voiceLoad()).toBe(0);
    expect((await onCall.api.get("/api/outbound/my-call")).body.call).toMatchObject({ live: false });
    const wrapped = await onCall.api.post(`/api/outbound/records/${connected!.recordId}/disposition`, {
      disposition: "callback",
      callback: { localTime: "2026-07-16T10:00" },
    });
    expect(wrapped.status, JSON.stringify(wrapped.body)).toBe(200);
    expect(wrapped.body.record).toMatchObject({ status: "callback", agentId: onCall.id });
    expect(new Date(wrapped.body.record.nextAttemptAt)).toEqual(new Date("2026-07-16T14:00:00Z"));
    expect((await onCall.api.get("/api/outbound/my-call")).body).toEqual({ call: null });
  });

  it("dials a contact once their morning comes, and a do-not-call request lists the number at once", async () => {
    now = new Date("2026-07-15T13:05:00Z");
    await pass();
    expect(calls().map((call) => call.params.To)).toEqual([NY, NY_2, CHICAGO]);
    const chicagoCall = callTo(CHICAGO)[0]!;
    await answer(chicagoCall);
    const [connected] = await openCall();
    const onCall = agents.find((agent) => agent.id === connected!.agentId)!;
    const other = agents.find((agent) => agent.id !== onCall.id)!;
    // Only the agent on the call may wrap it up.
    expect(
      (
        await other.api.post(`/api/outbound/records/${connected!.recordId}/disposition`, {
          disposition: "sale",
        })
      ).status,
    ).toBe(403);
    // The customer asks never to be called again and hangs up; the agent wraps up.
    await status(chicagoCall, "completed");
    const wrapped = await onCall.api.post(`/api/outbound/records/${connected!.recordId}/disposition`, {
      disposition: "dnc_request",
      note: "please never call again",
    });
    expect(wrapped.status).toBe(200);
    expect(wrapped.body.record.status).toBe("done");
    const dnc = await app.admin.get("/api/outbound/dnc");
    expect(dnc.body.items.map((entry: { phone: string }) => entry.phone).sort()).toEqual(
      [BLOCKED, CHICAGO].sort(),
    );
  });

  it("retries busy after 15 minutes and finishes a record with a sale", async () => {
    now = new Date("2026-07-15T14:01:00Z");
    await pass();
    expect(callTo(NY_2)).toHaveLength(2);
    await status(callTo(NY_2)[1]!, "busy");
    expect((await recordOf(NY_2)).nextAttemptAt).toEqual(new Date("2026-07-15T14:16:00Z"));

    now = new Date("2026-07-15T14:10:00Z");
    await pass();
    expect(callTo(NY_2)).toHaveLength(2);

    now = new Date("2026-07-15T14:17:00Z");
    await pass();
    expect(callTo(NY_2)).toHaveLength(3);
    const third = callTo(NY_2)[2]!;
    await answer(third);
    const [connected] = await openCall();
    const onCall = agents.find((agent) => agent.id === connected!.agentId)!;
    await status(third, "completed");
    const sale = await onCall.api.post(`/api/outbound/records/${connected!.recordId}/disposition`, {
      disposition: "sale",
    });
    expect(sale.body.record).toMatchObject({ status: "done", lastDisposition: "sale", attempts: 3 });
  });

  it("plays the apology when a customer answers and no agent is free, and counts the call abandoned", async () => {
    now = new Date("2026-07-15T15:01:00Z");
    await setPresence(1, "away");
    await pass();
    expect(callTo(LA)).toHaveLength(1);
    await setPresence(0, "away");
    const twiml = await answer(callTo(LA)[0]!);
    expect(twiml.body, await explain(twiml.body)).toContain("<Say>Sorry, all our agents are busy.");
    expect(twiml.body).not.toContain("<Client>");
    expect(await recordOf(LA)).toMatchObject({ status: "pending", lastDisposition: "abandoned" });
  });

  it("keeps a callback for the agent who promised it", async () => {
    const promised = (await recordOf(NY)).agentId!;
    const index = agents.findIndex((agent) => agent.id === promised);
    now = new Date("2026-07-16T14:00:00Z");
    await signInAgain();
    await setPresence(1 - index, "available");
    await pass();
    expect(callTo(NY)).toHaveLength(1);
    await setPresence(index, "available");
    await pass();
    expect(callTo(NY)).toHaveLength(2);
    const twiml = await answer(callTo(NY)[1]!);
    expect(twiml.body).toContain(`<Client>agent-${promised}</Client>`);
  });

  it("never dialled outside the calling hours, never dialled the blocked number, and shows it on the dashboard", async () => {
    await expectAllCallsInsideWindow();
    expect(callTo(BLOCKED)).toHaveLength(0);
    const dashboard = await app.admin.get(`/api/outbound/campaigns/${campaignId}/dashboard`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toMatchObject({
      dialed: calls().length,
      sales: 1,
      abandoned: 1,
      records: { total: 5 },
    });
    expect(dashboard.body.connected).toBe(4);
    expect(dashboard.body.contactRate).toBeCloseTo(4 / calls().length, 5);
    expect(dashboard.body.abandonmentRate).toBeCloseTo(1 / 5, 5);
    expect(dashboard.body.perAgent.reduce((sum: number, row: { sales: number }) => sum + row.sales, 0)).toBe(
      1,
    );
  });

  it("calls a preview record through the agent's softphone, then the customer, and retries when nobody answers", async () => {
    expect((await app.admin.post(`/api/outbound/campaigns/${campaignId}/pause`)).body.status).toBe("paused");
    const list = await app.admin.post("/api/outbound/lists", { name: "Preview calls" });
    const imported = await app.admin.post(`/api/outbound/lists/${list.body.id}/imports`, {
      csv: "phone,tz\n+12125550301,America/New_York\n",
      mapping: { phone: "phone", timeZone: "tz" },
    });
    await vi.waitFor(
      async () =>
        expect((await app.admin.get(`/api/outbound/imports/${imported.body.id}`)).body.status).toBe("done"),
      { timeout: 15_000, interval: 25 },
    );
    const preview = await app.admin.post("/api/outbound/campaigns", {
      name: "Preview calls",
      listId: list.body.id,
      mode: "preview",
      callerId: CALLER_ID,
      ringSeconds: 30,
    });
    await app.admin.post(`/api/outbound/campaigns/${preview.body.id}/start`);
    const caller = await app.createAgent();
    await caller.api.post("/api/me/presence", { status: "available" });
    const next = await caller.api.get(`/api/outbound/campaigns/${preview.body.id}/next`);
    const recordId = next.body.next.record.id;
    // Someone else cannot place the call on this agent's record.
    expect((await agents[0]!.api.post(`/api/outbound/records/${recordId}/call`)).status).toBe(409);

    const placed = await caller.api.post(`/api/outbound/records/${recordId}/call`);
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const [agentLeg] = calls().filter((call) => call.sid === placed.body.callSid);
    expect(agentLeg!.params.To).toBe(`client:agent-${caller.id}`);
    const bridge = await fake.callback(agentLeg!.params.Url!, {
      AccountSid: fake.accountSid,
      CallSid: agentLeg!.sid!,
      CallStatus: "in-progress",
      To: `client:agent-${caller.id}`,
      From: CALLER_ID,
    });
    expect(bridge.body).toContain("<Number>+12125550301</Number>");
    expect(bridge.body).toContain('timeout="30"');
    const action = /action="([^"]+)"/.exec(bridge.body)![1]!.replaceAll("&amp;", "&");
    const result = await fake.callback(action, {
      AccountSid: fake.accountSid,
      CallSid: agentLeg!.sid!,
      DialCallStatus: "no-answer",
    });
    expect(result.status).toBe(200);
    const [record] = await app.services.db.select().from(listRecords).where(eq(listRecords.id, recordId));
    expect(record).toMatchObject({
      status: "pending",
      lastDisposition: "no_answer",
      nextAttemptAt: new Date(now.getTime() + 2 * 3600_000),
    });
  });

  it("ends a call Twilio never reports on, so its line is not held for ever", async () => {
    expect((await app.admin.post(`/api/outbound/campaigns/${campaignId}/start`)).body.status).toBe("running");
    // 08:00 in Los Angeles: the record abandoned yesterday is due.
    now = new Date("2026-07-16T15:00:00Z");
    await pass();
    expect(callTo(LA)).toHaveLength(2);
    const [ringing] = await attemptsOf(["ringing"]);
    expect(ringing!.phone).toBe(LA);
    now = new Date("2026-07-16T15:30:00Z");
    await pass();
    const [lost] = await app.services.db.select().from(dialAttempts).where(eq(dialAttempts.id, ringing!.id));
    expect(lost).toMatchObject({ status: "failed", disposition: "failed" });
    expect(await recordOf(LA)).toMatchObject({
      status: "pending",
      lastDisposition: "failed",
      nextAttemptAt: new Date("2026-07-16T16:30:00Z"),
    });
  });

  it("apologises when the agent's browser never picks up an answered call, counts it abandoned and sets the agent away", async () => {
    now = new Date("2026-07-16T16:31:00Z");
    await pass();
    expect(callTo(LA)).toHaveLength(3);
    const twiml = await answer(callTo(LA)[2]!);
    const [put] = await attemptsOf(["connected"]).then((open) => open.filter((a) => a.phone === LA));
    expect(put, await explain(twiml.body)).toBeDefined();
    expect(twiml.body).toContain(`<Client>agent-${put!.agentId}</Client>`);
    expect(twiml.body).toContain('timeout="5"');
    const action = /action="([^"]+)"/.exec(twiml.body)![1]!.replaceAll("&amp;", "&");
    expect(action).toBe(`${app.config.publicUrl}/webhooks/twilio/outbound/agent-result?attempt=${put!.id}`);

    const missed = await fake.callback(action, {
      AccountSid: fake.accountSid,
      CallSid: callTo(LA)[2]!.sid!,
      DialCallStatus: "no-answer",
    });
    expect(missed.body).toContain("<Say>Sorry, all our agents are busy.");
    const [abandoned] = await app.services.db.select().from(dialAttempts).where(eq(dialAttempts.id, put!.id));
    expect(abandoned).toMatchObject({ status: "abandoned", disposition: "abandoned" });
    expect(abandoned!.note).toMatch(/did not pick up within 5 s \(no-answer\)/);
    expect(await recordOf(LA)).toMatchObject({ status: "pending", lastDisposition: "abandoned" });
    const [away] = await app.services.db.select().from(agentsTable).where(eq(agentsTable.id, put!.agentId!));
    expect(away).toMatchObject({ presence: "away", presenceReason: "Did not pick up a campaign call" });
    // Twilio asking again changes nothing, and a talk that took place needs nothing more.
    expect(
      (await fake.callback(action, { AccountSid: fake.accountSid, DialCallStatus: "no-answer" })).body,
    ).not.toContain("<Say>");
    const [talking] = await attemptsOf(["connected"]);
    const talked = await fake.callback(
      `${app.config.publicUrl}/webhooks/twilio/outbound/agent-result?attempt=${talking!.id}`,
      { AccountSid: fake.accountSid, DialCallStatus: "completed" },
    );
    expect(talked.body).not.toContain("<Say>");
    const [still] = await app.services.db.select().from(dialAttempts).where(eq(dialAttempts.id, talking!.id));
    expect(still!.status).toBe("connected");
  });
});
