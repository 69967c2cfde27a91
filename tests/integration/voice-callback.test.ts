/**
 * Callbacks as an SLA remedy: a caller holding in a queue nobody can serve is offered a callback
 * through the remedies API; the live call is redirected (Twilio's REST API) to the offer, the caller
 * presses 1 and hangs up; the call ends as a callback, not abandoned, and the case keeps its place
 * and goes to the next agent free, who calls the customer back. A caller who declines keeps holding.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseEvents, cases } from "../../db/schema/cases.ts";
import { offers } from "../../db/schema/routing.ts";
import type { TestApp } from "../helpers/build-app.ts";
import { type FakeTwilio, newSid, twilioFixture } from "../helpers/fake-twilio.ts";
import { startTwilioApp, type TwilioTestApp } from "../helpers/twilio-app.ts";

const NUMBER = "+14155550100";

describe("callbacks for waiting callers", () => {
  let fake: FakeTwilio;
  let app: TestApp;
  let caller = 7000;

  let twilio: TwilioTestApp;

  beforeAll(async () => {
    twilio = await startTwilioApp({
      env: { VOICE_WAIT_SECONDS: "600", STATUS_UPDATES: "false" },
      number: NUMBER,
    });
    ({ fake, app } = twilio);
  });
  afterAll(async () => {
    await twilio?.close();
  });

  const hook = (path: string, params: Record<string, string>) => twilio.voiceHook(path, params);
  const callOf = async (sid: string) => (await twilio.voiceInteraction(sid))!;
  const caseOf = async (caseId: string) =>
    (await app.services.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;

  /** A caller holding in the queue, nobody available to take them. */
  const holdingCaller = async () => {
    caller += 1;
    const callSid = newSid("CA");
    const from = `+1628555${caller}`;
    const answer = await hook(
      "",
      twilioFixture("voice-incoming", { CallSid: callSid, From: from, Caller: from }),
    );
    expect(answer.status).toBe(200);
    const call = await callOf(callSid);
    expect(call.metadata).toMatchObject({ phase: "waiting" });
    return { callSid, from, caseId: call.caseId };
  };

  it("offers a holding caller a callback, who keeps their place and is called back by the next agent", async () => {
    const { callSid, from, caseId } = await holdingCaller();

    const listed = await app.admin.get(`/api/cases/${caseId}/remedies`);
    expect(listed.status).toBe(200);
    const remedy = listed.body.items.find((item: { kind: string }) => item.kind === "offer_callback");
    expect(remedy).toMatchObject({ caseId, title: expect.stringContaining("callback") });

    const applied = await app.admin.post("/api/sla/remedies", remedy);
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ kind: "offer_callback", params: { offered: 1 } });

    // The live call hears the offer at once.
    const redirect = await fake.waitForRequest(
      (r) => r.resource === "call-update" && r.pathSid === callSid,
      10_000,
    );
    expect(redirect.params.Twiml).toContain(
      `action="${app.config.publicUrl}/webhooks/twilio/voice/callback"`,
    );
    expect(redirect.params.Twiml).toContain("press 1");

    const chosen = await hook("/callback", twilioFixture("voice-gather", { CallSid: callSid, Digits: "1" }));
    expect(chosen.body).toMatch(/call you back.*<Hangup\/>/);
    // Twilio asking again (a retry) does not take them back into the queue's music.
    const again = await hook("/wait", twilioFixture("voice-incoming", { CallSid: callSid }));
    expect(again.body).toContain("<Hangup/>");

    await hook("/status", twilioFixture("voice-status-completed", { CallSid: callSid, CallDuration: "35" }));
    expect((await callOf(callSid)).metadata).toMatchObject({
      phase: "ended",
      outcome: "callback",
      callback: { number: from },
    });
    // Not abandoned: still in the queue, with the request on its history.
    expect((await caseOf(caseId)).state).toBe("queued");
    const audit = await app.services.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, "callback_requested")));
    expect(audit).toHaveLength(1);

    // The next agent free gets the case, to call back.
    const agent = await app.createAgent({ name: "Cal Back" });
    expect((await agent.api.post("/api/me/presence", { status: "available" })).status).toBe(200);
    await expect
      .poll(
        async () =>
          (
            await app.services.db
              .select({ agentId: offers.agentId })
              .from(offers)
              .where(eq(offers.caseId, caseId))
          ).map((o) => o.agentId),
        { timeout: 15_000 },
      )
      .toContain(agent.id);
    await app.services.router.setPresence({ agentId: agent.id, presence: "offline" });
  });

  it("keeps a caller who declines holding, and refuses a remedy with nobody left on the line", async () => {
    const { callSid, caseId } = await holdingCaller();
    const applied = await app.admin.post("/api/sla/remedies", {
      kind: "offer_callback",
      caseId,
      params: {},
    });
    expect(applied.status).toBe(201);
    const declined = await hook(
      "/callback",
      twilioFixture("voice-gather", { CallSid: callSid, Digits: "2" }),
    );
    expect(declined.body).toContain("<Play");
    expect((await callOf(callSid)).metadata).toMatchObject({ phase: "waiting", callbackOffer: "declined" });

    // Offered once already: a second offer finds nobody to ask, and says so.
    const twice = await app.admin.post("/api/sla/remedies", { kind: "offer_callback", caseId, params: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(/No caller is holding/);

    await hook("/status", twilioFixture("voice-status-completed", { CallSid: callSid, CallDuration: "90" }));
    expect((await callOf(callSid)).metadata).toMatchObject({ outcome: "abandoned" });
  });
});
