/**
 * Two people on one case: the agent sees that a supervisor has the case open and is typing, and is
 * asked before sending a reply when the supervisor answered the customer meanwhile. The supervisor
 * is a real `/agent` socket and API client, as a second console would be.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, inboundSms } from "../helpers/factories.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";

const WAIT = { timeout: 20_000 };

describe("collision on a case", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let supervisorSocket: RecordingSocket | undefined;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    supervisorSocket?.close();
    await browser?.close();
    await app?.close();
  });

  it("shows who else has the case open and is typing, and asks before a reply that crossed theirs", {
    timeout: 120_000,
  }, async () => {
    const agent = await app.createAgent({ name: "Cora Colliding" });
    const supervisor = await app.createAgent({ role: "supervisor", name: "Ben Boss" });
    const stored = await ingest(
      app.services.cases,
      inboundSms({
        from: { kind: "phone", address: "+16285556101", name: "Ivy Impatient" },
        body: "Still waiting…",
      }),
    );
    await assignCase(app.services, stored.case.id, agent.id);

    await signInWithCookie(browser.context, app.url, agent.token);
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/cases/${stored.case.id}`);
    const reply = page.getByRole("textbox", { name: "Reply to Ivy Impatient" });
    await reply.waitFor(WAIT);

    // The supervisor opens the same case, then starts typing.
    supervisorSocket = await connectAgent(app.url, supervisor.token);
    expect(await supervisorSocket.emitWithAck("case.watch", { caseId: stored.case.id })).toEqual({
      ok: true,
    });
    const bar = page.getByTestId("collision-bar");
    await bar.filter({ hasText: "Ben Boss has this case open too." }).waitFor(WAIT);
    supervisorSocket.socket.emit("typing", { caseId: stored.case.id, isTyping: true });
    await bar.filter({ hasText: "Ben Boss is typing a reply…" }).waitFor(WAIT);
    await browser.screenshot(page, "collision-typing.png");

    // The agent writes; the supervisor's reply lands first: sending asks before it goes.
    await reply.fill("Sorry for the wait, I am on it now.");
    const theirs = await supervisor.api.post(`/api/cases/${stored.case.id}/replies`, {
      body: "Hi Ivy, Ben here: your order ships today.",
    });
    expect(theirs.status).toBe(201);
    await page.getByTestId("timeline-entry").filter({ hasText: "your order ships today" }).waitFor(WAIT);
    await bar.filter({ hasText: "Ben Boss has this case open too." }).waitFor(WAIT);
    await page.getByRole("button", { name: "Send reply" }).click();
    const warning = page.getByTestId("replied-meanwhile");
    await warning.waitFor(WAIT);
    expect(await warning.textContent()).toContain("Ben Boss replied to the customer while you were writing");
    await browser.screenshot(page, "collision-replied-meanwhile.png");
    const before = (await agent.api.get(`/api/cases/${stored.case.id}`)).body.interactions.length as number;
    expect(before).toBe(2);
    await warning.getByRole("button", { name: "Send anyway" }).click();
    await page.getByTestId("timeline-entry").filter({ hasText: "I am on it now" }).waitFor(WAIT);
    await warning.waitFor({ ...WAIT, state: "detached" });

    // The supervisor leaves: the bar goes.
    supervisorSocket.close();
    supervisorSocket = undefined;
    await bar.waitFor({ ...WAIT, state: "detached" });
    await page.close();
  });
});
