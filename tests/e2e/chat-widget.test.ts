import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signIn, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

describe("agent console and chat widget in a browser", () => {
  let app: TestApp;
  let context: BrowserContext;
  let browser: TestBrowser;

  beforeAll(async () => {
    // A slow machine must not let the offer expire between it appearing and the click.
    app = await startTestApp({ env: { OFFER_TIMEOUT_SECONDS: "120" } });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    context = browser.context;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const visitorMessages = (page: Page, from: "visitor" | "agent") =>
    page.locator(`[data-testid=sb-chat-message][data-from=${from}]`);

  it("carries a chat from the widget to the console and the reply back", { timeout: 120_000 }, async () => {
    const agent = await app.createAgent({ name: "Ana Agent" });

    // The agent signs in through the console and goes available.
    const console = await context.newPage();
    await console.goto(app.url);
    await console.getByRole("button", { name: "Sign in" }).waitFor();
    await console.screenshot({ path: join(SCREENSHOTS, "console-sign-in.png") });
    await signIn(console, agent.email, "agent-password");
    await console.getByTestId("agent-name").filter({ hasText: "Ana Agent" }).waitFor(WAIT);
    await console.locator("label", { hasText: "Available" }).click();
    await console.getByText("Waiting for the next conversation").waitFor(WAIT);
    await console.getByText("Live", { exact: true }).waitFor(WAIT);

    // A visitor opens the widget on the demo page, introduces herself and writes.
    const widget = await context.newPage();
    await widget.goto(`${app.url}/chat-demo`);
    await widget.locator("[data-testid=sb-chat-bubble]").click();
    await widget.getByLabel("Name").waitFor();
    await widget.screenshot({ path: join(SCREENSHOTS, "chat-widget-prechat.png") });
    await widget.getByLabel("Name").fill("Vera Visitor");
    await widget.getByLabel("Email").fill("vera@example.com");
    await widget.getByRole("button", { name: "Start chat" }).click();
    await widget.locator("[data-testid=sb-chat-input]").fill("Hello from the widget");
    await widget.locator("[data-testid=sb-chat-send]").click();
    await visitorMessages(widget, "visitor")
      .filter({ hasText: "Hello from the widget" })
      .and(widget.locator("[data-status=sent]"))
      .waitFor(WAIT);

    // The offer reaches the console; the agent accepts it and the case opens.
    const offer = console.getByTestId("offer-card").filter({ hasText: "Vera Visitor" });
    await offer.waitFor(WAIT);
    expect(await offer.textContent()).toContain("Hello from the widget");
    await console.screenshot({ path: join(SCREENSHOTS, "console-offer.png") });
    await offer.getByRole("button", { name: "Accept" }).click();
    await offer.waitFor({ ...WAIT, state: "detached" });

    const listed = console.getByTestId("case-list-item").filter({ hasText: "Vera Visitor" });
    await listed.waitFor(WAIT);
    await listed.click();
    const caseView = console.getByTestId("case-view");
    await caseView
      .getByTestId("timeline-entry")
      .filter({ hasText: "Hello from the widget" })
      .and(console.locator("[data-direction=inbound]"))
      .waitFor(WAIT);

    // Typing shows on the visitor's side; the reply arrives there and comes back as delivered.
    const replyBox = console.getByRole("textbox", { name: "Reply to Vera Visitor" });
    await replyBox.fill("Hi Vera, Ana here. How can I help?");
    await widget.getByText("Agent is typing…").waitFor(WAIT);
    await console.getByRole("button", { name: "Send reply" }).click();

    const agentReply = visitorMessages(widget, "agent").filter({
      hasText: "Hi Vera, Ana here. How can I help?",
    });
    await agentReply.waitFor(WAIT);
    expect(await agentReply.textContent()).toContain("Ana Agent");

    const sent = caseView
      .getByTestId("timeline-entry")
      .filter({ hasText: "Hi Vera, Ana here. How can I help?" })
      .and(console.locator("[data-direction=outbound]"));
    await sent.getByTestId("delivery-status").filter({ hasText: "Delivered" }).waitFor(WAIT);
    expect(await replyBox.inputValue()).toBe("");
    await console.screenshot({ path: join(SCREENSHOTS, "console-case.png") });
    await widget.screenshot({ path: join(SCREENSHOTS, "chat-widget.png") });

    // A reload resumes the conversation from the stored visitor token, reopened since it is live.
    await widget.reload();
    await visitorMessages(widget, "visitor").filter({ hasText: "Hello from the widget" }).waitFor(WAIT);
    await visitorMessages(widget, "agent")
      .filter({ hasText: "Hi Vera, Ana here. How can I help?" })
      .waitFor(WAIT);
    expect(await widget.locator("[data-testid=sb-chat-message]").count()).toBe(2);
    expect(await widget.locator("[data-testid=sb-chat-bubble]").getAttribute("aria-expanded")).toBe("true");
    await widget.screenshot({ path: join(SCREENSHOTS, "chat-widget-reloaded.png") });

    // The header counts the accepted chat against the agent's chat capacity.
    await console.getByTestId("capacity").getByText("Chat 1/3").waitFor(WAIT);

    // The network drops: the console says so, and an offer made while it was away is not lost.
    await context.setOffline(true);
    app.io.of("/agent").in(`agent:${agent.id}`).disconnectSockets(true);
    await console.getByTestId("connection-banner").waitFor(WAIT);
    await console.screenshot({ path: join(SCREENSHOTS, "console-connection-lost.png") });
    const missed = await newCase(app.services, {
      from: { kind: "phone", address: "+16285556001", name: "Olga Offline" },
      body: "Sent while your console was offline",
    });
    await expect
      .poll(
        async () =>
          (await agent.api.get("/api/me/offers")).body.items.map((o: { caseId: string }) => o.caseId),
        WAIT,
      )
      .toEqual([missed.id]);
    await context.setOffline(false);
    await console.getByTestId("offer-card").filter({ hasText: "Olga Offline" }).waitFor(WAIT);
    await console.getByTestId("connection-banner").waitFor({ ...WAIT, state: "detached" });
    await console.screenshot({ path: join(SCREENSHOTS, "console-offer-after-reconnect.png") });

    // Going away takes a reason, which the server records.
    await console.locator("label", { hasText: "Away" }).click();
    await console.getByTestId("away-reason").click();
    await console.getByRole("option", { name: "Lunch" }).click();
    await expect
      .poll(async () => (await agent.api.get("/api/me")).body, WAIT)
      .toMatchObject({
        presence: "away",
        presenceReason: "Lunch",
      });
  });
});
