/**
 * The security rules as a browser meets them: a page on another origin cannot ride a signed-in
 * admin's cookie with a form or a script, the Content-Security-Policy refuses injected script while
 * the console works under it, the chat widget still embeds on a customer's site, and a visitor who
 * writes too fast is told to wait.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchBrowser,
  SCREENSHOTS,
  signIn,
  signInWithCookie,
  type TestBrowser,
} from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

const WAIT = { timeout: 15_000 };

/** A customer's (or an attacker's) site on another port of the same host: another origin. */
async function startOtherSite(pages: Record<string, string>): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const page = pages[request.url ?? "/"];
    response.writeHead(page ? 200 : 404, { "content-type": "text/html" }).end(page ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("security in a browser", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let other: { url: string; server: Server };

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_CHAT_MESSAGES_PER_MINUTE: "2" } });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    // Same host, another port: the same site (so the browser sends the SameSite=Lax cookie) but
    // another origin, as the review's attack page was.
    const target = app.url;
    other = await startOtherSite({
      "/evil-form": `<!doctype html><title>Win a prize</title>
<form method="post" action="${target}/api/agents" enctype="application/x-www-form-urlencoded">
<input name="email" value="intruder@example.com"><input name="name" value="Intruder">
<input name="password" value="intruder-password-1"><input name="role" value="admin">
</form><script>document.forms[0].submit()</script>`,
      "/evil-fetch": `<!doctype html><title>Nothing to see</title><script>
fetch("${target}/api/agents", { method: "POST", credentials: "include", mode: "no-cors",
  headers: { "content-type": "text/plain" },
  body: JSON.stringify({ email: "sneak@example.com", name: "Sneak", password: "sneak-password-12", role: "admin" }) })
  .finally(() => { document.title = "sent"; });
</script>`,
      "/shop": `<!doctype html><title>Acme Shop</title><h1>Acme Shop</h1>
<script src="${target}/widget.js" async></script>`,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => other?.server.close(resolve));
    await app?.close();
  });

  async function agentEmails(): Promise<string[]> {
    const agents = await app.admin.get("/api/agents");
    return (agents.body.items as { email: string }[]).map((agent) => agent.email);
  }

  it("refuses a cross-origin form post and script riding the admin's cookie", {
    timeout: 120_000,
  }, async () => {
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await signIn(page, app.config.admin.email, app.config.admin.password!);
    await page.getByTestId("agent-name").waitFor(WAIT);

    const refused = page.waitForResponse((response) => response.url().endsWith("/api/agents"));
    await page.goto(`${other.url}/evil-form`);
    expect((await refused).status()).toBe(415);
    await page.getByText("not application/x-www-form-urlencoded", { exact: false }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "security-cross-origin-form.png") });

    await page.goto(`${other.url}/evil-fetch`);
    await page.waitForFunction(() => document.title === "sent", undefined, WAIT);
    const emails = await agentEmails();
    expect(emails).not.toContain("intruder@example.com");
    expect(emails).not.toContain("sneak@example.com");
    await page.close();
  });

  it("runs the console under its policy and refuses script injected into it", {
    timeout: 120_000,
  }, async () => {
    await signInWithCookie(browser.context, app.url, app.admin.token!);
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await page.getByTestId("agent-name").waitFor(WAIT);
    expect(browser.cspViolations).toEqual([]);
    const ran = await page.evaluate(async () => {
      const refused = new Promise((resolve) => document.addEventListener("securitypolicyviolation", resolve));
      const script = document.createElement("script");
      script.textContent = "window.injected = true";
      document.head.append(script);
      await refused;
      return (window as unknown as { injected?: boolean }).injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => browser.cspViolations.length).toBeGreaterThan(0);
    expect(browser.cspViolations[0]).toContain("script-src 'self'");
    // Refused on purpose: not a failure of the product.
    browser.cspViolations.length = 0;
    await page.close();
  });

  it("embeds the chat widget on a customer's site, and tells a visitor who writes too fast to wait", {
    timeout: 120_000,
  }, async () => {
    // Somebody must be there to chat with, or the widget offers "leave a message".
    const agent = await app.createAgent({ name: "Shop Helper" });
    await agent.api.post("/api/me/presence", { status: "available" });
    const page = await browser.context.newPage();
    await page.goto(`${other.url}/shop`);
    await page.locator("[data-testid=sb-chat-bubble]").click();
    await page.getByLabel("Name").fill("Sam Shopper");
    await page.getByRole("button", { name: "Start chat" }).click();
    const input = page.locator("[data-testid=sb-chat-input]");
    for (const text of ["Hello from the shop", "Are you there?", "Hello???"]) {
      await input.fill(text);
      await page.locator("[data-testid=sb-chat-send]").click();
    }
    const mine = page.locator("[data-testid=sb-chat-message][data-from=visitor]");
    await mine
      .filter({ hasText: "Hello from the shop" })
      .and(page.locator("[data-status=sent]"))
      .waitFor(WAIT);
    await mine.filter({ hasText: "Are you there?" }).and(page.locator("[data-status=sent]")).waitFor(WAIT);
    await page.getByText(/try again in \d+ s\. It will be sent then\./).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "security-chat-rate-limited.png") });
    await page.close();
  });
});
