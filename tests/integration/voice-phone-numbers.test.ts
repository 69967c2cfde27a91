/**
 * The phone numbers admin API, and what an agent gets when Twilio is not configured at all: numbers
 * can be set up before the credentials, there are no Twilio webhooks, and calls say what to set.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phoneNumbers } from "../../db/schema/channels.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { postTwilioWebhook, twilioFixture } from "../helpers/fake-twilio.ts";

describe("phone numbers without Twilio", () => {
  let bare: TestApp;

  beforeAll(async () => {
    bare = await startTestApp({ env: { STATUS_UPDATES: "false" } });
  });
  afterAll(async () => {
    await bare?.close();
  });

  it("says what to configure for calls and has no Twilio webhooks", async () => {
    const token = await bare.admin.get("/api/voice/token");
    expect(token.status).toBe(409);
    expect(token.body.message).toMatch(/TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN/);
    const webhook = await postTwilioWebhook(bare, "/webhooks/twilio/voice", twilioFixture("voice-incoming"));
    expect(webhook.status).toBe(404);
    const call = await bare.admin.post("/api/cases/00000000-0000-4000-8000-000000000000/call");
    expect(call.status).toBe(409);
    expect(call.body.message).toMatch(/TWILIO_ACCOUNT_SID/);
  });

  it("creates, lists, changes and removes numbers, normalised to E.164", async () => {
    const queue = await bare.admin.post("/api/queues", { name: "Phones" });
    const created = await bare.admin.post("/api/phone-numbers", {
      number: "(415) 555-0142",
      name: " Sales line ",
      queueId: queue.body.id,
      greeting: "Welcome to Acme sales.",
      ivr: [{ digit: "1", label: "New orders", queueId: queue.body.id }],
      fallbackNumber: "415 555 0143",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      number: "+14155550142",
      name: "Sales line",
      fallbackNumber: "+14155550143",
      ivr: [{ digit: "1", label: "New orders", queueId: queue.body.id }],
    });
    const listed = await bare.admin.get("/api/phone-numbers");
    expect(listed.body.items.map((n: { number: string }) => n.number)).toContain("+14155550142");
    // The queue takes the number's calls: it cannot be deleted from under it.
    const refused = await bare.admin.request("DELETE", `/api/queues/${queue.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/number \+14155550142/);
    expect(refused.body.details.phoneNumberIds).toEqual([created.body.id]);
    const changed = await bare.admin.request("PATCH", `/api/phone-numbers/${created.body.id}`, {
      greeting: null,
      ivr: [],
    });
    expect(changed.body).toMatchObject({ greeting: null, ivr: [], number: "+14155550142" });
    expect((await bare.admin.request("DELETE", `/api/phone-numbers/${created.body.id}`)).status).toBe(204);
    expect((await bare.admin.get(`/api/phone-numbers/${created.body.id}`)).status).toBe(404);
    expect((await bare.admin.request("DELETE", `/api/queues/${queue.body.id}`)).status).toBe(204);
  });

  it("refuses bad input with a reason and writes nothing", async () => {
    const before = await bare.services.db.select().from(phoneNumbers);
    const missingQueue = "00000000-0000-4000-8000-000000000000";
    const attempts: [unknown, number, RegExp][] = [
      [{ number: "not a number" }, 400, /number: 'not a number' is not a valid phone number/],
      [{ number: "+14155550150", queueId: missingQueue }, 400, /queueId: queue '.*' does not exist/],
      [
        { number: "+14155550150", ivr: [{ digit: "1", label: "Lost", queueId: missingQueue }] },
        400,
        /ivr\[0\]\.queueId: queue/,
      ],
      [
        { number: "+14155550150", ivr: [{ digit: "12", label: "Two keys", queueId: missingQueue }] },
        400,
        /one key/,
      ],
      [{ number: "+14155550150", fallbackNumber: "12" }, 400, /fallbackNumber/],
      [{ name: "No number" }, 400, /number/],
    ];
    for (const [body, status, message] of attempts) {
      const response = await bare.admin.post("/api/phone-numbers", body);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.body.message).toMatch(message);
      expect(response.body.error).toBeTruthy();
    }
    const queue = await bare.admin.post("/api/queues", { name: "Dupes" });
    const twice = { digit: "1", label: "One", queueId: queue.body.id };
    const duplicateDigits = await bare.admin.post("/api/phone-numbers", {
      number: "+14155550151",
      ivr: [twice, twice],
    });
    expect(duplicateDigits.status).toBe(400);
    expect(duplicateDigits.body.message).toMatch(/used by two options/);
    expect(await bare.services.db.select().from(phoneNumbers)).toEqual(before);

    const first = await bare.admin.post("/api/phone-numbers", { number: "+14155550160" });
    expect(first.status).toBe(201);
    const again = await bare.admin.post("/api/phone-numbers", { number: "415-555-0160" });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/\+14155550160 is already set up/);
    const agent = await bare.createAgent();
    expect((await agent.api.get("/api/phone-numbers")).status).toBe(403);
    expect(
      (await bare.admin.request("PATCH", `/api/phone-numbers/${first.body.id}`, { queueId: missingQueue }))
        .status,
    ).toBe(400);
    expect((await bare.admin.get(`/api/phone-numbers/${first.body.id}`)).body.queueId).toBeNull();
  });
});
