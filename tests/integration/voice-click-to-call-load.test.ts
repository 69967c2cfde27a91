/**
 * An agent who calls a customer from an SMS case is on a call: while it lasts they are offered
 * nothing else, as with a phone case, and when it ends they get work again.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { offers } from "../../db/schema/routing.ts";
import { loadsFor } from "../../routing/agent-load.ts";
import type { TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";
import {
  BROWSER_CALLING_ENV,
  type FakeTwilio,
  newSid,
  postTwilioWebhook,
  twilioFixture,
} from "../helpers/fake-twilio.ts";
import { routingSettled } from "../helpers/settled.ts";
import { startTwilioApp, type TwilioTestApp } from "../helpers/twilio-app.ts";

const OUR_NUMBER = "+14155550100";

describe("a call placed from another case", () => {
  let fake: FakeTwilio;
  let app: TestApp;

  let twilio: TwilioTestApp;

  beforeAll(async () => {
    twilio = await startTwilioApp({
      env: { ...BROWSER_CALLING_ENV, STATUS_UPDATES: "false", SWEEP_INTERVAL_SECONDS: "1" },
      number: OUR_NUMBER,
    });
    ({ fake, app } = twilio);
  });
  afterAll(async () => {
    await twilio?.close();
  });

  const offersOf = async (caseId: string) =>
    (await app.services.db.select().from(offers).where(eq(offers.caseId, caseId))).map((o) => o.agentId);

  it("occupies the agent until it ends", async () => {
    const customer = "+14155552688";
    const sms = await ingest(app.services.cases, {
      channel: "sms",
      externalId: newSid("SM"),
      from: { kind: "phone", address: customer },
      to: OUR_NUMBER,
      body: "Please call me about my refund",
    });
    const agent = await app.createAgent({ name: "Dial Dora" });
    await assignCase(app.services, sms.case.id, agent.id);
    expect((await agent.api.post("/api/me/presence", { status: "available" })).status).toBe(200);

    // The agent calls the customer from the SMS case, in the browser.
    expect((await agent.api.post(`/api/cases/${sms.case.id}/call`)).status).toBe(201);
    const callSid = newSid("CA");
    const client = `client:agent-${agent.id}`;
    const placed = await postTwilioWebhook(
      app,
      "/webhooks/twilio/voice/outbound",
      twilioFixture("voice-outbound-client", {
        CallSid: callSid,
        From: client,
        Caller: client,
        To: customer,
        caseId: sms.case.id,
        AccountSid: fake.accountSid,
      }),
    );
    expect(placed.status).toBe(200);
    expect((await loadsFor(app.services.db, [agent.id])).get(agent.id)).toMatchObject({ voice: 1, sms: 1 });

    // A chat arrives meanwhile: nobody else is there, and still the agent on the call is not offered it.
    const chat = await ingest(app.services.cases, {
      channel: "chat",
      externalId: `chat-${newSid("")}`,
      from: { kind: "chat", address: `visitor-${newSid("")}` },
      body: "Hello?",
    });
    await routingSettled(app, chat.case.queueId);
    expect(await offersOf(chat.case.id)).toEqual([]);

    await postTwilioWebhook(
      app,
      "/webhooks/twilio/voice/status",
      twilioFixture("voice-status-completed", { CallSid: callSid, CallDuration: "64", Direction: "inbound" }),
    );
    expect((await loadsFor(app.services.db, [agent.id])).get(agent.id)).toMatchObject({ voice: 0, sms: 1 });
    await expect.poll(() => offersOf(chat.case.id), { timeout: 15_000 }).toContain(agent.id);
  });
});
